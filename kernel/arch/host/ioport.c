/* IOPort capabilities on the host: the same checks as x86_64, against a
 * simulated 64 KiB port space that tests can preset and inspect. */
#include "machine.h"
#include "kernel.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

/* Width in bytes of an IOPort label's access (0: not an IOPort label);
 * *is_in tells reads from writes. */
static unsigned access_width(word_t label, bool *is_in)
{
	*is_in = label >= KOZO_IOPORT_IN8 && label <= KOZO_IOPORT_IN32;
	if (*is_in)
		return 1u << (label - KOZO_IOPORT_IN8);
	if (label >= KOZO_IOPORT_OUT8 && label <= KOZO_IOPORT_OUT32)
		return 1u << (label - KOZO_IOPORT_OUT8);
	return 0;
}

int arch_invoke(struct kernel *k, struct tcb *t, struct slot *s, word_t label,
		const word_t *mr, unsigned len, word_t *out, unsigned *out_len)
{
	struct host_machine *m = host_machine_active;
	const struct cap *c = &s->cap;
	bool is_in;

	*out_len = 0;
	if (c->type != KOZO_OBJ_IOPORT)
		return KOZO_ERR_INVALID_CAPABILITY;
	unsigned width = access_width(label, &is_in);
	if (width == 0)
		return KOZO_ERR_ILLEGAL_OPERATION;
	if (len < (is_in ? 1u : 2u))
		return KOZO_ERR_TRUNCATED_MESSAGE;
	word_t port = mr[0];
	if (port > 0xffff || port < cap_ioport_first(c) || port + width - 1 > cap_ioport_last(c))
		return KOZO_ERR_RANGE;
	/* A range cap never reaches past 0xffff, so port + width fits. */
	if (is_in) {
		word_t v = 0;
		for (unsigned i = 0; i < width; i++)
			v |= (word_t)m->ioports[port + i] << (8 * i);
		out[0] = v;
		*out_len = 1;
		return KOZO_OK;
	}
	for (unsigned i = 0; i < width; i++)
		m->ioports[port + i] = (uint8_t)(mr[1] >> (8 * i));
	m->ioport_writes++;
	return KOZO_OK;
}
