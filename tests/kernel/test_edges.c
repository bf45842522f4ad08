/* Promises at their edges that the fresh mutant set (tests/mutation/fresh,
 * docs/TESTING.md) found untested: a depth argument's high bits, a bound
 * notification's signal taken once, a notification's word after a waiter
 * took it, a bound thread blocked in Send, binding a thread twice, an
 * interrupt number one past the kernel's table.  Each checks what the
 * kernel returns or what the threads see afterwards. */
#include "kt.h"
#include "tests.h"

/* A depth is a 64-bit word: 2^32 + 64 is out of range, not 64. */
void test_edge_cnode_depth_64bit(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), dst = host_slot_alloc(&h, 1);
	const word_t huge = (1ull << 32) | 64;
	const word_t del[2] = { ep, huge }, rev[2] = { ep, huge + 1 };
	const word_t copy[5] = { dst, huge, ep, 64, KOZO_RIGHTS_ALL };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("delete_depth_2^32+64", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_DELETE, del, 2, NULL, 0),
		  KOZO_ERR_RANGE);
	CHECK_EQ("not_deleted", kt_slot(&h, ep)->cap.type, KOZO_OBJ_ENDPOINT);
	CHECK_ERR("revoke_depth_2^32+65", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_REVOKE, rev, 2, NULL, 0),
		  KOZO_ERR_RANGE);
	CHECK_ERR("copy_depth_2^32+64", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, copy, 5, cn, 1),
		  KOZO_ERR_RANGE);
	CHECK("not_copied", slot_empty(kt_slot(&h, dst)));
	CHECK_ERR("depth_64_deletes", kt_delete(&h, ep), KOZO_OK);
	CHECK("deleted", slot_empty(kt_slot(&h, ep)));
	kt_end(&h);
}

/* Recv that takes a bound notification's pending signal takes it once: a
 * second, non-blocking Recv finds nothing. */
void test_edge_bound_signal_taken_once(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t b = host_slot_alloc(&h, 1), ts;
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x5));
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	const word_t bind[1] = { nt };
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1));
	CHECK_ERR("signal", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	struct host_regs r;
	CHECK_ERR("recv_takes_signal", host_syscall(&h, t, KOZO_SYS_RECV, ep, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("badge", r.badge, 0x5);
	CHECK_EQ("not_active", ((struct notification *)host_object(&h, nt))->active, 0);
	CHECK_ERR("second_recv_finds_nothing", host_syscall(&h, t, KOZO_SYS_NB_RECV, ep, 0, NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	CHECK_EQ("no_badge", r.badge, 0);
	kt_end(&h);
}

/* A signal that wakes a waiter hands it the word: the word starts over, so
 * the next signal's badge is seen alone. */
void test_edge_signal_word_starts_over(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), b = host_slot_alloc(&h, 2);
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x1));
	KT_OK(kt_mint(&h, b + 1, nt, KOZO_RIGHTS_ALL, 0x2));
	struct tcb *w = kt_spawn(&h, 10, NULL);
	if (!w || !kt_recv_blocks(&h, w, nt))
		return kt_end(&h);
	CHECK_ERR("signal_1", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	CHECK_EQ("waiter_woken", w->state, THREAD_RUNNABLE);
	CHECK_EQ("waiter_badge", w->ctx.regs[ARCH_REG_CAP], 0x1);
	struct host_regs r;
	CHECK_ERR("poll_after_wake", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	CHECK_EQ("poll_word_empty", r.badge, 0);
	CHECK_ERR("signal_2", host_syscall(&h, h.init, KOZO_SYS_SEND, b + 1, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("wait", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("second_badge_alone", r.badge, 0x2);
	kt_end(&h);
}

/* A signal to a bound thread that is blocked sending (not receiving)
 * leaves it where it is: the notification stays active, the message is
 * still there for a receiver. */
void test_edge_bound_sender_not_woken(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t b = host_slot_alloc(&h, 1), ts;
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x9));
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	const word_t bind[1] = { nt };
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1));
	const word_t mr[4] = { 0x1234 };
	KT_SYS(&h, t, KOZO_SYS_SEND, ep, kozo_msginfo(7, 0, 0, 1), mr, NULL);
	CHECK_EQ("sender_blocked", t->state, THREAD_BLOCKED_SEND);
	CHECK_ERR("signal", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	struct notification *n = host_object(&h, nt);
	struct endpoint *e = host_object(&h, ep);
	CHECK_EQ("still_sending", t->state, THREAD_BLOCKED_SEND);
	CHECK("still_queued", e->q.head == t && e->state == EP_SEND);
	CHECK("signal_pending", n->active && n->word == 0x9);
	struct host_regs r;
	CHECK_ERR("receive_message", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, ep, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("message", r.mr[0], 0x1234);
	CHECK_EQ("sender_done", t->state, THREAD_RUNNABLE);
	CHECK_ERR("sender_result", t->ctx.regs[ARCH_REG_SYSNO], KOZO_OK);
	kt_end(&h);
}

/* A thread has one bound notification, a notification one bound thread. */
void test_edge_bind_twice(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t n1 = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), n2 = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t ts, us;
	struct tcb *t = kt_spawn(&h, 10, &ts), *u = kt_spawn(&h, 10, &us);
	if (!t || !u)
		return kt_end(&h);
	const word_t c1[1] = { n1 }, c2[1] = { n2 };
	CHECK_ERR("bind", kt_invoke(&h, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, c1, 1), KOZO_OK);
	CHECK_ERR("thread_bound_again", kt_invoke(&h, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, c2, 1),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("notification_bound_again", kt_invoke(&h, us, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, c1, 1),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK("first_binding_kept", t->bound_ntfn == host_object(&h, n1) &&
				    ((struct notification *)host_object(&h, n1))->bound == t);
	CHECK("second_unbound", ((struct notification *)host_object(&h, n2))->bound == NULL &&
				u->bound_ntfn == NULL);
	kt_end(&h);
}

/* Interrupt number IRQ_COUNT, one past the kernel's lines, is spurious
 * whatever the lines below hold: counted, nothing signalled.  (Line 0 with
 * four IRQHandler capabilities: the kernel's count of them is the word
 * right after its table of notifications.) */
void test_edge_irq_past_table(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t handler = host_slot_alloc(&h, 4);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { 0, handler, 64 };
	CHECK_ERR("get_line_0", kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1), KOZO_OK);
	for (word_t i = 1; i < 4; i++)
		KT_OK(kt_copy(&h, handler + i, handler, KOZO_RIGHTS_ALL));
	CHECK_EQ("four_handlers", h.k->irq_refs[0], 4);
	uint64_t irqs = h.k->stats.irqs;
	CHECK("irq_past_table", host_irq(&h, IRQ_COUNT));
	CHECK_EQ("counted", h.k->stats.irqs, irqs + 1);
	CHECK_EQ("handlers_unchanged", h.k->irq_refs[0], 4);
	CHECK_EQ("init_runs", h.k->current, h.init);
	kt_end(&h);
}

/* A capability address resolves through CNodes only: an Untyped named as
 * the source CNode of a Copy is refused, even when its memory holds a
 * CNode with a capability in the slot the address would pick. */
void test_edge_lookup_through_untyped(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 12), cn = host_slot_alloc(&h, 1), dst = host_slot_alloc(&h, 1);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	if (!ut || !ep || !KT_OK(host_retype(&h, ut, KOZO_OBJ_CNODE, 4, cn, 1)))
		return kt_end(&h);
	const word_t init_cn[1] = { KOZO_CAP_INIT_CNODE }, ut_cap[1] = { ut };
	const word_t into_slot1[5] = { 1, 4, ep, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("copy_into_new_cnode", kt_invoke(&h, cn, KOZO_CNODE_COPY, into_slot1, 5, init_cn, 1), KOZO_OK);
	CHECK_EQ("cnode_at_untyped_base", kt_slot(&h, cn)->cap.obj, kt_slot(&h, ut)->cap.obj);
	const word_t via_untyped[5] = { dst, 64, 1, 12, KOZO_RIGHTS_ALL };
	CHECK_ERR("untyped_as_cnode", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, via_untyped, 5, ut_cap, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	CHECK("nothing_copied", slot_empty(kt_slot(&h, dst)));
	const word_t via_cnode[5] = { dst, 64, 1, 4, KOZO_RIGHTS_ALL }, cn_cap[1] = { cn };
	CHECK_ERR("through_the_cnode", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, via_cnode, 5, cn_cap, 1),
		  KOZO_OK);
	CHECK_EQ("copied", kt_slot(&h, dst)->cap.type, KOZO_OBJ_ENDPOINT);
	kt_end(&h);
}

/* A message of one register through the general path (Send) sets one
 * register of the receiver: the others keep their values, from a sender
 * with an IPC buffer or from a bare one (no IPC buffer), and the length
 * the receiver sees is 1. */
void test_edge_short_message_keeps_registers(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), fresh = kt_new(&h, KOZO_OBJ_TCB, 0);
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	struct tcb *bare = host_object(&h, fresh), *rx = kt_spawn(&h, 10, NULL);
	if (!ep || !bare || !rx)
		return kt_end(&h);
	const word_t mr[4] = { 11, 0xbad1, 0xbad2, 0xbad3 };
	struct tcb *senders[2] = { h.init, bare };
	static const char *const names[2] = { "from_buffered_sender", "from_bare_sender" };
	for (unsigned i = 0; i < 2; i++) {
		if (!kt_recv_blocks(&h, rx, ep))
			break;
		rx->ctx.regs[ARCH_REG_MR1] = rx->ctx.regs[ARCH_REG_MR2] = rx->ctx.regs[ARCH_REG_MR3] = 0xeeee;
		CHECK_ERR(names[i], host_syscall(&h, senders[i], KOZO_SYS_SEND, ep, kozo_msginfo(5, 0, 0, 1), mr, NULL),
			  KOZO_OK);
		CHECK_EQ("received", rx->state, THREAD_RUNNABLE);
		CHECK_EQ("length_1", kozo_msginfo_length(rx->ctx.regs[ARCH_REG_INFO]), 1);
		CHECK_EQ("mr0", rx->ctx.regs[ARCH_REG_MR0], 11);
		CHECK("others_kept", rx->ctx.regs[ARCH_REG_MR1] == 0xeeee && rx->ctx.regs[ARCH_REG_MR2] == 0xeeee &&
				     rx->ctx.regs[ARCH_REG_MR3] == 0xeeee);
	}
	kt_end(&h);
}

/* Wait on a notification returns no message: the info register is 0
 * after a Wait that finds a signal, and after a poll that finds none,
 * whatever the caller had put there. */
void test_edge_wait_info_cleared(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), b = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, b, nt, KOZO_RIGHTS_ALL, 0x3));
	struct host_regs r;
	CHECK_ERR("poll_idle", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt, kozo_msginfo(9, 0, 0, 2), NULL, &r),
		  KOZO_ERR_WOULD_BLOCK);
	CHECK_EQ("poll_info_0", r.info, 0);
	CHECK_ERR("signal", host_syscall(&h, h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("wait_active", host_syscall(&h, h.init, KOZO_SYS_RECV, nt, kozo_msginfo(9, 0, 0, 2), NULL, &r),
		  KOZO_OK);
	CHECK_EQ("badge", r.badge, 0x3);
	CHECK_EQ("wait_info_0", r.info, 0);
	kt_end(&h);
}

/* A thread without IPC buffer has 4 message registers: an invocation that
 * says it has 6 gets 4 (WriteRegisters of 4 registers from MR2 on is then
 * too long), one that says 1 gets 1 (Delete without its depth is
 * truncated). */
void test_edge_bare_thread_invocation_lengths(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t fresh = kt_new(&h, KOZO_OBJ_TCB, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), us;
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	struct tcb *bare = host_object(&h, fresh), *u = kt_spawn(&h, 10, &us);
	if (!bare || !u || !ep)
		return kt_end(&h);
	word_t ip = u->ctx.regs[0];
	const word_t wr[4] = { 0, 4, 0x1111, 0x2222 };
	CHECK_ERR("write_registers_6_of_4", host_syscall(&h, bare, KOZO_SYS_CALL, us,
							 kozo_msginfo(KOZO_TCB_WRITE_REGISTERS, 0, 0, 6), wr, NULL),
		  KOZO_ERR_RANGE);
	CHECK_EQ("registers_unchanged", u->ctx.regs[0], ip);
	const word_t del[4] = { ep, 64 };
	CHECK_ERR("delete_of_1_register", host_syscall(&h, bare, KOZO_SYS_CALL, KOZO_CAP_INIT_CNODE,
						       kozo_msginfo(KOZO_CNODE_DELETE, 0, 0, 1), del, NULL),
		  KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_EQ("not_deleted", kt_slot(&h, ep)->cap.type, KOZO_OBJ_ENDPOINT);
	kt_end(&h);
}

/* An invocation's reply: the badge register 0, exactly the result
 * registers written (the caller's others kept), a zero capability address
 * ends the list of extra capabilities, and every system call counts in
 * Debug_Stats' total. */
void test_edge_invocation_reply(void)
{
	struct host_kernel h;
	word_t ts;
	struct tcb *u = kt_boot_spawn(&h, 10, &ts);
	if (!u)
		return kt_end(&h);
	u->ctx.regs[0] = 0x4242;
	const word_t rr[4] = { 1, 0xeeee, 0xeeee, 0xeeee };
	struct host_regs r;
	CHECK_ERR("read_1_register", host_syscall(&h, h.init, KOZO_SYS_CALL, ts,
						  kozo_msginfo(KOZO_TCB_READ_REGISTERS, 0, 0, 1), rr, &r), KOZO_OK);
	CHECK_EQ("reply_length", kozo_msginfo_length(r.info), 1);
	CHECK_EQ("register_0", r.mr[0], 0x4242);
	CHECK("others_kept", r.mr[1] == 0xeeee && r.mr[2] == 0xeeee && r.mr[3] == 0xeeee);
	CHECK_EQ("badge_0", r.badge, 0);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), dst = host_slot_alloc(&h, 1);
	const word_t copy[5] = { dst, 64, ep, 64, KOZO_RIGHTS_ALL }, cn0[2] = { KOZO_CAP_INIT_CNODE, 0 };
	CHECK_ERR("zero_ends_caps", host_invoke(&h, h.init, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, copy, 5, cn0, 2,
						NULL, 0), KOZO_OK);
	CHECK_EQ("copied", kt_slot(&h, dst)->cap.type, KOZO_OBJ_ENDPOINT);
	word_t s1[5] = { 0 }, s2[5] = { 0 };
	CHECK_ERR("stats_1", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0, s1, 5), KOZO_OK);
	CHECK_ERR("stats_2", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0, s2, 5), KOZO_OK);
	CHECK_EQ("one_more_syscall", s2[2], s1[2] + 1);
	kt_end(&h);
}

/* SetPriority of a blocked thread changes its priority and nothing else:
 * it stays blocked where it waits, out of the run queues, and a message
 * still reaches it there. */
void test_edge_priority_of_blocked_thread(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), ts;
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t || !kt_recv_blocks(&h, t, ep))
		return kt_end(&h);
	const word_t prio[1] = { 5 };
	CHECK_ERR("set_priority", kt_invoke(&h, ts, KOZO_TCB_SET_PRIORITY, prio, 1, NULL, 0), KOZO_OK);
	CHECK_EQ("priority_5", t->priority, 5);
	CHECK_EQ("still_blocked", t->state, THREAD_BLOCKED_RECV);
	CHECK("not_queued_to_run", !sched_is_queued(&h.k->sched, t));
	struct host_msg m = { .label = 3, .len = 1, .mr = { 0x77 } };
	CHECK_ERR("nb_send_reaches_it", host_send_msg(&h, h.init, KOZO_SYS_NB_SEND, ep, &m, NULL), KOZO_OK);
	CHECK("received", t->state == THREAD_RUNNABLE && t->ctx.regs[ARCH_REG_MR0] == 0x77);
	CHECK("queued_at_5", sched_is_queued(&h.k->sched, t) && h.k->sched.head[5] == t);
	kt_end(&h);
}

/* Retype writes nothing outside the objects it makes: TCBs that fill an
 * Untyped to its last byte leave the object right after it (an Endpoint
 * in the neighbouring Untyped, with a receiver waiting) as it was. */
void test_edge_retype_fills_untyped(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t pair = kt_new_untyped(&h, KOZO_TCB_SIZE_BITS + 1), halves = host_slot_alloc(&h, 2);
	if (!pair || !halves)
		return kt_end(&h);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	const word_t split[6] = { KOZO_OBJ_UNTYPED, KOZO_TCB_SIZE_BITS, 0, 0, halves, 2 };
	CHECK_ERR("split", kt_invoke(&h, pair, KOZO_UNTYPED_RETYPE, split, 6, cn, 1), KOZO_OK);
	const word_t first = halves, second = halves + 1;
	CHECK("adjacent", kt_slot(&h, second)->cap.obj == kt_slot(&h, first)->cap.obj + BIT(KOZO_TCB_SIZE_BITS));
	word_t ep = host_slot_alloc(&h, 1), tcb = host_slot_alloc(&h, 1);
	const word_t mk_ep[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, ep, 1 }, mk_tcb[6] = { KOZO_OBJ_TCB, 0, 0, 0, tcb, 1 };
	CHECK_ERR("endpoint_in_second", kt_invoke(&h, second, KOZO_UNTYPED_RETYPE, mk_ep, 6, cn, 1), KOZO_OK);
	CHECK_EQ("endpoint_at_its_base", kt_slot(&h, ep)->cap.obj, kt_slot(&h, second)->cap.obj);
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx || !kt_recv_blocks(&h, rx, ep))
		return kt_end(&h);
	CHECK_ERR("tcb_fills_first", kt_invoke(&h, first, KOZO_UNTYPED_RETYPE, mk_tcb, 6, cn, 1), KOZO_OK);
	CHECK_EQ("tcb_made", kt_slot(&h, tcb)->cap.type, KOZO_OBJ_TCB);
	struct host_msg m = { .label = 5, .len = 1, .mr = { 0x99 } };
	CHECK_ERR("endpoint_still_has_receiver", host_send_msg(&h, h.init, KOZO_SYS_NB_SEND, ep, &m, NULL), KOZO_OK);
	CHECK("received", rx->state == THREAD_RUNNABLE && rx->ctx.regs[ARCH_REG_MR0] == 0x99);
	kt_end(&h);
}
