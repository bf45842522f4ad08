/* Faults as messages to the fault endpoint (include/kozo/fault.h). */
#include <stdio.h>
#include <string.h>
#include "kt.h"
#include "tests.h"
#include "invariants.h"

struct fault_setup {
	word_t ep, badged, faulter_slot;
	struct tcb *handler, *faulter;
};

/* A handler blocked receiving on ep, and a faulter whose fault endpoint
 * is ep badged 0x77. */
static void fault_setup(struct host_kernel *h, struct fault_setup *f)
{
	word_t fs;
	f->ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	f->badged = host_slot_alloc(h, 1);
	KT_OK(kt_mint(h, f->badged, f->ep, KOZO_RIGHTS_ALL, 0x77));
	KT_OK(host_spawn(h, 100, NULL, &f->handler));
	KT_OK(host_spawn(h, 10, &fs, &f->faulter));
	f->faulter_slot = fs;
	const word_t cfg[3] = { f->badged, 10, 0 };
	const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, fs + 1 };
	CHECK_ERR("configure_fault_ep", host_invoke(h, h->init, fs, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3,
						    NULL, 0), KOZO_OK);
	KT_SYS(h, f->handler, KOZO_SYS_RECV, f->ep, 0, NULL, NULL);
	f->faulter->ctx.regs[ARCH_REG_IP] = 0x401234;
	f->faulter->ctx.regs[ARCH_REG_SP] = 0x7fff0000;
	f->faulter->ctx.regs[ARCH_REG_FLAGS] = 0x246;
}

/* fault_setup with a faulter of the Linux personality: its every system
 * call is an UnknownSyscall fault. */
static void linux_fault_setup(struct host_kernel *h, struct fault_setup *f)
{
	fault_setup(h, f);
	const word_t linux_p[1] = { KOZO_PERSONALITY_LINUX };
	CHECK_ERR("set_personality", kt_invoke(h, f->faulter_slot, KOZO_TCB_SET_PERSONALITY, linux_p, 1, NULL, 0),
		  KOZO_OK);
}

void test_fault_unknown_syscall(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	fault_setup(&h, &f);
	/* Linux getpid(39) with six recognizable arguments. */
	const word_t args[4] = { 0xa2, 0xa3, 0xa4, 0xa5 };
	KT_SYS(&h, f.faulter, 39, 0xa0, 0xa1, args, NULL);
	CHECK_EQ("faulter_waits", f.faulter->state, THREAD_BLOCKED_REPLY);
	CHECK_EQ("handler_runnable", f.handler->state, THREAD_RUNNABLE);
	struct host_msg m;
	host_read_msg(f.handler, &m);
	CHECK_EQ("label", m.label, KOZO_FAULT_UNKNOWN_SYSCALL);
	CHECK_EQ("length", m.len, KOZO_FAULT_SYSCALL_LENGTH);
	CHECK_EQ("badge", f.handler->ctx.regs[ARCH_REG_CAP], 0x77);
	const word_t want[KOZO_FAULT_SYSCALL_LENGTH] = { 39, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
							 0x401234, 0x7fff0000, 0x246 };
	static const char *const names[KOZO_FAULT_SYSCALL_LENGTH] = {
		"mr0_number", "mr1_arg0", "mr2_arg1", "mr3_arg2", "mr4_arg3", "mr5_arg4",
		"mr6_arg5", "mr7_ip", "mr8_sp", "mr9_flags" };
	for (unsigned i = 0; i < KOZO_FAULT_SYSCALL_LENGTH; i++)
		CHECK_EQ(names[i], m.mr[i], want[i]);
	const word_t ret[4] = { 1234 };
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 1), ret, NULL);
	CHECK_EQ("faulter_resumed", f.faulter->state, THREAD_RUNNABLE);
	CHECK_EQ("return_value", f.faulter->ctx.regs[ARCH_REG_RET], 1234);
	CHECK_EQ("ip_unchanged", f.faulter->ctx.regs[ARCH_REG_IP], 0x401234);
	CHECK_EQ("fault_cleared", f.faulter->pending_fault, 0);
	kt_end(&h);
}

void test_fault_linux_personality(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	linux_fault_setup(&h, &f);
	KT_SYS(&h, f.faulter, KOZO_SYS_YIELD, 0, 0, NULL, NULL);
	CHECK_EQ("native_number_is_a_fault", f.handler->ctx.regs[ARCH_REG_MR0], KOZO_SYS_YIELD);
	CHECK_EQ("label", kozo_msginfo_label(f.handler->ctx.regs[ARCH_REG_INFO]), KOZO_FAULT_UNKNOWN_SYSCALL);
	/* A reply with a non-zero label leaves the thread stopped. */
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY, 0, kozo_msginfo(1, 0, 0, 0), NULL, NULL);
	CHECK_EQ("stopped", f.faulter->state, THREAD_INACTIVE);
	CHECK("not_scheduled", !sched_is_queued(&h.k->sched, f.faulter));
	kt_end(&h);
}

/* A Linux thread's unknown system call to a handler that waits, and the
 * handler's ReplyRecv of label 0, take the IPC fast path both ways (the
 * reply also to the lower-priority thread) and leave what the general
 * path leaves; a thread of a priority between them that can run, a
 * non-zero label, a VM fault or a handler without an IPC buffer send them
 * to the general path. */
void test_fault_fastpath(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	linux_fault_setup(&h, &f);
	/* A thread of priority 50 and Init wait too, so nothing but the two
	 * can run. */
	word_t park = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *mid;
	KT_OK(host_spawn(&h, 50, NULL, &mid));
	KT_SYS(&h, mid, KOZO_SYS_RECV, park, 0, NULL, NULL);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, park, 0, NULL, NULL);
	uint64_t hits = h.k->stats.fastpath_hits, faults = h.k->stats.faults;
	const word_t args[4] = { 0xa2, 0xa3, 0xa4, 0xa5 };
	KT_SYS(&h, f.faulter, 110, 0xa0, 0xa1, args, NULL);
	CHECK_EQ("send_fast", h.k->stats.fastpath_hits, hits + 1);
	CHECK_EQ("fault_counted", h.k->stats.faults, faults + 1);
	CHECK("handler_current", h.k->current == f.handler && f.handler->state == THREAD_RUNNABLE);
	CHECK("linked", f.handler->reply_to == f.faulter && f.faulter->reply_from == f.handler);
	CHECK_EQ("faulter_waits", f.faulter->state, THREAD_BLOCKED_REPLY);
	CHECK_EQ("fault_pending", f.faulter->pending_fault, KOZO_FAULT_UNKNOWN_SYSCALL);
	CHECK("faulter_not_queued", !sched_is_queued(&h.k->sched, f.faulter));
	struct host_msg m;
	host_read_msg(f.handler, &m);
	CHECK_EQ("label", m.label, KOZO_FAULT_UNKNOWN_SYSCALL);
	CHECK_EQ("length", m.len, KOZO_FAULT_SYSCALL_LENGTH);
	CHECK_EQ("badge", f.handler->ctx.regs[ARCH_REG_CAP], 0x77);
	const word_t want[KOZO_FAULT_SYSCALL_LENGTH] = { 110, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
							 0x401234, 0x7fff0000, 0x246 };
	bool same = true;
	for (unsigned i = 0; i < KOZO_FAULT_SYSCALL_LENGTH; i++)
		same &= m.mr[i] == want[i] && f.faulter->fault_msg[i] == want[i];
	CHECK("message_as_general_path", same);
	CHECK("endpoint_idle", !f.handler->blocked_on);
	/* The answer: the faulter (priority 10) runs after the handler
	 * (100) waits again. */
	word_t rax_before = f.faulter->ctx.regs[ARCH_REG_IP];
	const word_t ret[4] = { 4321 };
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(0, 0, 0, 1), ret, NULL);
	CHECK_EQ("reply_fast", h.k->stats.fastpath_hits, hits + 2);
	CHECK("faulter_current", h.k->current == f.faulter && f.faulter->state == THREAD_RUNNABLE);
	CHECK_EQ("result", f.faulter->ctx.regs[ARCH_REG_RET], 4321);
	CHECK_EQ("ip_kept", f.faulter->ctx.regs[ARCH_REG_IP], rax_before);
	CHECK_EQ("fault_cleared", f.faulter->pending_fault, 0);
	CHECK("unlinked", !f.handler->reply_to && !f.faulter->reply_from);
	CHECK("handler_waits", f.handler->state == THREAD_BLOCKED_RECV && f.handler->blocked_on != NULL);
	CHECK("handler_not_queued", !sched_is_queued(&h.k->sched, f.handler) &&
				    sched_is_queued(&h.k->sched, f.faulter));
	/* The thread of priority 50 can run: the general path would run it,
	 * not the faulter, so the reply is not fast (and runs it). */
	KT_SYS(&h, f.faulter, 110, 0, 0, NULL, NULL);
	KT_SYS(&h, f.handler, KOZO_SYS_NB_SEND, park, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	CHECK_EQ("middle_woken", mid->state, THREAD_RUNNABLE);
	hits = h.k->stats.fastpath_hits;
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(0, 0, 0, 1), ret, NULL);
	CHECK_EQ("middle_declines", h.k->stats.fastpath_hits, hits);
	CHECK("middle_runs", h.k->current == mid && f.faulter->state == THREAD_RUNNABLE);
	CHECK_EQ("middle_result", f.faulter->ctx.regs[ARCH_REG_RET], 4321);
	KT_SYS(&h, mid, KOZO_SYS_RECV, park, 0, NULL, NULL);
	/* A non-zero label stops the thread: the general path's. */
	KT_SYS(&h, f.faulter, 110, 0, 0, NULL, NULL);
	hits = h.k->stats.fastpath_hits;
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(5, 0, 0, 1), ret, NULL);
	CHECK_EQ("label_declines", h.k->stats.fastpath_hits, hits);
	CHECK_EQ("label_stops", f.faulter->state, THREAD_INACTIVE);
	kt_end(&h);
}

/* A VM fault's reply, and a Linux call from a thread above its handler's
 * priority (the fast path cannot tell who runs next), go the general way. */
void test_fault_fastpath_declines(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	linux_fault_setup(&h, &f);
	word_t park = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	const word_t p200[1] = { 200 };
	CHECK_ERR("raise_faulter", kt_invoke(&h, f.faulter_slot, KOZO_TCB_SET_PRIORITY, p200, 1, NULL, 0),
		  KOZO_OK);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, park, 0, NULL, NULL);
	uint64_t hits = h.k->stats.fastpath_hits;
	CHECK_ERR("vm_fault", host_fault(&h, f.faulter, KOZO_FAULT_VM, 0xdead000, 6, 14, false), KOZO_OK);
	const word_t new_ip[4] = { 0x402000 };
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(0, 0, 0, 1), new_ip, NULL);
	CHECK_EQ("vm_reply_declines", h.k->stats.fastpath_hits, hits);
	CHECK_EQ("vm_new_ip", f.faulter->ctx.regs[ARCH_REG_IP], 0x402000);
	CHECK("faulter_runs", h.k->current == f.faulter);
	KT_SYS(&h, f.faulter, 110, 0xa0, 0, NULL, NULL);
	CHECK_EQ("higher_caller_declines", h.k->stats.fastpath_hits, hits);
	CHECK("handler_runs", h.k->current == f.handler && f.faulter->state == THREAD_BLOCKED_REPLY);
	CHECK_EQ("delivered", f.handler->ctx.regs[ARCH_REG_MR1], 0xa0);
	kt_end(&h);
}

void test_fault_no_handler(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct tcb *t;
	KT_OK(host_spawn(&h, 10, NULL, &t));
	host_console_clear(h.m);
	KT_SYS(&h, t, 60, 0, 0, NULL, NULL);
	CHECK_EQ("stopped", t->state, THREAD_INACTIVE);
	CHECK("logged", strstr(h.m->console, "no fault handler") != NULL);
	CHECK_EQ("fault_counted", h.k->stats.faults, 1);
	CHECK_ERR("cannot_trap_again", host_syscall(&h, t, 60, 0, 0, NULL, NULL), HOST_NOT_RUNNABLE);
	kt_end(&h);
}

void test_fault_vm(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	fault_setup(&h, &f);
	CHECK_ERR("fault", host_fault(&h, f.faulter, KOZO_FAULT_VM, 0xdead000, 6, 14, false), KOZO_OK);
	struct host_msg m;
	host_read_msg(f.handler, &m);
	CHECK_EQ("label", m.label, KOZO_FAULT_VM);
	CHECK_EQ("length", m.len, KOZO_FAULT_VM_LENGTH);
	CHECK_EQ("mr0_ip", m.mr[0], 0x401234);
	CHECK_EQ("mr1_addr", m.mr[1], 0xdead000);
	CHECK_EQ("mr2_not_exec", m.mr[2], 0);
	CHECK_EQ("mr3_code", m.mr[3], 6);
	const word_t new_ip[4] = { 0x402000 };
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(0, 0, 0, 1), new_ip, NULL);
	CHECK_EQ("resumed", f.faulter->state, THREAD_RUNNABLE);
	CHECK_EQ("new_ip", f.faulter->ctx.regs[ARCH_REG_IP], 0x402000);
	CHECK_ERR("exception", host_fault(&h, f.faulter, KOZO_FAULT_USER_EXCEPTION, 0, 0x10, 13, false), KOZO_OK);
	host_read_msg(f.handler, &m);
	CHECK_EQ("exception_label", m.label, KOZO_FAULT_USER_EXCEPTION);
	CHECK_EQ("exception_length", m.len, KOZO_FAULT_EXCEPTION_LENGTH);
	CHECK("exception_mrs", m.mr[0] == 0x402000 && m.mr[1] == 0x7fff0000 && m.mr[3] == 13 && m.mr[4] == 0x10);
	/* The fault endpoint goes away (with the TCB's copy, a descendant):
	 * the faulter queued on it is stopped, not resumed. */
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	CHECK_EQ("retry_resumes", f.faulter->ctx.regs[ARCH_REG_IP], 0x402000);
	KT_OK(host_fault(&h, f.faulter, KOZO_FAULT_VM, 0x1000, 4, 14, true));
	CHECK_EQ("queued_on_endpoint", f.faulter->state, THREAD_BLOCKED_SEND);
	CHECK_ERR("revoke_endpoint", kt_revoke(&h, f.ep), KOZO_OK);
	CHECK_EQ("tcb_copy_revoked", f.faulter->slots[TCB_FAULT_EP].cap.type, KOZO_OBJ_NULL);
	CHECK_ERR("delete_endpoint", kt_delete(&h, f.ep), KOZO_OK);
	CHECK_EQ("faulter_stopped", f.faulter->state, THREAD_INACTIVE);
	CHECK_EQ("fault_dropped", f.faulter->pending_fault, 0);
	kt_end(&h);
}

/* A fault handler's reply of label 0 sets the new IP only when its length
 * is 1 (<kozo/fault.h>); length 0 or 2 retries at the same IP. */
void test_fault_reply_length(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	fault_setup(&h, &f);
	const word_t new_ip[4] = { 0x402000, 0x403000 };
	static const unsigned len[3] = { 2, 0, 1 };
	static const word_t want_ip[3] = { 0x401234, 0x401234, 0x402000 };
	static const char *const names[3] = { "length_2_retries", "length_0_retries", "length_1_sets_ip" };
	for (unsigned i = 0; i < 3; i++) {
		f.faulter->ctx.regs[ARCH_REG_IP] = 0x401234;
		CHECK_ERR("fault", host_fault(&h, f.faulter, KOZO_FAULT_VM, 0xdead000, 6, 14, false), KOZO_OK);
		CHECK_EQ("faulter_waits", f.faulter->state, THREAD_BLOCKED_REPLY);
		uint64_t sanitized = h.m->contexts_sanitized;
		KT_SYS(&h, f.handler, KOZO_SYS_REPLY_RECV, f.ep, kozo_msginfo(0, 0, 0, len[i]), new_ip, NULL);
		CHECK_EQ("resumed", f.faulter->state, THREAD_RUNNABLE);
		CHECK_EQ(names[i], f.faulter->ctx.regs[ARCH_REG_IP], want_ip[i]);
		if (len[i] == 1)  /* a new IP from user space: the port checks the context */
			CHECK_EQ("new_ip_sanitized", h.m->contexts_sanitized, sanitized + 1);
	}
	kt_end(&h);
}

/* The reply to an unknown system call sets the return register only when
 * it carries a register (<kozo/fault.h>): length 0 leaves it as it was. */
void test_fault_syscall_reply_length(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct fault_setup f;
	fault_setup(&h, &f);
	KT_SYS(&h, f.faulter, 39, 0, 0, NULL, NULL);
	CHECK_EQ("faulter_waits", f.faulter->state, THREAD_BLOCKED_REPLY);
	word_t before = f.faulter->ctx.regs[ARCH_REG_RET];
	const word_t ret[4] = { 0x5555 };
	KT_SYS(&h, f.handler, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 0), ret, NULL);
	CHECK_EQ("resumed", f.faulter->state, THREAD_RUNNABLE);
	CHECK_EQ("return_register_kept", f.faulter->ctx.regs[ARCH_REG_RET], before);
	CHECK_EQ("ip_unchanged", f.faulter->ctx.regs[ARCH_REG_IP], 0x401234);
	kt_end(&h);
}

/* ---- The fault fast paths against the general path ----
 * The same scenario on two kernels, one with the IPC fast path and one
 * without (general_only): after every step both must hold the same state
 * (kt_same_state: memory, the thread that runs, run queues, console).  A
 * Linux thread faults to its handler; between the fault and the reply the
 * handler changes something (the faulter's state, priority, registers,
 * personality, its own notification, a capability); it answers with some
 * reply through some capability; then, a few times, whichever thread the
 * scheduler runs makes its next call.  Priorities at the bitmap's edges,
 * equal, and with threads between them woken before the reply. */
struct fault_scenario {
	unsigned handler_prio, faulter_prio;
	unsigned extra_prio[2], extras;  /* threads parked on `park` */
	unsigned wake;                   /* how many of them the handler wakes */
	unsigned between;                /* FS_* */
	unsigned reply_cap;              /* RC_* */
	word_t reply_info;
	bool second;                     /* a second Linux thread, queued behind the faulter */
	bool recv_instead;               /* the handler answers with a Recv, owing the reply */
	unsigned kind;                   /* FK_*: the faulter's first fault */
};

enum { FK_LINUX, FK_VM, FK_NATIVE_UNKNOWN, FK_LINUX_REPLY_RECV, FK_EXCEPTION, FK_COUNT };

enum { FS_NONE, FS_SUSPEND, FS_SUSPEND_RESUME, FS_PRIO_SAME, FS_PRIO_ZERO, FS_PRIO_UP, FS_WRITE_REGS,
       FS_SIGNAL, FS_REVOKE_FAULT_EP, FS_DELETE_FAULTER, FS_NATIVE, FS_NO_BUFFER, FS_COUNT };
enum { RC_EP, RC_NONSENSE, RC_NO_READ, RC_NTFN, RC_COUNT };

struct twin {
	struct host_kernel h;
	struct fault_setup f;
	word_t handler_slot, park, ntfn, no_read;
	struct tcb *extra[2], *second;
};

/* One kernel of the pair: the fault setup at the scenario's priorities,
 * the handler bound to a notification, the extra threads and Init parked
 * (so that the faulter is the thread that runs). */
static bool twin_start(struct twin *w, const struct fault_scenario *s, bool general_only)
{
	const struct host_boot_options opt = { .ram_size = 1u << 20 };
	struct host_kernel *h = &w->h;
	memset(w, 0, sizeof(*w));
	if (host_kernel_boot(h, &opt) != KOZO_OK)
		return false;
	h->general_only = general_only;
	/* fault_setup's, without its checks (one per scenario). */
	struct fault_setup *f = &w->f;
	word_t fs;
	f->ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	f->badged = host_slot_alloc(h, 1);
	if (!f->ep || !f->badged || kt_mint(h, f->badged, f->ep, KOZO_RIGHTS_ALL, 0x77) ||
	    host_spawn(h, 100, NULL, &f->handler) || host_spawn(h, 10, &fs, &f->faulter))
		return false;
	f->faulter_slot = fs;
	const word_t cfg[3] = { f->badged, 10, 0 };
	const word_t fcaps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, fs + 1 };
	if (kt_invoke(h, fs, KOZO_TCB_CONFIGURE, cfg, 3, fcaps, 3))
		return false;
	host_syscall(h, f->handler, KOZO_SYS_RECV, f->ep, 0, NULL, NULL);
	f->faulter->ctx.regs[ARCH_REG_IP] = 0x401234;
	f->faulter->ctx.regs[ARCH_REG_SP] = 0x7fff0000;
	f->faulter->ctx.regs[ARCH_REG_FLAGS] = 0x246;
	for (word_t c = 1; c < BIT(KOZO_INIT_CNODE_RADIX); c++)
		if (h->cnode[c].cap.type == KOZO_OBJ_TCB && (struct tcb *)h->cnode[c].cap.obj == w->f.handler)
			w->handler_slot = c;
	w->park = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	w->ntfn = kt_new(h, KOZO_OBJ_NOTIFICATION, 0);
	w->no_read = host_slot_alloc(h, 1);
	const word_t linux_p[1] = { KOZO_PERSONALITY_LINUX };
	const word_t hp[1] = { s->handler_prio }, fp[1] = { s->faulter_prio }, ntfn[1] = { w->ntfn };
	if (!w->handler_slot || !w->park || !w->ntfn || !w->no_read ||
	    kt_mint(h, w->no_read, w->f.ep, KOZO_RIGHT_WRITE, 0) ||
	    (s->kind != FK_NATIVE_UNKNOWN && s->kind != FK_VM &&
	     kt_invoke(h, w->f.faulter_slot, KOZO_TCB_SET_PERSONALITY, linux_p, 1, NULL, 0)) ||
	    kt_invoke(h, w->handler_slot, KOZO_TCB_SET_PRIORITY, hp, 1, NULL, 0) ||
	    kt_invoke(h, w->f.faulter_slot, KOZO_TCB_SET_PRIORITY, fp, 1, NULL, 0) ||
	    kt_invoke(h, w->handler_slot, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, ntfn, 1))
		return false;
	for (unsigned i = 0; i < s->extras; i++)
		if (host_spawn(h, s->extra_prio[i], NULL, &w->extra[i]) != KOZO_OK ||
		    (host_syscall(h, w->extra[i], KOZO_SYS_RECV, w->park, 0, NULL, NULL),
		     w->extra[i]->state != THREAD_BLOCKED_RECV))
			return false;
	if (s->second) {
		word_t fs;
		const word_t cfg[3] = { w->f.badged, s->faulter_prio, 0 };
		if (host_spawn(h, s->faulter_prio, &fs, &w->second) != KOZO_OK)
			return false;
		const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, fs + 1 };
		if (kt_invoke(h, fs, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3) ||
		    kt_invoke(h, fs, KOZO_TCB_SET_PERSONALITY, linux_p, 1, NULL, 0))
			return false;
	}
	host_syscall(h, h->init, KOZO_SYS_RECV, w->park, 0, NULL, NULL);
	return h->init->state == THREAD_BLOCKED_RECV && sched_choose(&h->k->sched) == w->f.faulter;
}

/* The handler, running after the fault, changes something. */
static void twin_between(struct twin *w, const struct fault_scenario *s)
{
	struct host_kernel *h = &w->h;
	struct tcb *me = w->f.handler;
	const word_t zero[1] = { 0 }, same[1] = { s->handler_prio };
	const word_t regs[2 + 3] = { 0, 3, 0x1111, 0x2222, 0x3333 }, native[1] = { KOZO_PERSONALITY_NATIVE };
	const word_t del[2] = { w->f.badged, 64 }, del_tcb[2] = { w->f.faulter_slot, 64 };
	word_t f = w->f.faulter_slot;
	switch (s->between) {
	case FS_SUSPEND: host_invoke(h, me, f, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0, NULL, 0); break;
	case FS_SUSPEND_RESUME:
		host_invoke(h, me, f, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0, NULL, 0);
		host_invoke(h, me, f, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0);
		break;
	case FS_PRIO_SAME: host_invoke(h, me, f, KOZO_TCB_SET_PRIORITY, same, 1, NULL, 0, NULL, 0); break;
	case FS_PRIO_ZERO: host_invoke(h, me, f, KOZO_TCB_SET_PRIORITY, zero, 1, NULL, 0, NULL, 0); break;
	case FS_PRIO_UP: {
		const word_t p[1] = { s->handler_prio ? s->handler_prio - 1 : 0 };
		host_invoke(h, me, f, KOZO_TCB_SET_PRIORITY, p, 1, NULL, 0, NULL, 0);
		break;
	}
	case FS_WRITE_REGS: host_invoke(h, me, f, KOZO_TCB_WRITE_REGISTERS, regs, 5, NULL, 0, NULL, 0); break;
	case FS_SIGNAL: host_syscall(h, me, KOZO_SYS_SEND, w->ntfn, 0, NULL, NULL); break;
	case FS_REVOKE_FAULT_EP:
		host_invoke(h, me, KOZO_CAP_INIT_CNODE, KOZO_CNODE_REVOKE, del, 2, NULL, 0, NULL, 0);
		break;
	case FS_DELETE_FAULTER:
		host_invoke(h, me, KOZO_CAP_INIT_CNODE, KOZO_CNODE_DELETE, del_tcb, 2, NULL, 0, NULL, 0);
		break;
	case FS_NATIVE: host_invoke(h, me, f, KOZO_TCB_SET_PERSONALITY, native, 1, NULL, 0, NULL, 0); break;
	case FS_NO_BUFFER: {
		/* The handler's IPC buffer goes (its TCB's copy with the
		 * frame's revocation). */
		const word_t frame[2] = { w->handler_slot + 1, 64 };
		host_invoke(h, me, KOZO_CAP_INIT_CNODE, KOZO_CNODE_REVOKE, frame, 2, NULL, 0, NULL, 0);
		break;
	}
	default: break;
	}
}

/* The thread the scheduler runs makes its next call: the faulter a Linux
 * call, the handler its answer (ReplyRecv of label 0), anyone else a
 * Recv on `park`.  False when nobody can run. */
static bool twin_next(struct twin *w, unsigned n)
{
	struct host_kernel *h = &w->h;
	struct tcb *t = sched_choose(&h->k->sched);
	const word_t mr[4] = { 1000 + n, 1, 2, 3 };
	if (!t)
		return false;
	if (t == w->f.faulter || t == w->second)
		host_syscall(h, t, 39 + n, 0xa0 + n, 0xb0, mr, NULL);
	else if (t == w->f.handler)
		host_syscall(h, t, KOZO_SYS_REPLY_RECV, w->f.ep, kozo_msginfo(0, 0, 0, 1), mr, NULL);
	else
		host_syscall(h, t, KOZO_SYS_RECV, w->park, 0, NULL, NULL);
	return true;
}

/* Run s on both kernels, step by step; a FAIL names the first step after
 * which they differ.  Returns whether both ways took the fast path at
 * least once (fault, reply) on the first kernel. */
static unsigned run_fault_scenario(const struct fault_scenario *s, const char *name)
{
	static struct twin a, b;
	char why[200] = "", what[300];
	unsigned fast = 0;
	bool ok = twin_start(&a, s, false) && twin_start(&b, s, true);
	const char *step = "setup";
	struct twin *w[2] = { &a, &b };
	if (ok && !(ok = kt_same_state(&a.h, &b.h, why, sizeof(why))))
		step = "setup";
	for (unsigned phase = 0; ok && phase < 8; phase++) {
		uint64_t hits = a.h.k->stats.fastpath_hits;
		for (unsigned i = 0; i < 2; i++) {
			struct twin *x = w[i];
			struct host_kernel *h = &x->h;
			switch (phase) {
			case 0:   /* the Linux call, or another fault */
				step = "fault";
				if (s->kind == FK_VM)
					host_fault(h, x->f.faulter, KOZO_FAULT_VM, 0xdead000, 6, 14, false);
				else if (s->kind == FK_EXCEPTION)
					host_fault(h, x->f.faulter, KOZO_FAULT_USER_EXCEPTION, 0, 0x10, 13, false);
				else if (s->kind == FK_LINUX_REPLY_RECV)
					host_syscall(h, x->f.faulter, KOZO_SYS_REPLY_RECV, x->f.ep, 0, NULL, NULL);
				else
					host_syscall(h, x->f.faulter, 110, 0xa0, 0xa1, NULL, NULL);
				break;
			case 1:
				step = "between";
				for (unsigned e = 0; e < s->wake && e < s->extras; e++)
					host_syscall(h, x->f.handler, KOZO_SYS_NB_SEND, x->park, 0, NULL, NULL);
				twin_between(x, s);
				break;
			case 2: {
				step = "reply";
				/* Only the thread that runs makes calls. */
				if (sched_choose(&h->k->sched) != x->f.handler) {
					host_kernel_free(&a.h);
					host_kernel_free(&b.h);
					return 8;
				}
				const word_t cptr[RC_COUNT] = { x->f.ep, 0x5a5a, x->no_read, x->ntfn };
				const word_t mr[4] = { 4321, 5, 6, 7 };
				host_syscall(h, x->f.handler, s->recv_instead ? KOZO_SYS_RECV : KOZO_SYS_REPLY_RECV,
					     cptr[s->reply_cap], s->reply_info, mr, NULL);
				break;
			}
			default:
				step = "next call";
				twin_next(x, phase);
				break;
			}
		}
		if (phase == 0 && a.h.k->stats.fastpath_hits > hits)
			fast |= 1;
		if (phase == 2 && a.h.k->stats.fastpath_hits > hits)
			fast |= 2;
		ok = !a.h.dead && !b.h.dead && kernel_invariants_hold(&a.h, why) &&
		     kt_same_state(&a.h, &b.h, why, sizeof(why));
		if (!ok) {
			snprintf(what, sizeof(what), "%s, after the %s (phase %u): %s", name, step, phase, why);
			check_fail("fault_paths_agree", what);
		}
	}
	host_kernel_free(&a.h);
	host_kernel_free(&b.h);
	return ok ? fast : 4;   /* 8: the handler does not run to answer */
}

/* One scenario, and a tally: r is run_fault_scenario's. */
struct fault_tally {
	unsigned runs, differ, fast;
};

static void fault_scenario_count(struct fault_tally *n, const struct fault_scenario *s)
{
	char name[160];
	snprintf(name, sizeof(name), "fault %u, handler %u faulter %u, %u woken at %u/%u, between %u, cap %u, info %#lx%s%s",
		 s->kind, s->handler_prio, s->faulter_prio, s->extras, s->extra_prio[0], s->extra_prio[1], s->between,
		 s->reply_cap, (unsigned long)s->reply_info, s->second ? ", second thread" : "",
		 s->recv_instead ? ", Recv" : "");
	unsigned r = run_fault_scenario(s, name);
	if (r == 8)
		return;   /* a woken thread runs instead of the handler */
	n->runs++;
	n->differ += (r & 4) != 0;
	n->fast |= r & 3;
}

void test_fault_fastpath_as_general(void)
{
	/* Handler and faulter: above, at the bitmap's word edges (63/64,
	 * 0, 255), equal, below. */
	static const unsigned prios[][2] = {
		{ 100, 10 }, { 255, 0 }, { 1, 0 }, { 100, 100 }, { 64, 63 }, { 128, 64 }, { 65, 64 }, { 10, 100 },
	};
	/* Threads woken by the handler before it answers: count, priorities. */
	static const unsigned extras[][3] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 2, 50, 50 }, { 1, 64, 0 }, { 2, 10, 100 }, { 1, 63, 0 },
	};
	const word_t infos[] = {
		kozo_msginfo(0, 0, 0, 1), kozo_msginfo(0, 0, 0, 0), kozo_msginfo(0, 0, 0, 4),
		kozo_msginfo(0, 0, 0, 5), kozo_msginfo(3, 0, 0, 1), kozo_msginfo(0, 0, 1, 1),
		kozo_msginfo(0, 7, 0, 1),
	};
	struct fault_tally n = { 0 };
	for (unsigned p = 0; p < ARRAY_SIZE(prios); p++) {
		struct fault_scenario s = { .handler_prio = prios[p][0], .faulter_prio = prios[p][1],
					    .reply_info = infos[0] };
		/* Threads between, above and below; a second Linux thread
		 * behind the first, the handler answering or not. */
		for (unsigned e = 0; e < ARRAY_SIZE(extras); e++) {
			s.extras = s.wake = extras[e][0];
			s.extra_prio[0] = extras[e][1];
			s.extra_prio[1] = extras[e][2];
			for (unsigned v = 0; v < 3; v++) {
				s.second = v > 0;
				s.recv_instead = v > 1;
				fault_scenario_count(&n, &s);
			}
		}
		s.extras = s.wake = 0;
		s.second = s.recv_instead = false;
		/* Something changes between the fault and the answer. */
		for (unsigned between = 1; between < FS_COUNT; between++) {
			s.between = between;
			fault_scenario_count(&n, &s);
		}
		s.between = FS_NONE;
		/* Other answers, through other capabilities, to other faults. */
		if (p > 1)
			continue;
		for (unsigned kind = 1; kind < FK_COUNT; kind++)
			for (unsigned i = 0; i < ARRAY_SIZE(infos); i++) {
				s.kind = kind;
				s.reply_info = infos[i];
				fault_scenario_count(&n, &s);
			}
		s.kind = FK_LINUX;
		for (unsigned rc = 0; rc < RC_COUNT; rc++)
			for (unsigned i = 0; i < ARRAY_SIZE(infos); i++) {
				s.reply_cap = rc;
				s.reply_info = infos[i];
				fault_scenario_count(&n, &s);
			}
	}
	printf("  %u scenarios, %u differ\n", n.runs, n.differ);
	CHECK_EQ("scenarios_agree", n.differ, 0);
	CHECK_EQ("both_fast_paths_taken", n.fast, 3);
}
