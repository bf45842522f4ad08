/* panic_typed() on the host: a broken kernel invariant.  The message is
 * rendered into the machine (panic_render, as a console shows it); with a
 * trap armed (the harness arms one around every kernel entry) panic
 * longjmps back so a test can report it as a failure, else the process
 * aborts, which ASan and libFuzzer report as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include "machine.h"
#include "arch.h"

_Noreturn void panic_typed(const char *fmt, const struct panic_arg *args, size_t nargs)
{
	struct host_machine *m = host_machine_active;
	char local[HOST_PANIC_MSG_SIZE];
	char *msg = m ? m->panic_msg : local;

	panic_render(msg, HOST_PANIC_MSG_SIZE, fmt, args, nargs);
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

/* The real ports take a kernel-mode page fault, which panics through their
 * exception path; the host has no such path, so it panics directly. */
_Noreturn void arch_debug_fault(void)
{
	panic("kernel fault: deliberate fault through the debug capability");
}

/* The host never takes the port panic path (panic_typed above reports
 * directly), so panic_report() and these never run; they complete the
 * contract with an empty record. */
void arch_panic_state(const struct trap_frame *f, struct panic_report *rep,
		      struct panic_walk *walk, uint64_t *pc, uint64_t *fp)
{
	(void)f;
	(void)rep;
	*walk = (struct panic_walk){ 0 };
	*pc = *fp = 0;
}

uint64_t arch_panic_uptime(uint64_t *hz)
{
	*hz = 0;
	return 0;
}

uint64_t arch_panic_write(const uint8_t *rec, size_t len, const char **counter)
{
	(void)rec;
	(void)len;
	*counter = "";
	return 0;
}

_Noreturn void arch_halt(void)
{
	abort();
}
