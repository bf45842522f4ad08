/* Endpoint IPC: queue order, badges, Call/Reply, long messages,
 * capability transfer and unwrapping, and deletion while threads wait. */
#include "kt.h"
#include "tests.h"

static word_t send1(struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr, word_t v)
{
	const word_t mr[4] = { v };
	return host_syscall(h, t, sysno, cptr, kozo_msginfo(0, 0, 0, 1), mr, NULL);
}

void test_ipc_send_fifo(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *s[3];
	for (unsigned i = 0; i < 3; i++) {
		KT_OK(host_spawn(&h, 10, NULL, &s[i]));
		send1(&h, s[i], KOZO_SYS_SEND, ep, 100 + i);
		CHECK_EQ("sender_blocked", s[i]->state, THREAD_BLOCKED_SEND);
	}
	CHECK_EQ("ep_in_send_state", ((struct endpoint *)host_object(&h, ep))->state, EP_SEND);
	struct host_regs r;
	for (unsigned i = 0; i < 3; i++) {
		CHECK_ERR("recv", host_syscall(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, &r), KOZO_OK);
		CHECK_EQ("fifo_order", r.mr[0], 100 + i);
		CHECK_EQ("length", kozo_msginfo_length(r.info), 1);
		CHECK_EQ("sender_released", s[i]->state, THREAD_RUNNABLE);
		CHECK_ERR("sender_ok", s[i]->ctx.regs[ARCH_REG_SYSNO], KOZO_OK);
	}
	CHECK_EQ("ep_idle", ((struct endpoint *)host_object(&h, ep))->state, EP_IDLE);
	CHECK_ERR("nb_recv_empty", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, ep, 0, NULL, NULL),
		  KOZO_ERR_WOULD_BLOCK);
	kt_end(&h);
}

void test_ipc_recv_fifo(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *r[3];
	for (unsigned i = 0; i < 3; i++) {
		KT_OK(host_spawn(&h, 10, NULL, &r[i]));
		KT_SYS(&h, r[i], KOZO_SYS_RECV, ep, 0, NULL, NULL);
		CHECK_EQ("receiver_blocked", r[i]->state, THREAD_BLOCKED_RECV);
	}
	for (unsigned i = 0; i < 3; i++)
		CHECK_ERR("nb_send_delivers", send1(&h, h.init, KOZO_SYS_NB_SEND, ep, 200 + i), KOZO_OK);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ("fifo_order", r[i]->ctx.regs[ARCH_REG_MR0], 200 + i);
		CHECK_EQ("receiver_runnable", r[i]->state, THREAD_RUNNABLE);
	}
	CHECK_ERR("nb_send_no_receiver", send1(&h, h.init, KOZO_SYS_NB_SEND, ep, 1), KOZO_ERR_WOULD_BLOCK);
	kt_end(&h);
}

void test_ipc_badge(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), b = host_slot_alloc(&h, 2);
	KT_OK(kt_mint(&h, b, ep, KOZO_RIGHTS_ALL, 0x11));
	KT_OK(kt_mint(&h, b + 1, ep, KOZO_RIGHTS_ALL, 0x22));
	struct tcb *s1, *s2;
	KT_OK(host_spawn(&h, 10, NULL, &s1));
	KT_OK(host_spawn(&h, 10, NULL, &s2));
	send1(&h, s1, KOZO_SYS_SEND, b, 1);
	send1(&h, s2, KOZO_SYS_SEND, b + 1, 2);
	struct host_regs r;
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, &r);
	CHECK_EQ("first_badge", r.badge, 0x11);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, &r);
	CHECK_EQ("second_badge", r.badge, 0x22);
	send1(&h, s1, KOZO_SYS_SEND, ep, 3);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, &r);
	CHECK_EQ("unbadged", r.badge, 0);
	/* The receiver's own cap's badge plays no part. */
	KT_SYS(&h, s2, KOZO_SYS_RECV, b + 1, 0, NULL, NULL);
	send1(&h, h.init, KOZO_SYS_SEND, b, 4);
	CHECK_EQ("sender_badge_wins", s2->ctx.regs[ARCH_REG_CAP], 0x11);
	kt_end(&h);
}

void test_ipc_call_reply(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *client, *other;
	KT_OK(host_spawn(&h, 10, NULL, &client));
	KT_OK(host_spawn(&h, 10, NULL, &other));
	const word_t req[4] = { 5, 6 };
	KT_SYS(&h, client, KOZO_SYS_CALL, ep, kozo_msginfo(0x33, 0, 0, 2), req, NULL);
	CHECK_EQ("caller_blocked_send", client->state, THREAD_BLOCKED_SEND);
	struct host_regs r;
	CHECK_ERR("recv", host_syscall(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, &r), KOZO_OK);
	CHECK_EQ("label", kozo_msginfo_label(r.info), 0x33);
	CHECK("mrs", r.mr[0] == 5 && r.mr[1] == 6);
	CHECK_EQ("caller_waits_reply", client->state, THREAD_BLOCKED_REPLY);
	CHECK("reply_linked", h.init->reply_to == client && client->reply_from == h.init);
	const word_t ans[4] = { 77 };
	CHECK_ERR("reply", host_syscall(&h, h.init, KOZO_SYS_REPLY, 0, kozo_msginfo(0x44, 0, 0, 1), ans, NULL),
		  KOZO_OK);
	CHECK_EQ("caller_runnable", client->state, THREAD_RUNNABLE);
	CHECK_EQ("caller_got_reply", client->ctx.regs[ARCH_REG_MR0], 77);
	CHECK_EQ("caller_reply_label", kozo_msginfo_label(client->ctx.regs[ARCH_REG_INFO]), 0x44);
	CHECK_ERR("caller_ok", client->ctx.regs[ARCH_REG_SYSNO], KOZO_OK);
	CHECK("reply_unlinked", h.init->reply_to == NULL && client->reply_from == NULL);
	const word_t again[4] = { 88 };
	KT_SYS(&h, h.init, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 1), again, NULL);
	CHECK_EQ("reply_is_one_shot", client->ctx.regs[ARCH_REG_MR0], 77);
	/* ReplyRecv: answer one caller and wait for the next. */
	KT_SYS(&h, client, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 1), req, NULL);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_SYS(&h, other, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 1), ans, NULL);
	CHECK_ERR("reply_recv", host_syscall(&h, h.init, KOZO_SYS_REPLY_RECV, ep, kozo_msginfo(0, 0, 0, 1),
					     again, &r), KOZO_OK);
	CHECK_EQ("first_answered", client->ctx.regs[ARCH_REG_MR0], 88);
	CHECK_EQ("second_received", r.mr[0], 77);
	CHECK("second_linked", h.init->reply_to == other);
	/* A second Recv before replying: the unanswered caller is cancelled. */
	KT_SYS(&h, client, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 1), req, NULL);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_ERR("dropped_caller_cancelled", other->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK_EQ("dropped_caller_runnable", other->state, THREAD_RUNNABLE);
	kt_end(&h);
}

/* A Call and a ReplyRecv between two threads alone at their priority take
 * the fast path (arch_fastpath_exit is called, the counter moves) and
 * leave what the general path leaves; a 5-register message does not. */
void test_ipc_fastpath(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), b = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, b, ep, KOZO_RIGHTS_ALL, 0x5a));
	struct tcb *client, *server;
	KT_OK(host_spawn(&h, 20, NULL, &server));
	KT_OK(host_spawn(&h, 20, NULL, &client));
	struct endpoint *e = host_object(&h, ep);
	KT_SYS(&h, server, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	uint64_t hits = h.k->stats.fastpath_hits, exits = h.m->fastpath_exits;
	const word_t req[4] = { 1, 2, 3, 4 };
	struct host_regs r;
	CHECK_ERR("call", host_syscall(&h, client, KOZO_SYS_CALL, b, kozo_msginfo(0x21, 0, 0, 3), req, &r),
		  KOZO_OK);
	CHECK_EQ("call_fast", h.k->stats.fastpath_hits, hits + 1);
	CHECK_EQ("call_exit", h.m->fastpath_exits, exits + 1);
	CHECK("server_current", h.k->current == server && server->state == THREAD_RUNNABLE);
	CHECK_EQ("badge", server->ctx.regs[ARCH_REG_CAP], 0x5a);
	CHECK_EQ("info", server->ctx.regs[ARCH_REG_INFO], kozo_msginfo(0x21, 0, 0, 3));
	CHECK("mrs", server->ctx.regs[ARCH_REG_MR0] == 1 && server->ctx.regs[ARCH_REG_MR2] == 3 &&
		     server->ctx.regs[ARCH_REG_MR3] == 0);
	CHECK("linked", server->reply_to == client && client->reply_from == server);
	CHECK("ep_idle", e->state == EP_IDLE && !e->q.head && !server->blocked_on);
	CHECK_EQ("client_waits", client->state, THREAD_BLOCKED_REPLY);
	const word_t ans[4] = { 9 };
	KT_SYS(&h, server, KOZO_SYS_REPLY_RECV, ep, kozo_msginfo(0x22, 0, 0, 1), ans, NULL);
	CHECK_EQ("reply_fast", h.k->stats.fastpath_hits, hits + 2);
	CHECK("client_current", h.k->current == client && client->state == THREAD_RUNNABLE);
	CHECK_EQ("reply_mr", client->ctx.regs[ARCH_REG_MR0], 9);
	CHECK_EQ("reply_info", client->ctx.regs[ARCH_REG_INFO], kozo_msginfo(0x22, 0, 0, 1));
	CHECK_EQ("reply_carries_no_badge", client->ctx.regs[ARCH_REG_CAP], 0);
	CHECK("unlinked", !server->reply_to && !client->reply_from);
	CHECK("server_waits", server->state == THREAD_BLOCKED_RECV && e->state == EP_RECV &&
			      e->q.head == server && server->blocked_on == e);
	const word_t five[4] = { 5 };
	KT_SYS(&h, client, KOZO_SYS_CALL, b, kozo_msginfo(0, 0, 0, 5), five, NULL);
	CHECK_EQ("long_is_slow", h.k->stats.fastpath_hits, hits + 2);
	CHECK("long_delivered", server->state == THREAD_RUNNABLE && server->reply_to == client);
	kt_end(&h);
}

void test_ipc_long_message(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *rx;
	KT_OK(host_spawn(&h, 10, NULL, &rx));
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	struct host_msg m = { .label = 9, .len = KOZO_MSG_MAX_LENGTH }, got;
	for (unsigned i = 0; i < m.len; i++)
		m.mr[i] = 0x5000 + i;
	CHECK_ERR("send", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("length", got.len, KOZO_MSG_MAX_LENGTH);
	CHECK_EQ("label", got.label, 9);
	bool same = true;
	for (unsigned i = 0; i < m.len; i++)
		same &= got.mr[i] == m.mr[i];
	CHECK("all_mrs_copied", same);
	/* A length field above the maximum is clamped, not trusted. */
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_SYS(&h, h.init, KOZO_SYS_SEND, ep, kozo_msginfo(1, 0, 0, 127), NULL, NULL);
	CHECK_EQ("length_clamped", kozo_msginfo_length(rx->ctx.regs[ARCH_REG_INFO]), KOZO_MSG_MAX_LENGTH);
	kt_end(&h);
}

void test_ipc_cap_transfer(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t no_grant = host_slot_alloc(&h, 1), dest = host_slot_alloc(&h, 2);
	KT_OK(kt_copy(&h, no_grant, ep, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE));
	struct tcb *rx;
	KT_OK(host_spawn(&h, 10, NULL, &rx));
	kt_receive_slot(rx, 0, dest, 64);
	struct host_msg m = { .len = 1, .extra_caps = 1, .caps = { nt } };
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_ERR("send_without_grant", host_send_msg(&h, h.init, KOZO_SYS_SEND, no_grant, &m, NULL), KOZO_OK);
	CHECK("no_grant_no_cap", slot_empty(kt_slot(&h, dest)));
	CHECK_EQ("no_grant_extra_0", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_ERR("send_with_grant", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("cap_received", kt_slot(&h, dest)->cap.type, KOZO_OBJ_NOTIFICATION);
	CHECK("same_object", cap_same_object(&kt_slot(&h, dest)->cap, &kt_slot(&h, nt)->cap));
	CHECK("received_is_child", kt_is_child(kt_slot(&h, nt), kt_slot(&h, dest)));
	CHECK_EQ("extra_1", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 1);
	CHECK_EQ("refs", ((struct notification *)host_object(&h, nt))->refs, 2);
	/* An occupied receive slot: the message arrives without the cap. */
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_ERR("send_to_occupied", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("occupied_extra_0", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	/* Untyped capabilities never travel. */
	kt_receive_slot(rx, 0, dest + 1, 64);
	struct host_msg ut = { .len = 0, .extra_caps = 1, .caps = { h.untyped } };
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_OK(host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &ut, NULL));
	CHECK("untyped_not_transferred", slot_empty(kt_slot(&h, dest + 1)));
	kt_end(&h);
}

void test_ipc_unwrap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), badged = host_slot_alloc(&h, 1);
	word_t dest = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, badged, ep, KOZO_RIGHTS_ALL, 0x99));
	struct tcb *rx;
	KT_OK(host_spawn(&h, 10, NULL, &rx));
	kt_receive_slot(rx, 0, dest, 64);
	KT_SYS(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	struct host_msg m = { .len = 0, .extra_caps = 1, .caps = { badged } }, got;
	CHECK_ERR("send", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("unwrapped_bit", kozo_msginfo_unwrapped(rx->ctx.regs[ARCH_REG_INFO]), 1);
	CHECK_EQ("extra_count", got.extra_caps, 1);
	CHECK_EQ("badge_delivered", got.caps[0], 0x99);
	CHECK("nothing_copied", slot_empty(kt_slot(&h, dest)));
	CHECK_EQ("no_new_children", kt_children(kt_slot(&h, badged)), 0);
	kt_end(&h);
}

void test_ipc_endpoint_deleted(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *r1, *r2;
	KT_OK(host_spawn(&h, 10, NULL, &r1));
	KT_OK(host_spawn(&h, 10, NULL, &r2));
	KT_SYS(&h, r1, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_SYS(&h, r2, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_ERR("delete", kt_delete(&h, ep), KOZO_OK);
	CHECK_ERR("r1_cancelled", r1->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK_ERR("r2_cancelled", r2->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK("both_runnable", r1->state == THREAD_RUNNABLE && r2->state == THREAD_RUNNABLE);
	CHECK("both_queued_to_run", sched_is_queued(&h.k->sched, r1) && sched_is_queued(&h.k->sched, r2));
	CHECK_EQ("badge_cleared", r1->ctx.regs[ARCH_REG_CAP], 0);
	kt_end(&h);
}

/* The thread that owes a reply dies: its caller is not left waiting. */
void test_ipc_server_deleted(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), server_slot;
	struct tcb *server, *client;
	KT_OK(host_spawn(&h, 10, &server_slot, &server));
	KT_OK(host_spawn(&h, 10, NULL, &client));
	KT_SYS(&h, server, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_SYS(&h, client, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	CHECK_EQ("client_waits", client->state, THREAD_BLOCKED_REPLY);
	CHECK_ERR("delete_server", kt_delete(&h, server_slot), KOZO_OK);
	CHECK_EQ("client_runnable", client->state, THREAD_RUNNABLE);
	CHECK_ERR("client_cancelled", client->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK("client_unlinked", client->reply_from == NULL);
	CHECK("server_not_scheduled", !sched_is_queued(&h.k->sched, server));
	/* And the other way: the caller dies while the server holds its reply. */
	word_t caller_slot;
	struct tcb *caller;
	KT_OK(host_spawn(&h, 10, &caller_slot, &caller));
	KT_SYS(&h, caller, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	KT_SYS(&h, h.init, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK("init_owes_reply", h.init->reply_to == caller);
	CHECK_ERR("delete_caller", kt_delete(&h, caller_slot), KOZO_OK);
	CHECK("reply_link_dropped", h.init->reply_to == NULL);
	const word_t late[4] = { 3 };
	CHECK_ERR("reply_to_nobody", host_syscall(&h, h.init, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 1), late, NULL),
		  KOZO_OK);
	CHECK("dead_caller_untouched", caller->state == THREAD_INACTIVE && caller->ctx.regs[ARCH_REG_MR0] != 3);
	kt_end(&h);
}
