/* Error paths of the CNode, TCB, IRQ, IOPort, Frame and Debug invocations,
 * and of the invoked capability itself. */
#include <string.h>
#include "invariants.h"
#include "kt.h"
#include "tests.h"

void test_cnode_errors(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t free_slot = host_slot_alloc(&h, 1), empty = host_slot_alloc(&h, 1);
	const word_t cn = KOZO_CAP_INIT_CNODE, c0[1] = { cn };
	struct { const char *name; word_t label; word_t mr[6]; unsigned len; unsigned ncaps; word_t want; } cases[] = {
		{ "copy_truncated", KOZO_CNODE_COPY, { free_slot, 64, ep, 64 }, 4, 1, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "mint_truncated", KOZO_CNODE_MINT, { free_slot, 64, ep, 64, 15 }, 5, 1, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "move_truncated", KOZO_CNODE_MOVE, { free_slot, 64, ep }, 3, 1, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "delete_truncated", KOZO_CNODE_DELETE, { ep }, 1, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "revoke_truncated", KOZO_CNODE_REVOKE, { 0 }, 0, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "copy_no_source_cnode", KOZO_CNODE_COPY, { free_slot, 64, ep, 64, 15 }, 5, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "copy_dest_occupied", KOZO_CNODE_COPY, { ep, 64, ep, 64, 15 }, 5, 1, KOZO_ERR_DELETE_FIRST },
		{ "copy_dest_depth_0", KOZO_CNODE_COPY, { free_slot, 0, ep, 64, 15 }, 5, 1, KOZO_ERR_RANGE },
		{ "copy_dest_depth_65", KOZO_CNODE_COPY, { free_slot, 65, ep, 64, 15 }, 5, 1, KOZO_ERR_RANGE },
		{ "copy_dest_depth_short", KOZO_CNODE_COPY, { free_slot, 63, ep, 64, 15 }, 5, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "copy_dest_slot_0", KOZO_CNODE_COPY, { 0, 64, ep, 64, 15 }, 5, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "copy_dest_out_of_range", KOZO_CNODE_COPY, { 4096, 64, ep, 64, 15 }, 5, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "copy_src_empty", KOZO_CNODE_COPY, { free_slot, 64, empty, 64, 15 }, 5, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "copy_src_depth_0", KOZO_CNODE_COPY, { free_slot, 64, ep, 0, 15 }, 5, 1, KOZO_ERR_RANGE },
		{ "copy_src_out_of_range", KOZO_CNODE_COPY, { free_slot, 64, 1ull << 40, 64, 15 }, 5, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "copy_untyped", KOZO_CNODE_COPY, { free_slot, 64, h.untyped, 64, 15 }, 5, 1, KOZO_ERR_ILLEGAL_OPERATION },
		{ "mint_untyped", KOZO_CNODE_MINT, { free_slot, 64, h.untyped, 64, 15, 1 }, 6, 1, KOZO_ERR_ILLEGAL_OPERATION },
		{ "delete_slot_0", KOZO_CNODE_DELETE, { 0, 64 }, 2, 0, KOZO_ERR_FAILED_LOOKUP },
		{ "delete_depth_0", KOZO_CNODE_DELETE, { ep, 0 }, 2, 0, KOZO_ERR_RANGE },
		{ "delete_depth_huge", KOZO_CNODE_DELETE, { ep, ~0ull }, 2, 0, KOZO_ERR_RANGE },
		{ "revoke_out_of_range", KOZO_CNODE_REVOKE, { 1ull << 12, 64 }, 2, 0, KOZO_ERR_FAILED_LOOKUP },
		{ "bad_label", KOZO_TCB_RESUME, { 0 }, 0, 0, KOZO_ERR_ILLEGAL_OPERATION },
		{ "label_huge", 1ull << 40, { 0 }, 0, 0, KOZO_ERR_ILLEGAL_OPERATION },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_ERR(cases[i].name, kt_invoke(&h, cn, cases[i].label, cases[i].mr, cases[i].len, c0,
					      cases[i].ncaps), cases[i].want);
	CHECK("nothing_written", slot_empty(kt_slot(&h, free_slot)) && slot_empty(kt_slot(&h, empty)));
	CHECK_EQ("ep_untouched", kt_children(kt_slot(&h, ep)), 0);
	/* Source CNode given as a cap that is not a CNode. */
	const word_t mr[5] = { free_slot, 64, ep, 64, 15 }, not_cnode[1] = { ep };
	CHECK_ERR("source_root_not_cnode", kt_invoke(&h, cn, KOZO_CNODE_COPY, mr, 5, not_cnode, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	kt_end(&h);
}

/* The invoked capability and the extra capabilities of a message. */
void test_invoke_errors(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t empty = host_slot_alloc(&h, 1);
	const word_t mr[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, empty, 1 };
	CHECK_ERR("invoke_empty_slot", kt_invoke(&h, empty, KOZO_CNODE_COPY, NULL, 0, NULL, 0),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("invoke_slot_0", kt_invoke(&h, 0, KOZO_CNODE_COPY, NULL, 0, NULL, 0), KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("invoke_guard_mismatch", kt_invoke(&h, 1ull << 63, KOZO_CNODE_COPY, NULL, 0, NULL, 0),
		  KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("invoke_vspace", kt_invoke(&h, KOZO_CAP_INIT_VSPACE, KOZO_FRAME_MAP, NULL, 0, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	const word_t bad_extra[1] = { 1ull << 20 }, empty_extra[1] = { empty };
	CHECK_ERR("extra_cap_unresolvable", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, mr, 6, bad_extra, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("extra_cap_empty", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, mr, 6, empty_extra, 1),
		  KOZO_ERR_FAILED_LOOKUP);
	CHECK("nothing_made", slot_empty(kt_slot(&h, empty)));
	struct host_regs r;
	const word_t info = kozo_msginfo(KOZO_UNTYPED_RETYPE, 0, 0, 0);
	CHECK_ERR("send_reports_error", host_syscall(&h, h.init, KOZO_SYS_SEND, h.untyped, info, NULL, &r),
		  KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("call_reply_label_is_error",
		  (host_syscall(&h, h.init, KOZO_SYS_CALL, h.untyped, info, NULL, &r),
		   kozo_msginfo_label(r.info)), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("recv_on_untyped", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, h.untyped, 0, NULL, NULL),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("recv_on_empty", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, empty, 0, NULL, NULL),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("recv_unresolvable", host_syscall(&h, h.init, KOZO_SYS_RECV, 1ull << 30, 0, NULL, NULL),
		  KOZO_ERR_FAILED_LOOKUP);
	/* Reply with nobody to answer: accepted, and it reaches no thread (not
	 * even one that waits in a Call Init has not received). */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	struct tcb *caller = kt_spawn(&h, 10, NULL);
	KT_SYS(&h, caller, KOZO_SYS_CALL, ep, kozo_msginfo(0, 0, 0, 0), NULL, NULL);
	const word_t ans[4] = { 5 };
	CHECK_ERR("reply_without_caller", host_syscall(&h, h.init, KOZO_SYS_REPLY, 0, kozo_msginfo(0, 0, 0, 1), ans,
						       NULL), KOZO_OK);
	CHECK("caller_untouched", caller && caller->state == THREAD_BLOCKED_SEND && caller->ctx.regs[ARCH_REG_MR0] == 0);
	/* Yield: alone at its priority Init runs on; with a peer, the peer. */
	CHECK_ERR("yield_alone", host_syscall(&h, h.init, KOZO_SYS_YIELD, 0, 0, NULL, NULL), KOZO_OK);
	CHECK("alone_runs_on", h.k->current == h.init);
	struct tcb *peer = kt_spawn(&h, h.init->priority, NULL);
	CHECK_ERR("yield", host_syscall(&h, h.init, KOZO_SYS_YIELD, 0, 0, NULL, NULL), KOZO_OK);
	CHECK("peer_runs", peer && h.k->current == peer);
	CHECK("init_at_tail", h.k->sched.tail[h.init->priority] == h.init);
	host_console_clear(h.m);
	const word_t z[4] = { 'Z' };
	CHECK_ERR("debug_putchar", host_syscall(&h, h.init, KOZO_SYS_DEBUG_PUTCHAR, KOZO_CAP_DEBUG, 0, z, NULL),
		  KOZO_OK);
	CHECK("putchar_reached_console", strcmp(h.m->console, "Z") == 0);
	kt_end(&h);
}

void test_tcb_errors(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t frame = kt_new(&h, KOZO_OBJ_FRAME, 0);
	word_t fresh = kt_new(&h, KOZO_OBJ_TCB, 0);
	word_t nt_ro = host_slot_alloc(&h, 1), ep_ro = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, nt_ro, nt, KOZO_RIGHT_WRITE));
	KT_OK(kt_copy(&h, ep_ro, ep, KOZO_RIGHT_READ));
	const word_t cn = KOZO_CAP_INIT_CNODE, vs = KOZO_CAP_INIT_VSPACE;
	struct { const char *name; word_t label; word_t mr[4]; unsigned len; word_t caps[3];
		 unsigned ncaps; word_t want; } cases[] = {
		{ "configure_truncated", KOZO_TCB_CONFIGURE, { 0, 0 }, 2, { cn }, 1, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "configure_no_cspace", KOZO_TCB_CONFIGURE, { 0, 0, 0 }, 3, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "configure_fault_ep_unresolvable", KOZO_TCB_CONFIGURE, { 1ull << 30, 0, 0 }, 3, { cn }, 1, KOZO_ERR_FAILED_LOOKUP },
		{ "configure_fault_ep_not_endpoint", KOZO_TCB_CONFIGURE, { nt, 0, 0 }, 3, { cn }, 1, KOZO_ERR_INVALID_CAPABILITY },
		{ "configure_priority_too_high", KOZO_TCB_CONFIGURE, { 0, 256, 0 }, 3, { cn }, 1, KOZO_ERR_RANGE },
		{ "configure_cspace_not_cnode", KOZO_TCB_CONFIGURE, { 0, 0, 0 }, 3, { ep }, 1, KOZO_ERR_INVALID_CAPABILITY },
		{ "configure_vspace_not_vspace", KOZO_TCB_CONFIGURE, { 0, 0, 0 }, 3, { cn, cn }, 2, KOZO_ERR_INVALID_CAPABILITY },
		{ "configure_buffer_not_frame", KOZO_TCB_CONFIGURE, { 0, 0, 0 }, 3, { cn, vs, ep }, 3, KOZO_ERR_INVALID_CAPABILITY },
		{ "configure_buffer_not_frame_read_only", KOZO_TCB_CONFIGURE, { 0, 0, 0 }, 3, { cn, vs, ep_ro }, 3,
		  KOZO_ERR_INVALID_CAPABILITY },
		{ "configure_buffer_misaligned", KOZO_TCB_CONFIGURE, { 0, 0, 0x1100 }, 3, { cn, vs, frame }, 3, KOZO_ERR_ALIGNMENT },
		{ "write_registers_truncated", KOZO_TCB_WRITE_REGISTERS, { 0 }, 1, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "write_registers_count_past_message", KOZO_TCB_WRITE_REGISTERS, { 0, 3, 1 }, 3, { 0 }, 0, KOZO_ERR_RANGE },
		{ "write_registers_count_huge", KOZO_TCB_WRITE_REGISTERS, { 0, ~0ull }, 2, { 0 }, 0, KOZO_ERR_RANGE },
		{ "write_registers_resume_unconfigured", KOZO_TCB_WRITE_REGISTERS, { 1, 0 }, 2, { 0 }, 0, KOZO_ERR_ILLEGAL_OPERATION },
		{ "read_registers_truncated", KOZO_TCB_READ_REGISTERS, { 0 }, 0, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "read_registers_too_many", KOZO_TCB_READ_REGISTERS, { ARCH_REG_COUNT + 1 }, 1, { 0 }, 0, KOZO_ERR_RANGE },
		{ "resume_unconfigured", KOZO_TCB_RESUME, { 0 }, 0, { 0 }, 0, KOZO_ERR_ILLEGAL_OPERATION },
		{ "set_priority_truncated", KOZO_TCB_SET_PRIORITY, { 0 }, 0, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "set_priority_too_high", KOZO_TCB_SET_PRIORITY, { 256 }, 1, { 0 }, 0, KOZO_ERR_RANGE },
		{ "bind_no_cap", KOZO_TCB_BIND_NOTIFICATION, { 0 }, 0, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "bind_not_notification", KOZO_TCB_BIND_NOTIFICATION, { 0 }, 0, { ep }, 1, KOZO_ERR_INVALID_CAPABILITY },
		{ "bind_without_read", KOZO_TCB_BIND_NOTIFICATION, { 0 }, 0, { nt_ro }, 1, KOZO_ERR_INSUFFICIENT_RIGHTS },
		{ "unbind_unbound", KOZO_TCB_UNBIND_NOTIFICATION, { 0 }, 0, { 0 }, 0, KOZO_ERR_ILLEGAL_OPERATION },
		{ "personality_truncated", KOZO_TCB_SET_PERSONALITY, { 0 }, 0, { 0 }, 0, KOZO_ERR_TRUNCATED_MESSAGE },
		{ "personality_unknown", KOZO_TCB_SET_PERSONALITY, { 2 }, 1, { 0 }, 0, KOZO_ERR_INVALID_ARGUMENT },
		{ "bad_label", KOZO_CNODE_COPY, { 0 }, 0, { 0 }, 0, KOZO_ERR_ILLEGAL_OPERATION },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_ERR(cases[i].name, kt_invoke(&h, fresh, cases[i].label, cases[i].mr, cases[i].len,
					      cases[i].caps, cases[i].ncaps), cases[i].want);
	struct tcb *t = host_object(&h, fresh);
	CHECK("fresh_still_unconfigured", tcb_cspace(t)->type == KOZO_OBJ_NULL && t->state == THREAD_INACTIVE);
	const word_t self[2] = { 0, 0 };
	CHECK_ERR("write_own_registers", kt_invoke(&h, KOZO_CAP_INIT_TCB, KOZO_TCB_WRITE_REGISTERS, self, 2, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	/* Bind twice, then to a second thread. */
	const word_t bind[1] = { nt };
	CHECK_ERR("bind", kt_invoke(&h, fresh, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1), KOZO_OK);
	CHECK_ERR("bind_twice", kt_invoke(&h, fresh, KOZO_TCB_BIND_NOTIFICATION, NULL, 0, bind, 1),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("bind_bound_notification", kt_invoke(&h, KOZO_CAP_INIT_TCB, KOZO_TCB_BIND_NOTIFICATION, NULL, 0,
						  bind, 1), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("unbind", kt_invoke(&h, fresh, KOZO_TCB_UNBIND_NOTIFICATION, NULL, 0, NULL, 0), KOZO_OK);
	CHECK("unbound", t->bound_ntfn == NULL && ((struct notification *)host_object(&h, nt))->bound == NULL);
	/* A thread may not raise a priority above its own. */
	struct tcb *low;
	word_t low_slot;
	KT_OK(host_spawn(&h, 10, &low_slot, &low));
	const word_t prio11[1] = { 11 }, prio10[1] = { 10 };
	CHECK_ERR("low_raises_itself", host_invoke(&h, low, low_slot, KOZO_TCB_SET_PRIORITY, prio11, 1,
						   NULL, 0, NULL, 0), KOZO_ERR_RANGE);
	CHECK_EQ("priority_unchanged", low->priority, 10);
	const word_t prio9[1] = { 9 };
	CHECK_ERR("low_lowers_itself", host_invoke(&h, low, low_slot, KOZO_TCB_SET_PRIORITY, prio9, 1,
						   NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("priority", low->priority, 9);
	CHECK("requeued_at_9", h.k->sched.head[9] == low && h.k->sched.head[10] != low);
	CHECK_ERR("low_keeps_its_own", host_invoke(&h, low, low_slot, KOZO_TCB_SET_PRIORITY, prio9, 1,
						   NULL, 0, NULL, 0), KOZO_OK);
	CHECK_ERR("low_cannot_go_back", host_invoke(&h, low, low_slot, KOZO_TCB_SET_PRIORITY, prio10, 1,
						    NULL, 0, NULL, 0), KOZO_ERR_RANGE);
	kt_end(&h);
}

void test_tcb_registers(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	struct tcb *t;
	word_t ts;
	KT_OK(host_spawn(&h, 50, &ts, &t));
	CHECK_ERR("suspend", kt_invoke(&h, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("suspended", t->state, THREAD_INACTIVE);
	CHECK("not_queued", !sched_is_queued(&h.k->sched, t));
	word_t mr[2 + KOZO_X86_REG_COUNT] = { 1, KOZO_X86_REG_COUNT };
	for (unsigned i = 0; i < KOZO_X86_REG_COUNT; i++)
		mr[2 + i] = 0x1000 + i;
	mr[2 + KOZO_X86_RFLAGS] = ~0ull;
	uint64_t sanitized = h.m->contexts_sanitized;
	CHECK_ERR("write_and_resume", kt_invoke(&h, ts, KOZO_TCB_WRITE_REGISTERS, mr, 2 + KOZO_X86_REG_COUNT,
					   NULL, 0), KOZO_OK);
	CHECK_EQ("resumed", t->state, THREAD_RUNNABLE);
	CHECK_EQ("sanitized", h.m->contexts_sanitized, sanitized + 1);
	CHECK_EQ("ip_written", t->ctx.regs[KOZO_X86_RIP], 0x1000);
	CHECK_EQ("r15_written", t->ctx.regs[KOZO_X86_R15], 0x1000 + KOZO_X86_R15);
	CHECK_EQ("flags_sanitized", t->ctx.regs[KOZO_X86_RFLAGS], 0xcd7 | 0x200);
	word_t out[KOZO_X86_REG_COUNT] = { 0 };
	const word_t count[1] = { KOZO_X86_REG_COUNT };
	CHECK_ERR("read", host_invoke(&h, h.init, ts, KOZO_TCB_READ_REGISTERS, count, 1, NULL, 0, out,
				      KOZO_X86_REG_COUNT), KOZO_OK);
	bool same = true;
	for (unsigned i = 0; i < KOZO_X86_REG_COUNT; i++)
		same &= out[i] == t->ctx.regs[i];
	CHECK("read_matches", same);
	CHECK_EQ("read_reply_length", kozo_msginfo_length(h.init->ctx.regs[ARCH_REG_INFO]), KOZO_X86_REG_COUNT);
	const word_t linux[1] = { KOZO_PERSONALITY_LINUX };
	CHECK_ERR("personality", kt_invoke(&h, ts, KOZO_TCB_SET_PERSONALITY, linux, 1, NULL, 0), KOZO_OK);
	CHECK_EQ("personality_set", t->personality, KOZO_PERSONALITY_LINUX);
	kt_end(&h);
}

void test_irq_errors(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t s = host_slot_alloc(&h, 2), ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	const word_t irq5[3] = { 5, s, 64 }, irq24[3] = { HOST_IRQ_LINES, s, 64 }, irq65[3] = { IRQ_LINES, s, 64 };
	const word_t huge[3] = { ~0ull, s, 64 }, occupied[3] = { 5, ep, 64 }, depth0[3] = { 5, s, 0 };
	const word_t ctl = KOZO_CAP_IRQ_CONTROL;
	CHECK_ERR("get_truncated", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, irq5, 2, cn, 1), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("get_no_cnode", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, irq5, 3, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("get_invalid_line", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, irq24, 3, cn, 1), KOZO_ERR_RANGE);
	CHECK_ERR("get_past_timer_line", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, irq65, 3, cn, 1), KOZO_ERR_RANGE);
	CHECK_ERR("get_huge", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, huge, 3, cn, 1), KOZO_ERR_RANGE);
	CHECK_ERR("get_occupied", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, occupied, 3, cn, 1), KOZO_ERR_DELETE_FIRST);
	CHECK_ERR("get_depth_0", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, depth0, 3, cn, 1), KOZO_ERR_RANGE);
	CHECK_ERR("control_bad_label", kt_invoke(&h, ctl, KOZO_IRQ_HANDLER_ACK, irq5, 3, cn, 1), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("get", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, irq5, 3, cn, 1), KOZO_OK);
	CHECK_EQ("handler_type", kt_slot(&h, s)->cap.type, KOZO_OBJ_IRQ_HANDLER);
	CHECK("handler_child_of_control", kt_is_child(kt_slot(&h, ctl), kt_slot(&h, s)));
	const word_t again[3] = { 5, s + 1, 64 };
	CHECK_ERR("get_twice", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, again, 3, cn, 1), KOZO_ERR_REVOKE_FIRST);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), nt_ro = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, nt_ro, nt, KOZO_RIGHT_READ));
	const word_t epc[1] = { ep }, ro[1] = { nt_ro };
	CHECK_ERR("set_no_cap", kt_invoke(&h, s, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, NULL, 0),
		  KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("set_not_notification", kt_invoke(&h, s, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, epc, 1),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("set_without_write", kt_invoke(&h, s, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ro, 1),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("handler_bad_label", kt_invoke(&h, s, KOZO_IRQ_CONTROL_GET, NULL, 0, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	const word_t soon[1] = { 1 };
	CHECK_ERR("deadline_on_a_device_line", kt_invoke(&h, s, KOZO_IRQ_HANDLER_SET_DEADLINE, soon, 1, NULL, 0),
		  KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("no_deadline_armed", h.k->timer_deadline, 0);
	CHECK("line_still_masked", h.m->irq_masked[5]);
	CHECK_ERR("delete_handler", kt_delete(&h, s), KOZO_OK);
	CHECK_EQ("refs_dropped", h.k->irq_refs[5], 0);
	CHECK_ERR("get_after_delete", kt_invoke(&h, ctl, KOZO_IRQ_CONTROL_GET, again, 3, cn, 1), KOZO_OK);
	kt_end(&h);
}

void test_irq_delivery(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t handler = host_slot_alloc(&h, 1);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), badged = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, badged, nt, KOZO_RIGHTS_ALL, 0x8));
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { 3, handler, 64 }, ntc[1] = { badged };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1));
	CHECK_ERR("set_notification", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1), KOZO_OK);
	CHECK("unmasked_by_set", !h.m->irq_masked[3]);
	struct tcb *waiter;
	KT_OK(host_spawn(&h, 100, NULL, &waiter));
	KT_SYS(&h, waiter, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK_EQ("waiting", waiter->state, THREAD_BLOCKED_NTFN);
	CHECK("irq", host_irq(&h, 3));
	CHECK("masked_after_irq", h.m->irq_masked[3]);
	CHECK_EQ("woken", waiter->state, THREAD_RUNNABLE);
	CHECK_EQ("badge_delivered", waiter->ctx.regs[ARCH_REG_CAP], 0x8);
	CHECK_EQ("irq_counted", h.k->stats.irqs, 1);
	CHECK_ERR("ack", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_ACK, NULL, 0, NULL, 0), KOZO_OK);
	CHECK("unmasked_by_ack", !h.m->irq_masked[3]);
	/* Lines without a handler (7) or beyond any (1000): counted, nothing
	 * signalled, nobody woken. */
	KT_SYS(&h, waiter, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK("spurious_irqs_taken", host_irq(&h, 7) && host_irq(&h, 1000));
	CHECK_EQ("spurious_counted", h.k->stats.irqs, 3);
	CHECK_EQ("spurious_wake_nobody", waiter->state, THREAD_BLOCKED_NTFN);
	CHECK_EQ("spurious_signal_nothing", ((struct notification *)host_object(&h, nt))->active, 0);
	CHECK_ERR("clear", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_CLEAR, NULL, 0, NULL, 0), KOZO_OK);
	CHECK("masked_by_clear", h.m->irq_masked[3]);
	CHECK("notification_cap_dropped", slot_empty(&h.k->irq_ntfn[3]));
	CHECK("irq_after_clear", host_irq(&h, 3));
	CHECK_EQ("nothing_signalled", ((struct notification *)host_object(&h, nt))->word, 0);
	kt_end(&h);
}

/* The kernel's timer line: one handler, a deadline checked at each tick
 * (the host's cycle counter is its count of preemption checks), one
 * signal per deadline, nothing left armed once the handler is gone. */
void test_irq_timer_deadline(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t handler = host_slot_alloc(&h, 2);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), badged = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, badged, nt, KOZO_RIGHTS_ALL, 0x4));
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { KOZO_IRQ_TIMER, handler, 64 };
	const word_t again[3] = { KOZO_IRQ_TIMER, handler + 1, 64 }, ntc[1] = { badged };
	CHECK_ERR("get_timer_line", kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1), KOZO_OK);
	CHECK_ERR("get_timer_line_twice", kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, again, 3, cn, 1),
		  KOZO_ERR_REVOKE_FIRST);
	CHECK_ERR("deadline_truncated", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, NULL, 0, NULL, 0),
		  KOZO_ERR_TRUNCATED_MESSAGE);
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1));
	struct notification *n = host_object(&h, nt);
	struct tcb *waiter;
	KT_OK(host_spawn(&h, 100, NULL, &waiter));
	KT_SYS(&h, waiter, KOZO_SYS_RECV, nt, 0, NULL, NULL);
	CHECK_EQ("waiting", waiter->state, THREAD_BLOCKED_NTFN);
	/* Not yet: a tick before the deadline signals nothing. */
	h.m->preempt_checks = 1000;
	const word_t at[1] = { 1500 };
	CHECK_ERR("set_deadline", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, at, 1, NULL, 0), KOZO_OK);
	CHECK_EQ("deadline_armed", h.k->timer_deadline, 1500);
	uint64_t irqs = h.k->stats.irqs;
	CHECK("tick_early", host_timer_tick(&h));
	CHECK_EQ("early_wakes_nobody", waiter->state, THREAD_BLOCKED_NTFN);
	CHECK_EQ("early_still_armed", h.k->timer_deadline, 1500);
	/* At the deadline: the waiter has the line's badge, once. */
	h.m->preempt_checks = 1500;
	CHECK("tick_due", host_timer_tick(&h));
	CHECK_EQ("woken", waiter->state, THREAD_RUNNABLE);
	CHECK_EQ("badge_delivered", waiter->ctx.regs[ARCH_REG_CAP], 0x4);
	CHECK_EQ("counted_as_irq", h.k->stats.irqs, irqs + 1);
	CHECK_EQ("disarmed_after_firing", h.k->timer_deadline, 0);
	h.m->preempt_checks = 5000;
	CHECK("tick_later", host_timer_tick(&h));
	CHECK_EQ("fires_once", n->word, 0);
	/* A later call replaces the deadline; 0 disarms it. */
	const word_t far[1] = { 9000 }, none[1] = { 0 };
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, at, 1, NULL, 0));
	CHECK_ERR("replace_deadline", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, far, 1, NULL, 0), KOZO_OK);
	CHECK("tick_before_replaced", host_timer_tick(&h));
	CHECK_EQ("replaced_not_fired", n->word, 0);
	CHECK_ERR("disarm", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, none, 1, NULL, 0), KOZO_OK);
	h.m->preempt_checks = 10000;
	CHECK("tick_after_disarm", host_timer_tick(&h));
	CHECK_EQ("disarmed_not_fired", n->word, 0);
	/* The interrupt path never reaches the timer line. */
	CHECK("hardware_irq_64", host_irq(&h, KOZO_IRQ_TIMER));
	CHECK_EQ("hardware_irq_64_signals_nothing", n->word, 0);
	/* Clear disarms; deleting the last handler does too. */
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, far, 1, NULL, 0));
	CHECK_ERR("clear", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_CLEAR, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("clear_disarms", h.k->timer_deadline, 0);
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, far, 1, NULL, 0));
	CHECK_ERR("delete_handler", kt_delete(&h, handler), KOZO_OK);
	CHECK_EQ("delete_disarms", h.k->timer_deadline, 0);
	CHECK_EQ("refs_dropped", h.k->irq_refs[KOZO_IRQ_TIMER], 0);
	kt_end(&h);
}

void test_ioport(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t io = KOZO_CAP_IOPORT;
	h.m->ioports[0x60] = 0x12;
	h.m->ioports[0x61] = 0x34;
	h.m->ioports[0x62] = 0x56;
	h.m->ioports[0x63] = 0x78;
	word_t v = 0;
	const word_t p60[1] = { 0x60 };
	CHECK_ERR("in8", host_invoke(&h, h.init, io, KOZO_IOPORT_IN8, p60, 1, NULL, 0, &v, 1), KOZO_OK);
	CHECK_EQ("in8_value", v, 0x12);
	CHECK_ERR("in16", host_invoke(&h, h.init, io, KOZO_IOPORT_IN16, p60, 1, NULL, 0, &v, 1), KOZO_OK);
	CHECK_EQ("in16_value", v, 0x3412);
	CHECK_ERR("in32", host_invoke(&h, h.init, io, KOZO_IOPORT_IN32, p60, 1, NULL, 0, &v, 1), KOZO_OK);
	CHECK_EQ("in32_value", v, 0x78563412);
	word_t range[2] = { ~0ull, ~0ull };
	CHECK_ERR("range", host_invoke(&h, h.init, io, KOZO_IOPORT_RANGE, NULL, 0, NULL, 0, range, 2), KOZO_OK);
	CHECK("range_every_port", range[0] == 0 && range[1] == 0xffff);
	const word_t out[2] = { 0x3f8, 0xabcd };
	CHECK_ERR("out16", kt_invoke(&h, io, KOZO_IOPORT_OUT16, out, 2, NULL, 0), KOZO_OK);
	CHECK("out16_value", h.m->ioports[0x3f8] == 0xcd && h.m->ioports[0x3f9] == 0xab);
	CHECK_ERR("out_truncated", kt_invoke(&h, io, KOZO_IOPORT_OUT8, out, 1, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("in_truncated", kt_invoke(&h, io, KOZO_IOPORT_IN8, NULL, 0, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	const word_t top[1] = { 0xffff }, past[1] = { 0x10000 };
	CHECK_ERR("in8_last_port", kt_invoke(&h, io, KOZO_IOPORT_IN8, top, 1, NULL, 0), KOZO_OK);
	CHECK_ERR("in16_past_end", kt_invoke(&h, io, KOZO_IOPORT_IN16, top, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("port_too_big", kt_invoke(&h, io, KOZO_IOPORT_IN8, past, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("bad_label", kt_invoke(&h, io, KOZO_FRAME_MAP, p60, 1, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	/* The panic channel (COM2, 0x2f8..0x2ff) is the kernel's whatever the
	 * range: the host runs the real checks (kernel/core/ioport.c). */
	const word_t com2[2] = { 0x2f8, 'X' }, com2_last[1] = { 0x2ff }, below[2] = { 0x2f6, 0 };
	uint64_t writes = h.m->ioport_writes;
	CHECK_ERR("com2_out_refused", kt_invoke(&h, io, KOZO_IOPORT_OUT8, com2, 2, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("com2_in_refused", kt_invoke(&h, io, KOZO_IOPORT_IN8, com2_last, 1, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("com2_overlap_refused", kt_invoke(&h, io, KOZO_IOPORT_OUT32, below, 2, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("com2_untouched", h.m->ioport_writes, writes);
	/* So is fw_cfg (0x510..0x51b), which holds the device secret. */
	const word_t fw_sel[2] = { 0x510, 0 }, fw_data[1] = { 0x511 }, fw_below[2] = { 0x50e, 0 };
	CHECK_ERR("fwcfg_select_refused", kt_invoke(&h, io, KOZO_IOPORT_OUT16, fw_sel, 2, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("fwcfg_data_refused", kt_invoke(&h, io, KOZO_IOPORT_IN8, fw_data, 1, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("fwcfg_overlap_refused", kt_invoke(&h, io, KOZO_IOPORT_OUT32, fw_below, 2, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_EQ("fwcfg_untouched", h.m->ioport_writes, writes);
	word_t copy = host_slot_alloc(&h, 1);
	CHECK_ERR("copy_ioport", kt_copy(&h, copy, io, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK_ERR("copy_works", kt_invoke(&h, copy, KOZO_IOPORT_IN8, p60, 1, NULL, 0), KOZO_OK);
	kt_end(&h);
}

/* Narrowing an IOPort capability: Mint with KOZO_IOPORT_RANGE(first,
 * last), accepted only inside the source's range (kernel/core/ioport.c). */
static word_t io_range(struct host_kernel *h, word_t cap, word_t *first, word_t *last)
{
	word_t out[2] = { ~0ul, ~0ul };
	word_t err = host_invoke(h, h->init, cap, KOZO_IOPORT_RANGE, NULL, 0, NULL, 0, out, 2);
	*first = out[0];
	*last = out[1];
	return err;
}

void test_ioport_narrow(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t io = KOZO_CAP_IOPORT;
	word_t s = host_slot_alloc(&h, 12), first, last;
	CHECK_ERR("range_of_boot_cap", io_range(&h, io, &first, &last), KOZO_OK);
	CHECK("boot_cap_every_port", first == 0 && last == 0xffff);
	/* COM1's eight ports, as Init gives the console. */
	word_t com1 = s;
	CHECK_ERR("mint_com1", kt_mint(&h, com1, io, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3f8, 0x3ff)), KOZO_OK);
	CHECK_ERR("range_of_com1", io_range(&h, com1, &first, &last), KOZO_OK);
	CHECK("com1_range", first == 0x3f8 && last == 0x3ff);
	CHECK("com1_child_of_boot_cap", h.cnode[com1].parent == &h.cnode[io]);
	/* Inside: every width at both ends. */
	uint64_t writes = h.m->ioport_writes;
	const word_t o8_first[2] = { 0x3f8, 0x11 }, o8_last[2] = { 0x3ff, 0x22 };
	const word_t o16_end[2] = { 0x3fe, 0x3344 }, o32_end[2] = { 0x3fc, 0x55667788 };
	CHECK_ERR("out8_first", kt_invoke(&h, com1, KOZO_IOPORT_OUT8, o8_first, 2, NULL, 0), KOZO_OK);
	CHECK_ERR("out8_last", kt_invoke(&h, com1, KOZO_IOPORT_OUT8, o8_last, 2, NULL, 0), KOZO_OK);
	CHECK_ERR("out16_end", kt_invoke(&h, com1, KOZO_IOPORT_OUT16, o16_end, 2, NULL, 0), KOZO_OK);
	CHECK_ERR("out32_end", kt_invoke(&h, com1, KOZO_IOPORT_OUT32, o32_end, 2, NULL, 0), KOZO_OK);
	CHECK_EQ("inside_written", h.m->ioport_writes, writes + 4);
	CHECK("out32_value", h.m->ioports[0x3fc] == 0x88 && h.m->ioports[0x3ff] == 0x55);
	word_t v = 0;
	const word_t p3f8[1] = { 0x3f8 }, p3fc[1] = { 0x3fc };
	CHECK_ERR("in8_inside", host_invoke(&h, h.init, com1, KOZO_IOPORT_IN8, p3f8, 1, NULL, 0, &v, 1), KOZO_OK);
	CHECK_EQ("in8_value", v, 0x11);
	CHECK_ERR("in32_inside", host_invoke(&h, h.init, com1, KOZO_IOPORT_IN32, p3fc, 1, NULL, 0, &v, 1), KOZO_OK);
	CHECK_EQ("in32_value", v, 0x55667788);
	/* Outside: below, above, and accesses straddling the last port. */
	writes = h.m->ioport_writes;
	const word_t below[2] = { 0x3f7, 0 }, above[2] = { 0x400, 0 }, reset[2] = { 0xcf9, 0x06 };
	const word_t pci[2] = { 0xcf8, 0x80000000 }, straddle16[2] = { 0x3ff, 0 }, straddle32[2] = { 0x3fd, 0 };
	static const word_t in_labels[3] = { KOZO_IOPORT_IN8, KOZO_IOPORT_IN16, KOZO_IOPORT_IN32 };
	static const word_t out_labels[3] = { KOZO_IOPORT_OUT8, KOZO_IOPORT_OUT16, KOZO_IOPORT_OUT32 };
	for (int i = 0; i < 3; i++) {
		CHECK_ERR("in_below", kt_invoke(&h, com1, in_labels[i], below, 1, NULL, 0), KOZO_ERR_RANGE);
		CHECK_ERR("out_below", kt_invoke(&h, com1, out_labels[i], below, 2, NULL, 0), KOZO_ERR_RANGE);
		CHECK_ERR("in_above", kt_invoke(&h, com1, in_labels[i], above, 1, NULL, 0), KOZO_ERR_RANGE);
		CHECK_ERR("out_above", kt_invoke(&h, com1, out_labels[i], above, 2, NULL, 0), KOZO_ERR_RANGE);
		CHECK_ERR("out_reset_port", kt_invoke(&h, com1, out_labels[i], reset, 2, NULL, 0), KOZO_ERR_RANGE);
		CHECK_ERR("out_pci_config", kt_invoke(&h, com1, out_labels[i], pci, 2, NULL, 0), KOZO_ERR_RANGE);
	}
	CHECK_ERR("in16_straddles_end", kt_invoke(&h, com1, KOZO_IOPORT_IN16, straddle16, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("out16_straddles_end", kt_invoke(&h, com1, KOZO_IOPORT_OUT16, straddle16, 2, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("in32_straddles_end", kt_invoke(&h, com1, KOZO_IOPORT_IN32, straddle32, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("out32_straddles_end", kt_invoke(&h, com1, KOZO_IOPORT_OUT32, straddle32, 2, NULL, 0), KOZO_ERR_RANGE);
	CHECK_EQ("outside_untouched", h.m->ioport_writes, writes);
	/* Ranges a Mint refuses: wider at either end, wrapped, too many bits,
	 * ports past 0xffff; an empty range cannot be written (first > last). */
	word_t bad = s + 1;
	CHECK_ERR("wider_below", kt_mint(&h, bad, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3f7, 0x3ff)), KOZO_ERR_RANGE);
	CHECK_ERR("wider_above", kt_mint(&h, bad, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3f8, 0x400)), KOZO_ERR_RANGE);
	CHECK_ERR("outside_entirely", kt_mint(&h, bad, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0xcf8, 0xcff)), KOZO_ERR_RANGE);
	CHECK_ERR("wrap_around", kt_mint(&h, bad, io, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0xfff0, 0x000f)), KOZO_ERR_RANGE);
	CHECK_ERR("empty_first_above_last", kt_mint(&h, bad, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3fa, 0x3f9)), KOZO_ERR_RANGE);
	CHECK_ERR("high_bits", kt_mint(&h, bad, io, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0, 0xffff) | 1ull << 32), KOZO_ERR_RANGE);
	CHECK_ERR("last_past_ffff", kt_mint(&h, bad, io, KOZO_RIGHTS_ALL, 0x10000ull << 16), KOZO_ERR_RANGE);
	CHECK("refused_mints_left_slot_empty", slot_empty(&h.cnode[bad]));
	/* Equal range, one port, and narrowing a narrowed capability again. */
	word_t same = s + 2, one = s + 3, sub = s + 4, subsub = s + 5, copy = s + 6;
	CHECK_ERR("equal_range", kt_mint(&h, same, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3f8, 0x3ff)), KOZO_OK);
	CHECK_ERR("range_of_equal", io_range(&h, same, &first, &last), KOZO_OK);
	CHECK("equal_same_range", first == 0x3f8 && last == 0x3ff);
	CHECK_ERR("one_port", kt_mint(&h, one, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3ff, 0x3ff)), KOZO_OK);
	CHECK_ERR("one_port_in8", kt_invoke(&h, one, KOZO_IOPORT_IN8, o8_last, 1, NULL, 0), KOZO_OK);
	CHECK_ERR("one_port_in16_refused", kt_invoke(&h, one, KOZO_IOPORT_IN16, o16_end, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("renarrow", kt_mint(&h, sub, com1, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3fa, 0x3fd)), KOZO_OK);
	CHECK_ERR("renarrow_again", kt_mint(&h, subsub, sub, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3fb, 0x3fc)), KOZO_OK);
	CHECK_ERR("renarrow_not_wider", kt_mint(&h, bad, sub, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x3f8, 0x3fd)), KOZO_ERR_RANGE);
	CHECK_ERR("renarrowed_refuses_parent_port", kt_invoke(&h, subsub, KOZO_IOPORT_IN8, p3f8, 1, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("renarrowed_32_straddles", kt_invoke(&h, subsub, KOZO_IOPORT_IN32, p3fc, 1, NULL, 0), KOZO_ERR_RANGE);
	/* Copy keeps the range; it stays a child. */
	CHECK_ERR("copy_narrowed", kt_copy(&h, copy, subsub, KOZO_RIGHTS_ALL), KOZO_OK);
	CHECK_ERR("range_of_copy", io_range(&h, copy, &first, &last), KOZO_OK);
	CHECK("copy_same_range", first == 0x3fb && last == 0x3fc);
	/* Reserved ports stay refused inside a narrowed range. */
	word_t com2 = s + 7;
	const word_t p2f8[2] = { 0x2f8, 'X' };
	CHECK_ERR("mint_com2", kt_mint(&h, com2, io, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x2f8, 0x2ff)), KOZO_OK);
	CHECK_ERR("com2_still_refused", kt_invoke(&h, com2, KOZO_IOPORT_OUT8, p2f8, 2, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	/* Revoke of COM1's capability removes every capability narrowed from it. */
	CHECK_ERR("revoke_com1", kt_revoke(&h, com1), KOZO_OK);
	const word_t gone[5] = { same, one, sub, subsub, copy };
	for (int i = 0; i < 5; i++)
		CHECK("revoked_child_gone", slot_empty(&h.cnode[gone[i]]));
	CHECK_ERR("revoked_child_unusable", kt_invoke(&h, sub, KOZO_IOPORT_IN8, p3fc, 1, NULL, 0), KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("com1_itself_works", kt_invoke(&h, com1, KOZO_IOPORT_IN8, p3f8, 1, NULL, 0), KOZO_OK);
	CHECK("com2_kept", !slot_empty(&h.cnode[com2]));
	/* The walker refuses a child reaching past its parent (state no
	 * operation can make: written here directly). */
	char msg[INVARIANT_MSG_SIZE] = "";
	CHECK("invariants_before", kernel_invariants_hold(&h, msg));
	word_t child = s + 8;
	CHECK_ERR("mint_com2_child", kt_mint(&h, child, com2, KOZO_RIGHTS_ALL, KOZO_IOPORT_RANGE(0x2f8, 0x2f8)), KOZO_OK);
	cap_ioport_set_range(&h.cnode[child].cap, 0x2f7, 0x2f8);
	CHECK("walker_sees_wider_child", !kernel_invariants_hold(&h, msg) && strstr(msg, "beyond its parent"));
	cap_ioport_set_range(&h.cnode[child].cap, 0x2f8, 0x2f8);
	kt_end(&h);
}

void test_frame_map(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t va = 0x100000000000ull;   /* a PML4 entry Init does not use */
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0), l1 = kt_new(&h, KOZO_OBJ_PT_L1, 0);
	word_t l2 = kt_new(&h, KOZO_OBJ_PT_L2, 0), l3 = kt_new(&h, KOZO_OBJ_PT_L3, 0);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	const word_t vs[1] = { KOZO_CAP_INIT_VSPACE }, notvs[1] = { ep };
	const word_t map[3] = { va, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, 0 };
	word_t paddr = 0;
	CHECK_ERR("get_address", host_invoke(&h, h.init, f, KOZO_FRAME_GET_ADDRESS, NULL, 0, NULL, 0, &paddr, 1), KOZO_OK);
	CHECK_EQ("address_is_physical", paddr, arch_kernel_to_phys((void *)kt_slot(&h, f)->cap.obj));
	CHECK("address_in_ram", host_phys_in_ram(paddr, KOZO_PAGE_SIZE));
	CHECK_ERR("map_truncated", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 2, vs, 1), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("map_no_vspace", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("map_no_tables", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, vs, 1), KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("map_not_vspace", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, notvs, 1), KOZO_ERR_INVALID_CAPABILITY);
	const word_t odd[3] = { va + 8, KOZO_RIGHT_READ, 0 }, kernel_half[3] = { ARCH_USER_TOP, KOZO_RIGHT_READ, 0 };
	const word_t no_read[3] = { va, KOZO_RIGHT_WRITE, 0 };
	CHECK_ERR("map_misaligned", kt_invoke(&h, f, KOZO_FRAME_MAP, odd, 3, vs, 1), KOZO_ERR_ALIGNMENT);
	CHECK_ERR("map_kernel_half", kt_invoke(&h, f, KOZO_FRAME_MAP, kernel_half, 3, vs, 1), KOZO_ERR_INVALID_ARGUMENT);
	const word_t pt[1] = { va };
	CHECK_ERR("pt_truncated", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, NULL, 0, vs, 1), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("pt_no_vspace", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, pt, 1, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("pt_not_vspace", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, pt, 1, notvs, 1), KOZO_ERR_INVALID_CAPABILITY);
	CHECK("pt_still_unmapped", !cap_mapped(&kt_slot(&h, l1)->cap));
	CHECK_ERR("l2_before_l1", kt_invoke(&h, l2, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("map_l1", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_OK);
	CHECK_ERR("map_l1_again", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_ERR_INVALID_CAPABILITY);
	/* Another table where one is: refused, the first stays. */
	word_t l1b = kt_new(&h, KOZO_OBJ_PT_L1, 0);
	const word_t *vroot = (const word_t *)kt_slot(&h, KOZO_CAP_INIT_VSPACE)->cap.obj;
	const unsigned i0 = (va >> (KOZO_PAGE_SIZE_BITS + 27)) & (PT_ENTRIES - 1);   /* va's root index */
	const word_t l1_entry = vroot[i0];
	CHECK_ERR("second_l1_same_place", kt_invoke(&h, l1b, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_ERR_DELETE_FIRST);
	CHECK("first_l1_stays", vroot[i0] == l1_entry &&
				arch_pte_addr(l1_entry) == arch_kernel_to_phys((void *)kt_slot(&h, l1)->cap.obj));
	CHECK("second_l1_unmapped", !cap_mapped(&kt_slot(&h, l1b)->cap));
	CHECK_ERR("map_l2", kt_invoke(&h, l2, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_OK);
	CHECK_ERR("map_l3", kt_invoke(&h, l3, KOZO_PAGE_TABLE_MAP, pt, 1, vs, 1), KOZO_OK);
	CHECK_ERR("map_no_read_right", kt_invoke(&h, f, KOZO_FRAME_MAP, no_read, 3, vs, 1), KOZO_ERR_INSUFFICIENT_RIGHTS);
	uint8_t *data = (uint8_t *)kt_slot(&h, f)->cap.obj;
	data[0] = 0x5a;
	data[KOZO_PAGE_SIZE - 1] = 0xa5;
	CHECK_ERR("map_frame", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, vs, 1), KOZO_OK);
	CHECK("frame_marked_mapped", cap_mapped(&kt_slot(&h, f)->cap) && cap_mapped_vaddr(&kt_slot(&h, f)->cap) == va);
	word_t *root = (word_t *)kt_slot(&h, KOZO_CAP_INIT_VSPACE)->cap.obj;
	CHECK_EQ("entry_names_frame", arch_pte_addr(kt_pte(root, va)), paddr);
	CHECK_ERR("map_frame_twice", kt_invoke(&h, f, KOZO_FRAME_MAP, map, 3, vs, 1), KOZO_ERR_INVALID_CAPABILITY);
	word_t g = kt_new(&h, KOZO_OBJ_FRAME, 0);
	CHECK_ERR("map_over_mapping", kt_invoke(&h, g, KOZO_FRAME_MAP, map, 3, vs, 1), KOZO_ERR_DELETE_FIRST);
	word_t copy = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, copy, f, KOZO_RIGHTS_ALL));
	CHECK("copy_starts_unmapped", !cap_mapped(&kt_slot(&h, copy)->cap));
	uint64_t flushes = h.m->tlb_flushes;
	CHECK_ERR("unmap", kt_invoke(&h, f, KOZO_FRAME_UNMAP, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_EQ("tlb_flushed", h.m->tlb_flushes, flushes + 1);
	CHECK_EQ("flushed_address", h.m->last_flush_vaddr, va);
	CHECK("cap_unmapped", !cap_mapped(&kt_slot(&h, f)->cap));
	CHECK("entry_cleared", !arch_pte_present(kt_pte(root, va)));
	CHECK("unmap_keeps_contents", data[0] == 0x5a && data[KOZO_PAGE_SIZE - 1] == 0xa5);
	CHECK_ERR("remap_other_frame", kt_invoke(&h, g, KOZO_FRAME_MAP, map, 3, vs, 1), KOZO_OK);
	CHECK_ERR("delete_mapped_frame", kt_delete(&h, g), KOZO_OK);
	CHECK_EQ("delete_flushes", h.m->tlb_flushes, flushes + 2);
	CHECK_ERR("unmap_unmapped", kt_invoke(&h, f, KOZO_FRAME_UNMAP, NULL, 0, NULL, 0), KOZO_OK);
	CHECK_ERR("frame_bad_label", kt_invoke(&h, f, KOZO_PAGE_TABLE_MAP, NULL, 0, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("pt_bad_label", kt_invoke(&h, l3, KOZO_FRAME_MAP, NULL, 0, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	CHECK_ERR("pt_unmap", kt_invoke(&h, l3, KOZO_PAGE_TABLE_UNMAP, NULL, 0, NULL, 0), KOZO_OK);
	kt_end(&h);
}

void test_debug_cap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t dbg = KOZO_CAP_DEBUG;
	const word_t too_long[2] = { 0, 33 }, missing_name[2] = { 0, 9 }, ctrl[3] = { 0, 1, '\n' };
	CHECK_ERR("truncated", kt_invoke(&h, dbg, KOZO_DEBUG_PANIC, too_long, 1, NULL, 0), KOZO_ERR_TRUNCATED_MESSAGE);
	CHECK_ERR("name_too_long", kt_invoke(&h, dbg, KOZO_DEBUG_PANIC, too_long, 2, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("name_missing", kt_invoke(&h, dbg, KOZO_DEBUG_PANIC, missing_name, 2, NULL, 0), KOZO_ERR_RANGE);
	CHECK_ERR("name_unprintable", kt_invoke(&h, dbg, KOZO_DEBUG_PANIC, ctrl, 3, NULL, 0), KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("bad_label", kt_invoke(&h, dbg, KOZO_CNODE_COPY, NULL, 0, NULL, 0), KOZO_ERR_ILLEGAL_OPERATION);
	/* DEBUG_STATS: seven counters; the system-call count goes up by one
	 * from one read to the next (the read itself). */
	struct host_regs r1, r2;
	CHECK_ERR("stats", host_syscall(&h, h.init, KOZO_SYS_CALL, dbg, kozo_msginfo(KOZO_DEBUG_STATS, 0, 0, 0),
					NULL, &r1), KOZO_OK);
	CHECK_EQ("stats_length_7", kozo_msginfo_length(r1.info), 7);
	CHECK_ERR("stats_again", host_syscall(&h, h.init, KOZO_SYS_CALL, dbg, kozo_msginfo(KOZO_DEBUG_STATS, 0, 0, 0),
					      NULL, &r2), KOZO_OK);
	CHECK_EQ("stats_count_calls", r2.mr[2], r1.mr[2] + 1);
	/* DEBUG_PREEMPTION: bit 0 on, bit 1 measure; nothing else. */
	const word_t off[1] = { 0 }, on_measure[1] = { 3 }, on[1] = { 1 }, bad[1] = { 4 };
	CHECK_ERR("preemption_off", kt_invoke(&h, dbg, KOZO_DEBUG_PREEMPTION, off, 1, NULL, 0), KOZO_OK);
	CHECK("is_off", h.k->preempt_off && !h.k->measure_masked);
	CHECK_ERR("preemption_on_measured", kt_invoke(&h, dbg, KOZO_DEBUG_PREEMPTION, on_measure, 1, NULL, 0), KOZO_OK);
	CHECK("is_on_measured", !h.k->preempt_off && h.k->measure_masked);
	CHECK_ERR("preemption_bad_bit", kt_invoke(&h, dbg, KOZO_DEBUG_PREEMPTION, bad, 1, NULL, 0),
		  KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("preemption_none_given", kt_invoke(&h, dbg, KOZO_DEBUG_PREEMPTION, NULL, 0, NULL, 0),
		  KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("preemption_on", kt_invoke(&h, dbg, KOZO_DEBUG_PREEMPTION, on, 1, NULL, 0), KOZO_OK);
	CHECK("is_on", !h.k->preempt_off && !h.k->measure_masked);
	kt_end(&h);
}

/* DEBUG_FAULT: the kernel takes a deliberate fault in kernel mode, which
 * panics (the host port reports it as such). */
void test_debug_fault_panics(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t err = host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_FAULT, NULL, 0, NULL, 0, NULL, 0);
	CHECK_ERR("panic_reported", err, HOST_PANICKED);
	CHECK_EQ("one_panic", h.m->panics, 1);
	CHECK("kernel_fault_message", strstr(h.m->panic_msg, "kernel fault") != NULL);
	host_kernel_free(&h);
}

/* A thread reconfigures itself while the CNode holding every capability
 * it names (its own TCB's included) lives only through its own CSpace slot.
 * Replacing that slot destroys the CNode and then the thread; the kernel
 * must not read the later capabilities of the same Configure from the
 * emptied slots, nor leave links to them. */
void test_tcb_configure_drops_own_cspace(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t other = kt_new(&h, KOZO_OBJ_CNODE, 4);
	struct cnode_header *other_hdr = (struct cnode_header *)kt_slot(&h, other)->cap.obj;
	CHECK_ERR("delete_cnode_cap", kt_delete(&h, KOZO_CAP_INIT_CNODE), KOZO_OK);
	const word_t cfg[3] = { 0, KOZO_PRIORITY_MAX, 0 };
	const word_t caps[3] = { other, KOZO_CAP_INIT_VSPACE, KOZO_CAP_INIT_IPC_BUFFER };
	word_t err = host_invoke(&h, h.init, KOZO_CAP_INIT_TCB, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0);
	/* The call itself succeeded: nothing in it was refused. */
	CHECK_ERR("configure_ok", err, KOZO_OK);
	bool slots_empty = true;
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		slots_empty &= slot_empty(&h.init->slots[i]);
	CHECK("thread_lost_all_caps", slots_empty);
	CHECK_EQ("thread_stopped", h.init->state, THREAD_INACTIVE);
	CHECK("thread_not_current", h.k->current != h.init);
	CHECK("init_cnode_emptied", slot_empty(kt_slot(&h, KOZO_CAP_INIT_VSPACE)));
	CHECK_EQ("other_cnode_unreferenced", other_hdr->refs, 0);
	kt_end(&h);
}

/* Red team (rt9): the timer line's handler copied, moved, revoked through
 * IRQControl, its notification deleted and revoked under it, deadlines of
 * 1, ~0 and in the past: no signal reaches a freed notification, no
 * deadline outlives the last handler, the walker holds after each step. */
void test_irq_timer_abuse(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t handler = host_slot_alloc(&h, 4);
	word_t nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0), badged = host_slot_alloc(&h, 1);
	KT_OK(kt_mint(&h, badged, nt, KOZO_RIGHTS_ALL, 0x4));
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE }, get[3] = { KOZO_IRQ_TIMER, handler, 64 };
	const word_t ntc[1] = { badged };
	KT_OK(kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1));
	KT_OK(kt_copy(&h, handler + 1, handler, KOZO_RIGHTS_ALL));
	CHECK_EQ("two_refs", h.k->irq_refs[KOZO_IRQ_TIMER], 2);
	KT_OK(kt_invoke(&h, handler + 1, KOZO_IRQ_HANDLER_SET_NOTIFICATION, NULL, 0, ntc, 1));
	/* The notification's own capabilities go; the line's copy keeps it alive. */
	const word_t past[1] = { 1 };
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, past, 1, NULL, 0));
	CHECK_ERR("delete_badged", kt_delete(&h, badged), KOZO_OK);
	CHECK_ERR("revoke_ntfn", kt_revoke(&h, nt), KOZO_OK);
	CHECK_ERR("delete_ntfn", kt_delete(&h, nt), KOZO_OK);
	h.m->preempt_checks += 100;
	CHECK("tick_after_ntfn_gone", host_timer_tick(&h));
	kt_check_invariants(&h, "after_ntfn_gone");
	/* Deleting one copy while another remains keeps the deadline. */
	const word_t never[1] = { ~0ull };
	KT_OK(kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, never, 1, NULL, 0));
	CHECK_ERR("delete_one_copy", kt_delete(&h, handler), KOZO_OK);
	CHECK_EQ("still_armed", h.k->timer_deadline, ~0ull);
	CHECK("tick_never", host_timer_tick(&h));
	CHECK_EQ("still_armed_after_tick", h.k->timer_deadline, ~0ull);
	KT_OK(kt_move(&h, handler + 2, handler + 1));
	kt_check_invariants(&h, "after_move");
	/* Revoke of IRQControl takes every handler and the deadline. */
	CHECK_ERR("revoke_irq_control", kt_revoke(&h, KOZO_CAP_IRQ_CONTROL), KOZO_OK);
	CHECK_EQ("no_refs", h.k->irq_refs[KOZO_IRQ_TIMER], 0);
	CHECK_EQ("disarmed", h.k->timer_deadline, 0);
	/* And the line can be had again. */
	CHECK_ERR("get_again", kt_invoke(&h, KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_CONTROL_GET, get, 3, cn, 1), KOZO_OK);
	CHECK_ERR("deadline_no_ntfn", kt_invoke(&h, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, past, 1, NULL, 0), KOZO_OK);
	CHECK("tick_no_ntfn", host_timer_tick(&h));
	CHECK_EQ("fired_into_nothing", h.k->timer_deadline, 0);
	kt_end(&h);
}
