/* Memory isolation (issue 12): the four attack sequences a hostile memory
 * manager can try with an Untyped, a VSpace and page-table capabilities,
 * and their variants.  Each test does what the attacker does and then
 * asks what user space could reach: a walk of the tables as the MMU makes
 * it (host_tlb_fill), the modelled TLB, and the invariant walker, whose
 * isolation invariant (kernel/arch/host/invariants.h) must hold after
 * every step.  Every one of these failed on the kernel before the fix. */
#include <string.h>
#include "kt.h"
#include "tests.h"

/* A PML4 (level-0) entry Init does not use, and another one: the same
 * offsets below them walk the same way through a table moved between. */
#define VA_A 0x100000000000ull
#define VA_B 0x180000000000ull

static word_t call(struct host_kernel *h, word_t cptr, word_t label, const word_t *mr,
		   unsigned len, const word_t *caps, unsigned ncaps)
{
	return host_invoke(h, h->init, cptr, label, mr, len, caps, ncaps, NULL, 0);
}

static word_t map_table(struct host_kernel *h, word_t pt, word_t vspace, word_t va)
{
	const word_t mr[1] = { va }, caps[1] = { vspace };
	return call(h, pt, KOZO_PAGE_TABLE_MAP, mr, 1, caps, 1);
}

static word_t map_frame(struct host_kernel *h, word_t f, word_t vspace, word_t va)
{
	const word_t mr[3] = { va, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, 0 }, caps[1] = { vspace };
	return call(h, f, KOZO_FRAME_MAP, mr, 3, caps, 1);
}

static word_t unmap(struct host_kernel *h, word_t cptr, bool table)
{
	return call(h, cptr, table ? KOZO_PAGE_TABLE_UNMAP : KOZO_FRAME_UNMAP, NULL, 0, NULL, 0);
}

static word_t *root_of(struct host_kernel *h, word_t vspace)
{
	return (word_t *)kt_slot(h, vspace)->cap.obj;
}

static word_t asid_of(struct host_kernel *h, word_t vspace)
{
	return cap_vspace_asid(&kt_slot(h, vspace)->cap);
}

/* Can a thread in this VSpace reach anything at va? */
static bool reachable(struct host_kernel *h, word_t vspace, word_t va)
{
	return host_tlb_fill(root_of(h, vspace), asid_of(h, vspace), va);
}

/* L1, L2 and L3 tables for va in vspace; their slots in t[0..2]. */
static bool map_tables(struct host_kernel *h, word_t vspace, word_t va, word_t t[3])
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	for (unsigned i = 0; i < 3; i++) {
		t[i] = kt_new(h, types[i], 0);
		if (!t[i] || map_table(h, t[i], vspace, va) != KOZO_OK)
			return false;
	}
	return true;
}

/* Attack 1: map a table and a Frame through it, unmap the table, map it
 * elsewhere, delete the Frame, retype its memory into a CNode.  Before the
 * fix the table kept its entry and user space reached the CNode. */
void test_iso_table_unmap_empties(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t vs = KOZO_CAP_INIT_VSPACE;
	word_t t[3];
	CHECK("tables_mapped", map_tables(&h, vs, VA_A, t));
	word_t ut = kt_new_untyped(&h, KOZO_PAGE_SIZE_BITS);
	word_t f = host_slot_alloc(&h, 1);
	CHECK_ERR("frame_from_small_untyped", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, f, 1), KOZO_OK);
	uintptr_t page = kt_slot(&h, f)->cap.obj;
	CHECK_ERR("map_frame", map_frame(&h, f, vs, VA_A), KOZO_OK);
	CHECK("frame_reachable", reachable(&h, vs, VA_A));
	CHECK_ERR("unmap_l3", unmap(&h, t[2], true), KOZO_OK);
	CHECK("l3_emptied", kt_all_zero((void *)kt_slot(&h, t[2])->cap.obj, KOZO_PAGE_SIZE));
	CHECK("frame_gone_with_table", !reachable(&h, vs, VA_A));
	kt_check_invariants(&h, "invariants_after_table_unmap");
	/* The same L2 covers VA_A + 2 MiB: the L3 goes there. */
	CHECK_ERR("remap_l3", map_table(&h, t[2], vs, VA_A + (2u << 20)), KOZO_OK);
	CHECK("nothing_through_remapped_l3", !reachable(&h, vs, VA_A + (2u << 20)));
	CHECK_ERR("delete_frame", kt_delete(&h, f), KOZO_OK);
	word_t cn = host_slot_alloc(&h, 1);
	CHECK_ERR("cnode_over_the_page", host_retype(&h, ut, KOZO_OBJ_CNODE, 6, cn, 1), KOZO_OK);
	CHECK_EQ("cnode_landed_on_the_page", kt_slot(&h, cn)->cap.obj, page);
	CHECK("cnode_unreachable", !reachable(&h, vs, VA_A + (2u << 20)));
	kt_check_invariants(&h, "invariants_after_retype");
	kt_end(&h);
}

/* Variant: a table mapped twice through a copy of its capability.  Copy,
 * Mint and IPC transfer of page-table capabilities are refused. */
void test_iso_table_copy_refused(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	for (unsigned i = 0; i < 3; i++) {
		word_t pt = kt_new(&h, types[i], 0), dst = host_slot_alloc(&h, 1);
		CHECK_ERR("copy_refused", kt_copy(&h, dst, pt, KOZO_RIGHTS_ALL), KOZO_ERR_ILLEGAL_OPERATION);
		CHECK_ERR("mint_refused", kt_mint(&h, dst, pt, KOZO_RIGHTS_ALL, 0), KOZO_ERR_ILLEGAL_OPERATION);
		CHECK("nothing_copied", slot_empty(kt_slot(&h, dst)));
		CHECK_ERR("move_allowed", kt_move(&h, dst, pt), KOZO_OK);
	}
	/* The same through IPC with the Grant right. */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), pt = kt_new(&h, KOZO_OBJ_PT_L3, 0);
	struct tcb *rx;
	word_t rx_slot;
	CHECK_ERR("spawn", host_spawn(&h, 200, &rx_slot, &rx), KOZO_OK);
	word_t recv = host_slot_alloc(&h, 1);
	struct kozo_ipc_buffer *rb = tcb_ipc_buffer(rx);
	rb->receive_cnode = 0;
	rb->receive_index = recv;
	rb->receive_depth = 64;
	host_syscall(&h, rx, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	struct host_msg m = { .label = 1, .extra_caps = 1, .caps = { pt } };
	host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL);
	CHECK("transfer_refused", slot_empty(kt_slot(&h, recv)));
	CHECK_EQ("receiver_got_message", rx->state, THREAD_RUNNABLE);
	/* Frames still copy, unmapped. */
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0), fc = host_slot_alloc(&h, 1);
	CHECK_ERR("frame_copy", kt_copy(&h, fc, f, KOZO_RIGHTS_ALL), KOZO_OK);
	kt_check_invariants(&h, "invariants");
	kt_end(&h);
}

/* Variant: a VSpace deleted under a mapped table.  Its tables keep their
 * records of a dead ASID; unmapping one and mapping it into another VSpace
 * must not bring what it held along (a Frame deleted meanwhile). */
void test_iso_vspace_deleted_under_table(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t vs = kt_new(&h, KOZO_OBJ_VSPACE, 0);
	word_t asid = asid_of(&h, vs);
	word_t t[3];
	CHECK("tables_mapped", map_tables(&h, vs, VA_A, t));
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0);
	CHECK_ERR("map_frame", map_frame(&h, f, vs, VA_A), KOZO_OK);
	CHECK("reachable_in_vs", reachable(&h, vs, VA_A));
	CHECK("tlb_holds_it", h.m->tlb[(h.m->tlb_next - 1) % HOST_TLB_ENTRIES].valid);
	CHECK_ERR("delete_vspace", kt_delete(&h, vs), KOZO_OK);
	CHECK("asid_freed", h.k->asids[asid].root == NULL);
	bool tlb_clean = true;
	for (unsigned i = 0; i < HOST_TLB_ENTRIES; i++)
		tlb_clean &= !(h.m->tlb[i].valid && h.m->tlb[i].asid == asid);
	CHECK("asid_flushed", tlb_clean);
	CHECK_ERR("delete_frame", kt_delete(&h, f), KOZO_OK);
	CHECK_ERR("mapped_l1_cannot_map", map_table(&h, t[0], KOZO_CAP_INIT_VSPACE, VA_B),
		  KOZO_ERR_INVALID_CAPABILITY);
	CHECK_ERR("unmap_l1", unmap(&h, t[0], true), KOZO_OK);
	CHECK_ERR("l1_into_init", map_table(&h, t[0], KOZO_CAP_INIT_VSPACE, VA_B), KOZO_OK);
	CHECK("old_subtree_unreachable", !reachable(&h, KOZO_CAP_INIT_VSPACE, VA_B));
	kt_check_invariants(&h, "invariants_after_move");
	/* A new VSpace gets the same ASID (the allocator's round robin moved
	 * on to it): nothing of the old one shows. */
	h.k->next_asid = asid;
	word_t again = kt_new(&h, KOZO_OBJ_VSPACE, 0);
	CHECK_EQ("asid_reused", asid_of(&h, again), asid);
	CHECK("reused_asid_empty", !reachable(&h, again, VA_A));
	kt_check_invariants(&h, "invariants_after_reuse");
	kt_end(&h);
}

/* Variant: a freed table remapped as a Frame.  The L3's capability is
 * deleted while its (unmapped) L2 still links it; the L2 goes back in, the
 * L3's page becomes a writable Frame, and the attacker writes a table entry
 * naming a kernel object into it. */
void test_iso_freed_table_as_frame(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t vs = KOZO_CAP_INIT_VSPACE;
	word_t t[3];
	CHECK("l1_l2", map_tables(&h, vs, VA_A, t));
	CHECK_ERR("unmap_first_l3", unmap(&h, t[2], true), KOZO_OK);
	word_t ut = kt_new_untyped(&h, KOZO_PAGE_SIZE_BITS);
	word_t l3 = host_slot_alloc(&h, 1);
	CHECK_ERR("l3_from_small_untyped", host_retype(&h, ut, KOZO_OBJ_PT_L3, 0, l3, 1), KOZO_OK);
	uintptr_t page = kt_slot(&h, l3)->cap.obj;
	CHECK_ERR("map_l3", map_table(&h, l3, vs, VA_A), KOZO_OK);
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0);
	CHECK_ERR("map_frame", map_frame(&h, f, vs, VA_A), KOZO_OK);
	CHECK_ERR("unmap_l2", unmap(&h, t[1], true), KOZO_OK);
	CHECK_ERR("delete_l3", kt_delete(&h, l3), KOZO_OK);
	CHECK_ERR("remap_l2", map_table(&h, t[1], vs, VA_A), KOZO_OK);
	word_t x = host_slot_alloc(&h, 1);
	CHECK_ERR("frame_over_old_l3", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, x, 1), KOZO_OK);
	CHECK_EQ("frame_landed_on_l3", kt_slot(&h, x)->cap.obj, page);
	/* What the attacker would write through a mapping of x. */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t forged = arch_pte_page(arch_kernel_to_phys((void *)(kt_slot(&h, ep)->cap.obj & ~0xfffull)),
				      KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false);
	((word_t *)page)[(VA_A >> 12) & 511] = forged;
	CHECK("kernel_object_unreachable", !reachable(&h, vs, VA_A));
	kt_check_invariants(&h, "invariants");
	kt_end(&h);
}

/* Attack 2: a page table's unmap must flush its whole address space, not
 * the one page at the table's base; a Frame's unmap flushes its page. */
void test_iso_tlb_table_unmap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t vs = KOZO_CAP_INIT_VSPACE;
	word_t asid = asid_of(&h, vs), t[3];
	CHECK("tables_mapped", map_tables(&h, vs, VA_A, t));
	word_t ut = kt_new_untyped(&h, KOZO_PAGE_SIZE_BITS);
	word_t f = host_slot_alloc(&h, 1), g = kt_new(&h, KOZO_OBJ_FRAME, 0);
	CHECK_ERR("frame", host_retype(&h, ut, KOZO_OBJ_FRAME, 0, f, 1), KOZO_OK);
	CHECK_ERR("map_f", map_frame(&h, f, vs, VA_A + 5 * KOZO_PAGE_SIZE), KOZO_OK);
	CHECK_ERR("map_g", map_frame(&h, g, vs, VA_A + 7 * KOZO_PAGE_SIZE), KOZO_OK);
	CHECK("touch_f", reachable(&h, vs, VA_A + 5 * KOZO_PAGE_SIZE));
	CHECK("touch_g", reachable(&h, vs, VA_A + 7 * KOZO_PAGE_SIZE));
	CHECK_ERR("unmap_g", unmap(&h, g, false), KOZO_OK);
	bool g_gone = true, f_kept = false;
	for (unsigned i = 0; i < HOST_TLB_ENTRIES; i++) {
		const struct host_tlb_entry *e = &h.m->tlb[i];
		g_gone &= !(e->valid && e->asid == asid && e->vaddr == VA_A + 7 * KOZO_PAGE_SIZE);
		f_kept |= e->valid && e->asid == asid && e->vaddr == VA_A + 5 * KOZO_PAGE_SIZE;
	}
	CHECK("frame_unmap_flushes_its_page", g_gone);
	CHECK("frame_unmap_keeps_others", f_kept);
	uint64_t flushes = h.m->tlb_asid_flushes;
	CHECK_ERR("unmap_l3", unmap(&h, t[2], true), KOZO_OK);
	CHECK_EQ("table_unmap_flushes_the_space", h.m->tlb_asid_flushes, flushes + 1);
	bool clean = true;
	for (unsigned i = 0; i < HOST_TLB_ENTRIES; i++)
		clean &= !(h.m->tlb[i].valid && h.m->tlb[i].asid == asid &&
			   h.m->tlb[i].vaddr >= VA_A && h.m->tlb[i].vaddr < VA_A + (2u << 20));
	CHECK("no_stale_translation", clean);
	/* The stale entry would now lead into a CNode. */
	CHECK_ERR("delete_f", kt_delete(&h, f), KOZO_OK);
	word_t cn = host_slot_alloc(&h, 1);
	CHECK_ERR("cnode_over_f", host_retype(&h, ut, KOZO_OBJ_CNODE, 6, cn, 1), KOZO_OK);
	kt_check_invariants(&h, "invariants");
	kt_end(&h);
}

/* Attack 3: the IPC buffer needs a Frame with the Write right, of RAM;
 * checked at Configure and again where the kernel writes the buffer. */
void test_iso_ipc_buffer_rights(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ts;
	struct tcb *t;
	CHECK_ERR("spawn", host_spawn(&h, 10, &ts, &t), KOZO_OK);
	word_t f = kt_new(&h, KOZO_OBJ_FRAME, 0), ro = host_slot_alloc(&h, 1);
	CHECK_ERR("read_only_copy", kt_copy(&h, ro, f, KOZO_RIGHT_READ), KOZO_OK);
	const word_t cfg[3] = { 0, 10, 0x10000000 };
	word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, ro };
	CHECK_ERR("read_only_refused",
		  host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK("old_buffer_kept", t->slots[TCB_IPC_FRAME].cap.rights & KOZO_RIGHT_WRITE);
	/* A device Frame (the host machine has no device memory: the flag
	 * Retype sets from a device Untyped, on a RAM Frame). */
	word_t dev = kt_new(&h, KOZO_OBJ_FRAME, 0);
	kt_slot(&h, dev)->cap.flags |= CAP_FLAG_DEVICE;
	caps[2] = dev;
	CHECK_ERR("device_refused",
		  host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0),
		  KOZO_ERR_INVALID_CAPABILITY);
	kt_slot(&h, dev)->cap.flags = 0;
	caps[2] = f;
	CHECK_ERR("writable_accepted",
		  host_invoke(&h, h.init, ts, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0), KOZO_OK);
	/* At use: a buffer capability without Write (as only a broken
	 * Configure could leave) is no buffer: a long message is cut to the
	 * register part and nothing is written to the page. */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	uint8_t *page = (uint8_t *)kt_slot(&h, f)->cap.obj;
	t->slots[TCB_IPC_FRAME].cap.rights = KOZO_RIGHT_READ;
	CHECK("no_buffer_without_write", tcb_ipc_buffer(t) == NULL);
	host_syscall(&h, t, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	struct host_msg m = { .label = 5, .len = 10 };
	for (unsigned i = 0; i < 10; i++)
		m.mr[i] = 0x1111 * (i + 1);
	host_send_msg(&h, h.init, KOZO_SYS_SEND, ep, &m, NULL);
	CHECK_EQ("message_cut", kozo_msginfo_length(t->ctx.regs[ARCH_REG_INFO]), KOZO_FASTPATH_MRS);
	CHECK("page_untouched", kt_all_zero(page, KOZO_PAGE_SIZE));
	t->slots[TCB_IPC_FRAME].cap.rights = KOZO_RIGHTS_ALL;
	kt_end(&h);
}

/* Attack 4: a handler that accepts a new Call before replying to a fault
 * drops the faulted thread; the fault goes with its state, so after a
 * Resume its plain Send is a plain message again. */
void test_iso_fault_not_stale(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), other = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t fs;
	struct tcb *handler, *faulter, *c2;
	host_spawn(&h, 100, NULL, &handler);
	host_spawn(&h, 10, &fs, &faulter);
	host_spawn(&h, 10, NULL, &c2);
	const word_t cfg[3] = { ep, 10, 0 };
	const word_t caps[3] = { KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, fs + 1 };
	CHECK_ERR("configure", host_invoke(&h, h.init, fs, KOZO_TCB_CONFIGURE, cfg, 3, caps, 3, NULL, 0),
		  KOZO_OK);
	host_syscall(&h, handler, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	host_fault(&h, faulter, KOZO_FAULT_VM, 0xdead000, 4, 14, false);
	CHECK_EQ("fault_delivered", kozo_msginfo_label(handler->ctx.regs[ARCH_REG_INFO]), KOZO_FAULT_VM);
	CHECK_EQ("faulter_waits", faulter->state, THREAD_BLOCKED_REPLY);
	/* A Call accepted on top of the unanswered fault. */
	host_syscall(&h, handler, KOZO_SYS_RECV, ep, 0, NULL, NULL);
	host_syscall(&h, c2, KOZO_SYS_CALL, ep, kozo_msginfo(3, 0, 0, 0), NULL, NULL);
	CHECK_EQ("faulter_dropped", faulter->state, THREAD_INACTIVE);
	CHECK_EQ("no_fault_left", faulter->pending_fault, 0);
	CHECK_ERR("resume", host_invoke(&h, h.init, fs, KOZO_TCB_RESUME, NULL, 0, NULL, 0, NULL, 0),
		  KOZO_OK);
	/* The handler answers c2, then waits on another endpoint. */
	host_syscall(&h, handler, KOZO_SYS_REPLY, 0, 0, NULL, NULL);
	host_syscall(&h, handler, KOZO_SYS_RECV, other, 0, NULL, NULL);
	const word_t mr[4] = { 0x41 };
	host_syscall(&h, faulter, KOZO_SYS_SEND, other, kozo_msginfo(0x77, 0, 0, 1), mr, NULL);
	CHECK_EQ("plain_label", kozo_msginfo_label(handler->ctx.regs[ARCH_REG_INFO]), 0x77);
	CHECK_EQ("plain_mr0", handler->ctx.regs[ARCH_REG_MR0], 0x41);
	CHECK("no_reply_right", handler->reply_to == NULL);
	CHECK_EQ("sender_runs_on", faulter->state, THREAD_RUNNABLE);
	kt_check_invariants(&h, "invariants");
	kt_end(&h);
}

/* DEBUG_PUTCHAR needs a Debug capability with the Write right. */
void test_iso_debug_putchar_cap(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	const word_t z[4] = { 'Z' }, y[4] = { 'Y' };
	host_console_clear(h.m);
	CHECK_ERR("without_cap", host_syscall(&h, h.init, KOZO_SYS_DEBUG_PUTCHAR, 0, 0, z, NULL),
		  KOZO_ERR_FAILED_LOOKUP);
	CHECK_ERR("other_cap", host_syscall(&h, h.init, KOZO_SYS_DEBUG_PUTCHAR, KOZO_CAP_INIT_CNODE, 0, z, NULL),
		  KOZO_ERR_INVALID_CAPABILITY);
	word_t ro = host_slot_alloc(&h, 1);
	CHECK_ERR("read_only_debug", kt_copy(&h, ro, KOZO_CAP_DEBUG, KOZO_RIGHT_READ), KOZO_OK);
	CHECK_ERR("without_write", host_syscall(&h, h.init, KOZO_SYS_DEBUG_PUTCHAR, ro, 0, z, NULL),
		  KOZO_ERR_INSUFFICIENT_RIGHTS);
	CHECK("console_untouched", h.m->console_len == 0);
	CHECK_ERR("with_cap", host_syscall(&h, h.init, KOZO_SYS_DEBUG_PUTCHAR, KOZO_CAP_DEBUG, 0, y, NULL),
		  KOZO_OK);
	CHECK("console_has_it", strcmp(h.m->console, "Y") == 0);
	kt_end(&h);
}

/* Unmap through a stale record (the Frame's table was unmapped and
 * emptied, then mapped again with another Frame at the same address)
 * clears the record only: the other Frame's mapping stays. */
void test_iso_stale_unmap_spares_new_mapping(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t vs = kt_new(&h, KOZO_OBJ_VSPACE, 0), t[3];
	word_t fa = kt_new(&h, KOZO_OBJ_FRAME, 0), fb = kt_new(&h, KOZO_OBJ_FRAME, 0);
	if (!vs || !fa || !fb || !CHECK("tables", map_tables(&h, vs, VA_A, t)))
		return kt_end(&h);
	CHECK_ERR("map_a", map_frame(&h, fa, vs, VA_A), KOZO_OK);
	CHECK_ERR("unmap_l3", unmap(&h, t[2], true), KOZO_OK);
	CHECK("a_unreachable", !reachable(&h, vs, VA_A));
	CHECK_ERR("remap_l3", map_table(&h, t[2], vs, VA_A), KOZO_OK);
	CHECK_ERR("map_b", map_frame(&h, fb, vs, VA_A), KOZO_OK);
	CHECK_ERR("unmap_a_stale", unmap(&h, fa, false), KOZO_OK);
	CHECK("a_record_cleared", !cap_mapped(&kt_slot(&h, fa)->cap));
	CHECK("b_record_kept", cap_mapped(&kt_slot(&h, fb)->cap));
	word_t e = kt_pte(root_of(&h, vs), VA_A);
	CHECK("b_still_mapped", arch_pte_present(e) &&
				arch_pte_addr(e) == arch_kernel_to_phys(host_object(&h, fb)));
	CHECK("b_reachable", reachable(&h, vs, VA_A));
	kt_check_invariants(&h, "invariants");
	kt_end(&h);
}
