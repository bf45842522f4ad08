/* What the hardware ports (x86_64, aarch64) share, in kernel/arch/common:
 * the console log ring kept for panic records, the idle loop, arch_halt and
 * panic_nested.  (The host port models a machine and has its own.)  Each
 * hardware port provides, in its cpu.h, cpu_idle_once() (wait for one
 * interrupt, interrupts enabled only while waiting) and cpu_halt_forever(),
 * and serial_console_raw() (serial 0, no log, safe in a nested panic). */
#ifndef KOZO_ARCH_COMMON_PORT_H
#define KOZO_ARCH_COMMON_PORT_H

#include "types.h"

struct kernel;

/* Keep c in the console log ring (arch_console_log reads it back).  The
 * port's arch_console_putc calls this for every byte it writes. */
void console_log_put(char c);

/* Wait, interrupts enabled, until some interrupt makes a thread runnable:
 * the interrupt is taken on this stack and runs the core to completion
 * before the loop looks at k->current again. */
void port_idle(struct kernel *k);

void serial_console_raw(const char *s);

/* The port's panic.S calls this on its own stack when a panic happens
 * inside the panic path: one line on serial 0, then halt. */
_Noreturn void panic_nested(void);

#endif
