/* Capability addresses through more than one CNode, guards, and the
 * derivation tree's links when slots move or go: what cspace_lookup and
 * the CDT promise beyond Init's single-level CSpace. */
#include "kt.h"
#include "tests.h"

/* A two-level CSpace: CNode A (radix 4, guard of 56 zero bits: 60 bits
 * per level) whose slot 1 holds CNode B (radix 4, no guard), B[3] an
 * endpoint and A[2] an endpoint.  Init's slot *a names A. */
struct two_level {
	word_t a, b, ep;
};

static bool two_level(struct host_kernel *h, struct two_level *t)
{
	word_t raw_a = kt_new(h, KOZO_OBJ_CNODE, 4), raw_b = kt_new(h, KOZO_OBJ_CNODE, 4);
	t->ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	t->a = host_slot_alloc(h, 1);
	if (!raw_a || !raw_b || !t->ep || !t->a)
		return false;
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	/* Guard: 56 bits of zeros (badge = guard_bits | guard << 6). */
	if (!KT_OK(kt_mint(h, t->a, raw_a, KOZO_RIGHTS_ALL, 56)))
		return false;
	const word_t b_in_a[5] = { 1, 4, raw_b, 64, KOZO_RIGHTS_ALL }, ep_in_b[5] = { 3, 4, t->ep, 64, KOZO_RIGHTS_ALL };
	const word_t ep_in_a[5] = { 2, 4, t->ep, 64, KOZO_RIGHT_WRITE };
	t->b = raw_b;
	return KT_OK(kt_invoke(h, raw_a, KOZO_CNODE_COPY, b_in_a, 5, cn, 1)) &&
	       KT_OK(kt_invoke(h, raw_b, KOZO_CNODE_COPY, ep_in_b, 5, cn, 1)) &&
	       KT_OK(kt_invoke(h, raw_a, KOZO_CNODE_COPY, ep_in_a, 5, cn, 1));
}

void test_cspace_two_levels(void)
{
	struct host_kernel h;
	struct two_level t;
	if (!kt_boot(&h) || !two_level(&h, &t))
		return kt_end(&h);
	word_t dst = host_slot_alloc(&h, 3);
	const word_t root[1] = { t.a };
	/* 60 bits in A (slot 1), then 4 in B (slot 3). */
	const word_t through_b[5] = { dst, 64, (1 << 4) | 3, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("copy_through_two_levels", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, through_b, 5, root, 1),
		  KOZO_OK);
	CHECK("names_the_endpoint", cap_same_object(&kt_slot(&h, dst)->cap, &kt_slot(&h, t.ep)->cap));
	/* An exact lookup that meets a non-CNode with bits left fails. */
	const word_t past_ep[5] = { dst + 1, 64, (2 << 4) | 3, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("exact_stops_at_leaf", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, past_ep, 5, root, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	/* At depth 60 the lookup ends in A: slot 1 is B's capability. */
	const word_t depth60[5] = { dst + 1, 64, 1, 60, KOZO_RIGHTS_ALL };
	CHECK_ERR("depth_60_ends_in_a", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, depth60, 5, root, 1), KOZO_OK);
	CHECK_EQ("copied_b", kt_slot(&h, dst + 1)->cap.type, KOZO_OBJ_CNODE);
	const word_t depth59[5] = { dst + 2, 64, 1, 59, KOZO_RIGHTS_ALL };
	CHECK_ERR("depth_59_too_short", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, depth59, 5, root, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	/* A thread with A as its CSpace: a send resolves non-exactly, so the
	 * endpoint in A[2] answers for any address below it. */
	word_t ts;
	struct tcb *th = kt_spawn(&h, 10, &ts);
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!th || !rx)
		return kt_end(&h);
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { t.a, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	kt_recv_blocks(&h, rx, t.ep);
	const word_t mr[4] = { 0x77 };
	CHECK_ERR("send_through_leaf", host_syscall(&h, th, KOZO_SYS_NB_SEND, (2ull << 4) | 0xf,
						    kozo_msginfo(0, 0, 0, 1), mr, NULL), KOZO_OK);
	CHECK_EQ("received", rx->ctx.regs[ARCH_REG_MR0], 0x77);
	/* A guard mismatch fails. */
	CHECK_ERR("guard_mismatch", host_syscall(&h, th, KOZO_SYS_NB_SEND, (1ull << 63) | (2ull << 4),
						 kozo_msginfo(0, 0, 0, 1), mr, NULL), KOZO_ERR_FAILED_LOOKUP);
	kt_end(&h);
}

/* A guard whose top bit is set is matched whole, and may be minted. */
void test_cspace_guard_top_bit(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t raw = kt_new(&h, KOZO_OBJ_CNODE, 4), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t g = host_slot_alloc(&h, 3);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	/* 4 guard bits, guard 0b1000: the CNode resolves 8 bits, 0x8N -> slot N. */
	CHECK_ERR("mint_guard_top_bit", kt_mint(&h, g, raw, KOZO_RIGHTS_ALL, 4 | (0x8 << 6)), KOZO_OK);
	CHECK_EQ("guard_kept", cap_cnode_guard(&kt_slot(&h, g)->cap), 0x8);
	CHECK_ERR("mint_guard_too_wide", kt_mint(&h, g + 1, raw, KOZO_RIGHTS_ALL, 4 | (0x10 << 6)), KOZO_ERR_RANGE);
	const word_t put[5] = { 0x85, 8, ep, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("copy_through_guard", kt_invoke(&h, g, KOZO_CNODE_COPY, put, 5, cn, 1), KOZO_OK);
	CHECK_EQ("landed_in_slot_5", cnode_slots(&kt_slot(&h, raw)->cap)[5].cap.type, KOZO_OBJ_ENDPOINT);
	const word_t wrong[5] = { 0x06, 8, ep, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("guard_0_refused", kt_invoke(&h, g, KOZO_CNODE_COPY, wrong, 5, cn, 1), KOZO_ERR_FAILED_LOOKUP);
	/* A Copy of a guarded CNode capability keeps its guard. */
	CHECK_ERR("copy_guarded", kt_copy(&h, g + 2, g, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK("copy_keeps_guard", cap_cnode_guard(&kt_slot(&h, g + 2)->cap) == 0x8 &&
	      cap_cnode_radix(&kt_slot(&h, g + 2)->cap) == cap_cnode_radix(&kt_slot(&h, g)->cap) &&
	      cap_cnode_guard_bits(&kt_slot(&h, g + 2)->cap) == cap_cnode_guard_bits(&kt_slot(&h, g)->cap));
	/* Depth 1 in a radix-1 CNode without guard: the smallest lookup. */
	word_t one = kt_new(&h, KOZO_OBJ_CNODE, 1);
	const word_t d1[5] = { 1, 1, ep, 64, KOZO_RIGHTS_ALL };
	CHECK_ERR("depth_1", kt_invoke(&h, one, KOZO_CNODE_COPY, d1, 5, cn, 1), KOZO_OK);
	CHECK_EQ("in_slot_1", cnode_slots(&kt_slot(&h, one)->cap)[1].cap.type, KOZO_OBJ_ENDPOINT);
	/* Something that is no CNode as the source root. */
	const word_t from_ut[5] = { g + 1, 64, 1, 16, KOZO_RIGHTS_ALL }, ut[1] = { h.untyped };
	CHECK_ERR("untyped_is_no_cnode", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, from_ut, 5, ut, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	kt_end(&h);
}

/* The derivation tree when a middle sibling moves, when a root with
 * children goes, and when a CNode holding the last references to other
 * CNodes goes. */
void test_cspace_cdt_links(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), s = host_slot_alloc(&h, 4);
	KT_OK(kt_copy(&h, s, ep, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, s + 1, ep, KOZO_RIGHTS_ALL));
	KT_OK(kt_copy(&h, s + 2, ep, KOZO_RIGHTS_ALL));
	/* s + 1 sits between two siblings. */
	CHECK_ERR("move_middle", kt_move(&h, s + 3, s + 1), KOZO_OK);
	CHECK_EQ("still_three_children", kt_children(kt_slot(&h, ep)), 3);
	CHECK("moved_listed", kt_is_child(kt_slot(&h, ep), kt_slot(&h, s + 3)));
	char why[160] = "";
	CHECK("tree_consistent_after_move", kt_cdt_consistent(&h, why, sizeof(why)));
	/* The endpoint's own slot is a child of the Untyped; an Untyped of
	 * Init's is a root: delete one with several children. */
	word_t ut = kt_new_untyped(&h, 14), objs = host_slot_alloc(&h, 3);
	KT_OK(host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, objs, 3));
	word_t root_ut = h.untyped;
	CHECK("untyped_is_root", kt_slot(&h, root_ut)->parent == NULL);
	CHECK_ERR("delete_root_with_children", kt_delete(&h, root_ut), KOZO_OK);
	CHECK("children_now_roots", kt_slot(&h, ep)->parent == NULL && kt_slot(&h, ut)->parent == NULL);
	CHECK("roots_have_no_siblings", kt_slot(&h, ep)->prev_sibling == NULL && kt_slot(&h, ep)->next_sibling == NULL &&
					       kt_slot(&h, ut)->prev_sibling == NULL && kt_slot(&h, ut)->next_sibling == NULL);
	CHECK("tree_consistent_after_delete", kt_cdt_consistent(&h, why, sizeof(why)));
	kt_end(&h);
}

void test_cspace_nested_cnodes_deleted(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t a = kt_new(&h, KOZO_OBJ_CNODE, 2), b = kt_new(&h, KOZO_OBJ_CNODE, 2), c = kt_new(&h, KOZO_OBJ_CNODE, 2);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	const word_t ep_b[5] = { 1, 2, ep, 64, KOZO_RIGHTS_ALL }, ep_c[5] = { 2, 2, ep, 64, KOZO_RIGHTS_ALL };
	KT_OK(kt_invoke(&h, b, KOZO_CNODE_COPY, ep_b, 5, cn, 1));
	KT_OK(kt_invoke(&h, c, KOZO_CNODE_COPY, ep_c, 5, cn, 1));
	/* A holds the only capabilities to B and C. */
	const word_t mv_b[4] = { 1, 2, b, 64 }, mv_c[4] = { 3, 2, c, 64 };
	CHECK_ERR("move_b_into_a", kt_invoke(&h, a, KOZO_CNODE_MOVE, mv_b, 4, cn, 1), KOZO_OK);
	CHECK_ERR("move_c_into_a", kt_invoke(&h, a, KOZO_CNODE_MOVE, mv_c, 4, cn, 1), KOZO_OK);
	struct endpoint *e = host_object(&h, ep);
	CHECK_EQ("three_refs", e->refs, 3);
	CHECK_ERR("delete_a", kt_delete(&h, a), KOZO_OK);
	CHECK_EQ("b_and_c_emptied", e->refs, 1);
	CHECK_EQ("no_copies_left", kt_children(kt_slot(&h, ep)), 0);
	CHECK("nothing_dying", h.k->dying == NULL);
	kt_end(&h);
}

/* The receive slot in a CNode of the receiver's CSpace; capabilities of
 * kinds whose words mean something (a VSpace's ASID, an IRQ line) keep
 * them when transferred; what a receiver without IPC buffer gets. */
void test_cspace_receive_slot(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 3);
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx)
		return kt_end(&h);
	kt_receive_slot(rx, cn, 6, 3);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg m = { .len = 0, .extra_caps = 1, .caps = { nt } };
	CHECK_ERR("send", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("in_the_cnode", cnode_slots(&kt_slot(&h, cn)->cap)[6].cap.type, KOZO_OBJ_NOTIFICATION);
	/* A receive_cnode that names no CNode: nothing transferred. */
	kt_receive_slot(rx, ep, 1, 64);
	kt_recv_blocks(&h, rx, ep);
	CHECK_ERR("send_bad_cnode", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("bad_cnode_no_cap", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	kt_receive_slot(rx, 1ull << 40, 1, 64);
	kt_recv_blocks(&h, rx, ep);
	CHECK_ERR("send_unresolvable_cnode", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("unresolvable_no_cap", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	/* An extra cap naming an empty slot ends the list. */
	word_t dest = host_slot_alloc(&h, 3), empty = host_slot_alloc(&h, 1);
	kt_receive_slot(rx, 0, dest, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg me = { .len = 0, .extra_caps = 1, .caps = { empty } };
	CHECK_ERR("send_empty_cap", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &me, NULL), KOZO_OK);
	CHECK("empty_not_transferred", slot_empty(kt_slot(&h, dest)) && kt_slot(&h, dest)->parent == NULL);
	CHECK_EQ("empty_extra_0", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	/* A VSpace capability keeps its ASID, an IRQHandler its line. */
	kt_recv_blocks(&h, rx, ep);
	struct host_msg mv = { .len = 0, .extra_caps = 1, .caps = { KOZO_CAP_INIT_VSPACE } };
	CHECK_ERR("send_vspace", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &mv, NULL), KOZO_OK);
	CHECK_EQ("vspace_asid_kept", cap_vspace_asid(&kt_slot(&h, dest)->cap),
		 cap_vspace_asid(&kt_slot(&h, KOZO_CAP_INIT_VSPACE)->cap));
	word_t handler = host_slot_alloc(&h, 1);
	const word_t cnc[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { 9, handler, 64 };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cnc, 1));
	kt_receive_slot(rx, 0, dest + 1, 64);
	kt_recv_blocks(&h, rx, ep);
	struct host_msg mi = { .len = 0, .extra_caps = 1, .caps = { handler } };
	CHECK_ERR("send_irq_handler", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &mi, NULL), KOZO_OK);
	CHECK_EQ("irq_line_kept", cap_irq_number(&kt_slot(&h, dest + 1)->cap), 9);
	CHECK_EQ("irq_refs", h.k->irq_refs[9], 2);
	/* A receiver without IPC buffer gets the message, not the cap. */
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	word_t fresh = kt_new(&h, KOZO_OBJ_TCB, 0);
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	struct tcb *bare;
	bare = host_object(&h, fresh);
	CHECK("no_buffer", bare && tcb_ipc_buffer(bare) == NULL);
	kt_recv_blocks(&h, bare, ep);
	CHECK_ERR("send_to_bare", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL), KOZO_OK);
	CHECK_EQ("bare_no_cap", kozo_msginfo_extra_caps(bare->ctx.regs[ARCH_REG_INFO]), 0);
	/* ...and a sender without one sends no capability either. */
	kt_recv_blocks(&h, rx, ep);
	CHECK_ERR("bare_sends_caps", host_syscall(&h, bare, KOZO_SYS_SEND, ep, kozo_msginfo(0, 0, 1, 0), NULL, NULL),
		  KOZO_OK);
	CHECK_EQ("from_bare_no_cap", kozo_msginfo_extra_caps(rx->ctx.regs[ARCH_REG_INFO]), 0);
	kt_end(&h);
}

/* A fault message longer than the registers, to a handler without IPC
 * buffer, is cut to the registers; an error return clears the info. */
void test_cspace_fault_to_bare_handler(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), handler_tcb = kt_new(&h, KOZO_OBJ_TCB, 0), fs;
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, handler_tcb, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	KT_OK(kt_invoke(&h, handler_tcb, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	struct tcb *handler = host_object(&h, handler_tcb), *faulter = kt_spawn(&h, 10, &fs);
	if (!faulter)
		return kt_end(&h);
	const word_t fcfg[3] = { ep, 10, 0 };
	const word_t fcaps[1] = { KOZO_CAP_INIT_CNODE };
	KT_OK(kt_invoke(&h, fs, KOZO_TCB_CONFIGURE, fcfg, 3, fcaps, 1));
	kt_recv_blocks(&h, handler, ep);
	uint64_t slow = h.k->stats.slowpath_ipc;
	KT_SYS(&h, faulter, 60, 0, 0, NULL, NULL);   /* an unknown system call: 10 registers */
	CHECK_EQ("handler_woken", handler->state, THREAD_RUNNABLE);
	CHECK_EQ("cut_to_registers", kozo_msginfo_length(handler->ctx.regs[ARCH_REG_INFO]), KOZO_FASTPATH_MRS);
	CHECK_EQ("syscall_number_first", handler->ctx.regs[ARCH_REG_MR0], 60);
	CHECK_EQ("slow_path_counted", h.k->stats.slowpath_ipc, slow + 1);
	/* An error leaves no stale message info behind. */
	word_t ro = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, ro, ep, KOZO_RIGHT_READ));
	struct host_regs r;
	CHECK_ERR("refused", host_syscall(&h, h.init, KOZO_SYS_SEND, ro, kozo_msginfo(5, 0, 0, 2), NULL, &r),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK("error_clears_info", r.info == 0 && r.badge == 0);
	kt_end(&h);
}

/* Priorities below 64 are chosen when nothing above runs. */
void test_cspace_low_priority_runs(void)
{
	struct host_kernel h;
	struct tcb *low = kt_boot_spawn(&h, 3, NULL);
	if (!low)
		return kt_end(&h);
	CHECK_ERR("init_suspends_itself", host_invoke(&h, h.init, KOZO_CAP_INIT_TCB, KOZO_TCB_SUSPEND, NULL, 0, NULL,
						      0, NULL, 0), KOZO_OK);
	CHECK("low_runs", h.k->current == low);
	CHECK("tick_keeps_low", host_timer_tick(&h) && h.k->current == low);
	kt_end(&h);
}

/* A thread without IPC buffer: its long messages and invocations are cut
 * to the four registers, and a receiver without one gets four. */
void test_cspace_bare_thread_messages(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), fresh = kt_new(&h, KOZO_OBJ_TCB, 0), dst = host_slot_alloc(&h, 1);
	const word_t cfg[3] = { 0, 10, 0 };
	const word_t caps[2] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE };
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_CONFIGURE, cfg, 3, caps, 2));
	KT_OK(kt_invoke(&h, fresh, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	struct tcb *bare = host_object(&h, fresh), *rx = kt_spawn(&h, 10, NULL);
	if (!bare || !rx)
		return kt_end(&h);
	/* Copy needs 5 registers; a bare thread has 4. */
	const word_t mr[4] = { dst, 64, ep, 64 };
	CHECK_ERR("bare_copy_truncated", host_syscall(&h, bare, KOZO_SYS_CALL, KOZO_CAP_INIT_CNODE,
						      kozo_msginfo(KOZO_CNODE_COPY, 0, 0, 5), mr, NULL),
		  KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK("nothing_copied", slot_empty(kt_slot(&h, dst)));
	/* A bare sender's 6-register message arrives as 4. */
	kt_recv_blocks(&h, rx, ep);
	const word_t m6[4] = { 1, 2, 3, 4 };
	CHECK_ERR("bare_sends_6", host_syscall(&h, bare, KOZO_SYS_SEND, ep, kozo_msginfo(0, 0, 0, 6), m6, NULL), KOZO_OK);
	CHECK_EQ("received_4", kozo_msginfo_length(rx->ctx.regs[ARCH_REG_INFO]), KOZO_FASTPATH_MRS);
	CHECK_EQ("mr3", rx->ctx.regs[ARCH_REG_MR3], 4);
	/* A bare receiver of a 6-register message gets 4. */
	kt_recv_blocks(&h, bare, ep);
	struct host_msg long_msg = { .len = 6, .mr = { 5, 6, 7, 8, 9, 10 } };
	CHECK_ERR("send_6_to_bare", host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &long_msg, NULL), KOZO_OK);
	CHECK_EQ("bare_got_4", kozo_msginfo_length(bare->ctx.regs[ARCH_REG_INFO]), KOZO_FASTPATH_MRS);
	CHECK_EQ("bare_mr0", bare->ctx.regs[ARCH_REG_MR0], 5);
	kt_end(&h);
}

/* System call numbers past the last are unknown system calls (faults);
 * the faulting thread gives up the CPU.  An interrupt that wakes a thread
 * of higher priority than the running one lets it run. */
void test_cspace_syscall_numbers_and_irq_preemption(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), fs;
	struct tcb *handler = kt_spawn(&h, 100, NULL), *f = kt_spawn(&h, 100, &fs);
	if (!handler || !f)
		return kt_end(&h);
	const word_t cfg[3] = { ep, 100, 0 };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	KT_OK(kt_invoke(&h, fs, KOZO_TCB_CONFIGURE, cfg, 3, cn, 1));
	kt_recv_blocks(&h, handler, ep);
	KT_SYS(&h, f, KOZO_SYS_END, 0, 0, NULL, NULL);
	CHECK_EQ("past_end_is_a_fault", f->state, THREAD_BLOCKED_REPLY);
	CHECK_EQ("handler_got_number", handler->ctx.regs[ARCH_REG_MR0], KOZO_SYS_END);
	CHECK("faulter_not_current", h.k->current != f);
	/* Interrupt preemption: Init stops, a low thread runs, an interrupt
	 * wakes a waiter of higher priority. */
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), hd = host_slot_alloc(&h, 1);
	const word_t get[3] = { 7, hd, 64 }, ntc[1] = { nt };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1));
	KT_OK(kt_invoke(&h, hd, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1));
	struct tcb *waiter = kt_spawn(&h, 50, NULL), *low = kt_spawn(&h, 3, NULL);
	if (!waiter || !low)
		return kt_end(&h);
	kt_recv_blocks(&h, waiter, nt);
	KT_SYS(&h, handler, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	KT_OK(host_invoke(&h, h.init, KOZO_CAP_INIT_TCB, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0, NULL, 0));
	CHECK("low_runs", h.k->current == low);
	CHECK("irq", host_irq(&h, 7));
	CHECK("waiter_preempts", h.k->current == waiter);
	kt_end(&h);
}
