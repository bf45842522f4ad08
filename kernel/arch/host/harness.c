/* The host harness: boot a kernel from a synthetic Init, drive syscalls. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "cnode.h"
#include "fastpath.h"

#define HOST_BUILD_ID "0.0.0-host"

/* Init's image: an ELF with a text page and a data page followed by bss,
 * enough to exercise the loader the way the real Init does. */
struct init_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[16];
	uint8_t data[HOST_INIT_DATA_FILESZ];
};

static void init_image_build(struct init_image *img)
{
	memset(img, 0, sizeof(*img));
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_type = ET_EXEC;
	img->eh.e_machine = EM_X86_64;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_entry = HOST_INIT_ENTRY;
	img->eh.e_phoff = offsetof(struct init_image, ph);
	img->eh.e_ehsize = sizeof(Elf64_Ehdr);
	img->eh.e_phentsize = sizeof(Elf64_Phdr);
	img->eh.e_phnum = 2;
	img->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				   .p_offset = offsetof(struct init_image, text),
				   .p_vaddr = HOST_INIT_ENTRY, .p_filesz = sizeof(img->text),
				   .p_memsz = sizeof(img->text), .p_align = KOZO_PAGE_SIZE };
	img->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
				   .p_offset = offsetof(struct init_image, data),
				   .p_vaddr = HOST_INIT_DATA, .p_filesz = HOST_INIT_DATA_FILESZ,
				   .p_memsz = HOST_INIT_DATA_MEMSZ, .p_align = KOZO_PAGE_SIZE };
	memset(img->text, 0x90, sizeof(img->text));   /* nops */
	memcpy(img->data, HOST_INIT_DATA_BYTES, HOST_INIT_DATA_FILESZ);
}

typedef void kernel_entry_fn(struct host_kernel *h, void *arg);

/* Run one kernel entry with the panic trap armed; false if it panicked. */
static bool run_trapped(struct host_kernel *h, kernel_entry_fn *fn, void *arg)
{
	jmp_buf trap;
	host_machine_active = h->m;
	h->m->panic_trap = &trap;
	if (setjmp(trap)) {
		h->dead = true;
		return false;
	}
	fn(h, arg);
	h->m->panic_trap = NULL;
	return true;
}

struct boot_call {
	struct boot_info_in in;
	int err;
};

static void enter_boot(struct host_kernel *h, void *arg)
{
	struct boot_call *c = arg;
	c->err = kernel_boot(h->k, &c->in);
}

static void enter_syscall(struct host_kernel *h, void *arg)
{
	(void)arg;
	if (h->general_only || !fastpath_syscall(h->k))
		kernel_syscall(h->k);
}

struct fault_call {
	unsigned kind;
	word_t addr, code, vector;
	bool exec;
};

static void enter_fault(struct host_kernel *h, void *arg)
{
	struct fault_call *c = arg;
	kernel_user_fault(h->k, c->kind, c->addr, c->code, c->vector, c->exec);
}

static void enter_irq(struct host_kernel *h, void *arg)
{
	kernel_irq(h->k, *(word_t *)arg);
}

static void enter_timer(struct host_kernel *h, void *arg)
{
	(void)arg;
	kernel_timer_tick(h->k);
}

/* Fill in what Init would learn from its BootInfo. */
static void learn_init(struct host_kernel *h)
{
	h->init = h->k->current;
	h->cnode = cnode_slots(tcb_cspace(h->init));
	h->bootinfo = (struct kozo_bootinfo *)h->cnode[KOZO_CAP_BOOTINFO_FRAME].cap.obj;
	const struct kozo_bootinfo *bi = h->bootinfo;
	unsigned best = 0;
	for (word_t s = bi->untyped.start; s < bi->untyped.end; s++) {
		unsigned bits = cap_untyped_size_bits(&h->cnode[s].cap);
		if (bits > best) {
			best = bits;
			h->untyped = s;
		}
	}
	h->next_free = bi->empty.start;
}

word_t host_kernel_boot(struct host_kernel *h, const struct host_boot_options *opt)
{
	size_t ram = opt && opt->ram_size ? opt->ram_size : HOST_DEFAULT_RAM;
	struct init_image img;
	struct boot_call call = { .err = KOZO_OK };

	memset(h, 0, sizeof(*h));
	h->m = host_machine_create(ram);
	h->k = calloc(1, sizeof(*h->k));
	if (!h->m || !h->k) {
		h->dead = true;
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	}
	h->m->console_echo = opt && opt->console_echo;
	h->k->build_id = HOST_BUILD_ID;
	init_image_build(&img);
	size_t device = opt ? opt->device_bytes : 0;
	if (device > ram / 2 || (device & (device - 1))) {
		h->dead = true;
		return KOZO_ERR_INVALID_ARGUMENT;
	}
	call.in.free[0] = (struct boot_region){ HOST_RAM_BASE, HOST_RAM_BASE + ram - device };
	call.in.free_count = 1;
	if (device) {
		call.in.device[0] = (struct boot_region){ HOST_RAM_BASE + ram - device, HOST_RAM_BASE + ram };
		call.in.device_count = 1;
	}
	call.in.init_elf = opt && opt->init_elf ? opt->init_elf : (const uint8_t *)&img;
	call.in.init_elf_size = opt && opt->init_elf ? opt->init_elf_size : sizeof(img);
	call.in.arch_id = ARCH_ID;
	call.in.serial_irq = 4;
	call.in.has_ioports = true;
	if (!run_trapped(h, enter_boot, &call))
		return HOST_PANICKED;
	if (call.err) {
		h->dead = true;
		return (word_t)call.err;
	}
	learn_init(h);
	return KOZO_OK;
}

void host_kernel_free(struct host_kernel *h)
{
	host_machine_destroy(h->m);
	free(h->k);
	memset(h, 0, sizeof(*h));
}

word_t host_syscall(struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
		    word_t info, const word_t *mr, struct host_regs *out)
{
	static const unsigned mr_reg[KOZO_FASTPATH_MRS] = { ARCH_REG_MR0, ARCH_REG_MR1,
							    ARCH_REG_MR2, ARCH_REG_MR3 };
	if (h->dead || !t || t->state != THREAD_RUNNABLE)
		return HOST_NOT_RUNNABLE;
	word_t *r = t->ctx.regs;
	r[ARCH_REG_SYSNO] = sysno;
	r[ARCH_REG_CAP] = cptr;
	r[ARCH_REG_INFO] = info;
	for (unsigned i = 0; i < KOZO_FASTPATH_MRS; i++)
		r[mr_reg[i]] = mr ? mr[i] : 0;
	h->k->current = t;
	/* The thread's IP stands for the instruction after its SYSCALL (the
	 * host has no instructions); a preempted call (the kernel counts
	 * it) rewinds it by the SYSCALL's two bytes, which the CPU would
	 * execute again: the harness undoes that, and the caller (or the
	 * loop, with on_preempt) repeats the call.  (A stop in the drain
	 * after a finished call counts too, but rewinds nothing.) */
	word_t ip = r[ARCH_REG_IP];
	for (;;) {
		uint64_t stops = h->k->stats.preemptions;
		if (!run_trapped(h, enter_syscall, NULL))
			return HOST_PANICKED;
		if (h->k->stats.preemptions == stops || r[ARCH_REG_IP] != ip - 2)
			break;
		r[ARCH_REG_IP] = ip;
		if (!h->on_preempt)
			return HOST_PREEMPTED;
		h->on_preempt(h);
		if (h->dead || t->state != THREAD_RUNNABLE)
			return HOST_NOT_RUNNABLE;
		h->k->current = t;
	}
	if (out) {
		out->error = r[ARCH_REG_SYSNO];
		out->badge = r[ARCH_REG_CAP];
		out->info = r[ARCH_REG_INFO];
		for (unsigned i = 0; i < KOZO_FASTPATH_MRS; i++)
			out->mr[i] = r[mr_reg[i]];
	}
	return r[ARCH_REG_SYSNO];
}

word_t host_fault(struct host_kernel *h, struct tcb *t, unsigned kind, word_t addr,
		  word_t code, word_t vector, bool exec)
{
	struct fault_call c = { kind, addr, code, vector, exec };
	if (h->dead || !t || t->state != THREAD_RUNNABLE)
		return HOST_NOT_RUNNABLE;
	h->k->current = t;
	return run_trapped(h, enter_fault, &c) ? KOZO_OK : HOST_PANICKED;
}

bool host_irq(struct host_kernel *h, word_t irq)
{
	if (h->dead)
		return false;
	host_machine_active = h->m;
	arch_irq_mask(irq);
	return run_trapped(h, enter_irq, &irq);
}

bool host_timer_tick(struct host_kernel *h)
{
	if (h->dead)
		return false;
	return run_trapped(h, enter_timer, NULL);
}

word_t host_send_msg(struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
		     const struct host_msg *msg, struct host_regs *out)
{
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	unsigned len = msg->len < KOZO_MSG_MAX_LENGTH ? msg->len : KOZO_MSG_MAX_LENGTH;
	unsigned extra = msg->extra_caps < KOZO_MSG_MAX_EXTRA_CAPS ? msg->extra_caps
								   : KOZO_MSG_MAX_EXTRA_CAPS;
	if (!b && (len > KOZO_FASTPATH_MRS || extra > 0))
		return HOST_NO_BUFFER;
	word_t regs_mr[KOZO_FASTPATH_MRS] = { 0 };
	for (unsigned i = 0; i < len; i++) {
		if (i < KOZO_FASTPATH_MRS)
			regs_mr[i] = msg->mr[i];
		else
			b->msg[i] = msg->mr[i];
	}
	for (unsigned i = 0; i < extra; i++)
		b->caps_or_badges[i] = msg->caps[i];
	return host_syscall(h, t, sysno, cptr, kozo_msginfo(msg->label, 0, extra, len), regs_mr, out);
}

void host_read_msg(const struct tcb *t, struct host_msg *msg)
{
	word_t info = t->ctx.regs[ARCH_REG_INFO];
	const struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	msg->label = kozo_msginfo_label(info);
	msg->len = kozo_msginfo_length(info);
	if (msg->len > KOZO_MSG_MAX_LENGTH)
		msg->len = KOZO_MSG_MAX_LENGTH;
	for (unsigned i = 0; i < msg->len; i++)
		msg->mr[i] = tcb_get_mr(t, i);
	msg->extra_caps = kozo_msginfo_extra_caps(info);
	for (unsigned i = 0; i < KOZO_MSG_MAX_EXTRA_CAPS; i++)
		msg->caps[i] = b && i < msg->extra_caps ? b->caps_or_badges[i] : 0;
}

word_t host_invoke(struct host_kernel *h, struct tcb *t, word_t cptr, word_t label,
		   const word_t *mr, unsigned len, const word_t *caps, unsigned ncaps,
		   word_t *reply, unsigned reply_max)
{
	struct host_msg msg = { .label = label, .len = len, .extra_caps = ncaps };
	for (unsigned i = 0; i < len && i < KOZO_MSG_MAX_LENGTH; i++)
		msg.mr[i] = mr[i];
	for (unsigned i = 0; i < ncaps && i < KOZO_MSG_MAX_EXTRA_CAPS; i++)
		msg.caps[i] = caps[i];
	word_t err = host_send_msg(h, t, KOZO_SYS_CALL, cptr, &msg, NULL);
	if (err == KOZO_OK && reply) {
		unsigned n = kozo_msginfo_length(t->ctx.regs[ARCH_REG_INFO]);
		for (unsigned i = 0; i < n && i < reply_max; i++)
			reply[i] = tcb_get_mr(t, i);
	}
	return err;
}

word_t host_slot_alloc(struct host_kernel *h, unsigned count)
{
	word_t end = h->bootinfo->empty.end;
	if (count == 0 || h->next_free > end || end - h->next_free < count)
		return 0;
	word_t first = h->next_free;
	h->next_free += count;
	return first;
}

word_t host_retype(struct host_kernel *h, word_t ut, unsigned type, unsigned size_bits,
		   word_t slot, unsigned count)
{
	const word_t mr[6] = { type, size_bits, 0, 0, slot, count };
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	return host_invoke(h, h->init, ut, KOZO_UNTYPED_RETYPE, mr, 6, caps, 1, NULL, 0);
}

word_t host_spawn(struct host_kernel *h, unsigned prio, word_t *tcb_slot, struct tcb **out)
{
	word_t slot = host_slot_alloc(h, 2);
	word_t err;
	if (!slot)
		return KOZO_ERR_RANGE;
	err = host_retype(h, h->untyped, KOZO_OBJ_TCB, 0, slot, 1);
	if (!err)
		err = host_retype(h, h->untyped, KOZO_OBJ_FRAME, 0, slot + 1, 1);
	const word_t mr[3] = { 0, prio, 0 };
	const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, slot + 1 };
	if (!err)
		err = host_invoke(h, h->init, slot, KOZO_TCB_CONFIGURE, mr, 3, caps, 3, NULL, 0);
	if (!err)
		err = host_invoke(h, h->init, slot, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0);
	if (err)
		return err;
	if (tcb_slot)
		*tcb_slot = slot;
	if (out)
		*out = host_object(h, slot);
	return KOZO_OK;
}

void *host_object(const struct host_kernel *h, word_t cptr)
{
	if (cptr == 0 || cptr >= BIT(KOZO_INIT_CNODE_RADIX) || slot_empty(&h->cnode[cptr]))
		return NULL;
	return (void *)h->cnode[cptr].cap.obj;
}
