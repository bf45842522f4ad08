/* Code both hardware ports share (port.h). */
#include "port.h"
#include "kernel.h"
#include "cpu.h"   /* the port's: cpu_idle_once, cpu_halt_forever */

#define LOG_SIZE 2048

static char log_ring[LOG_SIZE];
static uint64_t log_written;  /* bytes ever logged; the ring keeps the last */

void console_log_put(char c)
{
	log_ring[log_written++ % LOG_SIZE] = c;
}

void arch_console_log(const char **a, size_t *alen, const char **b, size_t *blen)
{
	size_t head = log_written % LOG_SIZE;

	if (log_written < LOG_SIZE) {
		*a = log_ring;
		*alen = log_written;
		*b = log_ring;
		*blen = 0;
		return;
	}
	*a = log_ring + head;
	*alen = LOG_SIZE - head;
	*b = log_ring;
	*blen = head;
}

void port_idle(struct kernel *k)
{
	while (!k->current)
		cpu_idle_once();
}

_Noreturn void arch_halt(void)
{
	cpu_halt_forever();
}

_Noreturn void panic_nested(void)
{
	serial_console_raw("\nKOZO PANIC: panic inside the panic path; halted\n");
	cpu_halt_forever();
}
