/* ipcbench: Call/ReplyRecv round trips between Init (the client) and a
 * server thread (child_ipc_server), in Init's address space and in another
 * one.  Each figure is cycle-counter ticks (rdtsc, PMCCNTR_EL0) per round
 * trip, from just before the client's Call to just after it returns: under
 * QEMU -icount shift=0 that is the number of guest instructions
 * (docs/PERFORMANCE.md).
 *
 *   fast-0, fast-4   0 and 4 message registers: the fast path
 *   slow-10          10 message registers (6 through the IPC buffers)
 *   slow-cap         0 registers and one capability (an endpoint cap
 *                    badged by the same endpoint: unwrapped, seL4 style)
 *   oneway           fast path, 0 registers out, 2 back (the server's
 *                    receive and reply times): Call and ReplyRecv apart
 *
 * With each case the change of the kernel's fast/slow counters. */
#include "init.h"
#include "invoke.h"
#include <cycles_arch.h>
#include <printf.h>
#include <syscall.h>

#define WARMUP 100
#define ROUNDS_DEFAULT 10000
#define HIST_SIZE 16384 /* a larger median prints as 0 (plain TCG, no icount) */
#define CAP_BADGE 0xca

struct stats {
	uint16_t hist[HIST_SIZE]; /* samples by value; the last bucket: larger */
	uint64_t n, min, max;
};

static struct stats rt, call_way, reply_way;

static void stats_reset(struct stats *s)
{
	for (unsigned i = 0; i < HIST_SIZE; i++)
		s->hist[i] = 0;
	s->n = 0;
	s->min = ~0ull;
	s->max = 0;
}

static void stats_add(struct stats *s, uint64_t v)
{
	s->hist[v < HIST_SIZE ? v : HIST_SIZE - 1]++;
	s->n++;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
}

static uint64_t stats_median(const struct stats *s)
{
	uint64_t seen = 0;
	for (unsigned i = 0; i < HIST_SIZE; i++) {
		seen += s->hist[i];
		if (seen * 2 > s->n)
			return i == HIST_SIZE - 1 ? 0 : i;
	}
	return 0;
}

static void print_stats(const char *space, const char *name, const char *what,
			const struct stats *s, const struct kernel_counters *a,
			const struct kernel_counters *b)
{
	printf("ipcbench: %-6s %-9s %-9s min %5lu median %5lu max %7lu", space, name, what,
	       s->min, stats_median(s), s->max);
	if (a)
		printf("  fast +%lu slow +%lu", b->fast - a->fast, b->slow - a->slow);
	printf("\n");
}

/* n round trips of a message of len registers (label 0) and extra caps. */
static void run_case(const char *space, const char *name, uint64_t ep, unsigned len,
		     unsigned extra, uint64_t cap, uint64_t rounds)
{
	struct kozo_ipc_buffer *b = kozo_ipc_buffer();
	struct kernel_counters before, after;
	uint64_t mr[4];
	for (unsigned i = 4; i < len; i++)
		b->msg[i] = i;
	stats_reset(&rt);
	for (uint64_t i = 0; i < WARMUP + rounds; i++) {
		if (i == WARMUP)
			read_counters(&before);
		mr[0] = mr[1] = mr[2] = mr[3] = i;
		b->caps_or_badges[0] = cap;
		uint64_t t0 = kozo_arch_cycles();
		kozo_call(ep, kozo_msginfo(0, 0, extra, len), mr);
		uint64_t t1 = kozo_arch_cycles();
		if (i >= WARMUP)
			stats_add(&rt, t1 - t0);
	}
	read_counters(&after);
	b->caps_or_badges[0] = 0;
	print_stats(space, name, "roundtrip", &rt, &before, &after);
}

static void run_oneway(const char *space, uint64_t ep, uint64_t rounds)
{
	struct kernel_counters before, after;
	uint64_t mr[4];
	stats_reset(&rt);
	stats_reset(&call_way);
	stats_reset(&reply_way);
	for (uint64_t i = 0; i < WARMUP + rounds; i++) {
		if (i == WARMUP)
			read_counters(&before);
		uint64_t t0 = kozo_arch_cycles();
		kozo_call(ep, kozo_msginfo(CHILD_LABEL_STAMP, 0, 0, 0), mr);
		uint64_t t3 = kozo_arch_cycles();
		if (i >= WARMUP) {
			stats_add(&rt, t3 - t0);
			stats_add(&call_way, mr[0] - t0);
			stats_add(&reply_way, t3 - mr[1]);
		}
	}
	read_counters(&after);
	print_stats(space, "oneway", "roundtrip", &rt, &before, &after);
	print_stats(space, "oneway", "call", &call_way, 0, 0);
	print_stats(space, "oneway", "replyrecv", &reply_way, 0, 0);
}

static void bench_space(bool own_space, uint64_t ep, uint64_t cap, uint64_t rounds)
{
	const char *space = own_space ? "cross" : "same";
	struct ipc_thread server;
	int err = ipc_thread_start(&server, child_ipc_server, ep, own_space, 0);
	if (err) {
		printf("ipcbench: %s: server thread: error: %s\n", space, kozo_error_name((unsigned)err));
		return;
	}
	run_case(space, "fast-0", ep, 0, 0, 0, rounds);
	run_case(space, "fast-4", ep, 4, 0, 0, rounds);
	run_case(space, "slow-10", ep, 10, 0, 0, rounds);
	run_case(space, "slow-cap", ep, 0, 1, cap, rounds);
	run_oneway(space, ep, rounds);
	ipc_thread_stop(&server);
}

void cmd_ipcbench(int argc, char **argv)
{
	uint64_t rounds = ROUNDS_DEFAULT, ep = 0, cap = 0;
	if (argc > 2 || (argc == 2 && (!parse_arg(argv[0], argv[1], &rounds) || rounds == 0 ||
					rounds > 65535))) {
		print_usage(argv[0]);
		return;
	}
	int err = init_alloc_object(KOZO_OBJ_ENDPOINT, 0, &ep);
	if (!err) {
		cap = slots_alloc(1);
		err = cap ? kozo_cnode_mint(KOZO_CAP_INIT_CNODE, cap, INIT_DEPTH, KOZO_CAP_INIT_CNODE,
					    ep, INIT_DEPTH, KOZO_RIGHTS_ALL, CAP_BADGE)
			  : KOZO_ERR_RANGE;
		if (!err)
			slots_record(cap, KOZO_OBJ_ENDPOINT, KOZO_RIGHTS_ALL, CAP_BADGE, ep, 0, 0);
	}
	if (err) {
		printf("ipcbench: endpoint: error: %s\n", kozo_error_name((unsigned)err));
		init_free_slot(ep);
		return;
	}
	printf("ipcbench: %lu round trips per case after %u warm-up; " KOZO_ARCH_CYCLES_NAME
	       " ticks (= guest instructions under -icount shift=0)\n", rounds, WARMUP);
	bench_space(false, ep, cap, rounds);
	bench_space(true, ep, cap, rounds);
	init_free_slot(cap);
	init_free_slot(ep);
}
