/* preemptbench: the longest time the kernel runs with interrupts masked,
 * for operations whose work grows with their input (docs/PERFORMANCE.md).
 *
 * The kernel keeps the longest stretch of a general system call in which
 * it could not notice an interrupt (entry to its first preemption check,
 * check to check, last check to exit), in cycles (instructions under QEMU
 * -icount shift=0), and DEBUG_STATS reads and resets it.  Each operation runs twice: with the kernel's
 * preemption points (the default), where the figure must not grow with the
 * operation's size, and with them switched off (DEBUG_PREEMPTION 0), where
 * the whole operation is one kernel entry, as it was before the points.
 * Printed per operation: the longest entry with the points, how many times
 * the operation stopped for an interrupt, the longest entry without. */
#include "shell.h"
#include "invoke.h"
#include <printf.h>

#define COPIES_RADIX 14          /* a CNode for up to 16,383 copies */

/* The longest system call since the last read, and the preemption count. */
static uint64_t longest(uint64_t *preemptions)
{
	uint64_t out[7] = { 0 };
	kozo_invoke(KOZO_PROC_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0, out, 7);
	*preemptions = out[6];
	return out[5];
}

/* Preemption points on or off, the measuring on while measure. */
static int set_preemption(bool on, bool measure)
{
	uint64_t mr = (on ? KOZO_DEBUG_PREEMPT_ON : 0) | (measure ? KOZO_DEBUG_PREEMPT_MEASURE : 0);
	return kozo_invoke(KOZO_PROC_DEBUG, KOZO_DEBUG_PREEMPTION, &mr, 1, NULL, 0, NULL, 0);
}

struct figure {
	uint64_t max, stops;
};

/* Everything retyped from ut goes, with preemption on. */
static int clean(uint64_t ut)
{
	int err = kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, ut, INIT_DEPTH);
	if (!err)
		slots_forget_children(ut);
	return err;
}

/* Revoke of an Endpoint with n copies (in a CNode of their own). */
static int bench_revoke(uint64_t ut, unsigned n, bool preempt, struct figure *f)
{
	uint64_t ep, cn, p0, p1;
	int err = slots_retype_one(ut, KOZO_OBJ_ENDPOINT, 0, &ep);
	if (!err)
		err = slots_retype_one(ut, KOZO_OBJ_CNODE, COPIES_RADIX, &cn);
	for (unsigned i = 1; !err && i <= n; i++)
		err = kozo_cnode_copy(cn, i, COPIES_RADIX, KOZO_CAP_INIT_CNODE, ep, INIT_DEPTH,
				      KOZO_RIGHTS_ALL);
	if (!err)
		err = set_preemption(preempt, true);
	if (err)
		return err;
	longest(&p0);
	err = kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, ep, INIT_DEPTH);
	f->max = longest(&p1);
	f->stops = p1 - p0;
	int err2 = set_preemption(true, false);
	int err3 = clean(ut);
	return err ? err : err2 ? err2 : err3;
}

/* Retype of a CNode of 2^radix slots (its zeroing), then its Delete (the
 * emptying of its slots), each measured. */
static int bench_cnode(uint64_t ut, unsigned radix, bool preempt, struct figure *retype,
		       struct figure *del)
{
	uint64_t slot = slots_alloc(1), p0, p1;
	if (!slot)
		return KOZO_ERR_RANGE;
	int err = set_preemption(preempt, true);
	if (err)
		return err;
	longest(&p0);
	err = kozo_untyped_retype(ut, KOZO_OBJ_CNODE, radix, KOZO_CAP_INIT_CNODE, 0, 0, slot, 1);
	retype->max = longest(&p1);
	retype->stops = p1 - p0;
	if (!err) {
		slots_record_retype(ut, KOZO_OBJ_CNODE, radix, slot, 1);
		err = kozo_cnode_delete(KOZO_CAP_INIT_CNODE, slot, INIT_DEPTH);
		del->max = longest(&p0);
		del->stops = p0 - p1;
		if (!err)
			slots_forget(slot);
	}
	int err2 = set_preemption(true, false);
	int err3 = clean(ut);
	return err ? err : err2 ? err2 : err3;
}

/* One Retype of `count` Frames: up to 16 (64 KiB) are cleared in one go
 * (untyped.c's RETYPE_ZERO_AT_ONCE), more preemptibly. */
static int bench_frames(uint64_t ut, unsigned count, bool preempt, struct figure *f)
{
	uint64_t dest = slots_alloc(count), p0, p1;
	if (!dest)
		return KOZO_ERR_RANGE;
	int err = set_preemption(preempt, true);
	if (err)
		return err;
	longest(&p0);
	err = kozo_untyped_retype(ut, KOZO_OBJ_FRAME, 0, KOZO_CAP_INIT_CNODE, 0, 0, dest, count);
	f->max = longest(&p1);
	f->stops = p1 - p0;
	if (!err)
		slots_record_retype(ut, KOZO_OBJ_FRAME, 0, dest, count);
	int err2 = set_preemption(true, false);
	int err3 = clean(ut);
	return err ? err : err2 ? err2 : err3;
}

static void print_row(const char *what, unsigned size, const struct figure *on,
		      const struct figure *off)
{
	printf("preemptbench: %-24s %6u %10lu %6lu %12lu\n", what, size, on->max, on->stops,
	       off->max);
}

void cmd_preemptbench(int argc, char **argv)
{
	if (argc != 1) {
		print_usage(argv[0]);
		return;
	}
	/* The largest idle Untyped: the largest CNode it holds. */
	uint64_t big = 0;
	for (unsigned bits = 40; bits > 20 && !big; bits--)
		big = slots_find_idle_untyped(startup->untyped, bits, 0);
	uint64_t small = slots_find_idle_untyped(startup->untyped,
						 COPIES_RADIX + KOZO_SLOT_SIZE_BITS + 1, 0);
	if (!big || !small || big == small) {
		printf("preemptbench: no idle untyped of 2 MiB and a larger one\n");
		return;
	}
	unsigned big_bits = slot_get(big)->size_bits;
	unsigned largest = big_bits - KOZO_SLOT_SIZE_BITS;
	if (largest > 20)
		largest = 20;   /* a radix-20 CNode: 64 MiB, as seL4's largest commonly used */
	printf("preemptbench: %-24s %6s %10s %6s %12s\n", "operation", "size", "max masked",
	       "stops", "max, no pts");
	static const unsigned copies[2] = { 1000, 10000 };
	for (unsigned i = 0; i < 2; i++) {
		struct figure on, off;
		int err = bench_revoke(small, copies[i], true, &on);
		if (!err)
			err = bench_revoke(small, copies[i], false, &off);
		if (err) {
			printf("preemptbench: revoke: error: %s\n", kozo_error_name((unsigned)err));
			return;
		}
		print_row("revoke (copies)", copies[i], &on, &off);
	}
	const unsigned radixes[2] = { 16, largest };
	for (unsigned i = 0; i < 2; i++) {
		struct figure ron, don, roff, doff;
		int err = bench_cnode(big, radixes[i], true, &ron, &don);
		if (!err)
			err = bench_cnode(big, radixes[i], false, &roff, &doff);
		if (err) {
			printf("preemptbench: cnode radix %u: error: %s\n", radixes[i],
			       kozo_error_name((unsigned)err));
			return;
		}
		print_row("retype cnode (radix)", radixes[i], &ron, &roff);
		print_row("delete cnode (radix)", radixes[i], &don, &doff);
	}
	static const unsigned frames[2] = { 16, 256 };
	for (unsigned i = 0; i < 2; i++) {
		struct figure on, off;
		int err = bench_frames(big, frames[i], true, &on);
		if (!err)
			err = bench_frames(big, frames[i], false, &off);
		if (err) {
			printf("preemptbench: frames: error: %s\n", kozo_error_name((unsigned)err));
			return;
		}
		print_row("retype frames (count)", frames[i], &on, &off);
	}
	printf("preemptbench: done\n");
}
