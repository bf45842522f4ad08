/* Serial 0 on the host: captured for tests, optionally echoed. */
#include <stdio.h>
#include "machine.h"
#include "arch.h"

void arch_console_putc(char c)
{
	struct host_machine *m = host_machine_active;
	if (!m) {
		fputc(c, stderr);
		return;
	}
	m->console_total++;
	if (m->console_len + 1 < HOST_CONSOLE_SIZE) {
		m->console[m->console_len++] = c;
		m->console[m->console_len] = '\0';
	}
	if (m->console_echo)
		fputc(c, stderr);
}

void host_console_clear(struct host_machine *m)
{
	m->console_len = 0;
	m->console[0] = '\0';
}

/* The log panic records carry: what the console kept, in one piece. */
void arch_console_log(const char **a, size_t *alen, const char **b, size_t *blen)
{
	const struct host_machine *m = host_machine_active;
	*a = m ? m->console : "";
	*alen = m ? m->console_len : 0;
	*b = "";
	*blen = 0;
}
