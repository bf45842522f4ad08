/* Every numeric argument at its boundary (the last value accepted, the
 * first refused), and every right an invocation or system call needs,
 * including the rights a mapping ends up with. */
#include <string.h>
#include "kt.h"
#include "tests.h"

/* WriteRegisters: n up to ARCH_REG_COUNT and up to the message's length;
 * a refused write changes no register. */
void test_bounds_write_registers(void)
{
	struct host_kernel h;
	word_t ts;
	struct tcb *t = kt_boot_spawn(&h, 10, &ts);
	if (!t)
		return kt_end(&h);
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0));
	struct arch_context before = t->ctx;
	word_t mr[2 + ARCH_REG_COUNT + 1];
	mr[0] = 0;
	mr[1] = ARCH_REG_COUNT + 1;
	for (unsigned i = 0; i < ARCH_REG_COUNT + 1; i++)
		mr[2 + i] = 0x7700 + i;
	CHECK_ERR("one_past_register_file", kt_invoke(&h, ts, KOZO_TCB_WRITE_REGISTERS, mr, 2 + ARCH_REG_COUNT + 1,
						 NULL, 0), KOZO_ERR_RANGE);
	CHECK("registers_untouched", memcmp(&before, &t->ctx, sizeof(before)) == 0);
	CHECK("queue_links_untouched", t->sched_next == NULL && t->sched_prev == NULL && t->queue_next == NULL);
	mr[1] = 2;
	CHECK_ERR("count_one_past_message", kt_invoke(&h, ts, KOZO_TCB_WRITE_REGISTERS, mr, 3, NULL, 0),
		  KOZO_ERR_RANGE);
	CHECK("still_untouched", memcmp(&before, &t->ctx, sizeof(before)) == 0);
	mr[1] = 1;
	CHECK_ERR("count_equal_to_message", kt_invoke(&h, ts, KOZO_TCB_WRITE_REGISTERS, mr, 3, NULL, 0), KOZO_OK);
	CHECK_EQ("first_register_written", t->ctx.regs[0], 0x7700);
	CHECK_EQ("second_register_kept", t->ctx.regs[1], before.regs[1]);
	CHECK_EQ("not_resumed", t->state, THREAD_INACTIVE);
	mr[1] = ARCH_REG_COUNT;
	CHECK_ERR("whole_register_file", kt_invoke(&h, ts, KOZO_TCB_WRITE_REGISTERS, mr, 2 + ARCH_REG_COUNT, NULL, 0),
		  KOZO_OK);
	CHECK_EQ("last_register_written", t->ctx.regs[ARCH_REG_COUNT - 1], 0x7700 + ARCH_REG_COUNT - 1);
	/* ReadRegisters: all of them, not one more. */
	word_t out[ARCH_REG_COUNT + 1] = { 0 };
	const word_t all[1] = { ARCH_REG_COUNT }, more[1] = { ARCH_REG_COUNT + 1 };
	CHECK_ERR("read_all", host_invoke(&h, h.init, ts, KOZO_TCB_READ_REGISTERS, all, 1, NULL, 0, out,
					  ARCH_REG_COUNT + 1), KOZO_OK);
	CHECK_EQ("read_last", out[ARCH_REG_COUNT - 1], t->ctx.regs[ARCH_REG_COUNT - 1]);
	CHECK_ERR("read_one_more", kt_invoke(&h, ts, KOZO_TCB_READ_REGISTERS, more, 1, NULL, 0), KOZO_ERR_RANGE);
	kt_end(&h);
}

/* A message longer than an invocation takes (40 registers) is cut to 40:
 * the invocation works as with its first registers. */
void test_bounds_long_invocation(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), dst = host_slot_alloc(&h, 2);
	word_t mr[KOZO_MSG_MAX_LENGTH];
	for (unsigned i = 0; i < KOZO_MSG_MAX_LENGTH; i++)
		mr[i] = ~0ull;
	mr[0] = dst;
	mr[1] = 64;
	mr[2] = ep;
	mr[3] = 64;
	mr[4] = KOZO_RIGHT_READ;
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("copy_120_registers", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, mr, KOZO_MSG_MAX_LENGTH,
					     cn, 1), KOZO_OK);
	CHECK_EQ("copied_with_rights", kt_slot(&h, dst)->cap.rights, KOZO_RIGHT_READ);
	mr[0] = dst + 1;
	CHECK_ERR("copy_41_registers", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_COPY, mr, 41, cn, 1), KOZO_OK);
	CHECK_EQ("second_copy", kt_slot(&h, dst + 1)->cap.type, KOZO_OBJ_ENDPOINT);
	kt_end(&h);
}

/* Retype: 1..256 objects, and exactly the slots the destination has. */
void test_bounds_retype(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t first = host_slot_alloc(&h, 257);
	CHECK_ERR("retype_0", host_retype(&h, h.untyped, KOZO_OBJ_ENDPOINT, 0, first, 0), KOZO_ERR_RANGE);
	CHECK_ERR("retype_257", host_retype(&h, h.untyped, KOZO_OBJ_ENDPOINT, 0, first, 257), KOZO_ERR_RANGE);
	CHECK("nothing_made", slot_empty(kt_slot(&h, first)));
	CHECK_ERR("retype_256", host_retype(&h, h.untyped, KOZO_OBJ_ENDPOINT, 0, first, 256), KOZO_OK);
	CHECK_EQ("last_of_256", kt_slot(&h, first + 255)->cap.type, KOZO_OBJ_ENDPOINT);
	CHECK("257th_slot_empty", slot_empty(kt_slot(&h, first + 256)));
	/* A radix-2 CNode: slots 1..3. */
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 2);
	const word_t caps[1] = { cn };
	const word_t one_past[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, 1, 4 }, at_end[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, 4, 1 };
	const word_t slot0[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, 0, 1 }, fill[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, 1, 3 };
	CHECK_ERR("count_past_cnode", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, one_past, 6, caps, 1), KOZO_ERR_RANGE);
	CHECK_ERR("offset_past_cnode", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, at_end, 6, caps, 1), KOZO_ERR_RANGE);
	CHECK_ERR("offset_0", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, slot0, 6, caps, 1), KOZO_ERR_RANGE);
	CHECK_ERR("fill_cnode", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, fill, 6, caps, 1), KOZO_OK);
	struct slot *cs = cnode_slots(&kt_slot(&h, cn)->cap);
	CHECK("all_three_made", cs[1].cap.type == KOZO_OBJ_ENDPOINT && cs[3].cap.type == KOZO_OBJ_ENDPOINT);
	CHECK_ERR("cnode_full", kt_invoke(&h, h.untyped, KOZO_UNTYPED_RETYPE, fill, 6, caps, 1), KOZO_ERR_DELETE_FIRST);
	/* Size: an Untyped holds exactly what fits. */
	word_t ut = kt_new_untyped(&h, 12), s = host_slot_alloc(&h, 6);
	word_t wm = cap_untyped_watermark(&kt_slot(&h, ut)->cap);
	CHECK_ERR("bigger_than_untyped", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 13, s, 1), KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_ERR("five_of_1k_in_4k", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 10, s, 5), KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_EQ("watermark_kept", cap_untyped_watermark(&kt_slot(&h, ut)->cap), wm);
	CHECK_ERR("four_of_1k_in_4k", host_retype(&h, ut, KOZO_OBJ_UNTYPED, 10, s, 4), KOZO_OK);
	CHECK_EQ("watermark_full", cap_untyped_watermark(&kt_slot(&h, ut)->cap), 1u << 12);
	CHECK_ERR("no_room_left", host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, s + 4, 1), KOZO_ERR_NOT_ENOUGH_MEMORY);
	CHECK_ERR("same_size_untyped", host_retype(&h, s, KOZO_OBJ_UNTYPED, 10, s + 4, 1), KOZO_OK);
	CHECK_EQ("same_size_at_base", kt_slot(&h, s + 4)->cap.obj, kt_slot(&h, s)->cap.obj);
	/* Types and sizes out of range. */
	CHECK_ERR("type_0", host_retype(&h, h.untyped, KOZO_OBJ_NULL, 0, s + 5, 1), KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("type_past_end", host_retype(&h, h.untyped, KOZO_OBJ_RETYPABLE_END, 0, s + 5, 1),
		  KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("last_type", host_retype(&h, h.untyped, KOZO_OBJ_RETYPABLE_END - 1, 0, s + 5, 1), KOZO_OK);
	kt_end(&h);
}

#define HOST_PTE_WRITE (1ull << 1)
#define HOST_PTE_EXEC (1ull << 2)

/* Page tables up to the user top; a Frame's mapping has the rights of
 * both the capability and the request, never more. */
void test_bounds_mapping(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t vs[1] = { KOZO_CAP_INIT_VSPACE };
	word_t *root = (word_t *)kt_slot(&h, KOZO_CAP_INIT_VSPACE)->cap.obj;
	word_t l1 = kt_new(&h, KOZO_OBJ_PT_L1, 0), l2 = kt_new(&h, KOZO_OBJ_PT_L2, 0);
	word_t l3 = kt_new(&h, KOZO_OBJ_PT_L3, 0), extra = kt_new(&h, KOZO_OBJ_PT_L1, 0);
	const word_t top[1] = { ARCH_USER_TOP }, last[1] = { ARCH_USER_TOP - KOZO_PAGE_SIZE };
	CHECK_ERR("table_at_user_top", kt_invoke(&h, extra, KOZO_PAGE_TABLE_MAP, top, 1, vs, 1), KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("l1_below_top", kt_invoke(&h, l1, KOZO_PAGE_TABLE_MAP, last, 1, vs, 1), KOZO_OK);
	CHECK_ERR("l2_below_top", kt_invoke(&h, l2, KOZO_PAGE_TABLE_MAP, last, 1, vs, 1), KOZO_OK);
	CHECK_ERR("l3_below_top", kt_invoke(&h, l3, KOZO_PAGE_TABLE_MAP, last, 1, vs, 1), KOZO_OK);
	CHECK_EQ("l1_entry", arch_pte_addr(root[(ARCH_USER_TOP - 1) >> 39 & 511]),
		 arch_kernel_to_phys((void *)kt_slot(&h, l1)->cap.obj));
	CHECK_EQ("l3_recorded_aligned", cap_mapped_vaddr(&kt_slot(&h, l3)->cap), (ARCH_USER_TOP - 1) & ~MASK(21));
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0), ro = host_slot_alloc(&h, 1);
	KT_OK(kt_copy(&h, ro, f, KOZO_RIGHT_READ));
	const word_t rw_top[3] = { ARCH_USER_TOP - KOZO_PAGE_SIZE, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, 0 };
	CHECK_ERR("map_read_only_cap_asking_write", kt_invoke(&h, ro, KOZO_FRAME_MAP, rw_top, 3, vs, 1), KOZO_OK);
	word_t e = kt_pte(root, ARCH_USER_TOP - KOZO_PAGE_SIZE);
	CHECK("mapped", arch_pte_present(e) && arch_pte_addr(e) == arch_kernel_to_phys((void *)kt_slot(&h, f)->cap.obj));
	CHECK_EQ("mapping_read_only", e & HOST_PTE_WRITE, 0);
	CHECK_EQ("mapping_not_executable", e & HOST_PTE_EXEC, 0);
	CHECK_ERR("unmap", kt_invoke(&h, ro, KOZO_FRAME_UNMAP, NULL, 0, NULL, 0), KOZO_OK);
	CHECK("unmapped_entry_cleared", !arch_pte_present(kt_pte(root, ARCH_USER_TOP - KOZO_PAGE_SIZE)));
	const word_t rwx[3] = { ARCH_USER_TOP - KOZO_PAGE_SIZE, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, 1 };
	CHECK_ERR("map_writable", kt_invoke(&h, f, KOZO_FRAME_MAP, rwx, 3, vs, 1), KOZO_OK);
	e = kt_pte(root, ARCH_USER_TOP - KOZO_PAGE_SIZE);
	CHECK("mapping_writable", e & HOST_PTE_WRITE);
	CHECK("mapping_executable", e & HOST_PTE_EXEC);
	CHECK_ERR("unmap_writable", kt_invoke(&h, f, KOZO_FRAME_UNMAP, NULL, 0, NULL, 0), KOZO_OK);
	const word_t read_only_request[3] = { ARCH_USER_TOP - KOZO_PAGE_SIZE, KOZO_RIGHT_READ, 0 };
	CHECK_ERR("map_asking_read", kt_invoke(&h, f, KOZO_FRAME_MAP, read_only_request, 3, vs, 1), KOZO_OK);
	CHECK_EQ("request_limits_rights", kt_pte(root, ARCH_USER_TOP - KOZO_PAGE_SIZE) & HOST_PTE_WRITE, 0);
	/* A write-only capability cannot be mapped at all. */
	word_t wo = host_slot_alloc(&h, 1), g = kt_new(&h, KOZO_OBJ_FRAME, 0);
	KT_OK(kt_copy(&h, wo, g, KOZO_RIGHT_WRITE));
	const word_t below[3] = { ARCH_USER_TOP - 2 * KOZO_PAGE_SIZE, KOZO_RIGHTS_ALL, 0 };
	CHECK_ERR("write_only_cap", kt_invoke(&h, wo, KOZO_FRAME_MAP, below, 3, vs, 1), KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK("write_only_not_mapped", !arch_pte_present(kt_pte(root, ARCH_USER_TOP - 2 * KOZO_PAGE_SIZE)));
	kt_end(&h);
}

/* Priorities: a thread may give any thread (itself or another) at most its
 * own priority, through SetPriority or Configure. */
void test_bounds_priority(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t low_slot, other_slot;
	struct tcb *low = kt_spawn(&h, 10, &low_slot), *other = kt_spawn(&h, 5, &other_slot);
	if (!low || !other)
		return kt_end(&h);
	const word_t p11[1] = { 11 }, p10[1] = { 10 };
	CHECK_ERR("raise_other_above_own", host_invoke(&h, low, other_slot, KOZO_TCB_SET_PRIORITY, p11, 1, NULL, 0,
						       NULL, 0), KOZO_ERR_RANGE);
	CHECK_EQ("other_unchanged", other->priority, 5);
	CHECK_ERR("raise_other_to_own", host_invoke(&h, low, other_slot, KOZO_TCB_SET_PRIORITY, p10, 1, NULL, 0,
						    NULL, 0), KOZO_OK);
	CHECK_EQ("other_raised", other->priority, 10);
	CHECK("other_requeued", h.k->sched.tail[10] == other && !(h.k->sched.bitmap[0] & BIT(5)));
	const word_t p3[1] = { 3 };
	CHECK_ERR("lower_itself", host_invoke(&h, low, low_slot, KOZO_TCB_SET_PRIORITY, p3, 1, NULL, 0, NULL, 0),
		  KOZO_OK);
	CHECK_EQ("lowered", low->priority, 3);
	CHECK("queued_at_new_priority", h.k->sched.head[3] == low && h.k->sched.tail[10] == other);
	/* Configure's priority: the same bound. */
	const word_t cfg_own[3] = { 0, 3, 0 }, cfg_more[3] = { 0, 4, 0 };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("configure_above_own", host_invoke(&h, low, other_slot, KOZO_TCB_CONFIGURE, cfg_more, 3, cn, 1,
						     NULL, 0), KOZO_ERR_RANGE);
	CHECK_EQ("configure_refused_keeps", other->priority, 10);
	CHECK_ERR("configure_own", host_invoke(&h, low, other_slot, KOZO_TCB_CONFIGURE, cfg_own, 3, cn, 1, NULL, 0),
		  KOZO_OK);
	CHECK_EQ("configured_priority", other->priority, 3);
	/* An inactive thread's priority changes without queueing it. */
	KT_OK(kt_invoke(&h, other_slot, KOZO_TCB_SUSPEND, NULL, 0, NULL, 0));
	const word_t p7[1] = { 7 };
	CHECK_ERR("set_inactive", kt_invoke(&h, other_slot, KOZO_TCB_SET_PRIORITY, p7, 1, NULL, 0), KOZO_OK);
	CHECK("inactive_not_queued", other->priority == 7 && !sched_is_queued(&h.k->sched, other) &&
					     h.k->sched.head[7] == NULL);
	kt_end(&h);
}

/* A fault endpoint without Write is no fault handler. */
void test_bounds_fault_endpoint_rights(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), ro = host_slot_alloc(&h, 1), ts;
	KT_OK(kt_copy(&h, ro, ep, KOZO_RIGHT_READ | KOZO_RIGHT_GRANT));
	struct tcb *t = kt_spawn(&h, 10, &ts), *handler = kt_spawn(&h, 10, NULL);
	if (!t || !handler)
		return kt_end(&h);
	kt_recv_blocks(&h, handler, ep);
	const word_t cfg[3] = { ro, 10, 0 };
	const word_t cn[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("configure", kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, cfg, 3, cn, 1), KOZO_OK);
	CHECK_EQ("fault_ep_installed", t->slots[TCB_FAULT_EP].cap.rights, KOZO_RIGHT_READ | KOZO_RIGHT_GRANT);
	host_console_clear(h.m);
	CHECK_ERR("fault", host_fault(&h, t, KOZO_FAULT_VM, 0xdead000, 4, 14, false), KOZO_OK);
	CHECK_EQ("stopped", t->state, THREAD_INACTIVE);
	CHECK_EQ("no_pending_fault", t->pending_fault, 0);
	CHECK_EQ("handler_not_woken", handler->state, THREAD_BLOCKED_RECV);
	CHECK("reported", strstr(h.m->console, "no fault handler") != NULL);
	/* With Write, the same fault reaches the handler. */
	const word_t cfg_w[3] = { ep, 10, 0 };
	CHECK_ERR("configure_writable", kt_invoke(&h, ts, KOZO_TCB_CONFIGURE, cfg_w, 3, cn, 1), KOZO_OK);
	KT_OK(kt_invoke(&h, ts, KOZO_TCB_RESUME, NULL, 0, NULL, 0));
	CHECK_ERR("fault_again", host_fault(&h, t, KOZO_FAULT_VM, 0xdead000, 4, 14, false), KOZO_OK);
	CHECK_EQ("handler_woken", handler->state, THREAD_RUNNABLE);
	CHECK_EQ("fault_delivered", kozo_msginfo_label(handler->ctx.regs[ARCH_REG_INFO]), KOZO_FAULT_VM);
	CHECK_EQ("fault_address", handler->ctx.regs[ARCH_REG_MR1], 0xdead000);
	CHECK_EQ("faulter_waits", t->state, THREAD_BLOCKED_REPLY);
	kt_end(&h);
}

/* Send, NBSend and Call need Write; Recv and NBRecv need Read; on
 * endpoints and notifications alike.  A refused call changes nothing. */
void test_rights_ipc(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), nt = kt_new(&h, KOZO_OBJ_NOTIFICATION, 0);
	word_t s = host_slot_alloc(&h, 5);
	const word_t ep_ro = s, ep_wo = s + 1, nt_ro = s + 2, nt_wo = s + 3, frame_wo = s + 4;
	KT_OK(kt_copy(&h, ep_ro, ep, KOZO_RIGHT_READ | KOZO_RIGHT_GRANT));
	KT_OK(kt_copy(&h, ep_wo, ep, KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT));
	KT_OK(kt_copy(&h, nt_ro, nt, KOZO_RIGHT_READ));
	KT_OK(kt_copy(&h, nt_wo, nt, KOZO_RIGHT_WRITE));
	KT_OK(kt_copy(&h, frame_wo, KOZO_CAP_INIT_IPC_BUFFER, KOZO_RIGHT_WRITE));
	struct tcb *rx = kt_spawn(&h, 10, NULL);
	if (!rx)
		return kt_end(&h);
	kt_recv_blocks(&h, rx, ep);
	const word_t mr[4] = { 1 };
	const word_t five = kozo_msginfo(0, 0, 0, 5);
	CHECK_ERR("send_read_only", host_syscall(&h, h.init, KOZO_SYS_SEND, ep_ro, five, mr, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("nbsend_read_only", host_syscall(&h, h.init, KOZO_SYS_NB_SEND, ep_ro, five, mr, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("call_read_only_slow", host_syscall(&h, h.init, KOZO_SYS_CALL, ep_ro, five, mr, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_EQ("receiver_still_waits", rx->state, THREAD_BLOCKED_RECV);
	CHECK_ERR("signal_read_only", host_syscall(&h, h.init, KOZO_SYS_SEND, nt_ro, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_EQ("not_signalled", ((struct notification *)host_object(&h, nt))->active, 0);
	CHECK_ERR("recv_write_only", host_syscall(&h, h.init, KOZO_SYS_RECV, ep_wo, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("nbrecv_write_only", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, ep_wo, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("wait_write_only", host_syscall(&h, h.init, KOZO_SYS_RECV, nt_wo, 0, NULL, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK_ERR("recv_on_frame_without_read", host_syscall(&h, h.init, KOZO_SYS_RECV, frame_wo, 0, NULL, NULL),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_EQ("init_runs", h.init->state, THREAD_RUNNABLE);
	/* The same calls with the right succeed. */
	CHECK_ERR("send_write", host_syscall(&h, h.init, KOZO_SYS_NB_SEND, ep_wo, kozo_msginfo(0, 0, 0, 1), mr, NULL),
		  KOZO_OK);
	CHECK_EQ("received", rx->state, THREAD_RUNNABLE);
	CHECK_ERR("signal_write", host_syscall(&h, h.init, KOZO_SYS_SEND, nt_wo, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("poll_read", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, nt_ro, 0, NULL, NULL), KOZO_OK);
	CHECK_ERR("nbrecv_read_empty", host_syscall(&h, h.init, KOZO_SYS_NB_RECV, ep_ro, 0, NULL, NULL),
		  KOZO_ERR_WOULD_BLOCK);
	kt_end(&h);
}
