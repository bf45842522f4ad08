/* What the files of the aarch64 port share with each other (never with the
 * core: the core sees only kernel/core/arch.h).
 *
 * Exception levels: QEMU virt with secure=on starts the ELF at EL3; boot.S
 * drops to Secure EL1, where the kernel stays (no EL3 code remains in use).
 * User space runs at Secure EL0.  docs/AARCH64.md explains why.
 *
 * Virtual memory of the kernel (TTBR1_EL1, the upper 256 TiB):
 *
 *   0xffff000000000000 + p   direct map of physical address p: RAM in
 *                            2 MiB blocks, the image in 4 KiB pages with
 *                            its own permissions, device registers
 *                            (GIC, UARTs) as Device-nGnRE blocks
 *
 * The image is linked inside the direct map (at 0xffff000040200000), so one
 * offset converts either way.  User space has TTBR0_EL1, tagged by ASID. */
#ifndef KOZO_AARCH64_H
#define KOZO_AARCH64_H

#include "kernel.h"

#define DIRECT_MAP_BASE 0xffff000000000000ull

/* QEMU virt (hw/arm/virt.c memory map, checked against its device tree). */
#define VIRT_GICD 0x08000000ull
#define VIRT_GICR 0x080a0000ull
#define VIRT_UART0 0x09000000ull        /* PL011, serial 0, SPI 1 */
#define VIRT_UART0_SPI 1
#define VIRT_SECURE_UART 0x09040000ull  /* PL011, serial 1 (secure=on) */
#define VIRT_SECURE_UART_SPI 8
#define VIRT_RAM_BASE 0x40000000ull

/* Interrupt IDs of the GIC (GICv3 spec, 2.2): SPI n is INTID 32 + n, and
 * the core's IRQ numbers are SPI numbers.  The EL1 virtual timer is PPI 11. */
#define INTID_SPI_BASE 32
#define INTID_VTIMER 27
#define INTID_SPURIOUS 1020

extern uint8_t kernel_stack_top[];
extern struct kernel kernel;

void serial_init(void);
/* Serial 0 without the log ring, for the nested-panic line. */
void serial_console_raw(const char *s);
/* Serial 1, the secure PL011: the panic channel.  Only the panic path
 * touches it: serial_panic_init() sets it up, serial_panic_write() writes
 * n bytes by polling. */
void serial_panic_init(void);
void serial_panic_write(const uint8_t *buf, size_t n);

/* Hardware identifiers for panic records, read once at boot (hwid.c,
 * which also has arch_panic_uptime): hwid_init() while the device tree is
 * still the kernel's. */
void hwid_init(paddr_t dtb);


/* Does a flattened device tree start at physical address dtb? */
bool fdt_valid(paddr_t dtb);

/* The RAM the device tree describes; returns the number of ranges. */
unsigned fdt_memory(paddr_t dtb, struct boot_region *ram, unsigned max);
/* The root node's string property name, copied into buf (NUL-terminated)
 * if it is present, fits and is printable ASCII; else false. */
bool fdt_root_string(paddr_t dtb, const char *name, char *buf, size_t size);

/* Build the kernel's tables for the direct map of RAM (and the devices)
 * and switch TTBR1_EL1 to them. */
void paging_init(const struct boot_region *ram, unsigned count);
/* Physical end of the direct map: RAM above it is not given away. */
paddr_t paging_direct_map_end(void);
/* Is p in RAM (as opposed to device registers)? */
bool paging_is_ram(paddr_t p);
/* Load a user address space (root table, ASID) into TTBR0_EL1. */
void paging_activate(paddr_t root, uint64_t asid);
/* What TTBR0_EL1 holds (paging.c; context.S's fast-path exit updates it). */
extern uint64_t active_ttbr0;

void gic_init(void);
/* Acknowledge and dispatch one pending interrupt (timer or SPI). */
void gic_handle(void);
void timer_start(unsigned period_us);
void timer_rearm(void);

/* An exception taken from EL1, as entry.S's save_frame stores it. */
struct trap_frame {
	uint64_t x[31];
	uint64_t sp, elr, spsr, esr, far;
};

/* Trap dispatch, called from entry.S. */
_Noreturn void trap_el0_sync(void);
_Noreturn void trap_el0_irq(void);
void trap_el1_irq(void);
_Noreturn void trap_el1_sync(struct trap_frame *f);

/* context.S: load the user registers from c and return to EL0. */
_Noreturn void context_eret(const struct arch_context *c);
/* context.S: save / load the FP/SIMD registers (V0-V31, FPSR, FPCR). */
void fpu_save(uint64_t *area);
void fpu_load(const uint64_t *area);
/* An EL0 FP/SIMD instruction trapped: give the thread its registers. */
void fpu_trap(struct kernel *k);
_Noreturn void arch_return_to_user(void);

/* panic.S: panic() for an exception from EL1, with its registers. */
_Noreturn void panic_fault(const char *fmt, const struct panic_arg *args, size_t nargs,
			   const struct trap_frame *f);
_Noreturn void panic_nested(void);

#endif
