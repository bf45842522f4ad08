/* I/O port accesses for IOPort capabilities; kernel/core/ioport.c checked
 * them against the capability and the panic channel's reservation. */
#include "kernel.h"
#include "cpu.h"

word_t arch_ioport_in(uint16_t port, unsigned width)
{
	return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

void arch_ioport_out(uint16_t port, unsigned width, word_t value)
{
	if (width == 1)
		outb(port, (uint8_t)value);
	else if (width == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, (uint32_t)value);
}
