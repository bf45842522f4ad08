/* The kernel's translation tables (TTBR1_EL1), and the descriptor formats
 * the core uses to build user address spaces (TTBR0_EL1, 4 KiB granule,
 * four levels; Arm ARM D5.3).
 *
 *   kernel_l0[0] -> kernel_l1 -> direct_l2[g] per GiB of physical memory:
 *                   2 MiB blocks of RAM (normal, RW, never executable),
 *                   device blocks (GIC, UARTs: Device-nGnRE), and for the
 *                   kernel image 4 KiB pages (image_l3): text RX, rodata R,
 *                   data/bss RW, the rest of those 2 MiB RW like RAM.
 *
 * No kernel descriptor has AP[1] (EL0 access) and all have UXN, so EL0
 * can neither touch nor execute the upper half.  User descriptors are
 * non-global (nG) and tagged by the ASID in TTBR0_EL1: switching address
 * spaces needs no TLB flush. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

#define PTE_VALID (1ull << 0)
#define PTE_TABLE (1ull << 1)      /* table (levels 0-2) or page (level 3) */
#define PTE_ATTR(i) ((word_t)(i) << 2)
#define PTE_AP_EL0 (1ull << 6)     /* AP[1]: EL0 may access */
#define PTE_AP_RO (1ull << 7)      /* AP[2]: read-only */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_NG (1ull << 11)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)
#define PTE_ADDR 0x0000fffffffff000ull

/* MAIR_EL1 indexes (boot.S). */
#define ATTR_DEVICE_NGNRNE 0
#define ATTR_NORMAL 1
#define ATTR_DEVICE 2

#define NORMAL (PTE_VALID | PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF)
#define DEVICE (PTE_VALID | PTE_ATTR(ATTR_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)
#define KERNEL_XN (PTE_PXN | PTE_UXN)

#define PAGE_2M (1ull << 21)
#define PAGE_1G (1ull << 30)
#define DIRECT_GIBS 8       /* physical address space the direct map covers */
#define IMAGE_PTS 4         /* 8 MiB of kernel image */
#define MAX_RAM 16

typedef word_t table_t[PT_ENTRIES] __attribute__((aligned(4096)));

static table_t kernel_l0;
static table_t kernel_l1;
static table_t direct_l2[DIRECT_GIBS];
static table_t image_l3[IMAGE_PTS];
static table_t empty_l0;            /* TTBR0 while no thread runs */

static struct boot_region ram[MAX_RAM];
static unsigned ram_count;
static paddr_t direct_end;
uint64_t active_ttbr0;  /* context.S reads and writes it too */

extern char _kernel_start[], _text_start[], _text_end[], _rodata_end[], _kernel_end[];

void *arch_phys_to_kernel(paddr_t p)
{
	return (void *)(DIRECT_MAP_BASE + p);
}

paddr_t arch_kernel_to_phys(const void *v)
{
	return (uint64_t)v - DIRECT_MAP_BASE;
}

bool paging_is_ram(paddr_t p)
{
	for (unsigned i = 0; i < ram_count; i++)
		if (p >= ram[i].start && p < ram[i].end)
			return true;
	return false;
}

/* The level-2 table for physical GiB g, made present on first use. */
static word_t *direct_l2_for(paddr_t p)
{
	uint64_t g = p / PAGE_1G;

	if (g >= DIRECT_GIBS)
		return NULL;
	kernel_l1[g] = arch_kernel_to_phys(direct_l2[g]) | PTE_VALID | PTE_TABLE;
	return direct_l2[g];
}

static void map_block(paddr_t p, word_t attrs)
{
	word_t *l2 = direct_l2_for(p);

	if (!l2) {
		kprintf("paging: %lx beyond the direct map, left unmapped\n", (unsigned long)p);
		return;
	}
	l2[(p >> 21) & 511] = (p & ~(PAGE_2M - 1)) | attrs;
}

/* The image's 2 MiB blocks in pages: its sections with their rights, the
 * rest of each block as RAM. */
static void map_image(void)
{
	paddr_t first = arch_kernel_to_phys(_kernel_start) & ~(PAGE_2M - 1);
	paddr_t end = ALIGN_UP(arch_kernel_to_phys(_kernel_end), PAGE_2M);

	if ((end - first) / PAGE_2M > IMAGE_PTS)
		panic("paging: kernel image larger than %u MiB", PANIC_INT(IMAGE_PTS * 2));
	for (paddr_t p = first; p < end; p += KOZO_PAGE_SIZE) {
		word_t *l3 = image_l3[(p - first) / PAGE_2M];
		char *v = arch_phys_to_kernel(p);
		word_t flags = NORMAL | KERNEL_XN;

		if (v >= _text_start && v < _text_end)
			flags = NORMAL | PTE_AP_RO | PTE_UXN;
		else if (v >= _text_end && v < _rodata_end)
			flags = NORMAL | PTE_AP_RO | KERNEL_XN;
		l3[(p >> 12) & 511] = p | flags | PTE_TABLE;
		if ((p & (PAGE_2M - 1)) == 0)
			direct_l2_for(p)[(p >> 21) & 511] = arch_kernel_to_phys(l3) | PTE_VALID | PTE_TABLE;
	}
}

void paging_init(const struct boot_region *r, unsigned count)
{
	for (unsigned i = 0; i < count && ram_count < MAX_RAM; i++)
		ram[ram_count++] = r[i];
	kernel_l0[0] = arch_kernel_to_phys(kernel_l1) | PTE_VALID | PTE_TABLE;
	for (unsigned i = 0; i < ram_count; i++) {
		for (paddr_t p = ram[i].start & ~(PAGE_2M - 1); p < ram[i].end; p += PAGE_2M) {
			if (p / PAGE_1G >= DIRECT_GIBS)
				break;
			map_block(p, NORMAL | KERNEL_XN);
			if (p + PAGE_2M > direct_end)
				direct_end = p + PAGE_2M;
		}
	}
	map_image();
	map_block(VIRT_GICD, DEVICE);      /* GICD and GICR (one CPU) */
	map_block(VIRT_UART0, DEVICE);     /* both PL011s */

	dsb_ishst();
	write_sysreg(ttbr1_el1, arch_kernel_to_phys(kernel_l0));
	write_sysreg(ttbr0_el1, arch_kernel_to_phys(empty_l0));
	isb();
	__asm__ volatile("tlbi vmalle1is\n\tdsb ish\n\tisb" ::: "memory");
	active_ttbr0 = arch_kernel_to_phys(empty_l0);
	kprintf("paging: direct map of %lu MiB, image %lu KiB\n",
		(unsigned long)((direct_end - VIRT_RAM_BASE) >> 20),
		(unsigned long)((_kernel_end - _text_start) >> 10));
}

paddr_t paging_direct_map_end(void)
{
	return direct_end;
}

void paging_activate(paddr_t root, uint64_t asid)
{
	uint64_t ttbr0 = root | (asid << 48);

	/* New descriptors must be visible to the table walker. */
	dsb_ishst();
	if (ttbr0 != active_ttbr0) {
		write_sysreg(ttbr0_el1, ttbr0);
		isb();
		active_ttbr0 = ttbr0;
	}
}

word_t arch_pte_table(paddr_t table)
{
	return (table & PTE_ADDR) | PTE_VALID | PTE_TABLE;
}

/* Clean the data cache and invalidate the instruction cache for a frame
 * about to become executable (its bytes were written through the direct
 * map).  Cache lines are at least 16 bytes; CTR_EL0 gives the real sizes. */
static void sync_icache(paddr_t frame)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t dline = 4ull << ((ctr >> 16) & 0xf);
	uintptr_t v = (uintptr_t)arch_phys_to_kernel(frame);

	for (uintptr_t a = v; a < v + KOZO_PAGE_SIZE; a += dline)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

/* Frames outside RAM are device registers (from a device Untyped):
 * Device-nGnRE and never executable. */
word_t arch_pte_page(paddr_t frame, unsigned rights, bool executable)
{
	word_t pte = (frame & PTE_ADDR) | PTE_VALID | PTE_TABLE | PTE_AF | PTE_NG | PTE_AP_EL0 |
		     PTE_PXN;

	if (!(rights & KOZO_RIGHT_WRITE))
		pte |= PTE_AP_RO;
	if (!paging_is_ram(frame))
		return pte | PTE_ATTR(ATTR_DEVICE) | PTE_UXN;
	pte |= PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER;
	if (executable)
		sync_icache(frame);
	else
		pte |= PTE_UXN;
	return pte;
}

bool arch_pte_present(word_t pte)
{
	return pte & PTE_VALID;
}

paddr_t arch_pte_addr(word_t pte)
{
	return pte & PTE_ADDR;
}

/* The kernel lives in TTBR1: a user root holds nothing of it. */
void arch_vspace_init(word_t *root)
{
	(void)root;
}

/* root is being destroyed: never leave it in TTBR0, and forget what the
 * TLB holds for its ASID, which a new address space may get next. */
void arch_vspace_retire(word_t *root, word_t asid)
{
	if ((active_ttbr0 & PTE_ADDR) == arch_kernel_to_phys(root)) {
		write_sysreg(ttbr0_el1, arch_kernel_to_phys(empty_l0));
		isb();
		active_ttbr0 = arch_kernel_to_phys(empty_l0);
	}
	arch_tlb_flush_asid(root, asid);
}

/* The page in that ASID (TLBI VAE1IS: Arm ARM D8.13; the operand's bits
 * 63:48 are the ASID, 43:0 the page number).  With 8-bit ASIDs the upper 8
 * bits are ignored, and the core hands out none above 255. */
void arch_tlb_flush_page(word_t *root, word_t asid, word_t vaddr)
{
	(void)root;
	__asm__ volatile("dsb ishst\n\ttlbi vae1is, %0\n\tdsb ish\n\tisb"
			 ::"r"((asid << 48) | ((vaddr >> 12) & 0xfffffffffffull)) : "memory");
}

/* Every translation tagged with that ASID (TLBI ASIDE1IS), including the
 * walk caches' entries for its tables. */
void arch_tlb_flush_asid(word_t *root, word_t asid)
{
	(void)root;
	__asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
			 ::"r"(asid << 48) : "memory");
}

/* ID_AA64MMFR0_EL1.ASIDBits (bits 7:4): 0b0010 for 16 bits, else 8.  boot.S
 * sets TCR_EL1.AS from the same field, so the two agree. */
unsigned arch_asid_bits(void)
{
	return ((read_sysreg(id_aa64mmfr0_el1) >> 4) & 0xf) == 2 ? 16 : 8;
}
