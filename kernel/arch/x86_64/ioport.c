/* IOPort capabilities: user-space access to a range of x86 I/O ports,
 * checked on every access (the TSS has no I/O bitmap and IOPL is 0, so
 * user space cannot execute in/out itself).  Whatever a capability's
 * range, the panic channel (COM2) stays the kernel's: a forged or garbled
 * record there would reach the crash collector as the kernel's word. */
#include "kernel.h"
#include "cpu.h"
#include "x86.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

static bool ioport_reserved(word_t port, unsigned width)
{
	return port + width > PANIC_UART_PORT && port < PANIC_UART_PORT + PANIC_UART_PORTS;
}

/* The access of width bytes at port lies inside the capability's range. */
static bool ioport_allowed(const struct cap *c, word_t port, unsigned width)
{
	word_t first = cap_ioport_first(c), last = cap_ioport_last(c);

	return port <= 0xffff && port >= first && port + width - 1 <= last;
}

int arch_invoke(struct kernel *k, struct tcb *t, struct slot *s, word_t label,
		const word_t *mr, unsigned len, word_t *out, unsigned *out_len)
{
	const struct cap *c = &s->cap;
	unsigned width;
	bool in;

	*out_len = 0;
	if (c->type != KOZO_OBJ_IOPORT)
		return KOZO_ERR_INVALID_CAPABILITY;
	switch (label) {
	case KOZO_IOPORT_IN8: width = 1; in = true; break;
	case KOZO_IOPORT_IN16: width = 2; in = true; break;
	case KOZO_IOPORT_IN32: width = 4; in = true; break;
	case KOZO_IOPORT_OUT8: width = 1; in = false; break;
	case KOZO_IOPORT_OUT16: width = 2; in = false; break;
	case KOZO_IOPORT_OUT32: width = 4; in = false; break;
	default: return KOZO_ERR_ILLEGAL_OPERATION;
	}
	if (len < (in ? 1u : 2u))
		return KOZO_ERR_TRUNCATED_MESSAGE;
	if (!ioport_allowed(c, mr[0], width))
		return KOZO_ERR_RANGE;
	if (ioport_reserved(mr[0], width))
		return KOZO_ERR_ILLEGAL_OPERATION;

	uint16_t port = (uint16_t)mr[0];
	if (in) {
		out[0] = width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
		*out_len = 1;
	} else if (width == 1) {
		outb(port, (uint8_t)mr[1]);
	} else if (width == 2) {
		outw(port, (uint16_t)mr[1]);
	} else {
		outl(port, (uint32_t)mr[1]);
	}
	return KOZO_OK;
}
