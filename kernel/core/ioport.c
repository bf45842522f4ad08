/* IOPort capabilities: user-space access to a range of I/O ports, checked
 * on every access (x86_64: the TSS has no I/O bitmap and IOPL is 0, so user
 * space cannot execute in/out itself).  Whatever a capability's range, the
 * panic channel (COM2) stays the kernel's: a forged or garbled record there
 * would reach the crash collector as the kernel's word; so does fw_cfg,
 * which holds the device secret of panic records.  The checks are
 * here, portable, so the host port's tests run these very ones; a port
 * with I/O ports (ARCH_HAS_IOPORTS) supplies only the access itself.
 *
 * Narrowing (least privilege): CNode Mint of an IOPort capability takes
 * the new range as its badge, KOZO_IOPORT_RANGE(first, last), and makes a
 * child in the derivation tree whose range lies inside the source's: a
 * derived capability never reaches a port its parent does not, and Revoke
 * of the parent deletes it.  (seL4 issues ranges from an IOPortControl
 * capability instead; KOZO has no such object, Init's boot capability
 * covering every port plays its part.) */
#include "invocation.h"
#include "kernel.h"
#include <hw/fw_cfg.h>
#include <hw/uart16550.h>
#include <kozo/errors.h>
#include <kozo/invocation.h>

#define IOPORT_LAST 0xffff

/* One checked access: width bytes at port; value for an output. */
struct ioport_access {
	word_t port;
	unsigned width;
	bool in;
	word_t value;
};

/* Does [port, port + width) touch the panic channel, or fw_cfg, which
 * holds the device secret of panic records? */
static bool ioport_reserved(word_t port, unsigned width)
{
	return (port + width > UART16550_COM2 && port < UART16550_COM2 + UART16550_PORTS) ||
	       (port + width > FW_CFG_IO_SEL && port < FW_CFG_IO_SEL + FW_CFG_IO_PORTS);
}

int ioport_derive(const struct cap *src, word_t range, struct cap c, struct cap *out)
{
	word_t first = range & 0xffff, last = (range >> 16) & 0xffff;
	if (range >> 32 || first > last || first < cap_ioport_first(src) ||
	    last > cap_ioport_last(src))
		return KOZO_ERR_RANGE;
	cap_ioport_set_range(&c, first, last);
	*out = c;
	return KOZO_OK;
}

static int decode_ioport_access(const struct invocation *inv, struct ioport_access *a)
{
	const struct cap *c = &inv->slot->cap;
	switch (inv->label) {
	case KOZO_IOPORT_IN8: a->width = 1; a->in = true; break;
	case KOZO_IOPORT_IN16: a->width = 2; a->in = true; break;
	case KOZO_IOPORT_IN32: a->width = 4; a->in = true; break;
	case KOZO_IOPORT_OUT8: a->width = 1; a->in = false; break;
	case KOZO_IOPORT_OUT16: a->width = 2; a->in = false; break;
	case KOZO_IOPORT_OUT32: a->width = 4; a->in = false; break;
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "ioport: no method %lu",
			      (unsigned long)inv->label);
	}
	if (inv->len < (a->in ? 1u : 2u))
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "ioport: %u message registers, needs %u",
			      inv->len, a->in ? 1u : 2u);
	a->port = inv->mr[0];
	a->value = a->in ? 0 : inv->mr[1];
	/* A capability's range never reaches past IOPORT_LAST, so port +
	 * width cannot overflow once port is below it. */
	if (a->port > IOPORT_LAST || a->port < cap_ioport_first(c) ||
	    a->port + a->width - 1 > cap_ioport_last(c))
		return refuse(KOZO_ERR_RANGE, "ioport: %u bytes at 0x%lx outside 0x%lx..0x%lx", a->width,
			      (unsigned long)a->port, (unsigned long)cap_ioport_first(c),
			      (unsigned long)cap_ioport_last(c));
	if (ioport_reserved(a->port, a->width))
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "ioport: 0x%lx is the kernel's (panic channel or fw_cfg)",
			      (unsigned long)a->port);
	return KOZO_OK;
}

static void perform_ioport_access(struct invocation *inv, const struct ioport_access *a)
{
#if ARCH_HAS_IOPORTS
	if (a->in) {
		inv->out[0] = arch_ioport_in((uint16_t)a->port, a->width);
		inv->out_len = 1;
	} else {
		arch_ioport_out((uint16_t)a->port, a->width, a->value);
	}
#else
	(void)inv;
	(void)a;
#endif
}

int ioport_invoke(struct invocation *inv)
{
	if (!ARCH_HAS_IOPORTS)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "ioport: this machine has no I/O ports");
	if (inv->label == KOZO_IOPORT_RANGE) {
		inv->out[0] = cap_ioport_first(&inv->slot->cap);
		inv->out[1] = cap_ioport_last(&inv->slot->cap);
		inv->out_len = 2;
		return KOZO_OK;
	}
	struct ioport_access a;
	int err = decode_ioport_access(inv, &a);
	if (err)
		return err;
	perform_ioport_access(inv, &a);
	return KOZO_OK;
}
