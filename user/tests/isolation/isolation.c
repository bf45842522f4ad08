/* isolation: issue 12's attacks on memory isolation, tried from user space
 * as a memory manager holding Untyped, VSpace and page-table capabilities
 * would.  Each ends with a probe thread (Init's address space, its own
 * stack) reading the address the attack aimed at: the read must fault
 * (the fault comes to Init, which reports it and carries on); should it
 * succeed, the probe says so and the attack is reported FAILED.
 *
 *   table-unmap   a table unmapped and remapped elsewhere brings a deleted
 *                 Frame's entry along; the Frame's page is now a CNode
 *   table-copy    a page-table capability copied (to map it twice)
 *   vspace-delete a VSpace deleted under its tables; one moves to Init's
 *   freed-table   a freed table still linked, its page made a writable
 *                 Frame holding a forged entry
 *   tlb           a table unmapped after the probe cached a translation
 *                 through it; the page becomes a CNode
 *   ipc-buffer    a read-only (and a device) Frame as IPC buffer
 *   stale-fault   a fault handler accepts a new Call before replying; the
 *                 faulted thread, resumed, must send a plain message
 *   putchar       DEBUG_PUTCHAR without a Debug capability
 *
 * Each line ends "ok" (the attack failed) or "FAILED"; the last line
 * counts them. */
#include "tests.h"
#include "invoke.h"
#include <printf.h>
#include <syscall.h>
#include <thread_arch.h>

#define FAULT_BADGE 0xf1
#define REPORT_BADGE 0xb2
#define CALLER_BADGE 0xca
#define SENDER_BADGE 0x5e
#define PLAIN_LABEL 0x77
#define MiB (1ull << 20)
/* Level-0 entries Init does not use (selftest's scratch is at 0x1000...,
 * the console's MMIO at 0x2000..., the Linux server's window at 0x4000...). */
#define VA_A 0x300000000000ull
#define VA_B 0x380000000000ull

static uint64_t probe_stack[512] __attribute__((aligned(16)));
static uint64_t caller_stack[512] __attribute__((aligned(16)));
static volatile uint64_t probe_addr;
static uint64_t report_cptr, caller_cptr, sender_cptr, park_cptr;

struct iso {
	uint64_t probe, caller;      /* TCBs */
	uint64_t ep, fault, report, call, send, park;
	unsigned ok, failed;
};
static struct iso iso;

/* ---- the threads ---- */

static _Noreturn void probe_entry(void)
{
	for (;;) {
		uint64_t mr[4] = { *(volatile uint64_t *)probe_addr, 0, 0, 0 };
		kozo_call(report_cptr, kozo_msginfo(1, 0, 0, 1), mr);
	}
}

/* The stale-fault attack resumes the probe here: one plain Send. */
static _Noreturn void sender_entry(void)
{
	uint64_t mr[4] = { 0x41, 0, 0, 0 }, badge;
	kozo_send(sender_cptr, kozo_msginfo(PLAIN_LABEL, 0, 0, 1), mr);
	for (;;)
		kozo_recv(park_cptr, &badge, mr);
}

static _Noreturn void caller_entry(void)
{
	for (;;) {
		uint64_t mr[4] = { 0, 0, 0, 0 };
		kozo_call(caller_cptr, kozo_msginfo(3, 0, 0, 0), mr);
	}
}

static int start(uint64_t tcb, void (*entry)(void), uint64_t *stack)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_tcb_suspend(tcb);
	kozo_arch_thread_regs(regs, (uint64_t)entry, (uint64_t)&stack[512] - 8, 0, 0);
	return kozo_tcb_write_registers(tcb, true, KOZO_ARCH_REG_COUNT, regs);
}

/* Can a thread of Init's address space read addr?  1 yes, 0 no (it
 * faulted there), -1 something else happened. */
static int probe(uint64_t addr)
{
	uint64_t mr[4] = { 0 }, badge;
	probe_addr = addr;
	if (start(iso.probe, probe_entry, probe_stack))
		return -1;
	uint64_t info = kozo_recv(iso.ep, &badge, mr);
	if (badge == REPORT_BADGE)
		return 1;
	if (badge == FAULT_BADGE && kozo_msginfo_label(info) == KOZO_FAULT_VM && mr[1] == addr)
		return 0;
	printf("isolation: probe of 0x%lx: badge 0x%lx label %lu\n", addr, badge,
	       kozo_msginfo_label(info));
	return -1;
}

/* ---- results ---- */

static void result(const char *name, bool held, const char *how)
{
	printf("isolation: %-13s %s: %s\n", name, how, held ? "ok" : "FAILED");
	if (held)
		iso.ok++;
	else
		iso.failed++;
}

#define STEP(expr)                                                                   \
	do {                                                                         \
		int e_ = (expr);                                                     \
		if (e_) {                                                            \
			printf("isolation: %s: %s at line %d: FAILED\n", #expr,     \
			       kozo_error_name((unsigned)e_), __LINE__);             \
			iso.failed++;                                                \
			goto out;                                                    \
		}                                                                    \
	} while (0)

static int new_obj(unsigned type, unsigned bits, uint64_t *slot)
{
	return init_alloc_object(type, bits, slot);
}

static int pt_unmap(uint64_t pt)
{
	return kozo_invoke(pt, KOZO_PAGE_TABLE_UNMAP, NULL, 0, NULL, 0, NULL, 0);
}

/* L1, L2 and L3 tables at va in vspace. */
static int tables(uint64_t vspace, uint64_t va, uint64_t t[3])
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	for (unsigned i = 0; i < 3; i++) {
		int err = new_obj(types[i], 0, &t[i]);
		if (!err)
			err = kozo_page_table_map(t[i], vspace, va);
		if (err)
			return err;
	}
	return KOZO_OK;
}

static void free_all(uint64_t *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (s[i])
			init_free_slot(s[i]);
}

#define RW (KOZO_RIGHT_READ | KOZO_RIGHT_WRITE)

/* ---- the attacks ---- */

static void attack_table_unmap(void)
{
	uint64_t t[3] = { 0 }, o[3] = { 0 };   /* o: untyped, frame, cnode */
	STEP(tables(KOZO_CAP_INIT_VSPACE, VA_A, t));
	STEP(new_obj(KOZO_OBJ_UNTYPED, 12, &o[0]));
	STEP(slots_retype_one(o[0], KOZO_OBJ_FRAME, 0, &o[1]));
	STEP(kozo_frame_map(o[1], KOZO_CAP_INIT_VSPACE, VA_A, RW, false));
	*(volatile uint64_t *)VA_A = 0x6b6f7a6f;
	STEP(pt_unmap(t[2]));
	STEP(kozo_page_table_map(t[2], KOZO_CAP_INIT_VSPACE, VA_A + 2 * MiB));
	init_free_slot(o[1]);
	o[1] = 0;
	STEP(slots_retype_one(o[0], KOZO_OBJ_CNODE, 6, &o[2]));
	result("table-unmap", probe(VA_A + 2 * MiB) == 0, "deleted frame behind a moved table");
out:
	free_all(o, 3);
	free_all(t, 3);
}

static void attack_table_copy(void)
{
	uint64_t pt = 0, copy;
	STEP(new_obj(KOZO_OBJ_PT_L3, 0, &pt));
	copy = slots_alloc(1);   /* a slot is taken only once recorded */
	int err = kozo_cnode_copy(KOZO_CAP_INIT_CNODE, copy, INIT_DEPTH, KOZO_CAP_INIT_CNODE, pt,
				  INIT_DEPTH, KOZO_RIGHTS_ALL);
	if (!err) {
		slots_record(copy, KOZO_OBJ_PT_L3, KOZO_RIGHTS_ALL, 0, pt, 0, 0);
		init_free_slot(copy);
	}
	result("table-copy", err == KOZO_ERR_ILLEGAL_OPERATION, kozo_error_name((unsigned)err));
out:
	free_all(&pt, 1);
}

static void attack_vspace_delete(void)
{
	uint64_t vs = 0, t[3] = { 0 }, f = 0;
	STEP(new_obj(KOZO_OBJ_VSPACE, 0, &vs));
	STEP(tables(vs, VA_A, t));
	STEP(new_obj(KOZO_OBJ_FRAME, 0, &f));
	STEP(kozo_frame_map(f, vs, VA_A, RW, false));
	init_free_slot(vs);
	vs = 0;
	init_free_slot(f);
	f = 0;
	STEP(pt_unmap(t[0]));
	STEP(kozo_page_table_map(t[0], KOZO_CAP_INIT_VSPACE, VA_B));
	result("vspace-delete", probe(VA_B) == 0, "old subtree after moving its L1");
out:
	free_all(&f, 1);
	free_all(t, 3);
	free_all(&vs, 1);
}

/* A table entry naming page p, user read/write, as the MMU reads it. */
static uint64_t forged_entry(uint64_t p)
{
#ifdef __aarch64__
	return p | 3 | (1ull << 2) | (1ull << 6) | (3ull << 8) | (1ull << 10) | (1ull << 11) |
	       (3ull << 53);
#else
	return p | 7;
#endif
}

static void attack_freed_table(void)
{
	uint64_t t[3] = { 0 }, o[6] = { 0 };   /* ut, l3, frame, x, ut2, cnode */
	uint64_t victim = 0, vp = 0;
	STEP(tables(KOZO_CAP_INIT_VSPACE, VA_A, t));
	STEP(pt_unmap(t[2]));
	STEP(new_obj(KOZO_OBJ_UNTYPED, 12, &o[0]));
	STEP(slots_retype_one(o[0], KOZO_OBJ_PT_L3, 0, &o[1]));
	STEP(kozo_page_table_map(o[1], KOZO_CAP_INIT_VSPACE, VA_A));
	STEP(new_obj(KOZO_OBJ_FRAME, 0, &o[2]));
	STEP(kozo_frame_map(o[2], KOZO_CAP_INIT_VSPACE, VA_A, RW, false));
	STEP(pt_unmap(t[1]));
	init_free_slot(o[1]);
	o[1] = 0;
	STEP(kozo_page_table_map(t[1], KOZO_CAP_INIT_VSPACE, VA_A));
	STEP(slots_retype_one(o[0], KOZO_OBJ_FRAME, 0, &o[3]));
	/* The victim: a page that becomes a CNode. */
	STEP(new_obj(KOZO_OBJ_UNTYPED, 12, &o[4]));
	STEP(slots_retype_one(o[4], KOZO_OBJ_FRAME, 0, &victim));
	STEP(kozo_frame_get_address(victim, &vp));
	init_free_slot(victim);
	STEP(slots_retype_one(o[4], KOZO_OBJ_CNODE, 6, &o[5]));
	/* The attacker's window on it: the first L3, free again, at +2 MiB. */
	STEP(kozo_page_table_map(t[2], KOZO_CAP_INIT_VSPACE, VA_A + 2 * MiB));
	STEP(kozo_frame_map(o[3], KOZO_CAP_INIT_VSPACE, VA_A + 2 * MiB, RW, false));
	((volatile uint64_t *)(VA_A + 2 * MiB))[0] = forged_entry(vp);
	result("freed-table", probe(VA_A) == 0, "forged entry in a freed table's page");
out:
	free_all(o, 6);
	free_all(t, 3);
}

static bool tlb_clean_after(uint64_t l3, uint64_t frame, uint64_t ut, uint64_t *cnode)
{
	if (pt_unmap(l3))
		return false;
	init_free_slot(frame);
	return slots_retype_one(ut, KOZO_OBJ_CNODE, 6, cnode) == KOZO_OK;
}

static void attack_tlb(void)
{
	uint64_t t[3] = { 0 }, o[3] = { 0 };   /* ut, frame, cnode */
	const uint64_t va = VA_A + 5 * 4096;
	STEP(tables(KOZO_CAP_INIT_VSPACE, VA_A, t));
	STEP(new_obj(KOZO_OBJ_UNTYPED, 12, &o[0]));
	STEP(slots_retype_one(o[0], KOZO_OBJ_FRAME, 0, &o[1]));
	STEP(kozo_frame_map(o[1], KOZO_CAP_INIT_VSPACE, va, RW, false));
	if (probe(va) != 1) {
		result("tlb", false, "the probe could not read a mapped page");
		goto out;
	}
	if (!tlb_clean_after(t[2], o[1], o[0], &o[2])) {
		printf("isolation: tlb: setting up failed\n");
		goto out;
	}
	o[1] = 0;
	result("tlb", probe(va) == 0, "cached translation after its table's unmap");
out:
	free_all(o, 3);
	free_all(t, 3);
}

static void attack_ipc_buffer(void)
{
	uint64_t f = 0, ro, tcb = 0;
	STEP(new_obj(KOZO_OBJ_TCB, 0, &tcb));
	STEP(new_obj(KOZO_OBJ_FRAME, 0, &f));
	ro = slots_alloc(1);
	STEP(kozo_cnode_copy(KOZO_CAP_INIT_CNODE, ro, INIT_DEPTH, KOZO_CAP_INIT_CNODE, f,
			     INIT_DEPTH, KOZO_RIGHT_READ));
	slots_record(ro, KOZO_OBJ_FRAME, KOZO_RIGHT_READ, 0, f, 0, 0);
	int err = kozo_tcb_configure(tcb, 0, 1, KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE,
				     VA_A, ro);
	result("ipc-buffer", err == KOZO_ERR_INSUFFICIENT_RIGHTS, "read-only frame");
	init_free_slot(ro);
	/* A device Frame, from a device Untyped nobody uses yet. */
	for (uint64_t s = startup->untyped.start; s < startup->untyped.end; s++) {
		struct slot_info *e = slot_get(s);
		uint64_t dev;
		if (!e || e->type != KOZO_OBJ_UNTYPED || !(e->flags & SLOT_DEVICE) ||
		    slot_has_children(s) || slots_retype_one(s, KOZO_OBJ_FRAME, 0, &dev))
			continue;
		err = kozo_tcb_configure(tcb, 0, 1, KOZO_CAP_INIT_CNODE, KOZO_CAP_INIT_VSPACE, VA_A,
					 dev);
		result("ipc-buffer", err == KOZO_ERR_INVALID_CAPABILITY, "device frame");
		init_free_slot(dev);
		break;
	}
out:
	free_all(&f, 1);
	free_all(&tcb, 1);
}

static void attack_stale_fault(void)
{
	uint64_t mr[4] = { 0 }, badge;
	/* The probe faults; Init, its handler, leaves the reply owed. */
	if (probe(0) != 0) {
		result("stale-fault", false, "the probe did not fault");
		return;
	}
	/* A Call accepted first drops the faulted probe. */
	STEP(start(iso.caller, caller_entry, caller_stack));
	uint64_t info = kozo_recv(iso.ep, &badge, mr);
	if (badge != CALLER_BADGE) {
		printf("isolation: stale-fault: expected the caller, got badge 0x%lx label %lu\n",
		       badge, kozo_msginfo_label(info));
		iso.failed++;
		return;
	}
	kozo_reply(kozo_msginfo(0, 0, 0, 0), mr);
	/* Resumed elsewhere, the probe sends a plain message. */
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_arch_thread_regs(regs, (uint64_t)sender_entry, (uint64_t)&probe_stack[512] - 8, 0, 0);
	STEP(kozo_tcb_write_registers(iso.probe, true, KOZO_ARCH_REG_COUNT, regs));
	do
		info = kozo_recv(iso.ep, &badge, mr);
	while (badge == CALLER_BADGE && (kozo_reply(kozo_msginfo(0, 0, 0, 0), mr), true));
	bool plain = badge == SENDER_BADGE && kozo_msginfo_label(info) == PLAIN_LABEL && mr[0] == 0x41;
	if (!plain)
		printf("isolation: stale-fault: got badge 0x%lx label %lu mr0 0x%lx\n", badge,
		       kozo_msginfo_label(info), mr[0]);
	result("stale-fault", plain, "a plain Send after the fault was dropped");
out:
	kozo_tcb_suspend(iso.caller);
}

static void attack_putchar(void)
{
	uint64_t cptr = 0, info = 0, m[4] = { '!', 0, 0, 0 };
	uint64_t err = kozo_arch_syscall(KOZO_SYS_DEBUG_PUTCHAR, &cptr, &info, m);
	result("putchar", err == KOZO_ERR_FAILED_LOOKUP, "without a capability");
	cptr = iso.ep;
	info = 0;
	err = kozo_arch_syscall(KOZO_SYS_DEBUG_PUTCHAR, &cptr, &info, m);
	result("putchar", err == KOZO_ERR_INVALID_CAPABILITY, "with an endpoint");
}

/* ---- the command ---- */

static int mint(uint64_t *dst, uint64_t badge)
{
	*dst = slots_alloc(1);
	int err = kozo_cnode_mint(KOZO_CAP_INIT_CNODE, *dst, INIT_DEPTH, KOZO_CAP_INIT_CNODE, iso.ep,
				  INIT_DEPTH, KOZO_RIGHTS_ALL, badge);
	if (!err)
		slots_record(*dst, KOZO_OBJ_ENDPOINT, KOZO_RIGHTS_ALL, badge, iso.ep, 0, 0);
	else
		*dst = 0;
	return err;
}

static void cmd_isolation(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	iso = (struct iso){ 0 };
	STEP(new_obj(KOZO_OBJ_ENDPOINT, 0, &iso.ep));
	STEP(new_obj(KOZO_OBJ_ENDPOINT, 0, &iso.park));
	STEP(new_obj(KOZO_OBJ_TCB, 0, &iso.probe));
	STEP(new_obj(KOZO_OBJ_TCB, 0, &iso.caller));
	STEP(mint(&iso.fault, FAULT_BADGE));
	STEP(mint(&iso.report, REPORT_BADGE));
	STEP(mint(&iso.call, CALLER_BADGE));
	STEP(mint(&iso.send, SENDER_BADGE));
	report_cptr = iso.report;
	caller_cptr = iso.call;
	sender_cptr = iso.send;
	park_cptr = iso.park;
	STEP(kozo_tcb_configure(iso.probe, iso.fault, init_priority, KOZO_CAP_INIT_CNODE,
				KOZO_CAP_INIT_VSPACE, 0, 0));
	STEP(kozo_tcb_configure(iso.caller, 0, init_priority, KOZO_CAP_INIT_CNODE,
				KOZO_CAP_INIT_VSPACE, 0, 0));
	attack_table_unmap();
	attack_table_copy();
	attack_vspace_delete();
	attack_freed_table();
	attack_tlb();
	attack_ipc_buffer();
	attack_stale_fault();
	attack_putchar();
	printf("isolation: %u attacks failed as they should, %u succeeded; kernel alive\n", iso.ok,
	       iso.failed);
out:
	/* Deleting the TCBs cancels whatever they wait for. */
	free_all(&iso.probe, 1);
	free_all(&iso.caller, 1);
	free_all(&iso.fault, 1);
	free_all(&iso.report, 1);
	free_all(&iso.call, 1);
	free_all(&iso.send, 1);
	free_all(&iso.park, 1);
	free_all(&iso.ep, 1);
}

const struct test_program test_program = { "isolation", "", cmd_isolation };
