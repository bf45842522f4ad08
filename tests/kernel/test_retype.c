/* Untyped_Retype, and Revoke / Delete of what it made. */
#include "kt.h"
#include "tests.h"

static bool all_bytes(const void *p, size_t n, uint8_t v)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

void test_retype_basic(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 16);
	struct slot *u = kt_slot(&h, ut);
	uintptr_t base = u->cap.obj;
	CHECK("untyped_from_untyped_aligned", IS_ALIGNED(base, 16));
	CHECK("fresh_untyped_memory_poisoned", all_bytes((void *)base, 1u << 16, HOST_RAM_POISON));
	word_t s = host_slot_alloc(&h, 1);
	CHECK_ERR("retype_endpoint", host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, s, 1), KOZO_OK);
	CHECK_EQ("at_base", kt_slot(&h, s)->cap.obj, base);
	CHECK_EQ("watermark", cap_untyped_watermark(&u->cap), 1u << KOZO_ENDPOINT_SIZE_BITS);
	struct endpoint *e = (struct endpoint *)base;
	CHECK("zeroed", !e->q.head && !e->q.tail && e->state == EP_IDLE &&
			all_bytes(e->reserved, sizeof(e->reserved), 0));
	CHECK("rest_untouched", all_bytes((void *)(base + 64), 64, HOST_RAM_POISON));
	CHECK("child_of_untyped", kt_is_child(u, kt_slot(&h, s)));
	CHECK_EQ("all_rights", kt_slot(&h, s)->cap.rights, KOZO_RIGHTS_ALL);
	CHECK_EQ("refs", ((struct endpoint *)host_object(&h, s))->refs, 1);
	/* A TCB next: aligned up to 2 KiB past the endpoint. */
	word_t t = host_slot_alloc(&h, 1);
	CHECK_ERR("retype_tcb", host_retype(&h, ut, KOZO_OBJ_TCB, 0, t, 1), KOZO_OK);
	CHECK_EQ("tcb_aligned", kt_slot(&h, t)->cap.obj, base + (1u << KOZO_TCB_SIZE_BITS));
	CHECK_EQ("watermark_after_tcb", cap_untyped_watermark(&u->cap), 2u << KOZO_TCB_SIZE_BITS);
	struct tcb *tcb = host_object(&h, t);
	CHECK_EQ("tcb_inactive", tcb->state, THREAD_INACTIVE);
	CHECK("tcb_has_id", tcb->id > h.init->id);
	CHECK_EQ("tcb_flags_initialized", tcb->ctx.regs[ARCH_REG_FLAGS], 0x202);
	word_t c = host_slot_alloc(&h, 1);
	CHECK_ERR("retype_cnode", host_retype(&h, ut, KOZO_OBJ_CNODE, 3, c, 1), KOZO_OK);
	CHECK("cnode_zeroed", all_bytes((void *)(kt_slot(&h, c)->cap.obj + 64), 7 * 64, 0));
	CHECK_EQ("cnode_radix", cap_cnode_radix(&kt_slot(&h, c)->cap), 3);
	word_t v = host_slot_alloc(&h, 1);
	uint64_t inits = h.m->vspaces_initialized;
	CHECK_ERR("retype_vspace", host_retype(&h, ut, KOZO_OBJ_VSPACE, 0, v, 1), KOZO_OK);
	CHECK_EQ("vspace_initialized_by_port", h.m->vspaces_initialized, inits + 1);
	CHECK("vspace_has_asid", cap_vspace_asid(&kt_slot(&h, v)->cap) != 0);
	CHECK("vspace_page_aligned", IS_ALIGNED(kt_slot(&h, v)->cap.obj, KOZO_PAGE_SIZE_BITS));
	kt_end(&h);
}

void test_retype_count_and_alignment(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 16);
	struct slot *u = kt_slot(&h, ut);
	uintptr_t base = u->cap.obj;
	word_t first = host_slot_alloc(&h, 6);
	CHECK_ERR("one_notification", host_retype(&h, ut, KOZO_OBJ_NOTIFICATION, 0, first, 1), KOZO_OK);
	CHECK_ERR("five_frames", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, first + 1, 5), KOZO_OK);
	bool placed = true, children = true, zero = true;
	for (unsigned i = 0; i < 5; i++) {
		struct slot *s = kt_slot(&h, first + 1 + i);
		placed &= s->cap.type == KOZO_OBJ_FRAME &&
			  s->cap.obj == base + ((word_t)(i + 1) << KOZO_PAGE_SIZE_BITS);
		children &= kt_is_child(u, s);
		zero &= all_bytes((void *)s->cap.obj, KOZO_PAGE_SIZE, 0);
	}
	CHECK("frames_consecutive_page_aligned", placed);
	CHECK("frames_children_of_untyped", children);
	CHECK("frames_zeroed", zero);
	CHECK_EQ("untyped_children", kt_children(u), 6);
	CHECK_EQ("watermark", cap_untyped_watermark(&u->cap), 6u << KOZO_PAGE_SIZE_BITS);
	CHECK("gap_not_zeroed", all_bytes((void *)(base + 64), KOZO_PAGE_SIZE - 64, HOST_RAM_POISON));
	/* A smaller Untyped carved from this one is aligned to its size. */
	word_t small = host_slot_alloc(&h, 1);
	CHECK_ERR("untyped_14", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 14, small, 1), KOZO_OK);
	CHECK_EQ("untyped_aligned", kt_slot(&h, small)->cap.obj, base + (2u << 14));
	CHECK_EQ("untyped_size", cap_untyped_size_bits(&kt_slot(&h, small)->cap), 14);
	CHECK_EQ("untyped_watermark_zero", cap_untyped_watermark(&kt_slot(&h, small)->cap), 0);
	kt_end(&h);
}

/* Running out of space fails cleanly: nothing created, nothing moved. */
void test_retype_exhaustion(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 14);   /* 4 pages */
	struct slot *u = kt_slot(&h, ut);
	word_t first = host_slot_alloc(&h, 8);
	CHECK_ERR("five_pages_too_many", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, first, 5),
		  KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_EQ("no_children_after_failure", kt_children(u), 0);
	CHECK("no_caps_after_failure", slot_empty(kt_slot(&h, first)));
	CHECK("memory_untouched", all_bytes((void *)u->cap.obj, 1u << 14, HOST_RAM_POISON));
	CHECK_ERR("three_pages", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, first, 3), KOZO_OK);
	word_t mark = cap_untyped_watermark(&u->cap);
	CHECK_ERR("two_more_too_many", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, first + 3, 2),
		  KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_EQ("watermark_unchanged", cap_untyped_watermark(&u->cap), mark);
	CHECK_EQ("children_unchanged", kt_children(u), 3);
	CHECK("dest_still_empty", slot_empty(kt_slot(&h, first + 3)) && slot_empty(kt_slot(&h, first + 4)));
	CHECK_ERR("object_bigger_than_untyped", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 15, first + 3, 1),
		  KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_ERR("last_page_fits", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, first + 3, 1), KOZO_OK);
	CHECK_EQ("watermark_full", cap_untyped_watermark(&u->cap), 1u << 14);
	CHECK_ERR("full", host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, first + 4, 1),
		  KOZO_ERR_NOT_ENOUGH_MEMORY);
	kt_end(&h);
}

static word_t retype_raw(struct host_kernel *h, word_t ut, const word_t *mr, unsigned len,
			 word_t cnode)
{
	const word_t caps[1] = { cnode };
	return host_invoke(h, h->init, ut, KOZO_UNTYPED_RETYPE, mr, len, caps, cnode ? 1 : 0, NULL, 0);
}

void test_retype_errors(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 16);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t s = host_slot_alloc(&h, 4);
	const word_t cn = KOZO_CAP_INIT_CNODE;
	struct { const char *name; word_t mr[6]; unsigned len; word_t cnode; word_t want; } cases[] = {
		{ "type_null", { KOZO_OBJ_NULL, 0, 0, 0, s, 1 }, 6, cn, KOZO_ERR_INVALID_ARGUMENT },
		{ "type_irq_control", { KOZO_OBJ_IRQ_CONTROL, 0, 0, 0, s, 1 }, 6, cn, KOZO_ERR_INVALID_ARGUMENT },
		{ "type_past_end", { KOZO_OBJ_TYPE_COUNT, 0, 0, 0, s, 1 }, 6, cn, KOZO_ERR_INVALID_ARGUMENT },
		{ "type_huge", { 1000, 0, 0, 0, s, 1 }, 6, cn, KOZO_ERR_INVALID_ARGUMENT },
		{ "untyped_too_small", { KOZO_OBJ_UNTYPED, 3, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "untyped_too_big", { KOZO_OBJ_UNTYPED, 48, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "untyped_size_65", { KOZO_OBJ_UNTYPED, 65, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "untyped_size_wraps", { KOZO_OBJ_UNTYPED, (1ull << 32) + 12, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "cnode_radix_0", { KOZO_OBJ_CNODE, 0, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "cnode_radix_21", { KOZO_OBJ_CNODE, 21, 0, 0, s, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "count_0", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 0 }, 6, cn, KOZO_ERR_RANGE },
		{ "count_257", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 257 }, 6, cn, KOZO_ERR_RANGE },
		{ "offset_0", { KOZO_OBJ_ENDPOINT, 0, 0, 0, 0, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "offset_past_end", { KOZO_OBJ_ENDPOINT, 0, 0, 0, 4096, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "count_past_end", { KOZO_OBJ_ENDPOINT, 0, 0, 0, 4095, 2 }, 6, cn, KOZO_ERR_RANGE },
		{ "offset_huge", { KOZO_OBJ_ENDPOINT, 0, 0, 0, ~0ull, 2 }, 6, cn, KOZO_ERR_RANGE },
		{ "dest_occupied", { KOZO_OBJ_ENDPOINT, 0, 0, 0, ep, 1 }, 6, cn, KOZO_ERR_DELETE_FIRST },
		{ "dest_partly_occupied", { KOZO_OBJ_ENDPOINT, 0, 0, 0, ep - 1, 2 }, 6, cn, KOZO_ERR_DELETE_FIRST },
		{ "truncated_5", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s }, 5, cn, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "no_cnode_cap", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 1 }, 6, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "dest_not_cnode", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 1 }, 6, ep, KOZO_ERR_INVALID_CAPABILITY },
		{ "dest_lookup_not_cnode", { KOZO_OBJ_ENDPOINT, 0, ep, 64, 1, 1 }, 6, cn, KOZO_ERR_INVALID_CAPABILITY },
		{ "dest_depth_65", { KOZO_OBJ_ENDPOINT, 0, ep, 65, 1, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "dest_depth_huge", { KOZO_OBJ_ENDPOINT, 0, ep, 1ull << 40, 1, 1 }, 6, cn, KOZO_ERR_RANGE },
		{ "dest_depth_short", { KOZO_OBJ_ENDPOINT, 0, ep, 8, 1, 1 }, 6, cn, KOZO_ERR_FAILED_LOOKUP },
		{ "dest_index_guard", { KOZO_OBJ_ENDPOINT, 0, 1ull << 20, 64, 1, 1 }, 6, cn, KOZO_ERR_FAILED_LOOKUP },
		{ "dest_index_0", { KOZO_OBJ_ENDPOINT, 0, 0, 64, 1, 1 }, 6, cn, KOZO_ERR_FAILED_LOOKUP },
		{ "cnode_cptr_unresolvable", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 1 }, 6, 1ull << 13, KOZO_ERR_FAILED_LOOKUP },
		{ "cnode_cptr_empty", { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 1 }, 6, s + 3, KOZO_ERR_FAILED_LOOKUP },
	};
	struct slot *u = kt_slot(&h, ut);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_ERR(cases[i].name, retype_raw(&h, ut, cases[i].mr, cases[i].len, cases[i].cnode),
			  cases[i].want);
	CHECK_EQ("no_children_after_errors", kt_children(u), 0);
	CHECK_EQ("no_watermark_after_errors", cap_untyped_watermark(&u->cap), 0);
	bool empty = true;
	for (word_t i = 0; i < 4; i++)
		empty &= slot_empty(kt_slot(&h, s + i));
	CHECK("no_caps_after_errors", empty);
	const word_t mr[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, s, 1 };
	CHECK_ERR("wrong_label", host_invoke(&h, h.init, ut, KOZO_CNODE_COPY, mr, 6, &cn, 1, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	/* Into a CNode other than the root, named by a lookup. */
	word_t other = kt_new(&h, KOZO_OBJ_CNODE, 2);
	const word_t into_other[6] = { KOZO_OBJ_ENDPOINT, 0, other, 64, 3, 1 };
	CHECK_ERR("into_other_cnode", retype_raw(&h, ut, into_other, 6, cn), KOZO_OK);
	CHECK_EQ("landed_in_other", cnode_slots(&kt_slot(&h, other)->cap)[3].cap.type, KOZO_OBJ_ENDPOINT);
	const word_t past_other[6] = { KOZO_OBJ_ENDPOINT, 0, other, 64, 3, 2 };
	CHECK_ERR("past_other_end", retype_raw(&h, ut, past_other, 6, cn), KOZO_ERR_RANGE);
	kt_end(&h);
}

/* An Untyped whose children are all gone starts again at its base. */
void test_retype_after_delete(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 14);
	struct slot *u = kt_slot(&h, ut);
	word_t s = host_slot_alloc(&h, 2);
	KT_OK(host_retype(&h, ut, KOZO_OBJ_FRAME, 0, s, 2));
	uint8_t *second = (uint8_t *)kt_slot(&h, s + 1)->cap.obj;
	second[0] = 0x77;
	CHECK_ERR("delete_first", kt_delete(&h, s), KOZO_OK);
	word_t t = host_slot_alloc(&h, 1);
	CHECK_ERR("retype_with_child_left", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, t, 1), KOZO_OK);
	CHECK_EQ("no_reuse_while_children", kt_slot(&h, t)->cap.obj, u->cap.obj + 2 * KOZO_PAGE_SIZE);
	KT_OK(kt_delete(&h, s + 1));
	KT_OK(kt_delete(&h, t));
	CHECK_EQ("no_children", kt_children(u), 0);
	CHECK_ERR("retype_again", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, s, 2), KOZO_OK);
	CHECK_EQ("back_at_base", kt_slot(&h, s)->cap.obj, u->cap.obj);
	CHECK_EQ("reused_memory_zeroed", second[0], 0);
	CHECK_EQ("watermark_restarted", cap_untyped_watermark(&u->cap), 2 * KOZO_PAGE_SIZE);
	kt_end(&h);
}

void test_revoke_untyped(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 16);
	struct slot *u = kt_slot(&h, ut);
	word_t s = host_slot_alloc(&h, 6);
	KT_OK(host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, s, 2));
	KT_OK(host_retype(&h, ut, KOZO_OBJ_CNODE, 2, s + 2, 1));
	KT_OK(host_retype(&h, ut, KOZO_OBJ_VSPACE, 0, s + 3, 1));
	KT_OK(kt_copy(&h, s + 4, s, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, s + 5, s + 4, KOZO_RIGHT_READ));
	/* A capability stored inside the CNode made from the Untyped (a
	 * radix-2 CNode without guard: index 1 at depth 2). */
	const word_t into[5] = { 1, 2, s + 1, 64, KOZO_RIGHTS_ALL };
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("copy_into_child_cnode", host_invoke(&h, h.init, s + 2, KOZO_CNODE_COPY, into, 5,
						       caps, 1, NULL, 0), KOZO_OK);
	word_t asid = cap_vspace_asid(&kt_slot(&h, s + 3)->cap);
	uint64_t retired = h.m->vspaces_retired;
	CHECK_ERR("revoke", kt_revoke(&h, ut), KOZO_OK);
	bool gone = true;
	for (word_t i = 0; i < 6; i++)
		gone &= slot_empty(kt_slot(&h, s + i));
	CHECK("all_descendants_gone", gone);
	CHECK_EQ("untyped_childless", kt_children(u), 0);
	CHECK("untyped_kept", u->cap.type == KOZO_OBJ_UNTYPED);
	CHECK("asid_freed", h.k->asids[asid].root == NULL);
	CHECK_EQ("vspace_retired", h.m->vspaces_retired, retired + 1);
	CHECK_EQ("ep_copy_in_other_cnode_lifted", kt_children(kt_slot(&h, s + 1)), 0);
	word_t again = host_slot_alloc(&h, 1);
	CHECK_ERR("retype_after_revoke", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 16, again, 1), KOZO_OK);
	CHECK_EQ("watermark_reset", kt_slot(&h, again)->cap.obj, u->cap.obj);
	kt_end(&h);
}

/* Destroying a TCB takes it out of the endpoint queue it waits in. */
void test_revoke_removes_from_queues(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, 16);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct endpoint *e = host_object(&h, ep);
	struct tcb *other;
	KT_OK(host_spawn(&h, 10, NULL, &other));
	/* A thread made from ut, blocked receiving on ep. */
	word_t s = host_slot_alloc(&h, 2);
	KT_OK(host_retype(&h, ut, KOZO_OBJ_TCB, 0, s, 1));
	KT_OK(host_retype(&h, ut, KOZO_OBJ_FRAME, 0, s + 1, 1));
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, s + 1 };
	KT_OK(host_invoke(&h, h.init, s, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0));
	KT_OK(host_invoke(&h, h.init, s, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0));
	struct tcb *victim = host_object(&h, s);
	KT_SYS(&h, victim, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_SYS(&h, other, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	CHECK_EQ("victim_blocked", victim->state, THREAD_BLOCKED_RECV);
	CHECK("victim_queued_first", e->q.head == victim && e->q.tail == other);
	CHECK_ERR("revoke", kt_revoke(&h, ut), KOZO_OK);
	CHECK("victim_dequeued", e->q.head == other && e->q.tail == other);
	CHECK("other_unlinked", other->queue_prev == NULL && other->queue_next == NULL);
	CHECK_EQ("still_receiving", e->state, EP_RECV);
	CHECK("victim_not_scheduled", sched_choose(&h.k->sched) != victim);
	/* The endpoint still works for the thread left. */
	const word_t mr[4] = { 42 };
	CHECK_ERR("send_to_survivor", host_syscall(&h, h.init, KOZO_SYS_SEND, ep,
						   kozo_msginfo(0, 0, 0, 1), mr, NULL), KOZO_OK);
	CHECK_EQ("survivor_got_it", other->ctx.regs[ARCH_REG_MR0], 42);
	kt_end(&h);
}

/* Deleting the last capability of an endpoint cancels its waiters. */
void test_delete_last_cap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t copy = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, copy, ep, KOZO_RIGHTS_ALL));
	struct tcb *a, *b;
	KT_OK(host_spawn(&h, 10, NULL, &a));
	KT_OK(host_spawn(&h, 10, NULL, &b));
	KT_SYS(&h, a, KOZO_SYS_SEND, ep, 0, NULL, NULL);
	KT_SYS(&h, b, KOZO_SYS_CALL, ep, 0, NULL, NULL);
	CHECK_EQ("a_blocked", a->state, THREAD_BLOCKED_SEND);
	CHECK_EQ("b_blocked", b->state, THREAD_BLOCKED_SEND);
	CHECK_ERR("delete_original", kt_delete(&h, ep), KOZO_OK);
	CHECK_EQ("copy_keeps_waiters", a->state, THREAD_BLOCKED_SEND);
	CHECK_ERR("delete_last", kt_delete(&h, copy), KOZO_OK);
	CHECK_EQ("a_runnable", a->state, THREAD_RUNNABLE);
	CHECK_EQ("b_runnable", b->state, THREAD_RUNNABLE);
	CHECK_ERR("a_cancelled", a->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK_ERR("b_cancelled", b->ctx.regs[ARCH_REG_SYSNO], KOZO_ERR_CANCELLED);
	CHECK("a_unlinked", a->blocked_on == NULL && a->queue_next == NULL);
	CHECK("b_no_reply_pending", b->reply_from == NULL);
	kt_end(&h);
}

/* A thread's last capability going away tells the port (arch_context_retire),
 * so the port can drop what it keeps about the thread (aarch64: the lazy
 * FP/SIMD owner) before the memory becomes another object. */
void test_tcb_delete_retires_context(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t tcb = kt_new(&h, KOZO_OBJ_TCB, 0), copy = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, copy, tcb, KOZO_RIGHTS_ALL));
	uint64_t before = h.m->contexts_retired;
	CHECK_ERR("delete_one_of_two", kt_delete(&h, tcb), KOZO_OK);
	CHECK_EQ("still_referenced", h.m->contexts_retired, before);
	CHECK_ERR("delete_last", kt_delete(&h, copy), KOZO_OK);
	CHECK_EQ("retired_once", h.m->contexts_retired, before + 1);
	kt_end(&h);
}
