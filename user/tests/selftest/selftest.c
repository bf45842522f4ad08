/* selftest: prove that retyped objects are real.  From one idle Untyped,
 * retype Frames, a VSpace and its tables, a TCB, a CNode and an Endpoint;
 * build an address space holding a copy of the child program, start the
 * thread there, exchange messages both ways, then revoke the Untyped and
 * check its space comes back.
 *
 *   child vspace:  CHILD_CODE  code frame (r-x), copy of the cap Init used
 *                  CHILD_STACK stack frame (rw-)
 *   child cspace:  radix-4 CNode, guard 60 bits: slot 1 = endpoint badge
 *                  SELFTEST_BADGE
 *   fault handler: the same endpoint, badge FAULT_BADGE, so a crashing
 *                  child shows up in Init's Recv instead of hanging it */
#include "tests.h"
#include "invoke.h"
#include <printf.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>

#define CHILD_CODE 0x400000ull
#define CHILD_STACK 0x5ff000ull
#define CHILD_RADIX 4
#define CHILD_EP_SLOT 1
#define SELFTEST_BADGE 0x77
#define FAULT_BADGE 0x66

struct selftest {
	uint64_t ut;
	uint64_t code, stack, vspace, l1, l2, l3, tcb, cnode, ep;
	uint64_t code_copy, cspace, fault_ep;
};

static int derive_one(uint64_t src, bool mint, uint64_t badge, uint64_t *slot)
{
	uint64_t s = slots_alloc(1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = mint ? kozo_cnode_mint(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE,
					 src, INIT_DEPTH, KOZO_RIGHTS_ALL, badge)
		       : kozo_cnode_copy(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE,
					 src, INIT_DEPTH, KOZO_RIGHTS_ALL);
	if (err)
		return err;
	slots_record(s, slot_get(src)->type, KOZO_RIGHTS_ALL, badge, src, 0, 0);
	*slot = s;
	return KOZO_OK;
}

#define TRY(what, expr)                                                              \
	do {                                                                         \
		int err_ = (expr);                                                   \
		if (err_) {                                                          \
			printf("selftest: %s: error: %s\n", what,                    \
			       kozo_error_name((unsigned)err_));                     \
			return false;                                                \
		}                                                                    \
	} while (0)

static bool make_objects(struct selftest *t)
{
	/* Frames first: they land at the Untyped's base, which the final
	 * check looks for again. */
	TRY("retype code frame", slots_retype_one(t->ut, KOZO_OBJ_FRAME, 0, &t->code));
	TRY("retype stack frame", slots_retype_one(t->ut, KOZO_OBJ_FRAME, 0, &t->stack));
	TRY("retype vspace", slots_retype_one(t->ut, KOZO_OBJ_VSPACE, 0, &t->vspace));
	TRY("retype pt-l1", slots_retype_one(t->ut, KOZO_OBJ_PT_L1, 0, &t->l1));
	TRY("retype pt-l2", slots_retype_one(t->ut, KOZO_OBJ_PT_L2, 0, &t->l2));
	TRY("retype pt-l3", slots_retype_one(t->ut, KOZO_OBJ_PT_L3, 0, &t->l3));
	TRY("retype tcb", slots_retype_one(t->ut, KOZO_OBJ_TCB, 0, &t->tcb));
	TRY("retype cnode", slots_retype_one(t->ut, KOZO_OBJ_CNODE, CHILD_RADIX, &t->cnode));
	TRY("retype endpoint", slots_retype_one(t->ut, KOZO_OBJ_ENDPOINT, 0, &t->ep));
	printf("selftest: retyped frame frame vspace pt-l1 pt-l2 pt-l3 tcb cnode endpoint "
	       "into slots %lu..%lu from untyped %lu\n", t->code, t->ep, t->ut);
	return true;
}

static bool build_address_space(struct selftest *t)
{
	size_t len = (size_t)(child_text_end - child_text_start);
	if (len > KOZO_PAGE_SIZE) {
		printf("selftest: child program is %zu bytes, more than a page\n", len);
		return false;
	}
	/* Fill the code frame through Init's own window, then hand a copy of
	 * the cap to the child's space (a frame cap maps once). */
	TRY("scratch tables", init_scratch_window());
	TRY("map code frame in init",
	    kozo_frame_map(t->code, KOZO_CAP_INIT_VSPACE, SCRATCH_VADDR,
			   KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
	memset((void *)SCRATCH_VADDR, 0xcc, KOZO_PAGE_SIZE); /* int3 around the code */
	memcpy((void *)SCRATCH_VADDR, child_text_start, len);
	TRY("unmap code frame", kozo_frame_unmap(t->code));
	TRY("copy code frame cap", derive_one(t->code, false, 0, &t->code_copy));

	uint64_t tables[3] = { t->l1, t->l2, t->l3 };
	TRY("map child tables", init_map_tables(t->vspace, CHILD_CODE, tables));
	TRY("map child code", kozo_frame_map(t->code_copy, t->vspace, CHILD_CODE,
					     KOZO_RIGHT_READ, true));
	TRY("map child stack", kozo_frame_map(t->stack, t->vspace, CHILD_STACK,
					      KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
	return true;
}

static bool build_cspace(struct selftest *t)
{
	TRY("mint endpoint into child cnode",
	    kozo_cnode_mint(t->cnode, CHILD_EP_SLOT, CHILD_RADIX, KOZO_CAP_INIT_CNODE, t->ep,
			    INIT_DEPTH, KOZO_RIGHTS_ALL, SELFTEST_BADGE));
	TRY("mint fault endpoint", derive_one(t->ep, true, FAULT_BADGE, &t->fault_ep));
	/* A guard of 64 - radix zero bits makes the child's cptrs plain slot
	 * numbers at depth 64 (the CNode badge is guard_bits | guard << 6). */
	TRY("mint guarded cspace", derive_one(t->cnode, true, 64 - CHILD_RADIX, &t->cspace));
	return true;
}

static bool start_child(struct selftest *t)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	uint64_t entry = CHILD_CODE + (uint64_t)((const char *)child_entry - child_text_start);
	kozo_arch_thread_regs(regs, entry, CHILD_STACK + KOZO_PAGE_SIZE - 8, CHILD_EP_SLOT, 0);
	TRY("configure tcb", kozo_tcb_configure(t->tcb, t->fault_ep, init_priority,
						t->cspace, t->vspace, 0, 0));
	TRY("write registers", kozo_tcb_write_registers(t->tcb, false, KOZO_ARCH_REG_COUNT, regs));
	TRY("resume", kozo_tcb_resume(t->tcb));
	return true;
}

/* The child's fault handler is this same endpoint, under FAULT_BADGE. */
static bool child_faulted(uint64_t info, uint64_t badge, const uint64_t mr[4])
{
	if (badge != FAULT_BADGE)
		return false;
	printf("selftest: child faulted (%s fault): ip 0x%lx addr 0x%lx: FAILED\n",
	       kozo_msginfo_label(info) == KOZO_FAULT_VM ? "VM" : "other", mr[0], mr[1]);
	return true;
}

static bool converse(struct selftest *t)
{
	uint64_t mr[4] = { 0 }, badge, info;
	info = kozo_recv(t->ep, &badge, mr);
	if (child_faulted(info, badge, mr))
		return false;
	if (kozo_msginfo_label(info) != CHILD_LABEL_ADD || badge != SELFTEST_BADGE ||
	    mr[0] != CHILD_ARG_A || mr[1] != CHILD_ARG_B) {
		printf("selftest: unexpected first message: label %lu badge 0x%lx mr %lu %lu: "
		       "FAILED\n", kozo_msginfo_label(info), badge, mr[0], mr[1]);
		return false;
	}
	uint64_t sum = mr[0] + mr[1];
	printf("selftest: child sent %lu + %lu via endpoint badge 0x%lx; replying %lu\n",
	       mr[0], mr[1], badge, sum);
	mr[0] = sum;
	info = kozo_reply_recv(t->ep, kozo_msginfo(0, 0, 0, 1), mr, &badge);
	if (child_faulted(info, badge, mr))
		return false;
	if (kozo_msginfo_label(info) != CHILD_LABEL_ECHO || badge != SELFTEST_BADGE ||
	    mr[0] != sum + 1) {
		printf("selftest: unexpected second message: label %lu badge 0x%lx mr0 %lu: "
		       "FAILED\n", kozo_msginfo_label(info), badge, mr[0]);
		return false;
	}
	printf("selftest: child replied %lu via endpoint badge 0x%lx: ok\n", mr[0], badge);
	/* Let it run on to its last Call, then leave it blocked there. */
	uint64_t none[4] = { 0 };
	kozo_reply(kozo_msginfo(0, 0, 0, 0), none);
	info = kozo_recv(t->ep, &badge, mr);
	return kozo_msginfo_label(info) == CHILD_LABEL_DONE;
}

/* Revoke the Untyped and show its space is whole again: a new Frame
 * lands at its base. */
static bool check_reset(struct selftest *t, uint64_t base)
{
	TRY("revoke untyped", kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, t->ut, INIT_DEPTH));
	slots_forget_children(t->ut);
	uint64_t size = 1ull << slot_get(t->ut)->size_bits;
	uint64_t frame, paddr;
	TRY("retype after revoke", slots_retype_one(t->ut, KOZO_OBJ_FRAME, 0, &frame));
	int err = kozo_frame_get_address(frame, &paddr);
	init_free_slot(frame);
	TRY("frame address", err);
	bool ok = paddr == base && untyped_free_bytes(t->ut) == size;
	printf("selftest: revoked untyped %lu; new frame at 0x%lx, %lu bytes free: %s\n",
	       t->ut, paddr, untyped_free_bytes(t->ut), ok ? "ok" : "FAILED");
	return ok;
}

static void cmd_selftest(int argc, char **argv)
{
	struct selftest t = { 0 };
	t.ut = init_find_idle_untyped(16);
	if (!t.ut) {
		printf("selftest: no idle untyped of 64 KiB or more: FAILED\n");
		return;
	}
	bool ok = make_objects(&t);
	uint64_t base = 0;
	if (ok && kozo_frame_get_address(t.code, &base) == KOZO_OK && base != slot_get(t.ut)->paddr)
		printf("selftest: first frame at 0x%lx, untyped base 0x%lx\n", base,
		       slot_get(t.ut)->paddr);
	ok = ok && build_address_space(&t) && build_cspace(&t) && start_child(&t) &&
	     converse(&t);
	if (t.tcb)
		kozo_tcb_suspend(t.tcb);
	/* Everything came from t.ut: one revoke takes it all back. */
	ok = check_reset(&t, slot_get(t.ut)->paddr) && ok;
	printf("selftest: %s\n", ok ? "all ok" : "FAILED");
}

const struct test_program test_program = { "selftest", "", cmd_selftest };
