/* Page-table entries on the host, in a layout of the host's own (not
 * x86_64's), so a test fails if the core ever assumes a port's bits:
 *
 *   63          52 51                12 11      3  2   1   0
 *  +--------------+--------------------+---------+---+---+---+
 *  |      0       |  physical address  |    0    | X | W | V |
 *  +--------------+--------------------+---------+---+---+---+
 *
 * V valid, W writable, X executable; a table entry is V|W|X.  There is no
 * kernel half to install and no TLB: both are only counted. */
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

void arch_vspace_retire(word_t *root)
{
	(void)root;
	host_machine_active->vspaces_retired++;
}

void arch_tlb_flush_page(word_t *root, word_t vaddr)
{
	struct host_machine *m = host_machine_active;
	m->tlb_flushes++;
	m->last_flush_root = root;
	m->last_flush_vaddr = vaddr;
}
