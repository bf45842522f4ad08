/* Faults as messages to the fault endpoint (include/kozo/fault.h). */
#include <string.h>
#include "kt.h"
#include "tests.h"

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
