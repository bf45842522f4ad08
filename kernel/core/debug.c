/* The debug capability: Init's way to trigger a deliberate test panic, so
 * the crash telemetry path can be exercised end to end, and to read the
 * kernel's counters.  The user's bytes are checked like any other input: a
 * bad length or a non-printable byte is an error code, never a panic. */
#include "invocation.h"
#include "kernel.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

#define DEBUG_USER_MAX 32

/* DEBUG_PANIC: MR0 address, MR1 user name length, the name from MR2 on,
 * eight bytes per register, least significant first. */
static int decode_debug_panic(const struct invocation *inv, word_t *addr, char *user)
{
	if (inv->len < 2)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "debug panic: %u message registers, needs 2",
			      inv->len);
	word_t ulen = inv->mr[1];
	if (ulen > DEBUG_USER_MAX || inv->len < 2 + (ulen + 7) / 8)
		return refuse(KOZO_ERR_RANGE, "debug panic: user name of %lu bytes (at most %u)",
			      (unsigned long)ulen, DEBUG_USER_MAX);
	for (word_t i = 0; i < ulen; i++) {
		char c = (char)(inv->mr[2 + i / 8] >> (8 * (i % 8)));
		if (c < 0x20 || c > 0x7e)
			return refuse(KOZO_ERR_INVALID_ARGUMENT,
				      "debug panic: byte %lu of the user name not printable",
				      (unsigned long)i);
		user[i] = c;
	}
	user[ulen] = '\0';
	*addr = inv->mr[0];
	return KOZO_OK;
}

/* DEBUG_STATS: the kernel's counters (the IPC tests and benchmark use them).
 * The longest system call is a maximum since the last read: reset. */
static void perform_debug_stats(struct invocation *inv)
{
	struct kernel_stats *st = &inv->k->stats;
	inv->out[0] = st->fastpath_hits;
	inv->out[1] = st->slowpath_ipc;
	inv->out[2] = st->fastpath_hits + st->general_syscalls;
	inv->out[3] = st->faults;
	inv->out[4] = st->irqs;
	inv->out[5] = st->masked_max_cycles;
	inv->out[6] = st->preemptions;
	inv->out_len = 7;
	st->masked_max_cycles = 0;
}

int debug_invoke(struct invocation *inv)
{
	char user[DEBUG_USER_MAX + 1];
	word_t addr;

	switch (inv->label) {
	case KOZO_DEBUG_STATS:
		perform_debug_stats(inv);
		return KOZO_OK;
	case KOZO_DEBUG_PANIC: {
		int err = decode_debug_panic(inv, &addr, user);
		if (err)
			return err;
		panic("Capability violation at %p by user '%s'", PANIC_ADDR(addr),
		      PANIC_USER(user));
	}
	case KOZO_DEBUG_PREEMPTION:
		if (inv->len < 1 || inv->mr[0] > 3)
			return refuse(KOZO_ERR_INVALID_ARGUMENT, "debug preemption: MR0 must be 0..3");
		inv->k->preempt_off = !(inv->mr[0] & KOZO_DEBUG_PREEMPT_ON);
		inv->k->measure_masked = inv->mr[0] & KOZO_DEBUG_PREEMPT_MEASURE;
		return KOZO_OK;
	case KOZO_DEBUG_FAULT:
		arch_debug_fault();
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "debug: no method %lu",
			      (unsigned long)inv->label);
	}
}
