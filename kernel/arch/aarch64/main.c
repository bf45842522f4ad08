/* kmain: from boot.S to the first user thread.  boot.S calls it at Secure
 * EL1 in the higher half, on early tables that map the first 4 GiB of
 * physical memory; dtb is what the loader left in x0. */
#include "kernel.h"
#include <kozo/invocation.h>
#include "kprintf.h"
#include "lib.h"
#include "aarch64.h"
#include "cpu.h"
#include <hw/pl031.h>

#define MAX_REGIONS 16
#define TIMER_PERIOD_US (KOZO_TIMER_TICK_NS / 1000)  /* the ABI's */
#define PAGE_2M (1ull << 21)
#define UART_FRAME_BITS 12

/* PMUSERENR_EL0.EN, PMCR_EL0.E|C|LC, PMCNTENSET_EL0.C (Arm ARM D13.3). */
#define PMUSERENR_EN 1u
#define PMCR_E_C_LC ((1u << 0) | (1u << 2) | (1u << 6))
#define PMCNTEN_CYCLES (1u << 31)

struct kernel kernel;

/* The Init ELF, embedded by init_elf.S; the image's bounds, kernel.ld. */
extern const uint8_t init_elf_start[], init_elf_end[];
extern char _kernel_start[], _kernel_end[];

static struct boot_region ram[MAX_REGIONS];
static unsigned ram_count;
static struct boot_info_in boot_in;

/* QEMU puts the DTB at the start of RAM for an ELF that is not loaded
 * there, and passes 0 in x0: take x0 if it names a tree, else RAM's base.
 * Returns the tree's address. */
static paddr_t memory_from_dtb(paddr_t x0)
{
	paddr_t dtb = fdt_valid(x0) ? x0 : VIRT_RAM_BASE;

	if (!fdt_valid(dtb))
		panic("boot: no device tree at %p or %p", PANIC_ADDR(x0), PANIC_ADDR(dtb));
	ram_count = fdt_memory(dtb, ram, MAX_REGIONS);
	if (!ram_count)
		panic("boot: the device tree at %p describes no RAM", PANIC_ADDR(dtb));
	for (unsigned i = 0; i < ram_count; i++)
		kprintf("mem: %016lx-%016lx RAM (device tree at %lx)\n", (unsigned long)ram[i].start,
			(unsigned long)ram[i].end, (unsigned long)dtb);
	return dtb;
}

/* Cycle counter readable at EL0 (cycles_arch.h); under -icount it counts
 * instructions. */
static void pmu_init(void)
{
	write_sysreg(pmcr_el0, PMCR_E_C_LC);
	write_sysreg(pmccfiltr_el0, 0);            /* count at EL0 and EL1 */
	write_sysreg(pmcntenset_el0, PMCNTEN_CYCLES);
	write_sysreg(pmuserenr_el0, PMUSERENR_EN);
	isb();
}

/* All RAM the direct map covers except the image.  The DTB (at RAM's
 * base) is read by now and may be given away. */
static void free_memory(void)
{
	paddr_t limit = paging_direct_map_end();
	paddr_t ks = arch_kernel_to_phys(_kernel_start), ke = arch_kernel_to_phys(_kernel_end);

	for (unsigned i = 0; i < ram_count; i++) {
		paddr_t s = ram[i].start, e = ram[i].end < limit ? ram[i].end : limit;
		if (ks < e && ke > s) {
			boot_add_free(&boot_in, s, ks);
			boot_add_free(&boot_in, ke, e);
		} else {
			boot_add_free(&boot_in, s, e);
		}
	}
	boot_log_free(&boot_in);
}

_Noreturn void kmain(paddr_t dtb, uint64_t entry_el);

_Noreturn void kmain(paddr_t dtb, uint64_t entry_el)
{
	extern char vectors[];

	write_sysreg(vbar_el1, vectors);
	isb();
	serial_init();
	kprintf("\nKOZO %s aarch64\n", KOZO_BUILD_ID);
	kprintf("cpu: entered at EL%lu, kernel at %sEL1\n", (unsigned long)entry_el,
		entry_el == 3 ? "Secure " : "");
	dtb = memory_from_dtb(dtb);
	hwid_init(dtb);             /* before the tree's RAM becomes Untyped */
	paging_init(ram, ram_count);
	gic_init();
	pmu_init();
	free_memory();

	boot_in.init_elf = init_elf_start;
	boot_in.init_elf_size = (size_t)(init_elf_end - init_elf_start);
	boot_in.arch_id = ARCH_ID;
	boot_in.serial_irq = VIRT_UART0_SPI;
	boot_in.has_ioports = false;
	boot_in.serial_paddr = VIRT_UART0;
	boot_in.device[0] = (struct boot_region){ VIRT_UART0, VIRT_UART0 + (1u << UART_FRAME_BITS) };
	/* The PL031 RTC's page: Init reads the time there for the Linux server. */
	boot_in.device[1] = (struct boot_region){ PL031_VIRT_BASE, PL031_VIRT_BASE + KOZO_PAGE_SIZE };
	boot_in.device_count = 2;
	boot_in.kernel_start = arch_kernel_to_phys(_kernel_start);
	boot_in.kernel_end = arch_kernel_to_phys(_kernel_end);
	kernel.build_id = KOZO_BUILD_ID;
	int err = kernel_boot(&kernel, &boot_in);
	if (err)
		panic("boot: kernel_boot failed with error %d", PANIC_INT(err));

	timer_start(TIMER_PERIOD_US);
	arch_return_to_user();
}
