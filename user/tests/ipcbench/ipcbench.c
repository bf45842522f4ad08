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
 *   signal           Signal to Wait: from just before a thread signals a
 *                    notification to just after a higher-priority thread
 *                    waiting on it returns from Wait (Init's space)
 *
 * With each case the change of the kernel's fast/slow counters. */
#include "tests.h"
#include "invoke.h"
#include <cycles_arch.h>
#include <printf.h>
#include <syscall.h>

#define WARMUP 100
#define ROUNDS_DEFAULT 10000
#define HIST_SIZE 16384  /* instruction counts: exact, by value */
#define SAMPLES_MAX 4096 /* beyond the histogram (wall clock): kept to sort */
#define CAP_BADGE 0xca

struct stats {
	uint16_t hist[HIST_SIZE];
	uint32_t big[SAMPLES_MAX]; /* samples of HIST_SIZE or more, the first ones */
	uint64_t n, nbig, min, max;
};

static struct stats rt, call_way, reply_way;

static void stats_reset(struct stats *s)
{
	for (unsigned i = 0; i < HIST_SIZE; i++)
		s->hist[i] = 0;
	s->n = s->nbig = 0;
	s->min = ~0ull;
	s->max = 0;
}

static void stats_add(struct stats *s, uint64_t v)
{
	if (v < HIST_SIZE)
		s->hist[v]++;
	else if (s->nbig < SAMPLES_MAX)
		s->big[s->nbig++] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	s->n++;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
}

/* Shell sort: no allocation, fast enough for SAMPLES_MAX. */
static void sort_u32(uint32_t *v, uint64_t n)
{
	for (uint64_t gap = n / 2; gap > 0; gap /= 2)
		for (uint64_t i = gap; i < n; i++)
			for (uint64_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
				uint32_t t = v[j];
				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

/* The median; 0 when it lies among large samples that were not all kept. */
static uint64_t stats_median(struct stats *s)
{
	uint64_t seen = 0;
	for (unsigned i = 0; i < HIST_SIZE; i++) {
		seen += s->hist[i];
		if (seen * 2 > s->n)
			return i;
	}
	if (s->nbig != s->n - seen)
		return 0;
	sort_u32(s->big, s->nbig);
	return s->big[s->n / 2 - seen];
}

static void print_stats(const char *space, const char *name, const char *what,
			struct stats *s, const struct kernel_counters *a,
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

/* The signal case: two threads in Init's space below Init's priority, the
 * waiter one above the signaller, so each Signal switches to the waiter at
 * once; Init waits on `done` meanwhile. */
#define SIGNALLER_PRIORITY_BELOW_INIT 2
static volatile uint64_t signal_t0;
static uint64_t signal_ntfn, signal_done, signal_rounds;

static void signal_waiter(uint64_t ntfn)
{
	for (uint64_t i = 0;; i++) {
		kozo_wait(ntfn);
		uint64_t t1 = kozo_arch_cycles();
		if (i >= WARMUP)
			stats_add(&rt, t1 - signal_t0);
	}
}

static void signal_sender(uint64_t ntfn)
{
	for (uint64_t i = 0; i < WARMUP + signal_rounds; i++) {
		signal_t0 = kozo_arch_cycles();
		kozo_signal(ntfn);
	}
	kozo_signal(signal_done);
	for (;;)
		kozo_wait(ntfn);   /* never signalled again: parked until deleted */
}

static void run_signal(uint64_t rounds)
{
	struct ipc_thread waiter, sender;
	unsigned low = init_priority - SIGNALLER_PRIORITY_BELOW_INIT;
	int err = init_priority < SIGNALLER_PRIORITY_BELOW_INIT ? KOZO_ERR_RANGE : KOZO_OK;
	if (!err)
		err = init_alloc_object(KOZO_OBJ_NOTIFICATION, 0, &signal_ntfn);
	if (!err)
		err = init_alloc_object(KOZO_OBJ_NOTIFICATION, 0, &signal_done);
	if (err) {
		printf("ipcbench: signal: error: %s\n", kozo_error_name((unsigned)err));
		init_free_slot(signal_ntfn);
		return;
	}
	signal_rounds = rounds;
	stats_reset(&rt);
	/* Started at Init's priority, they run only once Init waits. */
	err = ipc_thread_start(&waiter, signal_waiter, signal_ntfn, false, 0);
	if (!err)
		err = kozo_tcb_set_priority(waiter.tcb, low + 1);
	if (!err)
		err = ipc_thread_start(&sender, signal_sender, signal_ntfn, false, 0);
	if (!err)
		err = kozo_tcb_set_priority(sender.tcb, low);
	if (!err)
		kozo_wait(signal_done);
	ipc_thread_stop(&sender);
	ipc_thread_stop(&waiter);
	init_free_slot(signal_done);
	init_free_slot(signal_ntfn);
	if (err)
		printf("ipcbench: signal: error: %s\n", kozo_error_name((unsigned)err));
	else
		print_stats("same", "signal", "oneway", &rt, NULL, NULL);
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

static void cmd_ipcbench(int argc, char **argv)
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
	run_signal(rounds);
	init_free_slot(cap);
	init_free_slot(ep);
}

const struct test_program test_program = { "ipcbench", "[rounds]", cmd_ipcbench };
