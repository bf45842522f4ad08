/* The debug capability: Init's way to trigger a deliberate test panic, so
 * the crash telemetry path can be exercised end to end, and to read the
 * kernel's counters (the IPC tests and benchmark use them). */
#include "invocation.h"
#include "kernel.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

#define DEBUG_USER_MAX 32

static int debug_stats(struct invocation *inv)
{
	const struct kernel_stats *st = &inv->k->stats;
	inv->out[0] = st->fastpath_hits;
	inv->out[1] = st->slowpath_ipc;
	inv->out[2] = st->syscalls;
	inv->out[3] = st->faults;
	inv->out[4] = st->irqs;
	inv->out_len = 5;
	return KOZO_OK;
}

int debug_invoke(struct invocation *inv)
{
	if (inv->label == KOZO_DEBUG_STATS)
		return debug_stats(inv);
	if (inv->label != KOZO_DEBUG_PANIC)
		return KOZO_ERR_ILLEGAL_OPERATION;
	if (inv->len < 2)
		return KOZO_ERR_TRUNCATED_MESSAGE;
	word_t addr = inv->mr[0], ulen = inv->mr[1];
	if (ulen > DEBUG_USER_MAX || inv->len < 2 + (ulen + 7) / 8)
		return KOZO_ERR_RANGE;
	char user[DEBUG_USER_MAX + 1];
	for (word_t i = 0; i < ulen; i++) {
		char c = (char)(inv->mr[2 + i / 8] >> (8 * (i % 8)));
		if (c < 0x20 || c > 0x7e)
			return KOZO_ERR_INVALID_ARGUMENT;
		user[i] = c;
	}
	user[ulen] = '\0';
	panic("Capability violation at 0x%lx by user '%s'", (unsigned long)addr, user);
}
