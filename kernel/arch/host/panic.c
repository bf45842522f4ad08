/* panic() on the host: a broken kernel invariant.  The message is kept in
 * the machine; with a trap armed (the harness arms one around every kernel
 * entry) panic longjmps back so a test can report it as a failure, else
 * the process aborts, which ASan and libFuzzer report as a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "machine.h"
#include "kprintf.h"
#include "arch.h"

_Noreturn void panic(const char *fmt, ...)
{
	struct host_machine *m = host_machine_active;
	char local[HOST_PANIC_MSG_SIZE];
	char *msg = m ? m->panic_msg : local;
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, HOST_PANIC_MSG_SIZE, fmt, ap);
	va_end(ap);
	if (m) {
		m->panics++;
		if (m->panic_trap) {
			jmp_buf *trap = m->panic_trap;
			m->panic_trap = NULL;   /* a panic while unwinding aborts */
			longjmp(*trap, 1);
		}
	}
	fprintf(stderr, "KOZO PANIC: %s\n", msg);
	abort();
}
