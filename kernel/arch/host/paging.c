/* Page-table entries on the host, in a layout of the host's own (not
 * x86_64's), so a test fails if the core ever assumes a port's bits:
 *
 *   63          52 51                12 11      3  2   1   0
 *  +--------------+--------------------+---------+---+---+---+
 *  |      0       |  physical address  |    0    | X | W | V |
 *  +--------------+--------------------+---------+---+---+---+
 *
 * V valid, W writable, X executable; a table entry is V|W|X.  There is no
 * kernel half to install.  The TLB is a model (machine.h): host_tlb_fill
 * caches what a walk finds, and only the flushes the core asks for drop
 * entries, so a missing flush leaves a stale translation the invariant
 * walker sees. */
#include "machine.h"
#include "kernel.h"

#define PTE_VALID (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_EXEC (1ull << 2)
#define PTE_ADDR 0x000ffffffffff000ull

word_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR) | PTE_VALID | PTE_WRITE | PTE_EXEC;
}

word_t arch_pte_page(paddr_t frame, unsigned rights, bool executable)
{
	return (frame & PTE_ADDR) | PTE_VALID | (rights & KOZO_RIGHT_WRITE ? PTE_WRITE : 0) |
	       (executable ? PTE_EXEC : 0);
}

bool arch_pte_present(word_t pte)
{
	return pte & PTE_VALID;
}

paddr_t arch_pte_addr(word_t pte)
{
	return pte & PTE_ADDR;
}

void arch_vspace_init(word_t *root)
{
	(void)root;
	host_machine_active->vspaces_initialized++;
}

static void tlb_drop(struct host_machine *m, word_t asid, bool one, word_t vaddr)
{
	for (unsigned i = 0; i < HOST_TLB_ENTRIES; i++) {
		struct host_tlb_entry *e = &m->tlb[i];
		if (e->valid && e->asid == asid && (!one || e->vaddr == (vaddr & ~0xfffull)))
			e->valid = false;
	}
}

void arch_vspace_retire(word_t *root, word_t asid)
{
	(void)root;
	host_machine_active->vspaces_retired++;
	tlb_drop(host_machine_active, asid, false, 0);
}

void arch_tlb_flush_page(word_t *root, word_t asid, word_t vaddr)
{
	struct host_machine *m = host_machine_active;
	m->tlb_flushes++;
	m->last_flush_root = root;
	m->last_flush_vaddr = vaddr;
	tlb_drop(m, asid, true, vaddr);
}

void arch_tlb_flush_asid(word_t *root, word_t asid)
{
	struct host_machine *m = host_machine_active;
	(void)root;
	m->tlb_asid_flushes++;
	tlb_drop(m, asid, false, 0);
}

unsigned arch_asid_bits(void)
{
	return HOST_ASID_BITS;
}

bool host_tlb_fill(word_t *root, word_t asid, word_t vaddr)
{
	struct host_machine *m = host_machine_active;
	if (!m || !root || vaddr >= ARCH_USER_TOP)
		return false;
	word_t *table = root, e = 0;
	for (unsigned level = 0; level < VSPACE_LEVELS; level++) {
		unsigned shift = KOZO_PAGE_SIZE_BITS + 9 * (VSPACE_LEVELS - 1 - level);
		e = table[(vaddr >> shift) & (PT_ENTRIES - 1)];
		if (!(e & PTE_VALID) || !host_phys_in_ram(e & PTE_ADDR, KOZO_PAGE_SIZE))
			return false;
		if (level + 1 < VSPACE_LEVELS)
			table = arch_phys_to_kernel(e & PTE_ADDR);
	}
	struct host_tlb_entry *t = &m->tlb[m->tlb_next++ % HOST_TLB_ENTRIES];
	*t = (struct host_tlb_entry){ .valid = true, .asid = asid, .vaddr = vaddr & ~0xfffull,
				      .frame = e & PTE_ADDR, .write = (e & PTE_WRITE) != 0 };
	return true;
}
