/* Notifications: Signal ORs badges, Wait and Poll take them, binding. */
#include "kt.h"
#include "tests.h"

void test_ntfn_signal_wait(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), b = host_slot_alloc(&h, 2);
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x1));
	KT_OK(kt_mint(&h, b + 1, nt, KOZO_RIGHTS_ALL, 0x4));
	CHECK_ERR("signal_1", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("signal_4", host_syscall(&h, h.init, KOZO_SYS_NB_SEND, b + 1, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("signal_1_again", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	CHECK_EQ("word_ored", ((struct notification *)host_object(&h, nt))->word, 0x5);
	struct host_regs r;
	CHECK_ERR("poll", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("poll_badges", r.badge, 0x5);
	CHECK_ERR("poll_empty", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	CHECK_EQ("poll_empty_badge", r.badge, 0);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, b + 1, 0, NULL, NULL);
	CHECK_ERR("wait_pending", host_syscall(&h, h.init, KOZO_SYS_RECV, nt, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("wait_badge", r.badge, 0x4);
	CHECK_EQ("init_not_blocked", h.init->state, THREAD_RUNNABLE);
	word_t ro = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, ro, nt, KOZO_RIGHT_READ));
	CHECK_ERR("signal_without_write", host_syscall(&h, h.init, KOZO_SYS_SEND, ro, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	kt_end(&h);
}

void test_ntfn_blocking(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), b = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x2));
	struct tcb *w1, *w2;
	KT_OK(host_spawn(&h, 10, NULL, &w1));
	KT_OK(host_spawn(&h, 10, NULL, &w2));
	KT_SYS(&h, w1, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	KT_SYS(&h, w2, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK("both_wait", w1->state == THREAD_BLOCKED_NTFN && w2->state == THREAD_BLOCKED_NTFN);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL);
	CHECK_EQ("first_waiter_woken", w1->state, THREAD_RUNNABLE);
	CHECK_EQ("first_badge", w1->ctx.regs[ARCH_REG_CAP], 0x2);
	CHECK_EQ("second_still_waits", w2->state, THREAD_BLOCKED_NTFN);
	CHECK_EQ("word_consumed", ((struct notification *)host_object(&h, nt))->word, 0);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, nt, 0, NULL, NULL);
	CHECK_EQ("second_woken", w2->state, THREAD_RUNNABLE);
	CHECK_ERR("second_ok", w2->ctx.regs[ARCH_REG_SYSNO], KOZO_OK);
	kt_end(&h);
}

void test_ntfn_bound(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t b = host_slot_alloc(&h, 1), ts;
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x40));
	struct tcb *t;
	KT_OK(host_spawn(&h, 10, &ts, &t));
	const word_t bind[1] = { nt };
	CHECK_ERR("bind", host_invoke(&h, h.init, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1, NULL, 0),
		  KOZO_OK);
	KT_SYS(&h, t, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_EQ("waits_on_endpoint", t->state, THREAD_BLOCKED_RECV);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL);
	CHECK_EQ("signal_wakes", t->state, THREAD_RUNNABLE);
	CHECK_EQ("signal_badge", t->ctx.regs[ARCH_REG_CAP], 0x40);
	struct endpoint *e = host_object(&h, ep);
	CHECK("left_endpoint_queue", e->q.head == NULL && e->state == EP_IDLE && t->blocked_on == NULL);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL);
	struct host_regs r;
	CHECK_ERR("recv_takes_pending_signal", host_syscall(&h, t, KOZO_SYS_RECV, ep, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("pending_badge", r.badge, 0x40);
	CHECK_EQ("did_not_block", t->state, THREAD_RUNNABLE);
	CHECK_EQ("word_taken", ((struct notification *)host_object(&h, nt))->word, 0);
	kt_end(&h);
}

void test_ntfn_deleted(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ts;
	struct tcb *w, *bound;
	KT_OK(host_spawn(&h, 10, NULL, &w));
	KT_OK(host_spawn(&h, 10, &ts, &bound));
	const word_t bind[1] = { nt };
	KT_OK(host_invoke(&h, h.init, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1, NULL, 0));
	KT_SYS(&h, w, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK_ERR("delete", kt_delete(&h, nt), KOZO_OK);
	CHECK_EQ("waiter_runnable", w->state, THREAD_RUNNABLE);
	CHECK_ERR("waiter_cancelled", w->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK("unbound", bound->bound_ntfn == NULL);
	kt_end(&h);
}

/* As in seL4, a signal through an unbadged capability counts: it leaves
 * the notification active (a later Wait returns at once with word 0), or
 * wakes a waiter. */
void test_ntfn_unbadged_signal(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	struct host_regs r;
	CHECK_ERR("poll_idle", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	CHECK_ERR("signal_badge_0", host_syscall(&h, h.init, KOZO_SYS_SEND, nt, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("wait_returns", host_syscall(&h, h.init, KOZO_SYS_RECV, nt, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("wait_word_0", r.badge, 0);
	CHECK_EQ("init_not_blocked", h.init->state, THREAD_RUNNABLE);
	CHECK_ERR("consumed", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	struct tcb *w;
	KT_OK(host_spawn(&h, 10, NULL, &w));
	KT_SYS(&h, w, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK_EQ("waiter_blocks", w->state, THREAD_BLOCKED_NTFN);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, nt, 0, NULL, NULL);
	CHECK_EQ("waiter_woken_by_badge_0", w->state, THREAD_RUNNABLE);
	kt_end(&h);
}
