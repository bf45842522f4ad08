/* panic(): a broken kernel invariant.  Prints "KOZO PANIC: <message>" on
 * serial 0 and stops with interrupts masked.  The crash-telemetry issue
 * turns this into the 4 KiB record of <kozo/panic_record.h> on serial 1
 * (the secure PL011, serial_crash_write()), built from the message,
 * panic_capture_regs() and console_log_get(). */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

static bool panicking;

size_t panic_capture_regs(uint64_t regs[34])
{
	__asm__ volatile("stp x0, x1, [%0, #0]\n\tstp x2, x3, [%0, #16]\n\t"
			 "stp x4, x5, [%0, #32]\n\tstp x6, x7, [%0, #48]\n\t"
			 "stp x8, x9, [%0, #64]\n\tstp x10, x11, [%0, #80]\n\t"
			 "stp x12, x13, [%0, #96]\n\tstp x14, x15, [%0, #112]\n\t"
			 "stp x16, x17, [%0, #128]\n\tstp x18, x19, [%0, #144]\n\t"
			 "stp x20, x21, [%0, #160]\n\tstp x22, x23, [%0, #176]\n\t"
			 "stp x24, x25, [%0, #192]\n\tstp x26, x27, [%0, #208]\n\t"
			 "stp x28, x29, [%0, #224]\n\tmov x9, sp\n\tstp x30, x9, [%0, #240]"
			 ::"r"(regs) : "x9", "memory");
	regs[32] = read_sysreg(elr_el1);
	regs[33] = read_sysreg(spsr_el1);
	return 34;
}

/* Until the record path of kernel/arch/x86_64/panic.S is ported: the
 * message on serial 0, then halt. */
_Noreturn void panic_typed(const char *fmt, const struct panic_arg *args, size_t nargs)
{
	static char msg[256];

	irq_disable();
	if (panicking)              /* a panic while panicking: just stop */
		cpu_halt_forever();
	panicking = true;
	panic_render(msg, sizeof(msg), fmt, args, nargs);
	kprintf("KOZO PANIC: %s\n", msg);
	cpu_halt_forever();
}

/* A kernel-mode data abort: a load from the unmapped page below the
 * kernel's half of the address space. */
_Noreturn void arch_debug_fault(void)
{
	(void)*(volatile uint64_t *)0xffff000000000000ull;
	panic("arch_debug_fault: the load did not fault");
}
