/* Boot: build Init from its ELF image and hand it all remaining memory.
 *
 * Init's root CNode (2^12 slots, 52-bit zero guard, so a capability address
 * is just a slot number):
 *
 *   1..8        fixed capabilities (enum kozo_init_slot)
 *   16..        Frames of Init's image, IPC buffer, BootInfo and stack
 *   then        Init's paging structures
 *   then        one Untyped per free block (power of two, naturally aligned)
 *   then        empty, for Init to use
 */
#include "cnode.h"
#include "kernel.h"
#include "kprintf.h"
#include "lib.h"
#include "objecttype.h"
#include "vspace.h"
#include <kozo/bootinfo.h>
#include <kozo/errors.h>
#include <hw/elf64.h>

#define BOOT_MAX_PAGES 1024
#define UNTYPED_MIN_BITS 12

struct boot_state {
	struct kernel *k;
	struct boot_info_in *in;
	struct slot *cnode;        /* Init's root CNode slots */
	struct cap vspace;         /* Init's VSpace capability */
	word_t next_slot;
	word_t tables_start, tables_end;
};

void boot_add_free(struct boot_info_in *in, paddr_t start, paddr_t end)
{
	start = ALIGN_UP(start, KOZO_PAGE_SIZE);
	end &= ~(paddr_t)(KOZO_PAGE_SIZE - 1);
	if (start >= end)
		return;
	if (in->free_count == ARRAY_SIZE(in->free)) {
		kprintf("mem: free list full, %lx-%lx unused\n", (unsigned long)start,
			(unsigned long)end);
		return;
	}
	in->free[in->free_count++] = (struct boot_region){ start, end };
}

void boot_log_free(const struct boot_info_in *in)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < in->free_count; i++)
		total += in->free[i].end - in->free[i].start;
	kprintf("mem: %u free regions, %lu KiB\n", in->free_count, (unsigned long)(total >> 10));
}

/* Take 2^bits bytes, naturally aligned, from the free regions. */
static void *boot_alloc(struct boot_info_in *in, unsigned bits)
{
	for (unsigned i = 0; i < in->free_count; i++) {
		struct boot_region *r = &in->free[i];
		paddr_t start = ALIGN_UP(r->start, BIT(bits));
		if (start >= r->start && start + BIT(bits) <= r->end) {
			/* Give the gap in front back as its own region when possible. */
			if (start != r->start && in->free_count < ARRAY_SIZE(in->free))
				in->free[in->free_count++] = (struct boot_region){ r->start, start };
			r->start = start + BIT(bits);
			/* object_create wants zeroed memory (Retype's is). */
			return memset(arch_phys_to_kernel(start), 0, BIT(bits));
		}
	}
	return NULL;
}

static struct slot *place(struct boot_state *b, word_t index, struct cap c)
{
	struct slot *s = &b->cnode[index];
	cdt_insert(NULL, s, &c);
	cap_acquire(b->k, &c);
	return s;
}

static int new_object(struct boot_state *b, unsigned type, unsigned size_bits, struct slot **out)
{
	void *mem = boot_alloc(b->in, kozo_object_size_bits(type, size_bits));
	if (!mem)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	if (b->next_slot >= BIT(KOZO_INIT_CNODE_RADIX))
		return KOZO_ERR_RANGE;
	*out = place(b, b->next_slot++, object_create(b->k, type, size_bits, mem));
	return KOZO_OK;
}

/* Make sure the tables down to level 3 exist for vaddr. */
static int ensure_tables(struct boot_state *b, word_t vaddr)
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	for (unsigned i = 0; i < 3; i++) {
		struct slot *s;
		int err = new_object(b, types[i], 0, &s);
		if (err)
			return err;
		if (vspace_table_present(&b->vspace, vaddr, types[i])) {
			/* Already there: give the unused table back. */
			slot_discard(b->k, s);
			b->next_slot--;
			continue;
		}
		err = vspace_map_table(b->k, &s->cap, &b->vspace, vaddr);
		if (err)
			return err;
	}
	return KOZO_OK;
}

static int map_new_frame(struct boot_state *b, word_t vaddr, unsigned rights, bool exec,
			 struct slot **out)
{
	int err = ensure_tables(b, vaddr);
	if (err)
		return err;
	err = new_object(b, KOZO_OBJ_FRAME, 0, out);
	if (err)
		return err;
	return vspace_map_frame(b->k, &(*out)->cap, &b->vspace, vaddr, rights, exec);
}

struct page_plan { word_t vaddr; unsigned flags; struct slot *frame; };

static unsigned elf_machine_for(word_t arch_id)
{
	return arch_id == 1 ? EM_X86_64 : arch_id == 2 ? EM_AARCH64 : 0;
}

/* Map every page of Init's loadable segments and copy their bytes. */
static int load_elf(struct boot_state *b, word_t *entry)
{
	const uint8_t *img = b->in->init_elf;
	size_t size = b->in->init_elf_size;
	const struct elf64_ehdr *eh = (const void *)img;
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) != 0 ||
	    eh->machine != elf_machine_for(b->in->arch_id) || eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > size || (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
		return KOZO_ERR_INVALID_ARGUMENT;
	const struct elf64_phdr *ph = (const void *)(img + eh->phoff);

	static struct page_plan pages[BOOT_MAX_PAGES];
	unsigned npages = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		if (ph[i].filesz > ph[i].memsz || ph[i].offset > size || size - ph[i].offset < ph[i].filesz ||
		    ph[i].vaddr >= ARCH_USER_TOP || ARCH_USER_TOP - ph[i].vaddr < ph[i].memsz)
			return KOZO_ERR_INVALID_ARGUMENT;
		word_t first = ph[i].vaddr & ~MASK(KOZO_PAGE_SIZE_BITS);
		for (word_t va = first; va < ph[i].vaddr + ph[i].memsz; va += KOZO_PAGE_SIZE) {
			unsigned p = 0;
			while (p < npages && pages[p].vaddr != va)
				p++;
			if (p == npages) {
				if (npages == BOOT_MAX_PAGES)
					return KOZO_ERR_RANGE;
				pages[npages++] = (struct page_plan){ va, 0, NULL };
			}
			pages[p].flags |= ph[i].flags;
		}
	}
	for (unsigned p = 0; p < npages; p++) {
		unsigned rights = KOZO_RIGHT_READ | (pages[p].flags & PF_W ? KOZO_RIGHT_WRITE : 0);
		int err = map_new_frame(b, pages[p].vaddr, rights, pages[p].flags & PF_X, &pages[p].frame);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		for (word_t off = 0; off < ph[i].filesz;) {
			word_t va = ph[i].vaddr + off;
			word_t page = va & ~MASK(KOZO_PAGE_SIZE_BITS);
			unsigned p = 0;
			while (pages[p].vaddr != page)
				p++;
			word_t in_page = va - page;
			word_t n = KOZO_PAGE_SIZE - in_page;
			if (n > ph[i].filesz - off)
				n = ph[i].filesz - off;
			memcpy((uint8_t *)pages[p].frame->cap.obj + in_page, img + ph[i].offset + off, n);
			off += n;
		}
	}
	*entry = eh->entry;
	return KOZO_OK;
}

/* Cut [start, end) into naturally aligned power-of-two blocks, largest
 * first, one Untyped capability each. */
static void give_region(struct boot_state *b, struct kozo_bootinfo *bi, paddr_t start,
			paddr_t end, bool device)
{
	paddr_t cur = ALIGN_UP(start, BIT(UNTYPED_MIN_BITS));
	while (cur < end && end - cur >= BIT(UNTYPED_MIN_BITS)) {
		unsigned bits = UNTYPED_MIN_BITS;
		while (bits < KOZO_UNTYPED_MAX_BITS && IS_ALIGNED(cur, bits + 1) &&
		       end - cur >= BIT(bits + 1))
			bits++;
		if (bi->untyped_count == KOZO_BOOTINFO_MAX_UNTYPED ||
		    b->next_slot >= BIT(KOZO_INIT_CNODE_RADIX)) {
			kprintf("kozo: boot: untyped list full, 0x%lx bytes unused\n",
				(unsigned long)(end - cur));
			break;
		}
		struct kozo_untyped_desc *d = &bi->untyped_list[bi->untyped_count++];
		d->paddr = cur;
		d->size_bits = (uint8_t)bits;
		d->is_device = device;
		place(b, b->next_slot++, untyped_cap(arch_phys_to_kernel(cur), bits, device));
		cur += BIT(bits);
	}
}

/* Every remaining free region, then the device regions, as Untyped. */
static void give_untyped(struct boot_state *b, struct kozo_bootinfo *bi)
{
	bi->untyped.start = b->next_slot;
	for (unsigned i = 0; i < b->in->free_count; i++)
		give_region(b, bi, b->in->free[i].start, b->in->free[i].end, false);
	for (unsigned i = 0; i < b->in->device_count && i < ARRAY_SIZE(b->in->device); i++)
		give_region(b, bi, b->in->device[i].start, b->in->device[i].end, true);
	bi->untyped.end = b->next_slot;
}

static void copy_string(char *dst, size_t size, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < size; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

int kernel_boot(struct kernel *k, struct boot_info_in *in)
{
	struct boot_state b = { .k = k, .in = in, .next_slot = KOZO_CAP_FIRST_FREE_FIXED };
	int err;

	/* Root CNode, with a guard so that cptr n at depth 64 is slot n. */
	void *cnode_mem = boot_alloc(in, KOZO_INIT_CNODE_RADIX + KOZO_SLOT_SIZE_BITS);
	if (!cnode_mem)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	struct cap cnode_cap = object_create(k, KOZO_OBJ_CNODE, KOZO_INIT_CNODE_RADIX, cnode_mem);
	cap_cnode_set_guard(&cnode_cap, KOZO_INIT_CNODE_RADIX, 64 - KOZO_INIT_CNODE_RADIX, 0);
	b.cnode = cnode_slots(&cnode_cap);
	struct slot *cnode_slot = place(&b, KOZO_CAP_INIT_CNODE, cnode_cap);

	void *vs_mem = boot_alloc(in, KOZO_PAGE_SIZE_BITS);
	void *tcb_mem = boot_alloc(in, KOZO_TCB_SIZE_BITS);
	if (!vs_mem || !tcb_mem)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	struct slot *vs_slot = place(&b, KOZO_CAP_INIT_VSPACE, object_create(k, KOZO_OBJ_VSPACE, 0, vs_mem));
	b.vspace = vs_slot->cap;
	struct slot *tcb_slot = place(&b, KOZO_CAP_INIT_TCB, object_create(k, KOZO_OBJ_TCB, 0, tcb_mem));
	struct tcb *t = (struct tcb *)tcb_slot->cap.obj;

	place(&b, KOZO_CAP_IRQ_CONTROL, (struct cap){ .type = KOZO_OBJ_IRQ_CONTROL, .rights = KOZO_RIGHTS_ALL });
	if (in->has_ioports)
		place(&b, KOZO_CAP_IOPORT, cap_ioport_make(0, 0xffff));
	place(&b, KOZO_CAP_DEBUG, (struct cap){ .type = KOZO_OBJ_DEBUG, .rights = KOZO_RIGHTS_ALL });

	/* Image, then IPC buffer, BootInfo and stack frames. */
	word_t entry;
	word_t frames_start = b.next_slot;
	err = load_elf(&b, &entry);
	if (err)
		return err;
	struct slot *ipc, *bif, *stack;
	err = map_new_frame(&b, KOZO_INIT_IPC_BUFFER_ADDR, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false, &ipc);
	if (!err)
		err = map_new_frame(&b, KOZO_BOOTINFO_ADDR, KOZO_RIGHT_READ, false, &bif);
	for (unsigned i = 1; !err && i <= KOZO_INIT_STACK_PAGES; i++)
		err = map_new_frame(&b, KOZO_INIT_STACK_TOP - i * KOZO_PAGE_SIZE,
				    KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false, &stack);
	if (err)
		return err;
	word_t frames_end = b.next_slot;

	/* The IPC buffer and BootInfo frames also get fixed slots (copies). */
	struct cap c = cap_copy(&ipc->cap);
	cdt_insert(ipc, &b.cnode[KOZO_CAP_INIT_IPC_BUFFER], &c);
	c = cap_copy(&bif->cap);
	cdt_insert(bif, &b.cnode[KOZO_CAP_BOOTINFO_FRAME], &c);

	/* Init's thread: highest priority, its own CSpace/VSpace/IPC buffer. */
	struct kozo_ipc_buffer *ipcbuf = (struct kozo_ipc_buffer *)ipc->cap.obj;
	ipcbuf->user_data = KOZO_INIT_IPC_BUFFER_ADDR;
	c = cnode_slot->cap;
	cdt_insert(cnode_slot, &t->slots[TCB_CSPACE], &c);
	cap_acquire(k, &c);
	c = vs_slot->cap;
	cdt_insert(vs_slot, &t->slots[TCB_VSPACE], &c);
	cap_acquire(k, &c);
	c = cap_copy(&ipc->cap);
	cdt_insert(ipc, &t->slots[TCB_IPC_FRAME], &c);
	t->ipc_buffer_addr = KOZO_INIT_IPC_BUFFER_ADDR;
	t->ipc_buffer_offset = 0;
	t->priority = SCHED_PRIORITIES - 1;
	t->ctx.regs[ARCH_REG_IP] = entry;
	t->ctx.regs[ARCH_REG_SP] = KOZO_INIT_STACK_TOP;
	t->ctx.regs[ARCH_REG_ARG0] = KOZO_BOOTINFO_ADDR;
	t->ctx.regs[ARCH_REG_TLS] = KOZO_INIT_IPC_BUFFER_ADDR;

	/* BootInfo, with everything left over as Untyped. */
	struct kozo_bootinfo *bi = (struct kozo_bootinfo *)bif->cap.obj;
	bi->magic = KOZO_BOOTINFO_MAGIC;
	bi->version = KOZO_BOOTINFO_VERSION;
	bi->arch = in->arch_id;
	bi->cnode_radix = KOZO_INIT_CNODE_RADIX;
	bi->ipc_buffer = KOZO_INIT_IPC_BUFFER_ADDR;
	bi->image_frames = (struct kozo_slot_range){ frames_start, frames_end };
	bi->image_tables = (struct kozo_slot_range){ frames_end, frames_end };
	bi->serial_irq = in->serial_irq;
	bi->serial_paddr = in->serial_paddr;
	bi->kernel_phys_start = in->kernel_start;
	bi->kernel_phys_end = in->kernel_end;
	copy_string(bi->build_id, sizeof(bi->build_id), k->build_id);
	give_untyped(&b, bi);
	bi->empty = (struct kozo_slot_range){ b.next_slot, BIT(KOZO_INIT_CNODE_RADIX) };

	uint64_t total = 0;
	for (uint64_t i = 0; i < bi->untyped_count; i++)
		if (!bi->untyped_list[i].is_device)
			total += BIT(bi->untyped_list[i].size_bits);
	kprintf("kozo: Init: %lu image/stack frames, %lu untyped blocks (%lu KiB), first free slot %lu\n",
		(unsigned long)(frames_end - frames_start), (unsigned long)bi->untyped_count,
		(unsigned long)(total >> 10), (unsigned long)bi->empty.start);
	tcb_resume(k, t);
	kernel_schedule(k);
	return KOZO_OK;
}
