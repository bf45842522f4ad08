/* panic(): a broken kernel invariant.  Prints "KOZO PANIC: <message>" on
 * serial 0 and stops with interrupts masked.  The crash-telemetry issue
 * turns this into the 4 KiB record of <kozo/panic_record.h> on serial 1
 * (COM2), built from the message, the registers and console_log_get(). */
#include <stdarg.h>
#include "kernel.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

static bool panicking;

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	__asm__ volatile("cli");
	if (panicking)              /* a panic while panicking: just stop */
		cpu_halt_forever();
	panicking = true;
	kprintf("KOZO PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	cpu_halt_forever();
}
