/* What the files of the x86_64 port share with each other (never with the
 * core: the core sees only kernel/core/arch.h).
 *
 * Virtual memory of the kernel, present in every address space's upper half:
 *
 *   0xffff800000000000  direct map of RAM (+ the APIC pages, uncached)
 *   0xffffffff80000000  kernel image, at -2 GiB + its physical address
 *
 * Physical: the image is loaded at 1 MiB; .boot (32-bit entry, early page
 * tables) first, linked at its physical address, then the rest. */
#ifndef KOZO_X86_H
#define KOZO_X86_H

#include <hw/fw_cfg.h>
#include <hw/uart16550.h>

#include "kernel.h"
#include "cpu.h"
#include "panic.h"

#define KERNEL_VMA 0xffffffff80000000ull
#define DIRECT_MAP_BASE 0xffff800000000000ull

/* Selectors; the order is fixed by SYSCALL/SYSRET (SDM Vol. 2B, SYSRET):
 * STAR[47:32] = kernel CS (SS = +8), STAR[63:48] = base for user, where
 * SYSRET takes CS = base+16, SS = base+8. */
#define SEL_KERNEL_CS 0x08
#define SEL_KERNEL_DS 0x10
#define SEL_USER_BASE 0x18  /* 32-bit user code: unused, keeps the order */
#define SEL_USER_DS (0x20 | 3)
#define SEL_USER_CS (0x28 | 3)
#define SEL_TSS 0x30

/* Interrupt vectors. */
#define VEC_IRQ_BASE 0x20     /* IOAPIC pin n -> 0x20 + n */
#define IOAPIC_MAX_PINS 24
#define VEC_TIMER 0x40        /* local APIC timer */
#define VEC_PIC_BASE 0xe0     /* the disabled 8259s, remapped out of the way */
#define VEC_SPURIOUS 0xff     /* local APIC spurious vector */

/* Stacks, all in the image's bss. */
#define IST_STACK_SIZE 4096
extern uint8_t kernel_stack_top[];

/* Features found by cpu_init(), used by paging and the context code. */
struct cpu_features {
	bool nx, pge, smep, smap, umip, x2apic;
};
extern struct cpu_features cpu_features;

void serial_init(void);
/* Serial 0 without the log ring, for the nested-panic line. */
void serial_console_raw(const char *s);
/* Serial 1 (COM2), the panic channel: nothing else touches it, and no
 * IOPort capability reaches its eight ports (ioport.c). */
#define PANIC_UART_PORT UART16550_COM2
#define PANIC_UART_PORTS UART16550_PORTS
/* QEMU fw_cfg (selector, data; DMA at 0x514): the device secret is there,
 * so no IOPort capability reaches it either (kernel/core/ioport.c). */
#define FW_CFG_PORT_SEL FW_CFG_IO_SEL
#define FW_CFG_PORT_DATA FW_CFG_IO_DATA
void serial_panic_init(void);
void serial_panic_write(const uint8_t *buf, size_t len);

/* Hardware identifiers for panic records, read once at boot (hwid.c,
 * which also has arch_panic_uptime): hwid_init() while the early map
 * covers the BIOS area. */
void hwid_init(void);


void cpu_init(void);          /* features, control registers; first of all */
void syscall_init(void);
void gdt_init(void);
void idt_init(void);
void pic_disable(void);

/* Physical memory the direct map must cover: RAM ranges (exclusive end). */
void paging_init(const struct boot_region *ram, unsigned count);
/* Map the 2 MiB around device registers at p uncached into the direct
 * map (the local APIC, the IOAPIC); returns p's kernel address. */
void *paging_map_device(paddr_t p);
/* Load root into CR3 unless it is there already (inline: every return to
 * user mode asks; paging_active_root is paging.c's). */
extern paddr_t paging_active_root;
static inline void paging_activate(paddr_t root)
{
	if (root != paging_active_root) {
		write_cr3(root);
		paging_active_root = root;
	}
}
/* arch_kernel_to_phys() of an address in the direct map. */
static inline paddr_t direct_map_to_phys(const void *v)
{
	return (paddr_t)((uint64_t)v - DIRECT_MAP_BASE);
}
/* Physical end of the direct map: RAM above it is not given away. */
paddr_t paging_direct_map_end(void);

void lapic_init(void);
void lapic_timer_start(unsigned period_us);
void lapic_eoi(void);
unsigned lapic_id(void);
void ioapic_init(void);
unsigned ioapic_pins(void);

/* Pushed by trap_from_kernel in entry.S, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* Trap dispatch, called from entry.S. */
_Noreturn void trap_user(uint64_t vector, uint64_t error);
void trap_kernel(struct trap_frame *f);

/* context.S: load the user registers from c and enter user mode. */
_Noreturn void context_sysret(const struct arch_context *c);
_Noreturn void context_iret(const struct arch_context *c);
_Noreturn void arch_return_to_user(void);
/* context.c: whose FXSAVE image the FPU holds, and the segment bases in
 * the MSRs (arch_fastpath_exit in context.S reads and updates them too). */
extern struct tcb *fpu_loaded;
extern uint64_t fs_loaded, gs_loaded;

extern struct kernel kernel;

/* panic.S: a kernel-mode exception panics with the fault's registers. */
_Noreturn void panic_fault(const char *fmt, const struct panic_arg *args, size_t nargs,
			   const struct trap_frame *f);
_Noreturn void panic_nested(void);

#endif
