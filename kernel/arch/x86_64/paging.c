/* The kernel's page tables, and the paging primitives the core uses to
 * build user address spaces (four levels, SDM Vol. 3A, 5.5).
 *
 *   PML4[256]  -> PDPT -> PDs of 2 MiB pages: the direct map of RAM at
 *                 DIRECT_MAP_BASE + physical (global, NX, supervisor)
 *   PML4[511]  -> PDPT[510] -> PD -> PTs: the kernel image at -2 GiB in
 *                 4 KiB pages, text RX, rodata R, data/bss RW+NX
 *   PML4[257..510]: PDPTs allocated and empty
 *
 * Every upper-half PML4 entry exists from boot on and never changes, so a
 * new address space receives the kernel by copying entries 256..511.  None
 * of those entries has the user bit: the whole upper half is supervisor-
 * only whatever the lower levels say. */
#include "kernel.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)
#define DIRECT_GIBS 16     /* physical address space the direct map covers */
#define IMAGE_PTS 8        /* 16 MiB of kernel image */

typedef word_t table_t[PT_ENTRIES] __attribute__((aligned(4096)));

static table_t kernel_pml4;
static table_t kernel_pdpt[256];        /* one per upper-half PML4 entry */
static table_t direct_pd[DIRECT_GIBS];  /* present only where RAM or devices are */
static table_t image_pd;
static table_t image_pt[IMAGE_PTS];

static word_t pte_nx;          /* PTE_NX when the CPU has NX, else 0 */
static word_t pte_global;      /* PTE_G when the CPU has PGE, else 0 */
paddr_t paging_active_root;
static paddr_t direct_end;

extern char _text_start[], _text_end[], _rodata_end[], _kernel_end[];

void *arch_phys_to_kernel(paddr_t p)
{
	return (void *)(DIRECT_MAP_BASE + p);
}

paddr_t arch_kernel_to_phys(const void *v)
{
	uint64_t a = (uint64_t)v;

	return a >= KERNEL_VMA ? a - KERNEL_VMA : a - DIRECT_MAP_BASE;
}

static paddr_t image_phys(const void *v)
{
	return (uint64_t)v - KERNEL_VMA;
}

/* The direct-map PD for physical GiB g, made present on first use. */
static word_t *direct_pd_for(paddr_t p)
{
	uint64_t g = p / PAGE_1G;

	if (g >= DIRECT_GIBS)
		return NULL;
	kernel_pdpt[0][g] = image_phys(direct_pd[g]) | PTE_P | PTE_W;
	return direct_pd[g];
}

static void map_direct_ram(paddr_t start, paddr_t end)
{
	for (paddr_t p = start & ~(PAGE_2M - 1); p < end; p += PAGE_2M) {
		word_t *pd = direct_pd_for(p);

		if (!pd) {
			kprintf("paging: RAM above %lu GiB left unused\n", (unsigned long)DIRECT_GIBS);
			return;
		}
		pd[(p >> 21) & 511] = p | PTE_P | PTE_W | PTE_PS | pte_global | pte_nx;
		if (p + PAGE_2M > direct_end)
			direct_end = p + PAGE_2M;
	}
}

static void map_image(void)
{
	uint64_t first_pd = ((uint64_t)_text_start >> 21) & 511;

	kernel_pdpt[255][510] = image_phys(image_pd) | PTE_P | PTE_W;
	for (char *v = _text_start; v < _kernel_end; v += KOZO_PAGE_SIZE) {
		uint64_t pdi = ((uint64_t)v >> 21) & 511, pti = ((uint64_t)v >> 12) & 511;

		if (pdi - first_pd >= IMAGE_PTS)
			panic("paging: kernel image larger than %u MiB", PANIC_INT(IMAGE_PTS * 2));
		word_t *pt = image_pt[pdi - first_pd];
		image_pd[pdi] = image_phys(pt) | PTE_P | PTE_W;
		word_t flags = PTE_P | pte_global;
		if (v >= _rodata_end)
			flags |= PTE_W | pte_nx;          /* data, bss */
		else if (v >= _text_end)
			flags |= pte_nx;                  /* rodata */
		pt[pti] = image_phys(v) | flags;
	}
}

void paging_init(const struct boot_region *ram, unsigned count)
{
	pte_nx = cpu_features.nx ? PTE_NX : 0;
	pte_global = cpu_features.pge ? PTE_G : 0;
	for (unsigned i = 0; i < 256; i++)
		kernel_pml4[256 + i] = image_phys(kernel_pdpt[i]) | PTE_P | PTE_W;
	for (unsigned i = 0; i < count; i++)
		map_direct_ram(ram[i].start, ram[i].end);
	map_image();
	paging_activate(image_phys(kernel_pml4));
	kprintf("paging: direct map of %lu MiB, image %lu KiB\n",
		(unsigned long)(direct_end >> 20),
		(unsigned long)((_kernel_end - _text_start) >> 10));
}

paddr_t paging_direct_map_end(void)
{
	return direct_end;
}

/* Device registers get their 2 MiB in the direct map, uncached (PCD|PWT,
 * SDM Vol. 3A, 13.5).  They are never RAM, so they never meet a RAM page. */
void *paging_map_device(paddr_t p)
{
	word_t *pd = direct_pd_for(p);
	paddr_t base = p & ~(PAGE_2M - 1);

	if (!pd)
		panic("paging: device at %p beyond the direct map", PANIC_ADDR(p));
	word_t *e = &pd[(p >> 21) & 511];
	if (*e && (*e & PTE_ADDR) == base && (*e & PTE_PCD))
		return arch_phys_to_kernel(p);
	if (*e)
		panic("paging: device at %p inside RAM", PANIC_ADDR(p));
	*e = base | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | pte_global | pte_nx;
	invlpg((uint64_t)arch_phys_to_kernel(base));
	return arch_phys_to_kernel(p);
}

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
		pte |= pte_nx;
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
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		root[i] = kernel_pml4[i];
}

/* root is being destroyed: never leave it in CR3.  Loading another root
 * flushes its (non-global) translations; ASIDs are the core's names only,
 * CR3 has no tag without PCIDs. */
void arch_vspace_retire(word_t *root, word_t asid)
{
	(void)asid;
	if (arch_kernel_to_phys(root) == paging_active_root)
		paging_activate(image_phys(kernel_pml4));
}

/* Without PCIDs, loading CR3 flushes every non-global entry, so only the
 * active root can have stale entries (SDM Vol. 3A, 5.10.4.1).  INVLPG also
 * drops the paging-structure caches' entries for the address (4.10.4.1). */
void arch_tlb_flush_page(word_t *root, word_t asid, word_t vaddr)
{
	(void)asid;
	if (arch_kernel_to_phys(root) == paging_active_root)
		invlpg(vaddr);
}

/* A table left the active address space: reload CR3, which drops every
 * non-global translation and the paging-structure caches (SDM 4.10.4.1);
 * the kernel's half is global and stays. */
void arch_tlb_flush_asid(word_t *root, word_t asid)
{
	(void)asid;
	if (arch_kernel_to_phys(root) == paging_active_root)
		write_cr3(paging_active_root);
}

unsigned arch_asid_bits(void)
{
	return 16;  /* no hardware tag: the core's ASID space is its own */
}
