/* The fast path declines every case that fastpath_applies() excludes, one
 * condition at a time, and the general path then gives the documented
 * result.  Each test sets up the one case where the fast path would apply
 * (checked by test_ipc_fastpath) but for the one condition under test, and
 * checks that the fast-path counter did not move and what the threads see.
 * At the boundaries (4 registers, higher priority) the fast path is taken. */
#include "kt.h"
#include "tests.h"

struct fp_setup {
	struct host_kernel h;
	word_t ep;                 /* all rights */
	struct tcb *server, *client;
	word_t server_slot, client_slot;
	struct endpoint *e;
	uint64_t hits;
};

/* A server at server_prio waiting on ep, a client at client_prio (Init
 * runs at its own, higher priority). */
static bool fp_boot(struct fp_setup *s, unsigned server_prio, unsigned client_prio)
{
	struct host_kernel *h = &s->h;
	if (!kt_boot(h))
		return false;
	s->ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	s->server = kt_spawn(h, server_prio, &s->server_slot);
	s->client = kt_spawn(h, client_prio, &s->client_slot);
	if (!s->ep || !s->server || !s->client)
		return false;
	s->e = host_object(h, s->ep);
	if (!kt_recv_blocks(h, s->server, s->ep))
		return false;
	s->hits = h->k->stats.fastpath_hits;
	return true;
}

static word_t fp_call(struct fp_setup *s, word_t cptr, word_t info)
{
	const word_t mr[4] = { 11, 22, 33, 44 };
	return host_syscall(&s->h, s->client, KOZO_SYS_CALL, cptr, info, mr, NULL);
}

static bool declined(struct fp_setup *s)
{
	return CHECK_EQ("fast_path_declined", s->h.k->stats.fastpath_hits, s->hits);
}

/* The general path's result of a Call to a waiting server. */
static void check_delivered(struct fp_setup *s, word_t info)
{
	CHECK_EQ("server_runnable", s->server->state, THREAD_RUNNABLE);
	CHECK_EQ("server_info", s->server->ctx.regs[ARCH_REG_INFO], info);
	CHECK_EQ("server_mr0", s->server->ctx.regs[ARCH_REG_MR0], 11);
	CHECK("reply_linked", s->server->reply_to == s->client && s->client->reply_from == s->server);
	CHECK_EQ("client_waits_reply", s->client->state, THREAD_BLOCKED_REPLY);
	CHECK("endpoint_idle", s->e->state == EP_IDLE && !s->e->q.head);
}

/* Exactly KOZO_FASTPATH_MRS registers: fast; the fifth register, or one
 * extra capability (same length bits), declines. */
void test_fastpath_length_and_caps(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		/* Registers past the length keep the receiver's values. */
		s.server->ctx.regs[ARCH_REG_MR1] = s.server->ctx.regs[ARCH_REG_MR2] = 0xeeee;
		s.server->ctx.regs[ARCH_REG_MR3] = 0xeeee;
		CHECK_ERR("call_1", fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1)), KOZO_OK);
		CHECK_EQ("one_is_fast", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK("others_kept", s.server->ctx.regs[ARCH_REG_MR1] == 0xeeee &&
				     s.server->ctx.regs[ARCH_REG_MR2] == 0xeeee && s.server->ctx.regs[ARCH_REG_MR3] == 0xeeee);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		s.server->ctx.regs[ARCH_REG_MR3] = 0xeeee;
		CHECK_ERR("call_3", fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 3)), KOZO_OK);
		CHECK("three_copied", s.server->ctx.regs[ARCH_REG_MR2] == 33 && s.server->ctx.regs[ARCH_REG_MR3] == 0xeeee);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		/* A second server waits behind the first: the fast path takes
		 * the first off the queue as the general path would. */
		struct tcb *second = kt_spawn(&s.h, 10, NULL);
		kt_recv_blocks(&s.h, second, s.ep);
		s.hits = s.h.k->stats.fastpath_hits;
		CHECK_ERR("call_with_two_waiting", fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1)), KOZO_OK);
		CHECK_EQ("fast_with_two", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK("first_unlinked", s.server->queue_next == NULL && s.server->blocked_on == NULL);
		CHECK("second_heads_queue", s.e->q.head == second && second->queue_prev == NULL && s.e->state == EP_RECV);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		CHECK_ERR("call_4", fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 4)), KOZO_OK);
		CHECK_EQ("four_is_fast", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK_EQ("mr3_delivered", s.server->ctx.regs[ARCH_REG_MR3], 44);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		word_t info = kozo_msginfo(1, 0, 1, 1);
		struct kozo_ipc_buffer *b = tcb_ipc_buffer(s.client);
		b->caps_or_badges[0] = s.ep;   /* this endpoint's own cap: unwrapped */
		CHECK_ERR("call_with_cap", fp_call(&s, s.ep, info), KOZO_OK);
		declined(&s);
		CHECK_EQ("cap_unwrapped", kozo_msginfo_unwrapped(s.server->ctx.regs[ARCH_REG_INFO]), 1);
		CHECK_EQ("extra_caps", kozo_msginfo_extra_caps(s.server->ctx.regs[ARCH_REG_INFO]), 1);
		CHECK_EQ("server_runnable", s.server->state, THREAD_RUNNABLE);
	}
	kt_end(&s.h);
}

/* Send (not Call) and a Linux-personality caller never take it. */
void test_fastpath_sysno_and_personality(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		const word_t mr[4] = { 11 };
		CHECK_ERR("send", host_syscall(&s.h, s.client, KOZO_SYS_SEND, s.ep, kozo_msginfo(1, 0, 0, 1),
					       mr, NULL), KOZO_OK);
		declined(&s);
		CHECK_EQ("server_got_it", s.server->ctx.regs[ARCH_REG_MR0], 11);
		CHECK("no_reply_owed", s.server->reply_to == NULL);
		CHECK_EQ("sender_runs_on", s.client->state, THREAD_RUNNABLE);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		const word_t linux_p[1] = { KOZO_PERSONALITY_LINUX };
		CHECK_ERR("set_personality", kt_invoke(&s.h, s.client_slot, KOZO_TCB_SET_PERSONALITY, linux_p, 1,
						       NULL, 0), KOZO_OK);
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		/* A Linux thread's syscall is a fault; it has no handler. */
		CHECK_EQ("linux_caller_stopped", s.client->state, THREAD_INACTIVE);
		CHECK_EQ("server_still_waits", s.server->state, THREAD_BLOCKED_RECV);
	}
	kt_end(&s.h);
}

/* A cptr that does not resolve, or resolves to no endpoint. */
void test_fastpath_lookup(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		CHECK_ERR("call_slot_0", fp_call(&s, 0, kozo_msginfo(1, 0, 0, 1)), KOZO_ERR_FAILED_LOOKUP);
		CHECK_ERR("call_out_of_range", fp_call(&s, 1ull << 40, kozo_msginfo(1, 0, 0, 1)),
			  KOZO_ERR_FAILED_LOOKUP);
		word_t empty = host_slot_alloc(&s.h, 1);
		CHECK_ERR("call_empty", fp_call(&s, empty, kozo_msginfo(1, 0, 0, 1)), KOZO_ERR_INVALID_CAPABILITY);
		word_t nt = kt_new(&s.h, KOZO_OBJ_NOTIFICATION, 0);
		CHECK_ERR("call_notification", fp_call(&s, nt, kozo_msginfo(1, 0, 0, 1)), KOZO_OK);
		CHECK_EQ("notification_signalled", ((struct notification *)host_object(&s.h, nt))->active, 1);
		declined(&s);
		CHECK_EQ("server_still_waits", s.server->state, THREAD_BLOCKED_RECV);
	}
	kt_end(&s.h);
	/* A CSpace whose CNode does not take all 64 bits (radix 4, guard 0
	 * bits: depth 4) is the general path's. */
	if (fp_boot(&s, 10, 10)) {
		word_t cn = kt_new(&s.h, KOZO_OBJ_CNODE, 4);
		const word_t cp[5] = { 1, 4, s.ep, 64, KOZO_RIGHTS_ALL };
		const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
		CHECK_ERR("copy_into_small_cnode", host_invoke(&s.h, s.h.init, cn, KOZO_CNODE_COPY, cp, 5, caps, 1,
							       NULL, 0), KOZO_OK);
		const word_t cfg[3] = { 0, 10, 0 };
		const word_t ccaps[1] = { cn };
		CHECK_ERR("client_small_cspace", host_invoke(&s.h, s.h.init, s.client_slot, KOZO_TCB_CONFIGURE, cfg,
							     3, ccaps, 1, NULL, 0), KOZO_OK);
		/* cptr 1 at depth 64 does not resolve in a 4-bit CSpace. */
		CHECK_ERR("call_unresolvable", fp_call(&s, 1, kozo_msginfo(1, 0, 0, 1)), KOZO_ERR_FAILED_LOOKUP);
		declined(&s);
	}
	kt_end(&s.h);
}

/* Call through a capability without Write: refused, the server waits on. */
void test_fastpath_call_needs_write(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		word_t ro = host_slot_alloc(&s.h, 1);
		CHECK_ERR("copy_read_grant", kt_copy(&s.h, ro, s.ep, KOZO_RIGHT_READ | KOZO_RIGHT_GRANT), KOZO_OK);
		CHECK_ERR("call_without_write", fp_call(&s, ro, kozo_msginfo(1, 0, 0, 1)),
			  KOZO_ERR_INSUFFICIENT_RIGHTS);
		declined(&s);
		CHECK_EQ("server_still_waits", s.server->state, THREAD_BLOCKED_RECV);
		CHECK_EQ("client_runnable", s.client->state, THREAD_RUNNABLE);
		CHECK("nothing_linked", s.server->reply_to == NULL);
	}
	kt_end(&s.h);
}

/* No receiver waits: the caller queues as a sender. */
void test_fastpath_no_receiver(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		word_t ep2 = kt_new(&s.h, KOZO_OBJ_ENDPOINT, 0);
		fp_call(&s, ep2, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		CHECK_EQ("caller_queued", s.client->state, THREAD_BLOCKED_SEND);
		CHECK_EQ("endpoint_send_state", ((struct endpoint *)host_object(&s.h, ep2))->state, EP_SEND);
	}
	kt_end(&s.h);
}

/* The server still owes a reply to an earlier caller: the general path
 * cancels that caller and links the new one. */
void test_fastpath_receiver_owes_reply(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		struct tcb *first = kt_spawn(&s.h, 10, NULL);
		/* Server answers nobody: receive from first, then wait again. */
		CHECK_ERR("first_call", host_syscall(&s.h, first, KOZO_SYS_CALL, s.ep, kozo_msginfo(1, 0, 0, 1),
						     NULL, NULL), KOZO_OK);
		CHECK("server_owes_first", s.server->reply_to == first);
		kt_recv_blocks(&s.h, s.server, s.ep);
		s.hits = s.h.k->stats.fastpath_hits;
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		CHECK_ERR("first_cancelled", first->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
		CHECK_EQ("first_runnable", first->state, THREAD_RUNNABLE);
		CHECK("first_unlinked", first->reply_from == NULL);
		check_delivered(&s, kozo_msginfo(1, 0, 0, 1));
	}
	kt_end(&s.h);
}

/* The receiver has no address space: the message still arrives. */
void test_fastpath_receiver_without_vspace(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		/* The server gets an address space of its own, then loses it. */
		word_t vs = kt_new(&s.h, KOZO_OBJ_VSPACE, 0);
		const word_t cfg[3] = { 0, 10, 0 };
		const word_t caps[2] = { KOZO_CAP_INIT_CNODE, vs };
		CHECK_ERR("own_vspace", host_invoke(&s.h, s.h.init, s.server_slot, KOZO_TCB_CONFIGURE, cfg, 3, caps,
						    2, NULL, 0), KOZO_OK);
		CHECK_ERR("revoke_vspace", kt_revoke(&s.h, vs), KOZO_OK);
		CHECK_EQ("vspace_gone", s.server->slots[TCB_VSPACE].cap.type, KOZO_OBJ_NULL);
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		CHECK_EQ("server_got_it", s.server->ctx.regs[ARCH_REG_MR0], 11);
		CHECK("reply_linked", s.server->reply_to == s.client);
	}
	kt_end(&s.h);
}

/* Priorities: a lower-priority server, or a caller not alone at its
 * priority, is the general path's; a higher-priority server is fast and
 * runs next. */
void test_fastpath_priorities(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 5, 10)) {
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		check_delivered(&s, kozo_msginfo(1, 0, 0, 1));
		CHECK("lower_server_queued", sched_is_queued(&s.h.k->sched, s.server));
	}
	kt_end(&s.h);
	if (fp_boot(&s, 10, 10)) {
		struct tcb *peer = kt_spawn(&s.h, 10, NULL);
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		declined(&s);
		check_delivered(&s, kozo_msginfo(1, 0, 0, 1));
		/* The general path queues the server behind the peer. */
		CHECK("server_behind_peer", s.h.k->sched.head[10] == peer && s.h.k->sched.tail[10] == s.server);
	}
	kt_end(&s.h);
	if (fp_boot(&s, 20, 10)) {
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		CHECK_EQ("higher_server_fast", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK("higher_server_current", s.h.k->current == s.server);
		CHECK("server_queued", sched_is_queued(&s.h.k->sched, s.server));
		CHECK("client_dequeued", !sched_is_queued(&s.h.k->sched, s.client));
		check_delivered(&s, kozo_msginfo(1, 0, 0, 1));
		/* The reply back to the lower-priority client: general path. */
		uint64_t hits = s.h.k->stats.fastpath_hits;
		const word_t ans[4] = { 7 };
		KT_SYS(&s.h, s.server, KOZO_SYS_REPLY_RECV, s.ep, kozo_msginfo(0, 0, 0, 1), ans, NULL);
		CHECK_EQ("reply_to_lower_slow", s.h.k->stats.fastpath_hits, hits);
		CHECK_EQ("client_answered", s.client->ctx.regs[ARCH_REG_MR0], 7);
		CHECK_EQ("server_waits", s.server->state, THREAD_BLOCKED_RECV);
	}
	kt_end(&s.h);
}

/* A fast Call of 0 to 4 registers: exactly the first len registers reach
 * the server, the others keep the server's values, and the server's
 * result register says OK (as from the general path). Two extra
 * capabilities (the count's high bit) decline the fast path. */
void test_fastpath_register_counts(void)
{
	static const char *const copied[4] = { "mr0_copied", "mr1_copied", "mr2_copied", "mr3_copied" };
	static const char *const kept[4] = { "mr0_kept", "mr1_kept", "mr2_kept", "mr3_kept" };
	static const unsigned mr_reg[4] = { ARCH_REG_MR0, ARCH_REG_MR1, ARCH_REG_MR2, ARCH_REG_MR3 };
	static const word_t sent[4] = { 11, 22, 33, 44 };
	struct fp_setup s;
	for (unsigned len = 0; len <= KOZO_FASTPATH_MRS; len++) {
		if (fp_boot(&s, 10, 10)) {
			for (unsigned i = 0; i < 4; i++)
				s.server->ctx.regs[mr_reg[i]] = 0xeeee;
			fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, len));
			CHECK_EQ("fast", s.h.k->stats.fastpath_hits, s.hits + 1);
			CHECK_EQ("server_length", kozo_msginfo_length(s.server->ctx.regs[ARCH_REG_INFO]), len);
			CHECK_ERR("server_result_ok", s.server->ctx.regs[ARCH_REG_SYSNO], KOZO_OK);
			for (unsigned i = 0; i < 4; i++) {
				if (i < len)
					CHECK_EQ(copied[i], s.server->ctx.regs[mr_reg[i]], sent[i]);
				else
					CHECK_EQ(kept[i], s.server->ctx.regs[mr_reg[i]], 0xeeee);
			}
		}
		kt_end(&s.h);
	}
	if (fp_boot(&s, 10, 10)) {
		struct tcb *c = s.client;
		word_t extra = host_slot_alloc(&s.h, 2);
		KT_OK(kt_copy(&s.h, extra, s.ep, KOZO_RIGHTS_ALL));
		KT_OK(kt_copy(&s.h, extra + 1, s.ep, KOZO_RIGHTS_ALL));
		struct kozo_ipc_buffer *b = tcb_ipc_buffer(c);
		if (CHECK("client_has_buffer", b != NULL)) {
			b->caps_or_badges[0] = extra;
			b->caps_or_badges[1] = extra + 1;
			fp_call(&s, s.ep, kozo_msginfo(1, 0, 2, 1));
			declined(&s);
			CHECK_EQ("server_runnable", s.server->state, THREAD_RUNNABLE);
			CHECK_EQ("server_mr0", s.server->ctx.regs[ARCH_REG_MR0], 11);
		}
	}
	kt_end(&s.h);
}

/* ReplyRecv: the server has a caller to answer (set up by a fast Call). */
static bool rr_boot(struct fp_setup *s)
{
	if (!fp_boot(s, 10, 10))
		return false;
	fp_call(s, s->ep, kozo_msginfo(1, 0, 0, 1));
	if (!CHECK_EQ("rr_setup_fast", s->h.k->stats.fastpath_hits, s->hits + 1))
		return false;
	s->hits = s->h.k->stats.fastpath_hits;
	return true;
}

static word_t rr(struct fp_setup *s, word_t cptr)
{
	const word_t ans[4] = { 99 };
	return host_syscall(&s->h, s->server, KOZO_SYS_REPLY_RECV, cptr, kozo_msginfo(0, 0, 0, 1), ans, NULL);
}

/* ReplyRecv through a capability without Read: the reply goes, the
 * receive is refused. */
void test_fastpath_replyrecv_needs_read(void)
{
	struct fp_setup s;
	if (rr_boot(&s)) {
		word_t wo = host_slot_alloc(&s.h, 1);
		CHECK_ERR("copy_write_only", kt_copy(&s.h, wo, s.ep, KOZO_RIGHT_WRITE), KOZO_OK);
		CHECK_ERR("replyrecv_without_read", rr(&s, wo), KOZO_ERR_INSUFFICIENT_RIGHTS);
		declined(&s);
		CHECK_EQ("client_answered", s.client->ctx.regs[ARCH_REG_MR0], 99);
		CHECK_EQ("client_runnable", s.client->state, THREAD_RUNNABLE);
		CHECK_EQ("server_not_waiting", s.server->state, THREAD_RUNNABLE);
		CHECK("endpoint_idle", s.e->state == EP_IDLE);
	}
	kt_end(&s.h);
}

/* ReplyRecv through a badged capability: the fast path answers, and the
 * caller sees badge 0 as from the general path's Reply (a reply carries
 * no badge; the receive capability's is for senders). */
void test_fastpath_replyrecv_badged_cap(void)
{
	struct fp_setup s;
	if (rr_boot(&s)) {
		word_t b = host_slot_alloc(&s.h, 1);
		CHECK_ERR("mint_badged", kt_mint(&s.h, b, s.ep, KOZO_RIGHTS_ALL, 0x77), KOZO_OK);
		s.hits = s.h.k->stats.fastpath_hits;
		s.client->ctx.regs[ARCH_REG_CAP] = 0xdead;
		const word_t ans[4] = { 99 };
		KT_SYS(&s.h, s.server, KOZO_SYS_REPLY_RECV, b, kozo_msginfo(0, 0, 0, 1), ans, NULL);
		CHECK_EQ("fast", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK_EQ("client_answered", s.client->ctx.regs[ARCH_REG_MR0], 99);
		CHECK_EQ("client_badge_0", s.client->ctx.regs[ARCH_REG_CAP], 0);
		CHECK_EQ("server_waits", s.server->state, THREAD_BLOCKED_RECV);
	}
	kt_end(&s.h);
}

/* A sender already queued: ReplyRecv receives it at once. */
void test_fastpath_replyrecv_sender_queued(void)
{
	struct fp_setup s;
	if (rr_boot(&s)) {
		struct tcb *sender = kt_spawn(&s.h, 10, NULL);
		const word_t mr[4] = { 555 };
		KT_SYS(&s.h, sender, KOZO_SYS_SEND, s.ep, kozo_msginfo(3, 0, 0, 1), mr, NULL);
		CHECK_EQ("sender_queued", sender->state, THREAD_BLOCKED_SEND);
		s.hits = s.h.k->stats.fastpath_hits;
		CHECK_ERR("replyrecv", rr(&s, s.ep), KOZO_OK);
		declined(&s);
		CHECK_EQ("client_answered", s.client->ctx.regs[ARCH_REG_MR0], 99);
		CHECK_EQ("server_got_sender", s.server->ctx.regs[ARCH_REG_MR0], 555);
		CHECK_EQ("server_runnable", s.server->state, THREAD_RUNNABLE);
		CHECK_EQ("sender_released", sender->state, THREAD_RUNNABLE);
	}
	kt_end(&s.h);
}

/* A pending signal on the server's bound notification: ReplyRecv returns
 * it instead of waiting. */
void test_fastpath_replyrecv_bound_signal(void)
{
	struct fp_setup s;
	if (rr_boot(&s)) {
		word_t nt = kt_new(&s.h, KOZO_OBJ_NOTIFICATION, 0), b = host_slot_alloc(&s.h, 1);
		CHECK_ERR("mint", kt_mint(&s.h, b, nt, KOZO_RIGHTS_ALL, 0x40), KOZO_OK);
		const word_t bind[1] = { nt };
		CHECK_ERR("bind", host_invoke(&s.h, s.h.init, s.server_slot, KOZO_TCB_BIND_NOTIFICATION, NULL, 0,
					      bind, 1, NULL, 0), KOZO_OK);
		/* Bound but idle: still fast. */
		rr(&s, s.ep);
		CHECK_EQ("idle_binding_fast", s.h.k->stats.fastpath_hits, s.hits + 1);
		CHECK_EQ("idle_binding_waits", s.server->state, THREAD_BLOCKED_RECV);
		fp_call(&s, s.ep, kozo_msginfo(1, 0, 0, 1));
		CHECK_ERR("signal", host_syscall(&s.h, s.h.init, KOZO_SYS_SEND, b, 0, NULL, NULL), KOZO_OK);
		s.hits = s.h.k->stats.fastpath_hits;
		CHECK_ERR("replyrecv", rr(&s, s.ep), KOZO_OK);
		declined(&s);
		CHECK_EQ("signal_returned", s.server->ctx.regs[ARCH_REG_CAP], 0x40);
		CHECK_EQ("server_runnable", s.server->state, THREAD_RUNNABLE);
		CHECK_EQ("client_answered", s.client->ctx.regs[ARCH_REG_MR0], 99);
	}
	kt_end(&s.h);
}

/* Nobody to answer: ReplyRecv just waits (general path). */
void test_fastpath_replyrecv_no_caller(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		struct tcb *t = s.client;
		const word_t ans[4] = { 1 };
		KT_SYS(&s.h, t, KOZO_SYS_REPLY_RECV, s.ep, kozo_msginfo(0, 0, 0, 1), ans, NULL);
		declined(&s);
		CHECK_EQ("waits", t->state, THREAD_BLOCKED_RECV);
		CHECK("queued_behind_server", s.e->q.head == s.server && s.server->queue_next == t);
	}
	kt_end(&s.h);
}

/* The caller is a faulted thread: the reply resumes it as fault.h says
 * (label 0, one register: the new instruction pointer). */
void test_fastpath_replyrecv_faulted_caller(void)
{
	struct fp_setup s;
	if (fp_boot(&s, 10, 10)) {
		const word_t cfg[3] = { s.ep, 10, 0 };
		const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
		CHECK_ERR("fault_ep", host_invoke(&s.h, s.h.init, s.client_slot, KOZO_TCB_CONFIGURE, cfg, 3, caps, 1,
						  NULL, 0), KOZO_OK);
		CHECK_ERR("fault", host_fault(&s.h, s.client, KOZO_FAULT_VM, 0x1234, 6, 14, false), KOZO_OK);
		CHECK_EQ("client_waits_handler", s.client->state, THREAD_BLOCKED_REPLY);
		CHECK_EQ("server_got_fault", kozo_msginfo_label(s.server->ctx.regs[ARCH_REG_INFO]), KOZO_FAULT_VM);
		s.hits = s.h.k->stats.fastpath_hits;
		const word_t ip[4] = { 0x401000 };
		KT_SYS(&s.h, s.server, KOZO_SYS_REPLY_RECV, s.ep, kozo_msginfo(0, 0, 0, 1), ip, NULL);
		declined(&s);
		CHECK_EQ("client_resumed", s.client->state, THREAD_RUNNABLE);
		CHECK_EQ("ip_set", s.client->ctx.regs[ARCH_REG_IP], 0x401000);
		CHECK_EQ("fault_cleared", s.client->pending_fault, 0);
		CHECK_EQ("server_waits", s.server->state, THREAD_BLOCKED_RECV);
	}
	kt_end(&s.h);
}
