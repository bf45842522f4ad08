/* ipctest: the IPC checks of the integration test, one line each:
 * "ipctest: <case>: ok" or "ipctest: <case>: FAIL <why>", then a total.
 *
 *   fastpath     echo round trips take the fast path (counter delta), a
 *                message with a capability does not; the cap is unwrapped
 *   crossspace   ping-pong with a server in another address space
 *   badge        a minted endpoint's badge reaches the receiver
 *   captransfer  a capability moves into the receiver's receive slot
 *   irq          a device interrupt arrives as a notification signal
 *   fault        a fault reaches the handler, which changes the thread's
 *                registers and resumes it
 *   deleted      a thread blocked on an endpoint that is deleted gets
 *                KOZO_ERR_CANCELLED; sending on the empty slot fails */
#include "tests.h"
#include "invoke.h"
#include <printf.h>
#include <console.h>
#include <syscall.h>
#include <thread_arch.h>

#define ROUNDS 100
#define UNWRAP_BADGE 0xca
#define CLIENT_BADGE 0xb1
#define NTFN_BADGE 0x5
#define FAULT_BADGE 0xfa
#define REPORT_BADGE 0xbd
#define RESUME_VALUE 0x600d

static unsigned passed, failed;

static void result(const char *name, bool ok, const char *why, uint64_t a, uint64_t b)
{
	if (ok) {
		passed++;
		printf("ipctest: %s: ok\n", name);
	} else {
		failed++;
		printf("ipctest: %s: FAIL %s (0x%lx, 0x%lx)\n", name, why, a, b);
	}
}

/* ---- a client thread in Init's space: one Call, then it reports ---- */
struct job {
	uint64_t cptr, info, mr[4], cap; /* the Call to make (cap: extra, 0 none) */
	uint64_t status, reply_info;      /* what came back */
	uint64_t report;                  /* endpoint to say "done" on */
};

static void client_thread(uint64_t arg)
{
	struct job *j = (struct job *)arg;
	kozo_ipc_buffer()->caps_or_badges[0] = j->cap;
	uint64_t info = j->info;
	j->status = (uint64_t)kozo_call_status(j->cptr, &info, j->mr);
	j->reply_info = info;
	for (;;) {
		uint64_t mr[4] = { 0, 0, 0, 0 };
		kozo_call(j->report, kozo_msginfo(0, 0, 0, 0), mr);
	}
}

static uint64_t new_object(unsigned type)
{
	uint64_t s = 0;
	return init_alloc_object(type, 0, &s) == KOZO_OK ? s : 0;
}

static uint64_t mint(uint64_t src, uint64_t badge)
{
	uint64_t s = slots_alloc(1);
	if (!s || kozo_cnode_mint(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE, src,
				  INIT_DEPTH, KOZO_RIGHTS_ALL, badge) != KOZO_OK)
		return 0;
	slots_record(s, slot_get(src)->type, KOZO_RIGHTS_ALL, badge, src, 0, 0);
	return s;
}

/* ---- cases ---- */

/* n echo round trips of len registers; true when every one came back. */
static bool echo_rounds(uint64_t ep, unsigned len, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t mr[4] = { i, i * 3, ~(uint64_t)i, i ^ 0x5a5a };
		uint64_t want[4] = { mr[0], mr[1], mr[2], mr[3] };
		uint64_t info = kozo_call(ep, kozo_msginfo(0, 0, 0, len), mr);
		if (kozo_msginfo_length(info) != len)
			return false;
		for (unsigned r = 0; r < len; r++)
			if (mr[r] != want[r])
				return false;
	}
	return true;
}

static void test_fastpath(uint64_t ep)
{
	struct ipc_thread server;
	struct kernel_counters a, b, c;
	uint64_t unwrap = mint(ep, UNWRAP_BADGE);
	if (!unwrap || ipc_thread_start(&server, child_ipc_server, ep, false, 0)) {
		result("fastpath", false, "setup", unwrap, 0);
		init_free_slot(unwrap);
		return;
	}
	echo_rounds(ep, 0, 1); /* the server now waits in its Recv */
	read_counters(&a);
	bool echoed = echo_rounds(ep, 2, ROUNDS);
	read_counters(&b);
	/* The same server, now a Call carrying a capability. */
	struct kozo_ipc_buffer *mine = kozo_ipc_buffer();
	struct kozo_ipc_buffer *its = (struct kozo_ipc_buffer *)(KOZO_INIT_IPC_BUFFER_ADDR + 1024);
	uint64_t mr[4] = { 0 };
	mine->caps_or_badges[0] = unwrap;
	kozo_call(ep, kozo_msginfo(0, 0, 1, 0), mr);
	mine->caps_or_badges[0] = 0;
	read_counters(&c);
	ipc_thread_stop(&server);
	init_free_slot(unwrap);
	if (!echoed)
		result("fastpath", false, "echo came back wrong", 0, 0);
	else if (b.fast - a.fast != 2 * ROUNDS || b.slow != a.slow)
		result("fastpath", false, "round trips not all on the fast path (fast, slow deltas)",
		       b.fast - a.fast, b.slow - a.slow);
	else if (c.slow - b.slow != 1 || c.fast - b.fast != 1)
		result("fastpath", false, "cap transfer: want slow +1 (call), fast +1 (reply)",
		       c.slow - b.slow, c.fast - b.fast);
	else if (its->caps_or_badges[0] != UNWRAP_BADGE)
		result("fastpath", false, "cap transfer: unwrapped badge not delivered",
		       its->caps_or_badges[0], UNWRAP_BADGE);
	else
		result("fastpath", true, 0, 0, 0);
}

static void test_crossspace(uint64_t ep)
{
	struct ipc_thread server;
	struct kernel_counters a, b;
	int err = ipc_thread_start(&server, child_ipc_server, ep, true, 0);
	if (err) {
		result("crossspace", false, "server setup", (uint64_t)err, 0);
		return;
	}
	echo_rounds(ep, 0, 1);
	read_counters(&a);
	bool ok = echo_rounds(ep, 4, ROUNDS);
	read_counters(&b);
	ipc_thread_stop(&server);
	if (!ok)
		result("crossspace", false, "echo came back wrong", 0, 0);
	else
		result("crossspace", b.fast - a.fast == 2 * ROUNDS, "fast-path hits", b.fast - a.fast,
		       2 * ROUNDS);
}

/* Start a client thread for j, receive its Call on ep; returns the info
 * and fills badge and mr.  *t keeps the thread for the caller to stop. */
static uint64_t receive_from_client(struct ipc_thread *t, struct job *j, uint64_t ep,
				    uint64_t *badge, uint64_t mr[4])
{
	if (ipc_thread_start(t, client_thread, (uint64_t)j, false, 0))
		return ~0ull;
	return kozo_recv(ep, badge, mr);
}

static void test_badge(uint64_t ep, uint64_t report)
{
	struct ipc_thread t;
	uint64_t badged = mint(ep, CLIENT_BADGE), badge = 0, mr[4] = { 0 };
	struct job j = { .cptr = badged, .info = kozo_msginfo(7, 0, 0, 1), .mr = { 0x1234 },
			 .report = report };
	uint64_t info = receive_from_client(&t, &j, ep, &badge, mr);
	bool ok = badge == CLIENT_BADGE && kozo_msginfo_label(info) == 7 && mr[0] == 0x1234;
	mr[0] = 0x4321;
	kozo_reply(kozo_msginfo(0, 0, 0, 1), mr);
	kozo_recv(report, &badge, mr); /* the client got its reply */
	ok = ok && j.status == KOZO_OK && j.mr[0] == 0x4321;
	ipc_thread_stop(&t);
	init_free_slot(badged);
	result("badge", ok, "badge / reply", badge, j.mr[0]);
}

static void test_captransfer(uint64_t ep, uint64_t report)
{
	struct ipc_thread t;
	struct kernel_counters a, b;
	uint64_t ntfn = new_object(KOZO_OBJ_NOTIFICATION);
	uint64_t badged = ntfn ? mint(ntfn, NTFN_BADGE) : 0;
	uint64_t dest = 0, badge, mr[4] = { 0 }, info = 0;
	struct kozo_ipc_buffer *mine = kozo_ipc_buffer();
	struct job j = { .cptr = ep, .info = kozo_msginfo(0, 0, 1, 0), .cap = badged,
			 .report = report };
	/* The receive slot is taken after the thread's own objects. */
	bool started = ipc_thread_start(&t, client_thread, (uint64_t)&j, false, 0) == KOZO_OK;
	dest = slots_alloc(1);
	mine->receive_cnode = 0;
	mine->receive_index = dest;
	mine->receive_depth = INIT_DEPTH;
	read_counters(&a);
	if (started)
		info = kozo_recv(ep, &badge, mr);
	read_counters(&b);
	mine->receive_index = mine->receive_depth = 0;
	bool got = started && badged && dest && kozo_msginfo_extra_caps(info) == 1;
	if (got)
		slots_record(dest, KOZO_OBJ_NOTIFICATION, KOZO_RIGHTS_ALL, NTFN_BADGE, badged, 0, 0);
	/* The copy works: signalling it sets the badge in the original. */
	uint64_t word = 0;
	if (got) {
		kozo_signal(dest);
		word = kozo_poll(ntfn);
	}
	if (started) {
		kozo_reply(kozo_msginfo(0, 0, 0, 0), mr);
		kozo_recv(report, &badge, mr);
	}
	ipc_thread_stop(&t);
	if (got)
		init_free_slot(dest);
	init_free_slot(badged);
	init_free_slot(ntfn);
	if (!got)
		result("captransfer", false, "no capability received (extra caps, slot)",
		       kozo_msginfo_extra_caps(info), dest);
	else if (word != NTFN_BADGE)
		result("captransfer", false, "received cap does not signal the notification", word,
		       NTFN_BADGE);
	else
		result("captransfer", b.slow > a.slow, "cap transfer not on the slow path",
		       b.slow - a.slow, b.fast - a.fast);
}

static void test_irq(void)
{
	struct kernel_counters a, b;
	read_counters(&a);
	uint64_t word = console_irqtest();
	read_counters(&b);
	result("irq", (word & CONSOLE_IRQ_BADGE) && b.irqs > a.irqs,
	       "serial interrupt not signalled (word, irqs)", word, b.irqs - a.irqs);
}

static uint64_t report_cptr;

static void fault_resumed(uint64_t value)
{
	for (;;) {
		uint64_t mr[4] = { value, 0, 0, 0 };
		kozo_call(report_cptr, kozo_msginfo(0, 0, 0, 1), mr);
	}
}

static void fault_thread(uint64_t arg)
{
	__asm__ volatile(KOZO_ARCH_UNDEFINED_INSN);
	fault_resumed(arg); /* never: the handler moves us on */
}

static void test_fault(uint64_t ep)
{
	struct ipc_thread t;
	uint64_t fault = mint(ep, FAULT_BADGE), report = mint(ep, REPORT_BADGE);
	uint64_t badge = 0, mr[4] = { 0 }, regs[KOZO_ARCH_REG_COUNT];
	report_cptr = report;
	if (!fault || !report || ipc_thread_start(&t, fault_thread, 1, false, fault)) {
		result("fault", false, "setup", fault, report);
		init_free_slot(fault);
		init_free_slot(report);
		return;
	}
	uint64_t info = kozo_recv(ep, &badge, mr);
	bool ok = badge == FAULT_BADGE && kozo_msginfo_label(info) == KOZO_FAULT_USER_EXCEPTION &&
		  mr[3] == KOZO_ARCH_UNDEFINED_VECTOR;
	uint64_t where = mr[0];
	if (ok) {
		/* Resume it elsewhere, with another argument. */
		ok = kozo_tcb_read_registers(t.tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK &&
		     regs[KOZO_ARCH_REG_IP] == where;
		regs[KOZO_ARCH_REG_IP] = (uint64_t)fault_resumed;
		regs[KOZO_ARCH_REG_ARG0] = RESUME_VALUE;
		regs[KOZO_ARCH_REG_SP] = kozo_arch_entry_sp(regs[KOZO_ARCH_REG_SP]);
		ok = ok && kozo_tcb_write_registers(t.tcb, false, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK;
		uint64_t none[4] = { 0 };
		kozo_reply(kozo_msginfo(0, 0, 0, 0), none);
		info = kozo_recv(ep, &badge, mr);
		if (badge != REPORT_BADGE || mr[0] != RESUME_VALUE)
			ok = false;
	}
	ipc_thread_stop(&t);
	init_free_slot(fault);
	init_free_slot(report);
	result("fault", ok, "fault message or resume (badge, mr0)", badge, mr[0]);
}

static void test_deleted(uint64_t report)
{
	struct ipc_thread t;
	uint64_t doomed = new_object(KOZO_OBJ_ENDPOINT), badge, mr[4] = { 0 };
	struct job j = { .cptr = doomed, .info = kozo_msginfo(1, 0, 0, 0), .report = report,
			 .status = ~0ull };
	if (!doomed || ipc_thread_start(&t, client_thread, (uint64_t)&j, false, 0)) {
		result("deleted", false, "setup", doomed, 0);
		init_free_slot(doomed);
		return;
	}
	kozo_yield(); /* the client runs and blocks in its Call */
	uint64_t blocked = j.status;
	init_free_slot(doomed);
	kozo_recv(report, &badge, mr);
	uint64_t cancelled = j.status;
	/* The slot is empty now: a Call on it fails at once. */
	uint64_t info = 0;
	int again = kozo_call_status(doomed, &info, mr);
	ipc_thread_stop(&t);
	if (blocked != ~0ull)
		result("deleted", false, "the Call did not block", blocked, 0);
	else if (cancelled != KOZO_ERR_CANCELLED)
		result("deleted", false, "blocked sender not told cancelled", cancelled,
		       KOZO_ERR_CANCELLED);
	else
		result("deleted", again != KOZO_OK, "send on the deleted cap succeeded",
		       (uint64_t)again, 0);
}

static void cmd_ipctest(int argc, char **argv)
{
	passed = failed = 0;
	uint64_t ep = new_object(KOZO_OBJ_ENDPOINT);
	uint64_t report = new_object(KOZO_OBJ_ENDPOINT);
	if (!ep || !report) {
		printf("ipctest: endpoints: FAIL no memory\n");
		init_free_slot(ep);
		init_free_slot(report);
		return;
	}
	test_fastpath(ep);
	test_crossspace(ep);
	test_badge(ep, report);
	test_captransfer(ep, report);
	test_irq();
	test_fault(ep);
	test_deleted(report);
	init_free_slot(report);
	init_free_slot(ep);
	printf("ipctest: %u passed, %u failed\n", passed, failed);
}

const struct test_program test_program = { "ipctest", "", cmd_ipctest };
