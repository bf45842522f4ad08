/* Objects deleted or changed while in use, and the state machines around
 * them: what each deletion promises to the threads and objects that used
 * the object. */
#include "kt.h"
#include "tests.h"

/* Deleting a CNode deletes every capability in it, the last slot too. */
void test_life_cnode_last_slot(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), cn = kt_new(&h, KOZO_OBJ_CNODE, 2);
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	const word_t to_last[5] = { 3, 2, ep, 64, KOZO_RIGHTS_ALL }, to_first[5] = { 1, 2, ep, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("copy_to_last_slot", kt_invoke(&h, cn, KOZO_CNODE_COPY, to_last, 5, caps, 1), KOZO_OK);
	CHECK_ERR("copy_to_first_slot", kt_invoke(&h, cn, KOZO_CNODE_COPY, to_first, 5, caps, 1), KOZO_OK);
	struct endpoint *e = host_object(&h, ep);
	CHECK_EQ("three_refs", e->refs, 3);
	CHECK_ERR("delete_cnode", kt_delete(&h, cn), KOZO_OK);
	CHECK_EQ("copies_released", e->refs, 1);
	CHECK_EQ("no_children_left", kt_children(kt_slot(&h, ep)), 0);
	kt_end(&h);
}

/* A TCB bound to a notification is deleted: the notification is unbound,
 * and a later signal just stays pending. */
void test_life_tcb_bound_deleted(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), ts;
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	const word_t bind[1] = { nt };
	CHECK_ERR("bind", kt_invoke(&h, ts, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1), KOZO_OK);
	struct notification *n = host_object(&h, nt);
	CHECK("bound", n->bound == t && t->bound_ntfn == n);
	kt_recv_blocks(&h, t, ep);
	CHECK_ERR("delete_tcb", kt_delete(&h, ts), KOZO_OK);
	CHECK("unbound", n->bound == NULL);
	CHECK_ERR("signal", host_syscall(&h, h.init, KOZO_SYS_SEND, nt, 0, NULL, NULL), KOZO_OK);
	CHECK_EQ("signal_pending", n->active, 1);
	CHECK("endpoint_empty", ((struct endpoint *)host_object(&h, ep))->q.head == NULL);
	/* And the notification deleted under a bound thread. */
	word_t nt2 = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ts2;
	struct tcb *t2 = kt_spawn(&h, 10, &ts2);
	const word_t bind2[1] = { nt2 };
	CHECK_ERR("bind_second", kt_invoke(&h, ts2, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind2, 1), KOZO_OK);
	CHECK_ERR("delete_notification", kt_delete(&h, nt2), KOZO_OK);
	CHECK("thread_unbound", t2 && t2->bound_ntfn == NULL);
	CHECK_ERR("bind_again_allowed", kt_invoke(&h, ts2, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1), KOZO_OK);
	kt_end(&h);
}

/* Two capabilities in one message: one receive slot, so the first is
 * transferred and the second is not (it must not overwrite the first). */
void test_life_two_cap_transfer(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), a = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t b = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), dest = host_slot_alloc(&h, 2);
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx)
		return kt_end(&h);
	kt_receive_slot(rx, 0, dest, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m = { .len = 0, .extra_caps = 2, .caps = { a, b } }, got;
	CHECK_ERR("send", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("one_cap_received", got.extra_caps, 1);
	CHECK("first_in_slot", cap_same_object(&kt_slot(&h, dest)->cap, &kt_slot(&h, a)->cap));
	CHECK("first_is_child", kt_is_child(kt_slot(&h, a), kt_slot(&h, dest)));
	CHECK_EQ("second_not_copied", kt_children(kt_slot(&h, b)), 0);
	CHECK_EQ("second_refs", ((struct endpoint *)host_object(&h, b))->refs, 1);
	CHECK_EQ("first_refs", ((struct notification *)host_object(&h, a))->refs, 2);
	CHECK("next_slot_empty", slot_empty(kt_slot(&h, dest + 1)));
	/* An unwrapped cap first, then one to transfer: both count. */
	word_t badged = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, badged, ep, KOZO_RIGHTS_ALL, 0x31));
	kt_receive_slot(rx, 0, dest + 1, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m2 = { .len = 0, .extra_caps = 2, .caps = { badged, b } };
	CHECK_ERR("send_unwrap_then_cap", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m2, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("two_caps", got.extra_caps, 2);
	CHECK_EQ("first_unwrapped_only", kozo_msginfo_unwrapped(rx->ctx.regs[ARCH_REG_INFO]), 1);
	CHECK_EQ("badge", got.caps[0], 0x31);
	CHECK("second_transferred", cap_same_object(&kt_slot(&h, dest + 1)->cap, &kt_slot(&h, b)->cap));
	/* A zero cptr ends the list. */
	word_t dest3 = host_slot_alloc(&h, 1);
	kt_receive_slot(rx, 0, dest3, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m3 = { .len = 0, .extra_caps = 2, .caps = { 0, b } };
	CHECK_ERR("send_zero_first", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m3, NULL), KOZO_OK);
	CHECK_EQ("nothing_after_zero", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	CHECK("dest3_empty", slot_empty(kt_slot(&h, dest3)));
	kt_end(&h);
}

/* A mapped Frame's transferred copy starts unmapped; the original stays
 * mapped. */
void test_life_mapped_frame_transfer(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t va = 0x100000000000ull;
	const word_t vs[1] = { KOZO_CAP_INIT_VSPACE }, pt[1] = { va };
	const word_t map[3] = { va, KOZO_RIGHTS_ALL, 0 };
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), f = kt_new(&h, KOZO_OBJ_FRAME, 0);
	word_t l1 = kt_new(&h, KOZO_OBJ_PT_L1, 0), l2 = kt_new(&h, KOZO_OBJ_PT_L2, 0), l3 = kt_new(&h, KOZO_OBJ_PT_L3, 0);
	KT_OK(kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1));
	KT_OK(kt_invoke(&h, l2, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1));
	KT_OK(kt_invoke(&h, l3, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1));
	KT_OK(kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, vs, 1));
	word_t dest = host_slot_alloc(&h, 2);
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx)
		return kt_end(&h);
	kt_receive_slot(rx, 0, dest, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m = { .len = 0, .extra_caps = 1, .caps = { f } };
	CHECK_ERR("send_frame", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("frame_received", kt_slot(&h, dest)->cap.type, KOZO_OBJ_FRAME);
	CHECK("copy_unmapped", !cap_mapped(&kt_slot(&h, dest)->cap) && cap_mapped_vaddr(&kt_slot(&h, dest)->cap) == 0);
	CHECK("original_mapped", cap_mapped(&kt_slot(&h, f)->cap) && cap_mapped_vaddr(&kt_slot(&h, f)->cap) == va);
	/* The received copy can be mapped elsewhere: it is a Frame of its own. */
	const word_t map2[3] = { va + KOZO_PAGE_SIZE, KOZO_RIGHTS_ALL, 0 };
	CHECK_ERR("copy_maps", kt_invoke(&h, dest, KOZO_FRAME_MAP, map2, 3, vs, 1), KOZO_OK);
	/* A page table does not travel at all: it has exactly one capability
	 * (issue 12), so the message goes and the receive slot stays empty. */
	kt_receive_slot(rx, 0, dest + 1, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m2 = { .len = 0, .extra_caps = 1, .caps = { l3 } };
	CHECK_ERR("send_table", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m2, NULL), KOZO_OK);
	CHECK_EQ("table_not_transferred", kt_slot(&h, dest + 1)->cap.type, KOZO_OBJ_NULL);
	CHECK("table_still_mapped", cap_mapped(&kt_slot(&h, l3)->cap) && cap_mapped_vaddr(&kt_slot(&h, l3)->cap) == va);
	/* Deleting the received frame copy unmaps what it mapped, and only
	 * that. */
	uint64_t flushes = h.m->tlb_flushes;
	CHECK_ERR("delete_copy", kt_delete(&h, dest), KOZO_OK);
	CHECK_EQ("one_flush", h.m->tlb_flushes, flushes + 1);
	CHECK_EQ("flushed_copy_address", h.m->last_flush_vaddr, va + KOZO_PAGE_SIZE);
	CHECK("original_still_mapped", cap_mapped(&kt_slot(&h, f)->cap));
	kt_end(&h);
}

/* A badged capability of another endpoint is not unwrapped: it travels as
 * a capability (with Grant) or not at all. */
void test_life_unwrap_other_endpoint(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), other = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t badged = host_slot_alloc(&h, 1), no_grant = host_slot_alloc(&h, 1), dest = host_slot_alloc(&h, 2);
	KT_OK(kt_mint(&h, badged, other, KOZO_RIGHTS_ALL, 0x77));
	KT_OK(kt_copy(&h, no_grant, ep, KOZO_RIGHT_WRITE));
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx)
		return kt_end(&h);
	kt_receive_slot(rx, 0, dest, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m = { .len = 0, .extra_caps = 1, .caps = { badged } }, got;
	CHECK_ERR("send_without_grant", host_send_msg(&h, h.init, KOZO_SYS_SEND, no_grant, &m, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("not_unwrapped", kozo_msginfo_unwrapped(rx->ctx.regs[ARCH_REG_INFO]), 0);
	CHECK_EQ("not_transferred", got.extra_caps, 0);
	CHECK("slot_empty", slot_empty(kt_slot(&h, dest)));
	kt_recv_blocks(&h, rx, ep);
	CHECK_ERR("send_with_grant", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	host_read_msg(rx, &got);
	CHECK_EQ("still_not_unwrapped", kozo_msginfo_unwrapped(rx->ctx.regs[ARCH_REG_INFO]), 0);
	CHECK_EQ("transferred", got.extra_caps, 1);
	CHECK_EQ("badge_kept", cap_badge(&kt_slot(&h, dest)->cap), 0x77);
	CHECK("names_other", cap_same_object(&kt_slot(&h, dest)->cap, &kt_slot(&h, other)->cap));
	kt_end(&h);
}

/* Resume of a thread that is blocked (not inactive) changes nothing;
 * Suspend takes it out of its queue; Resume then makes it runnable. */
void test_life_resume_blocked(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), ts;
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	kt_recv_blocks(&h, t, ep);
	struct endpoint *e = host_object(&h, ep);
	CHECK_ERR("resume_blocked", kt_invoke(&h, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("still_blocked", t->state, THREAD_BLOCKED_RECV);
	CHECK("still_queued_on_endpoint", e->q.head == t && t->blocked_on == e);
	CHECK("not_on_run_queue", !sched_is_queued(&h.k->sched, t));
	CHECK_ERR("suspend", kt_invoke(&h, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0), KOZO_OK);
	CHECK("off_endpoint", e->q.head == NULL && e->state == EP_IDLE && t->blocked_on == NULL);
	CHECK_EQ("inactive", t->state, THREAD_INACTIVE);
	t->time_slice = 1;
	CHECK_ERR("resume", kt_invoke(&h, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("runnable", t->state, THREAD_RUNNABLE);
	CHECK("queued", sched_is_queued(&h.k->sched, t));
	CHECK_EQ("fresh_time_slice", t->time_slice, SCHED_TIME_SLICE);
	/* Suspend of a thread waiting for a reply drops the reply link. */
	struct tcb *server = kt_spawn(&h, 10, NULL);
	kt_recv_blocks(&h, server, ep);
	KT_SYS(&h, t, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	CHECK("call_linked", server->reply_to == t && t->state == THREAD_BLOCKED_REPLY);
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0));
	CHECK("reply_link_dropped", server->reply_to == NULL && t->reply_from == NULL);
	/* ...and of a thread waiting on a notification, its queue entry. */
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	kt_recv_blocks(&h, t, nt);
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0));
	CHECK("off_notification", ((struct notification *)host_object(&h, nt))->q.head == NULL);
	kt_end(&h);
}

/* Timer ticks: the running thread keeps the CPU for SCHED_TIME_SLICE
 * ticks, then goes behind the others of its priority. */
void test_life_timer_round_robin(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	unsigned top = h.init->priority;
	struct tcb *a = kt_spawn(&h, top, NULL), *b = kt_spawn(&h, top, NULL);
	if (!a || !b)
		return kt_end(&h);
	CHECK("init_runs", h.k->current == h.init);
	for (unsigned i = 1; i < SCHED_TIME_SLICE; i++)
		CHECK("tick", host_timer_tick(&h));
	CHECK("init_keeps_cpu", h.k->current == h.init);
	CHECK_EQ("one_tick_left", h.init->time_slice, 1);
	CHECK("last_tick", host_timer_tick(&h));
	CHECK("a_runs", h.k->current == a);
	CHECK("init_at_tail", h.k->sched.tail[top] == h.init && h.k->sched.head[top] == a);
	CHECK_EQ("slice_refilled", h.init->time_slice, SCHED_TIME_SLICE);
	for (unsigned i = 0; i < SCHED_TIME_SLICE; i++)
		host_timer_tick(&h);
	CHECK("b_runs", h.k->current == b);
	/* A thread alone at its priority keeps running. */
	struct host_kernel g;
	if (kt_boot(&g)) {
		for (unsigned i = 0; i < 3 * SCHED_TIME_SLICE; i++)
			host_timer_tick(&g);
		CHECK("alone_keeps_cpu", g.k->current == g.init && g.k->sched.head[top] == g.init);
	}
	kt_end(&g);
	/* Yield: behind the others at once. */
	host_machine_active = h.m;
	CHECK_ERR("yield", host_syscall(&h, b, KOZO_SYS_YIELD, 0, 0, NULL, NULL), KOZO_OK);
	CHECK("yield_rotates", h.k->sched.tail[top] == b);
	CHECK("yield_gives_cpu", h.k->current != b);
	kt_end(&h);
}

/* The last IRQHandler capability of a line going masks the line and
 * drops its notification; an earlier copy going does not. */
void test_life_last_irq_handler(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t handler = host_slot_alloc(&h, 1), copy = host_slot_alloc(&h, 1);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { 6, handler, 64 }, ntc[1] = { nt };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1));
	KT_OK(kt_copy(&h, copy, handler, KOZO_RIGHTS_ALL));
	CHECK_EQ("two_refs", h.k->irq_refs[6], 2);
	KT_OK(kt_invoke(&h, copy, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1));
	CHECK("unmasked", !h.m->irq_masked[6]);
	CHECK_ERR("delete_original", kt_delete(&h, handler), KOZO_OK);
	CHECK("copy_keeps_line_open", !h.m->irq_masked[6] && h.k->irq_ntfn[6].cap.type == KOZO_OBJ_NOTIFICATION);
	CHECK_EQ("one_ref", h.k->irq_refs[6], 1);
	CHECK_ERR("delete_last", kt_delete(&h, copy), KOZO_OK);
	CHECK("masked", h.m->irq_masked[6]);
	CHECK("notification_dropped", slot_empty(&h.k->irq_ntfn[6]));
	CHECK_EQ("notification_refs", ((struct notification *)host_object(&h, nt))->refs, 1);
	CHECK("irq_now_harmless", host_irq(&h, 6));
	CHECK_EQ("not_signalled", ((struct notification *)host_object(&h, nt))->active, 0);
	/* Replacing the notification: the old one loses its reference. */
	word_t nt2 = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	const word_t get2[3] = { 6, handler, 64 }, ntc2[1] = { nt2 };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get2, 3, cn, 1));
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1));
	CHECK_ERR("set_second", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc2, 1), KOZO_OK);
	CHECK_EQ("first_released", ((struct notification *)host_object(&h, nt))->refs, 1);
	CHECK("irq_signals_second", host_irq(&h, 6));
	CHECK_EQ("second_signalled", ((struct notification *)host_object(&h, nt2))->active, 1);
	CHECK_EQ("first_quiet", ((struct notification *)host_object(&h, nt))->active, 0);
	kt_end(&h);
}

/* A device Untyped (MMIO) becomes Frames or smaller device Untyped only,
 * and its memory is never zeroed. */
void test_life_device_untyped(void)
{
	struct host_kernel h;
	const struct host_boot_options opt = { .device_bytes = 1u << 16 };
	word_t err = host_kernel_boot(&h, &opt);
	if (!CHECK_ERR("boot_with_device", err, KOZO_OK))
		return kt_end(&h);
	const struct kozo_bootinfo *bi = h.bootinfo;
	word_t dev = 0;
	for (word_t s = bi->untyped.start; s < bi->untyped.end; s++)
		if (bi->untyped_list[s - bi->untyped.start].is_device)
			dev = s;
	if (!CHECK("device_untyped_listed", dev != 0))
		return kt_end(&h);
	CHECK_EQ("device_bit", cap_untyped_is_device(&kt_slot(&h, dev)->cap), 1);
	word_t s = host_slot_alloc(&h, 8);
	const unsigned refused[] = { KOZO_OBJ_TCB, KOZO_OBJ_ENDPOINT, KOZO_OBJ_NOTIFICATION, KOZO_OBJ_CNODE,
				     KOZO_OBJ_VSPACE, KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L3 };
	bool all_refused = true;
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		all_refused &= host_retype(&h, dev, refused[i], refused[i] == KOZO_OBJ_CNODE ? 2 : 0, s, 1) ==
			       KOZO_ERR_ILLEGAL_OPERATION;
	CHECK("kernel_objects_refused", all_refused);
	CHECK("nothing_made", slot_empty(kt_slot(&h, s)));
	uint8_t *mem = (uint8_t *)kt_slot(&h, dev)->cap.obj;
	mem[0] = 0x3c;
	CHECK_ERR("frame", host_retype(&h, dev, KOZO_OBJ_FRAME, 0, s, 1), KOZO_OK);
	CHECK_EQ("frame_not_zeroed", ((uint8_t *)kt_slot(&h, s)->cap.obj)[0], 0x3c);
	CHECK_EQ("frame_all_rights", kt_slot(&h, s)->cap.rights, KOZO_RIGHTS_ALL);
	CHECK_ERR("untyped", host_retype(&h, dev, KOZO_OBJ_UNTYPED, 12, s + 1, 1), KOZO_OK);
	CHECK("child_is_device", cap_untyped_is_device(&kt_slot(&h, s + 1)->cap));
	CHECK_EQ("child_size", cap_untyped_size_bits(&kt_slot(&h, s + 1)->cap), 12);
	CHECK_ERR("child_refuses_tcb", host_retype(&h, s + 1, KOZO_OBJ_TCB, 0, s + 2, 1), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("child_gives_frame", host_retype(&h, s + 1, KOZO_OBJ_FRAME, 0, s + 2, 1), KOZO_OK);
	/* Ordinary RAM is zeroed. */
	CHECK_ERR("ram_frame", host_retype(&h, h.untyped, KOZO_OBJ_FRAME, 0, s + 3, 1), KOZO_OK);
	CHECK_EQ("ram_frame_zeroed", ((uint8_t *)kt_slot(&h, s + 3)->cap.obj)[0], 0);
	kt_end(&h);
}

/* Address-space identifiers run out: Retype of a VSpace then fails
 * cleanly, and a deleted VSpace's ASID can be had again. */
void test_life_asid_exhaustion(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	/* ASIDs go round: a freed one is not the next one given. */
	word_t v = host_slot_alloc(&h, 2);
	KT_OK(host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, v, 1));
	word_t first_asid = cap_vspace_asid(&kt_slot(&h, v)->cap);
	KT_OK(kt_delete(&h, v));
	KT_OK(host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, v + 1, 1));
	CHECK_EQ("next_asid_not_the_freed", cap_vspace_asid(&kt_slot(&h, v + 1)->cap), first_asid + 1);
	KT_OK(kt_delete(&h, v + 1));
	unsigned free_asids = 0;
	for (unsigned a = 1; a < ASID_COUNT; a++)
		free_asids += h.k->asids[a].root == NULL;
	CHECK_EQ("init_has_one", free_asids, ASID_COUNT - 2);
	word_t s = host_slot_alloc(&h, ASID_COUNT);
	unsigned made = 0;
	bool ok = true;
	while (made + 256 <= free_asids) {
		ok &= host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, s + made, 256) == KOZO_OK;
		made += 256;
	}
	CHECK("batches", ok);
	unsigned left = free_asids - made;
	CHECK_ERR("one_too_many", host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, s + made, left + 1),
		  KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK("refused_made_nothing", slot_empty(kt_slot(&h, s + made)));
	CHECK_ERR("exactly_the_rest", host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, s + made, left), KOZO_OK);
	made += left;
	CHECK_ERR("none_left", host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, s + made, 1), KOZO_ERR_NOT_ENOUGH_MEMORY);
	word_t other = host_slot_alloc(&h, 1);
	CHECK_ERR("other_types_still_made", host_retype(&h, h.untyped, KOZO_OBJ_ENDPOINT, 0, other, 1), KOZO_OK);
	word_t asid = cap_vspace_asid(&kt_slot(&h, s + 5)->cap);
	uint64_t retired = h.m->vspaces_retired;
	CHECK_ERR("delete_one", kt_delete(&h, s + 5), KOZO_OK);
	CHECK_EQ("retired", h.m->vspaces_retired, retired + 1);
	CHECK("asid_free", h.k->asids[asid].root == NULL);
	CHECK_ERR("one_more_fits", host_retype(&h, h.untyped, KOZO_OBJ_VSPACE, 0, s + made, 1), KOZO_OK);
	CHECK_EQ("asid_reused", cap_vspace_asid(&kt_slot(&h, s + made)->cap), asid);
	kt_end(&h);
}

/* A faulted thread waiting for its handler: the handler dies, or takes
 * another message first, or the fault endpoint goes while the fault waits
 * in its queue.  The faulter never resumes as if answered: it stops. */
void test_life_faulted_thread_orphaned(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), fs, hs;
	struct tcb *f = kt_spawn(&h, 10, &fs), *handler = kt_spawn(&h, 10, &hs), *other = kt_spawn(&h, 10, NULL);
	if (!f || !handler || !other)
		return kt_end(&h);
	const word_t cfg[3] = { ep, 10, 0 };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	KT_OK(host_invoke(&h, h.init, fs, KOZO_TCB_CONFIGURE, cfg, 3, cn, 1, NULL, 0));
	/* 1. The handler receives the fault, then receives again before
	 * replying: the faulter's reply is lost, and it stops. */
	kt_recv_blocks(&h, handler, ep);
	KT_OK(host_fault(&h, f, KOZO_FAULT_VM, 0x5000, 4, 14, false));
	CHECK("handler_owes_faulter", handler->reply_to == f && f->state == THREAD_BLOCKED_REPLY);
	KT_SYS(&h, other, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	CHECK_ERR("handler_receives_other", host_syscall(&h, handler, KOZO_SYS_RECV, ep, 0, NULL, NULL), KOZO_OK);
	CHECK("handler_took_other", handler->state == THREAD_RUNNABLE && handler->reply_to == other);
	CHECK_EQ("faulter_stopped", f->state, THREAD_INACTIVE);
	CHECK("faulter_unlinked", f->reply_from == NULL);
	CHECK_EQ("faulter_not_cancelled", f->ctx.regs[ARCH_REG_SYSNO] == KOZO_ERR_CANCELLED, 0);
	/* 2. The handler holding a fault is deleted: the faulter stops, its
	 * fault forgotten. */
	const word_t ans[4] = { 0 };
	KT_SYS(&h, handler, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 0), ans, NULL);
	KT_OK(host_invoke(&h, h.init, fs, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0));
	kt_recv_blocks(&h, handler, ep);
	KT_OK(host_fault(&h, f, KOZO_FAULT_VM, 0x6000, 4, 14, false));
	CHECK("handler_owes_again", handler->reply_to == f);
	CHECK_ERR("delete_handler", kt_delete(&h, hs), KOZO_OK);
	CHECK_EQ("faulter_stopped_again", f->state, THREAD_INACTIVE);
	CHECK_EQ("fault_forgotten", f->pending_fault, 0);
	CHECK("not_queued_to_run", !sched_is_queued(&h.k->sched, f));
	/* 3. Nobody receives: the fault waits in the endpoint's queue, and
	 * the endpoint is deleted. */
	KT_OK(host_invoke(&h, h.init, fs, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0));
	KT_OK(host_fault(&h, f, KOZO_FAULT_USER_EXCEPTION, 0, 0, 13, false));
	CHECK_EQ("fault_queued", f->state, THREAD_BLOCKED_SEND);
	/* The thread's own fault-endpoint capability is a child: revoke it. */
	CHECK_ERR("revoke_endpoint", kt_revoke(&h, ep), KOZO_OK);
	CHECK_EQ("still_queued", f->state, THREAD_BLOCKED_SEND);
	CHECK_ERR("delete_endpoint", kt_delete(&h, ep), KOZO_OK);
	CHECK_EQ("faulter_stopped_third", f->state, THREAD_INACTIVE);
	CHECK_EQ("fault_forgotten_third", f->pending_fault, 0);
	kt_end(&h);
}

/* Configure gives the thread an unmapped copy of a mapped IPC-buffer
 * Frame, and a replaced capability's old one is deleted. */
void test_life_configure_replaces(void)
{
	struct host_kernel h;
	word_t ts;
	struct tcb *t = kt_boot_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	const word_t va = 0x100000000000ull;
	const word_t vs[1] = { KOZO_CAP_INIT_VSPACE }, pt[1] = { va }, map[3] = { va, KOZO_RIGHTS_ALL, 0 };
	word_t l1 = kt_new(&h, KOZO_OBJ_PT_L1, 0), l2 = kt_new(&h, KOZO_OBJ_PT_L2, 0), l3 = kt_new(&h, KOZO_OBJ_PT_L3, 0);
	word_t frame = kt_new(&h, KOZO_OBJ_FRAME, 0);
	KT_OK(host_invoke(&h, h.init, l1, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1, NULL, 0));
	KT_OK(host_invoke(&h, h.init, l2, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1, NULL, 0));
	KT_OK(host_invoke(&h, h.init, l3, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1, NULL, 0));
	KT_OK(host_invoke(&h, h.init, frame, KOZO_FRAME_MAP, map, 3, vs, 1, NULL, 0));
	CHECK("frame_mapped", cap_mapped(&kt_slot(&h, frame)->cap));
	const word_t cfg[3] = { 0, 10, va };
	const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, frame };
	uint32_t cnode_refs = ((struct cnode_header *)kt_slot(&h, KOZO_CAP_INIT_CNODE)->cap.obj)->refs;
	CHECK_ERR("configure", host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0), KOZO_OK);
	const struct cap *b = &t->slots[TCB_IPC_FRAME].cap;
	CHECK("buffer_copy_unmapped", b->type == KOZO_OBJ_FRAME && !cap_mapped(b) && cap_mapped_vaddr(b) == 0);
	CHECK_EQ("buffer_offset", t->ipc_buffer_offset, 0);
	CHECK_EQ("buffer_address", t->ipc_buffer_addr, va);
	CHECK("original_still_mapped", cap_mapped(&kt_slot(&h, frame)->cap));
	CHECK_EQ("cspace_replaced_not_added", ((struct cnode_header *)kt_slot(&h, KOZO_CAP_INIT_CNODE)->cap.obj)->refs,
		 cnode_refs);
	/* Two extra caps: the buffer stays; one: the VSpace stays too. */
	const word_t two[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, two, 2, NULL, 0));
	CHECK_EQ("buffer_kept", t->slots[TCB_IPC_FRAME].cap.type, KOZO_OBJ_FRAME);
	const word_t prio7[3] = { 0, 7, 0 };
	KT_OK(host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, prio7, 3, two, 1, NULL, 0));
	CHECK("vspace_kept", t->slots[TCB_VSPACE].cap.type == KOZO_OBJ_VSPACE && t->priority == 7);
	CHECK("requeued_at_7", h.k->sched.head[7] == t);
	kt_end(&h);
}

/* Resume needs a CSpace as well as a VSpace: a thread whose CNode was
 * revoked under it stays inactive. */
void test_life_resume_without_cspace(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 2), ts;
	struct tcb *t = kt_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { cn, KOZO_CAP_INIT_VSPACE };
	KT_OK(host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2, NULL, 0));
	KT_OK(host_invoke(&h, h.init, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0, NULL, 0));
	CHECK_ERR("revoke_cnode", kt_revoke(&h, cn), KOZO_OK);
	CHECK("cspace_gone", t->slots[TCB_CSPACE].cap.type == KOZO_OBJ_NULL && t->slots[TCB_VSPACE].cap.type == KOZO_OBJ_VSPACE);
	CHECK_ERR("resume_refused", host_invoke(&h, h.init, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("still_inactive", t->state, THREAD_INACTIVE);
	kt_end(&h);
}

/* Resume needs a VSpace as well as a CSpace: a thread configured with a
 * CSpace only stays inactive. */
void test_life_resume_without_vspace(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ts = kt_new(&h, KOZO_OBJ_TCB, 0);
	if (!ts)
		return kt_end(&h);
	struct tcb *t = host_object(&h, ts);
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("configure_cspace_only", kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 1), KOZO_OK);
	CHECK("cspace_no_vspace", tcb_cspace(t)->type == KOZO_OBJ_CNODE && !tcb_vspace_root(t));
	CHECK_ERR("resume_refused", kt_invoke(&h, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("still_inactive", t->state, THREAD_INACTIVE);
	CHECK("not_queued", !sched_is_queued(&h.k->sched, t));
	kt_end(&h);
}

/* Odd corners of IPC state: a sender that queued before the receiver
 * came still transfers with its Grant right; a faulting thread keeps its
 * registers; a notification's waiter gets a clean info word; a Send to a
 * kernel object reports only the error, while Call gets the results; an
 * IPC buffer may start inside its page; WriteRegisters without resume
 * needs no address space. */
void test_life_ipc_state_corners(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t dest = host_slot_alloc(&h, 1), ts;
	struct tcb *sender = kt_spawn(&h, 10, &ts), *rx = kt_spawn(&h, 10, NULL);
	if (!sender || !rx)
		return kt_end(&h);
	tcb_ipc_buffer(sender)->caps_or_badges[0] = nt;
	KT_SYS(&h, sender, KOZO_SYS_SEND, ep, kozo_msginfo(0, 0, 1, 0), NULL, NULL);
	CHECK_EQ("sender_queued", sender->state, THREAD_BLOCKED_SEND);
	kt_receive_slot(rx, 0, dest, 64);
	CHECK_ERR("receive_queued_sender", host_syscall(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL), KOZO_OK);
	CHECK_EQ("cap_from_queued_sender", kt_slot(&h, dest)->cap.type, KOZO_OBJ_NOTIFICATION);
	/* A faulting thread's syscall-number register is its own. */
	word_t fep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	const word_t cfg[3] = { fep, 10, 0 };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, cfg, 3, cn, 1));
	kt_recv_blocks(&h, rx, fep);
	sender->ctx.regs[ARCH_REG_SYSNO] = 0x1234;
	KT_OK(host_fault(&h, sender, KOZO_FAULT_VM, 0x9000, 4, 14, false));
	CHECK_EQ("fault_delivered", kozo_msginfo_label(rx->ctx.regs[ARCH_REG_INFO]), KOZO_FAULT_VM);
	CHECK_EQ("faulter_register_kept", sender->ctx.regs[ARCH_REG_SYSNO], 0x1234);
	/* Notification waiter: whatever info it passed, it gets 0. */
	struct tcb *w = kt_spawn(&h, 10, NULL);
	if (!w)
		return kt_end(&h);
	KT_SYS(&h, w, KOZO_SYS_RECV, nt, kozo_msginfo(5, 0, 0, 2), NULL, NULL);
	CHECK_ERR("signal", host_syscall(&h, h.init, KOZO_SYS_SEND, nt, 0, NULL, NULL), KOZO_OK);
	CHECK("waiter_clean_info", w->state == THREAD_RUNNABLE && w->ctx.regs[ARCH_REG_INFO] == 0);
	/* A Recv on an endpoint that returns the bound notification's signal:
	 * badge = the word, a clean info word too. */
	word_t nt2 = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), wtcb = kt_new(&h, KOZO_OBJ_TCB, 0);
	const word_t bind2[1] = { nt2 };
	KT_OK(kt_invoke(&h, wtcb, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind2, 1));
	const word_t wcfg[3] = { 0, 10, 0 };
	const word_t wcaps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, wtcb, KOZO_TCB_CONFIGURE, wcfg, 3, wcaps, 2));
	KT_OK(kt_invoke(&h, wtcb, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	KT_OK(host_syscall(&h, h.init, KOZO_SYS_SEND, nt2, 0, NULL, NULL));
	struct tcb *bw = host_object(&h, wtcb);
	CHECK_ERR("recv_gets_signal", host_syscall(&h, bw, KOZO_SYS_RECV, ep, kozo_msginfo(3, 0, 0, 2), NULL, NULL),
		  KOZO_OK);
	CHECK("signal_clean_info", bw->ctx.regs[ARCH_REG_INFO] == 0 && bw->state == THREAD_RUNNABLE);
	/* Send of ReadRegisters: the error only, no results. */
	word_t wt = kt_new(&h, KOZO_OBJ_TCB, 0);
	const word_t two[4] = { 2 };
	h.init->ctx.regs[ARCH_REG_MR1] = 0xabc;
	struct host_regs r;
	CHECK_ERR("send_read_registers", host_syscall(&h, h.init, KOZO_SYS_SEND, wt,
						      kozo_msginfo(KOZO_TCB_READ_REGISTERS, 0, 0, 1), two, &r), KOZO_OK);
	CHECK("send_gets_no_results", r.info == 0 && r.mr[1] == 0);
	CHECK_ERR("call_read_registers", host_syscall(&h, h.init, KOZO_SYS_CALL, wt,
						      kozo_msginfo(KOZO_TCB_READ_REGISTERS, 0, 0, 1), two, &r), KOZO_OK);
	CHECK_EQ("call_gets_two", kozo_msginfo_length(r.info), 2);
	/* WriteRegisters without resume on a thread without VSpace. */
	const word_t wr[3] = { 0, 1, 0x55 };
	CHECK_ERR("write_unconfigured", kt_invoke(&h, wt, KOZO_TCB_WRITE_REGISTERS, wr, 3, NULL, 0), KOZO_OK);
	CHECK_EQ("written", ((struct tcb *)host_object(&h, wt))->ctx.regs[0], 0x55);
	/* An IPC buffer 0x400 into its page. */
	word_t frame = kt_new(&h, KOZO_OBJ_FRAME, 0);
	const word_t bcfg[3] = { 0, 10, 0x10400 };
	const word_t bcaps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, frame };
	CHECK_ERR("buffer_inside_page", kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, bcfg, 3, bcaps, 3), KOZO_OK);
	CHECK_EQ("offset", sender->ipc_buffer_offset, 0x400);
	CHECK_EQ("buffer_at_offset", (uintptr_t)tcb_ipc_buffer(sender), kt_slot(&h, frame)->cap.obj + 0x400);
	/* ... or in its last KiB: every bit of the offset below the page's. */
	const word_t lcfg[3] = { 0, 10, 0x10c00 };
	CHECK_ERR("buffer_last_kib", kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, lcfg, 3, bcaps, 3), KOZO_OK);
	CHECK_EQ("offset_c00", sender->ipc_buffer_offset, 0xc00);
	CHECK_EQ("buffer_at_c00", (uintptr_t)tcb_ipc_buffer(sender), kt_slot(&h, frame)->cap.obj + 0xc00);
	kt_end(&h);
}

/* An unbound notification deleted with a waiter; a kernel with nothing to
 * run (Init waits, nobody else exists). */
void test_life_nothing_to_run(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *w = kt_spawn(&h, 10, NULL);
	if (!w)
		return kt_end(&h);
	kt_recv_blocks(&h, w, nt);
	CHECK_ERR("delete_unbound_notification", kt_delete(&h, nt), KOZO_OK);
	CHECK_ERR("waiter_cancelled", w->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	kt_recv_blocks(&h, w, ep);
	kt_recv_blocks(&h, h.init, ep);
	CHECK("nobody_runs", h.k->current == NULL);
	CHECK("tick_with_nobody", host_timer_tick(&h) && h.k->current == NULL);
	kt_end(&h);
}
