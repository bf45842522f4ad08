/* I/O ports on the host: a simulated 64 KiB port space that tests can
 * preset and inspect.  The checks are the real ones (kernel/core/ioport.c). */
#include "machine.h"
#include "kernel.h"

word_t arch_ioport_in(uint16_t port, unsigned width)
{
	const struct host_machine *m = host_machine_active;
	word_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (word_t)m->ioports[port + i] << (8 * i);
	return v;
}

void arch_ioport_out(uint16_t port, unsigned width, word_t value)
{
	struct host_machine *m = host_machine_active;
	for (unsigned i = 0; i < width; i++)
		m->ioports[port + i] = (uint8_t)(value >> (8 * i));
	m->ioport_writes++;
}
