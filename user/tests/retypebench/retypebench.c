/* retypebench: what one Untyped_Retype costs, per object type.
 *
 * From an idle Untyped, retype ROUNDS single objects of each type (each its
 * own syscall), reading the cycle counter around every call, then revoke
 * the Untyped so the next type starts from an empty region.  A batch of
 * BATCH objects in one call shows the per-object cost without the syscall.
 * Under QEMU -icount shift=0 the figures are guest instruction counts (see
 * docs/PERFORMANCE.md); the counter's own cost is printed and not
 * subtracted. */
#include "tests.h"
#include "invoke.h"
#include <cycles_arch.h>
#include <printf.h>

#define ROUNDS 16
#define BATCH 16

struct bench_type {
	unsigned type, size_bits;
	const char *name;
};

static const struct bench_type bench_types[] = {
	{ KOZO_OBJ_ENDPOINT, 0, "endpoint" },
	{ KOZO_OBJ_NOTIFICATION, 0, "notification" },
	{ KOZO_OBJ_TCB, 0, "tcb" },
	{ KOZO_OBJ_CNODE, 4, "cnode (16 slots)" },
	{ KOZO_OBJ_FRAME, 0, "frame (4 KiB)" },
	{ KOZO_OBJ_PT_L3, 0, "page table" },
	{ KOZO_OBJ_UNTYPED, 12, "untyped (4 KiB)" },
};

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static int revoke_all(uint64_t ut)
{
	int err = kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, ut, INIT_DEPTH);
	if (err == KOZO_OK)
		slots_forget_children(ut);
	return err;
}

/* Min and median cycles of ROUNDS single-object retypes. */
static int bench_single(uint64_t ut, const struct bench_type *bt, uint64_t *min, uint64_t *med)
{
	uint64_t cost[ROUNDS];
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t slot = slots_alloc(1);
		if (!slot)
			return KOZO_ERR_RANGE;
		uint64_t t0 = kozo_arch_cycles();
		int err = kozo_untyped_retype(ut, bt->type, bt->size_bits, KOZO_CAP_INIT_CNODE, 0, 0,
					      slot, 1);
		uint64_t t1 = kozo_arch_cycles();
		if (err)
			return err;
		slots_record_retype(ut, bt->type, bt->size_bits, slot, 1);
		cost[i] = t1 - t0;
	}
	sort_u64(cost, ROUNDS);
	*min = cost[0];
	*med = cost[ROUNDS / 2];
	return revoke_all(ut);
}

/* Cycles of one retype call making BATCH objects. */
static int bench_batch(uint64_t ut, const struct bench_type *bt, uint64_t *cycles)
{
	uint64_t dest = slots_alloc(BATCH);
	if (!dest)
		return KOZO_ERR_RANGE;
	uint64_t t0 = kozo_arch_cycles();
	int err = kozo_untyped_retype(ut, bt->type, bt->size_bits, KOZO_CAP_INIT_CNODE, 0, 0, dest,
				      BATCH);
	uint64_t t1 = kozo_arch_cycles();
	if (err)
		return err;
	slots_record_retype(ut, bt->type, bt->size_bits, dest, BATCH);
	*cycles = t1 - t0;
	return revoke_all(ut);
}

static void cmd_retypebench(int argc, char **argv)
{
	if (argc != 1) {
		print_usage(argv[0]);
		return;
	}
	/* 2^20 bytes hold ROUNDS or BATCH of the largest type measured. */
	uint64_t ut = init_find_idle_untyped(20);
	if (!ut) {
		printf("retypebench: no idle untyped of 1 MiB\n");
		return;
	}
	uint64_t t0 = kozo_arch_cycles(), t1 = kozo_arch_cycles();
	printf("retypebench: untyped slot %lu, %u rounds; counter read costs %lu\n", ut, ROUNDS,
	       t1 - t0);
	printf("retypebench: %-18s %8s %8s %14s\n", "type", "min", "median",
	       "per obj (x16)");
	for (unsigned i = 0; i < sizeof(bench_types) / sizeof(bench_types[0]); i++) {
		const struct bench_type *bt = &bench_types[i];
		uint64_t min, med, batch;
		int err = bench_single(ut, bt, &min, &med);
		if (!err)
			err = bench_batch(ut, bt, &batch);
		if (err) {
			printf("retypebench: %s: error: %s\n", bt->name, kozo_error_name((unsigned)err));
			revoke_all(ut);
			return;
		}
		printf("retypebench: %-18s %8lu %8lu %14lu\n", bt->name, min, med, batch / BATCH);
	}
	printf("retypebench: done\n");
}

const struct test_program test_program = { "retypebench", "", cmd_retypebench };
