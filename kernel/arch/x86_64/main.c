/* kmain: from the Multiboot hand-off to the first user thread.  boot.S
 * calls it in long mode on the early page tables, which map the first GiB
 * at -2 GiB; the Multiboot structures QEMU builds lie there. */
#include "kernel.h"
#include <kozo/invocation.h>
#include "kprintf.h"
#include "lib.h"
#include "cpu.h"
#include "x86.h"

#define MB_BOOT_MAGIC 0x2badb002u
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS (1u << 3)
#define MB_INFO_MMAP (1u << 6)
#define MB_MMAP_AVAILABLE 1

#define LOW_MEMORY_END 0x100000ull      /* BIOS, VGA, real-mode structures */
#define EARLY_MAP_END (1ull << 30)      /* what boot.S maps */
#define TIMER_PERIOD_US (KOZO_TIMER_TICK_NS / 1000)  /* the ABI's */

/* Multiboot 1 information (Multiboot spec 0.6.96, 3.3). */
struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb_mmap_entry {
	uint32_t size;   /* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end, string, reserved;
};

#define MAX_REGIONS 64

struct kernel kernel;

/* The Init ELF, embedded by init_elf.S. */
extern const uint8_t init_elf_start[], init_elf_end[];
extern char _kernel_phys_start[], _bss_end_phys[];

static struct boot_region ram[MAX_REGIONS];
static unsigned ram_count;
static struct boot_region reserved[8];
static unsigned reserved_count;
static struct boot_info_in boot_in;

static const void *early_phys(uint64_t p, uint64_t len)
{
	if (p + len > EARLY_MAP_END || p + len < p)
		panic("multiboot: structure at %p beyond the early map", PANIC_ADDR(p));
	return (const void *)(KERNEL_VMA + p);
}

static void reserve(uint64_t start, uint64_t end)
{
	if (reserved_count == ARRAY_SIZE(reserved))
		panic("boot: too many reserved ranges");
	reserved[reserved_count++] = (struct boot_region){ start, end };
}

/* Copy what we need out of the Multiboot information, and note where it
 * lies so that memory is not given away while we read it. */
static void multiboot_parse(uint32_t magic, uint32_t mbi_phys)
{
	if (magic != MB_BOOT_MAGIC)
		panic("boot: not started by a Multiboot loader (magic %x)", PANIC_INT(magic));
	const struct mb_info *mbi = early_phys(mbi_phys, sizeof(*mbi));
	if (!(mbi->flags & MB_INFO_MMAP))
		panic("boot: the loader gave no memory map");
	reserve(mbi_phys, mbi_phys + sizeof(*mbi));
	reserve(mbi->mmap_addr, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	if (mbi->flags & MB_INFO_CMDLINE) {
		const char *cmdline = early_phys(mbi->cmdline, 1);
		reserve(mbi->cmdline, mbi->cmdline + strlen(cmdline) + 1);
	}
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count)
		reserve(mbi->mods_addr, mbi->mods_addr + mbi->mods_count * sizeof(struct mb_module));

	const uint8_t *p = early_phys(mbi->mmap_addr, mbi->mmap_length);
	const uint8_t *end = p + mbi->mmap_length;
	while (p + sizeof(struct mb_mmap_entry) <= end) {
		const struct mb_mmap_entry *e = (const void *)p;

		kprintf("mem: %016lx-%016lx type %u\n", (unsigned long)e->addr,
			(unsigned long)(e->addr + e->len), e->type);
		if (e->type == MB_MMAP_AVAILABLE && e->len && ram_count < MAX_REGIONS)
			ram[ram_count++] = (struct boot_region){ e->addr, e->addr + e->len };
		p += e->size + sizeof(e->size);
	}
}

/* Add [start, end) minus every reserved range to the free list. */
static void add_free(paddr_t start, paddr_t end, unsigned from)
{
	for (unsigned i = from; i < reserved_count; i++) {
		paddr_t rs = reserved[i].start, re = reserved[i].end;

		if (re <= start || rs >= end)
			continue;
		if (rs > start)
			add_free(start, rs, i + 1);
		if (re < end)
			add_free(re, end, i + 1);
		return;
	}
	boot_add_free(&boot_in, start, end);
}

static void free_memory(void)
{
	paddr_t limit = paging_direct_map_end();

	reserve(0, LOW_MEMORY_END);
	reserve((paddr_t)_kernel_phys_start, (paddr_t)_bss_end_phys);
	for (unsigned i = 0; i < ram_count; i++) {
		paddr_t end = ram[i].end < limit ? ram[i].end : limit;
		if (ram[i].start < end)
			add_free(ram[i].start, end, 0);
	}
	boot_log_free(&boot_in);
}

_Noreturn void kmain(uint32_t magic, uint32_t mbi_phys);

_Noreturn void kmain(uint32_t magic, uint32_t mbi_phys)
{
	serial_init();
	kprintf("\nKOZO %s x86_64\n", KOZO_BUILD_ID);
	cpu_init();
	multiboot_parse(magic, mbi_phys);
	hwid_init();                /* reads the BIOS area through the early map */
	paging_init(ram, ram_count);
	gdt_init();
	idt_init();
	syscall_init();
	pic_disable();
	lapic_init();
	ioapic_init();
	free_memory();

	boot_in.init_elf = init_elf_start;
	boot_in.init_elf_size = (size_t)(init_elf_end - init_elf_start);
	boot_in.arch_id = ARCH_ID;
	boot_in.serial_irq = 4;     /* COM1 on the ISA bus, IOAPIC pin 4 */
	boot_in.has_ioports = true;
	boot_in.kernel_start = (paddr_t)_kernel_phys_start;
	boot_in.kernel_end = (paddr_t)_bss_end_phys;
	kernel.build_id = KOZO_BUILD_ID;
	int err = kernel_boot(&kernel, &boot_in);
	if (err)
		panic("boot: kernel_boot failed with error %d", PANIC_INT(err));

	lapic_timer_start(TIMER_PERIOD_US);
	arch_return_to_user();
}
