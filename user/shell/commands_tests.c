/* The test programs (user/tests/<name>, packed into tests.cpio in the
 * shell's image, tests.S): each command spawns its program as a process
 * with the capabilities docs/SERVERS.md lists for it, waits until it is
 * done or its thread faults, and destroys it (user/lib/testprog.h).
 *
 * Everything a run makes comes from one idle Untyped of the shell, the
 * region, laid out at natural alignment from its base:
 *
 *   slice   2^TEST_SLICE_BITS   the process's objects (spawn's slice), and
 *                               first the shell's scratch-window tables and
 *                               the endpoint the program ends and faults on
 *   budget  TEST_BUDGET_COUNT x 2^TEST_BUDGET_BITS, in the program's CNode
 *           (each retyped from a holder Untyped of the same size)
 *
 * Revoking the region at the end takes all of it back: `untyped` shows
 * the same free bytes before and after, whatever the program did. */
#include "shell.h"
#include <console.h>
#include <cspace.h>
#include <invoke.h>
#include <printf.h>
#include <spawn.h>
#include <string.h>
#include <syscall.h>
#include <testprog.h>

extern const char tests_start[], tests_end[];

#define TEST_SLICE_BITS 21
#define TEST_BUDGET_BITS 20
#define TEST_BUDGET_COUNT 2
#define TEST_RADIX 10
#define TEST_SCRATCH_VADDR 0x100000000000ull
_Static_assert(TESTPROG_ARGS_MAX <= 3 * sizeof(uint64_t), "arguments fit startup arg[1..3]");

/* Which test program gets the debug capability (the kernel's counters). */
struct test_entry {
	const char *name;
	bool debug;
};
static const struct test_entry test_list[] = {
	{ "faulttest", false }, { "forbidden", false },   { "ipcbench", true },
	{ "ipctest", true },    { "isolation", false },   { "retypebench", false },
	{ "selftest", false },
};

struct test_run {
	const struct test_entry *t;
	uint64_t region, slice, ep, fault, exit;
	struct kozo_ut_alloc slice_alloc;
	struct kozo_spawner sp;
	struct kozo_process p;
	bool spawned;
};
static struct kozo_cspace run_cs;

static const struct test_entry *find_test(const char *name)
{
	for (unsigned i = 0; i < sizeof(test_list) / sizeof(test_list[0]); i++)
		if (strcmp(test_list[i].name, name) == 0)
			return &test_list[i];
	return NULL;
}

bool is_test_program(const char *name)
{
	return find_test(name) != NULL;
}

static uint64_t align_up(uint64_t a, unsigned bits)
{
	return (a + (1ull << bits) - 1) & ~((1ull << bits) - 1);
}

/* Where the region layout puts each piece; returns the end address. */
static uint64_t layout(uint64_t base, uint64_t budget_paddr[TEST_BUDGET_COUNT])
{
	uint64_t next = align_up(base, TEST_SLICE_BITS) + (1ull << TEST_SLICE_BITS);
	for (unsigned i = 0; i < TEST_BUDGET_COUNT; i++) {
		budget_paddr[i] = align_up(next, TEST_BUDGET_BITS);
		next = budget_paddr[i] + (1ull << TEST_BUDGET_BITS);
	}
	return next;
}

/* The smallest idle, non-device Untyped of the shell the layout fits. */
static uint64_t pick_region(void)
{
	uint64_t best = 0, dummy[TEST_BUDGET_COUNT];
	for (uint64_t s = startup->untyped.start; s < startup->untyped.end; s++) {
		struct slot_info *e = slot_get(s);
		if (!e || e->type != KOZO_OBJ_UNTYPED || e->flags & SLOT_DEVICE ||
		    slot_has_children(s) || layout(e->paddr, dummy) - e->paddr > 1ull << e->size_bits)
			continue;
		if (!best || e->size_bits < slot_get(best)->size_bits)
			best = s;
	}
	return best;
}

static uint64_t mint(uint64_t src, unsigned rights, uint64_t badge)
{
	uint64_t s = kozo_cspace_alloc(&run_cs, 1);
	if (s && kozo_cnode_mint(run_cs.root, s, INIT_DEPTH, run_cs.root, src, INIT_DEPTH, rights,
				 badge)) {
		kozo_cspace_mark(&run_cs, s, false);
		s = 0;
	}
	return s;
}

/* The words after the name, NUL-ended, into arg[1..3]; false if too long. */
static bool pack_args(int argc, char **argv, uint64_t arg[4])
{
	char buf[TESTPROG_ARGS_MAX];
	size_t off = 0;
	memset(buf, 0, sizeof(buf));
	for (int i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (off + n > sizeof(buf))
			return false;
		memcpy(buf + off, argv[i], n);
		off += n;
	}
	arg[0] = (uint64_t)(argc - 1);
	memcpy(&arg[1], buf, sizeof(buf));
	return true;
}

#define TRY(what_, expr)                 \
	do {                             \
		int err_ = (expr);       \
		if (err_) {              \
			*why = (what_);  \
			return err_;     \
		}                        \
	} while (0)

/* Spawn the program (stopped when `suspended`); on error *why names the
 * step, and test_end takes back whatever was made. */
static int test_start(struct test_run *r, int argc, char **argv, bool suspended,
		      const char **why)
{
	const struct test_entry *t = r->t;
	struct kozo_spawn_args a = {
		.name = t->name, .cnode_radix = TEST_RADIX, .priority = (unsigned)startup->priority,
		.suspended = suspended,
	};
	if (!kozo_cpio_find(tests_start, (size_t)(tests_end - tests_start), t->name, &a.image,
			    &a.image_size)) {
		*why = "not in the shell's archive";
		return KOZO_ERR_FAILED_LOOKUP;
	}
	if (!pack_args(argc, argv, a.arg)) {
		*why = "arguments too long (24 bytes at most)";
		return KOZO_ERR_RANGE;
	}
	r->region = pick_region();
	if (!r->region) {
		*why = "no idle untyped of 4 MiB";
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	}
	/* The shell's free slots are those its mirror holds empty. */
	kozo_cspace_init(&run_cs, KOZO_PROC_CNODE, INIT_DEPTH, startup->empty.start,
			 startup->empty.end);
	for (uint64_t s = startup->empty.start; s < startup->empty.end; s++)
		if (!slot_get(s) || slot_get(s)->type != KOZO_OBJ_NULL)
			kozo_cspace_mark(&run_cs, s, true);
	struct kozo_ut_alloc from_region;
	kozo_ut_init(&from_region, &run_cs);
	kozo_ut_add(&from_region, r->region);
	TRY("slice", kozo_ut_retype(&from_region, KOZO_OBJ_UNTYPED, TEST_SLICE_BITS, &r->slice));
	/* Each budget Untyped is retyped from a holder of its own size, whose
	 * only child it is: in the derivation tree it then stands as the
	 * shell's Untyped did (no siblings), and the debug kernel's link
	 * checks on each retype cost what they did when the tests ran in the
	 * shell (retypebench's figures depend on it: with siblings, 2
	 * instructions more an object on x86_64, 3 on aarch64). */
	uint64_t holder[TEST_BUDGET_COUNT];
	for (unsigned i = 0; i < TEST_BUDGET_COUNT; i++)
		TRY("budget holder", kozo_ut_retype(&from_region, KOZO_OBJ_UNTYPED, TEST_BUDGET_BITS,
						    &holder[i]));
	kozo_ut_init(&r->slice_alloc, &run_cs);
	kozo_ut_add(&r->slice_alloc, r->slice);
	r->sp = (struct kozo_spawner){ .cs = &run_cs, .vspace = KOZO_PROC_VSPACE };
	TRY("scratch window", kozo_scratch_init(&r->sp, &r->slice_alloc, TEST_SCRATCH_VADDR));
	TRY("endpoint", kozo_ut_retype(&r->slice_alloc, KOZO_OBJ_ENDPOINT, 0, &r->ep));
	r->exit = mint(r->ep, KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, TESTPROG_EXIT_BADGE);
	r->fault = mint(r->ep, KOZO_RIGHTS_ALL, TESTPROG_FAULT_BADGE);
	if (!r->exit || !r->fault) {
		*why = "endpoint badges";
		return KOZO_ERR_RANGE;
	}

	struct kozo_grant g[3];
	unsigned ng = 0;
	g[ng++] = (struct kozo_grant){ KOZO_PROC_CONSOLE, KOZO_PROC_CONSOLE,
				       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, false, 0 };
	g[ng++] = (struct kozo_grant){ r->exit, KOZO_PROC_SUPERVISOR,
				       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, false, 0 };
	if (t->debug)
		g[ng++] = (struct kozo_grant){ KOZO_PROC_DEBUG, KOZO_PROC_DEBUG, KOZO_RIGHTS_ALL,
					       false, 0 };
	struct kozo_budget budget[TEST_BUDGET_COUNT];
	uint64_t paddr[TEST_BUDGET_COUNT];
	layout(slot_get(r->region)->paddr, paddr);
	for (unsigned i = 0; i < TEST_BUDGET_COUNT; i++)
		budget[i] = (struct kozo_budget){ .src = holder[i], .size_bits = TEST_BUDGET_BITS,
						  .paddr = paddr[i] };
	a.fault_ep = r->fault;
	a.grants = g;
	a.ngrants = ng;
	a.budget = budget;
	a.nbudget = TEST_BUDGET_COUNT;
	int err = kozo_spawn(&r->sp, r->slice, &a, &r->p, why);
	r->spawned = err == KOZO_OK;
	return err;
}

/* Take the process and everything the run made back: the region whole. */
static void test_end(struct test_run *r)
{
	if (r->spawned)
		kozo_process_destroy(&r->sp, &r->p);
	if (r->region)
		kozo_cnode_revoke(KOZO_PROC_CNODE, r->region, INIT_DEPTH);
}

/* Wait until the program says it is done or its thread faults, or an
 * interrupt key is typed: the shell's thread is bound to its notification,
 * which the console signals on Ctrl-C, Ctrl-\ and Ctrl-] (a Recv here then
 * returns with no label), so a program that never ends is stopped from the
 * keyboard.  The shell never replies: the program is destroyed either way. */
static void test_wait(struct test_run *r)
{
	for (;;) {
		uint64_t mr[4] = { 0, 0, 0, 0 }, badge = 0;
		uint64_t info = kozo_recv(r->ep, &badge, mr);
		if (info == 0 && (badge & CONSOLE_SIG_INTR)) {
			if (console_take_intr()) {
				printf("^C\nshell: %s interrupted; destroyed\n", r->t->name);
				return;
			}
			continue;
		}
		if (badge == TESTPROG_EXIT_BADGE && kozo_msginfo_label(info) == TESTPROG_EXIT) {
			if (mr[0])
				printf("shell: %s ended with status %lu\n", r->t->name, mr[0]);
			return;
		}
		if (badge == TESTPROG_FAULT_BADGE) {
			printf("shell: %s stopped: %s at ip 0x%lx (0x%lx); destroyed\n", r->t->name,
			       kozo_fault_name(kozo_msginfo_label(info)), mr[0], mr[1]);
			return;
		}
	}
}

void cmd_test(int argc, char **argv)
{
	struct test_run r = { .t = find_test(argv[0]) };
	const char *why = "?";
	if (!r.t)
		return;
	int err = test_start(&r, argc, argv, false, &why);
	if (err)
		printf("shell: starting %s: %s: %s\n", r.t->name, why, kozo_error_name((unsigned)err));
	else
		test_wait(&r);
	test_end(&r);
}

void cmd_test_caps(const char *name)
{
	struct test_run r = { .t = find_test(name) };
	const char *why = "?";
	char *argv[1] = { (char *)name };
	struct kozo_process_caps c;
	int err = test_start(&r, 1, argv, true, &why);
	if (!err) {
		why = "listing";
		err = kozo_process_caps(&r.sp, &r.p, &c);
	}
	if (err) {
		printf("caps: starting %s: %s: %s\n", name, why, kozo_error_name((unsigned)err));
	} else {
		char header[48];
		snprintf(header, sizeof(header), "caps %s (test program, not started):", name);
		print_process_caps(header, c.known, c.image, c.untyped, c.other);
	}
	test_end(&r);
}
