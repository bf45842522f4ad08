/* Page-table entries in the x86_64 format, so the host port builds the
 * same tables the real one does; nothing walks them but the core.  There
 * is no kernel half to install and no TLB: both are only counted. */
#include "machine.h"
#include "kernel.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

word_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR) | PTE_P | PTE_W | PTE_U;
}

word_t arch_pte_page(paddr_t frame, unsigned rights, bool executable)
{
	word_t pte = (frame & PTE_ADDR) | PTE_P | PTE_U;
	if (rights & KOZO_RIGHT_WRITE)
		pte |= PTE_W;
	if (!executable)
		pte |= PTE_NX;
	return pte;
}

bool arch_pte_present(word_t pte)
{
	return pte & PTE_P;
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
