/* Thread contexts: their initial and sanitised state, the lazy FP/SIMD
 * switch, and the way back to EL0 (address space, registers).
 *
 * FP/SIMD: CPACR_EL1.FPEN traps EL0's first FP/SIMD instruction after a
 * switch to another thread; fpu_trap() then saves the registers of their
 * previous owner and loads the thread's.  Threads that never use FP/SIMD
 * (KOZO's own user space is built with -mgeneral-regs-only) never pay.
 * Each context holds the CPACR_EL1 value it runs with (ctx.cpacr:
 * CPACR_FPEN_ALL for fpu_owner, 0 for every other thread), so both ways
 * back to EL0 load it without a comparison. */
#include "kernel.h"
#include "port.h"
#include "aarch64.h"
#include "asm_offsets.h"
#include "cpu.h"
#include <stddef.h>

_Static_assert(offsetof(struct tcb, ctx) == 0, "context.S takes a TCB for its context");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_PC]) == CTX_PC, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_SP]) == CTX_SP, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_SPSR]) == CTX_SPSR, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_X0]) == CTX_X(0), "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_X30]) == CTX_X(30), "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_A64_TPIDR]) == CTX_TPIDR, "asm_offsets.h");
_Static_assert(CTX_TPIDR == CTX_X(30) + 8, "entry.S stores X30 and TPIDR_EL0 with one STP");
/* SP_EL1 points at a context while its thread runs: 16-byte aligned, as
 * SCTLR_EL1.SA wants of a base register SP (TCBs are naturally aligned). */
_Static_assert(_Alignof(struct tcb) >= 16 && KOZO_TCB_SIZE_BITS >= 4, "SP_EL1 at the context");
_Static_assert(offsetof(struct arch_context, fpu) == CTX_FPU, "asm_offsets.h");
_Static_assert(offsetof(struct tcb, slots[TCB_VSPACE].cap.obj) == TCB_VSPACE_ROOT, "asm_offsets.h");
_Static_assert(offsetof(struct tcb, slots[TCB_VSPACE].cap) + CAP_VSPACE_ASID_OFFSET == TCB_VSPACE_ASID, "asm_offsets.h");
_Static_assert(CTX_FPU % 16 == 0, "the Q registers are stored 16-byte aligned");
_Static_assert(sizeof(((struct arch_context *)0)->fpu) == 32 * 16 + 16, "V0-V31, FPSR, FPCR");

/* SPSR_EL1 bits a thread owns: N Z C V.  Everything else is forced: EL0t
 * (M = 0), AArch64, D A I F clear, no single step, no illegal state. */
#define SPSR_USER_WRITABLE 0xf0000000ull
#define CPACR_FPEN_ALL (3ull << 20)   /* no FP/SIMD traps at EL0 or EL1 */
_Static_assert(SPSR_USER_WRITABLE == SPSR_USER_WRITABLE_ASM, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, cpacr) == CTX_CPACR, "asm_offsets.h");

static struct tcb *fpu_owner;  /* whose registers are in the FP/SIMD unit */

void arch_context_init(struct arch_context *c)
{
	for (unsigned i = 0; i < ARCH_REG_COUNT; i++)
		c->regs[i] = 0;
	c->fpu_valid = 0;
	c->cpacr = 0;
	/* A new thread may occupy the memory of the FP/SIMD owner. */
	if (fpu_owner == (struct tcb *)c)
		fpu_owner = NULL;
}

/* Without this, the next FP trap would save the old owner's registers into
 * whatever object its memory has become (a CNode, a page table...). */
void arch_context_retire(struct arch_context *c)
{
	if (fpu_owner == (struct tcb *)c)
		fpu_owner = NULL;
}

void arch_context_sanitize(struct arch_context *c)
{
	c->regs[KOZO_A64_SPSR] &= SPSR_USER_WRITABLE;
}

void fpu_trap(struct kernel *k)
{
	struct tcb *t = k->current;

	write_sysreg(cpacr_el1, CPACR_FPEN_ALL);
	isb();
	if (fpu_owner && fpu_owner != t) {
		fpu_save(fpu_owner->ctx.fpu);
		fpu_owner->ctx.fpu_valid = 1;
		fpu_owner->ctx.cpacr = 0;
	}
	if (!t->ctx.fpu_valid) {
		for (unsigned i = 0; i < ARRAY_SIZE(t->ctx.fpu); i++)
			t->ctx.fpu[i] = 0;    /* FPCR 0: round to nearest, no traps */
		t->ctx.fpu_valid = 1;
	}
	fpu_load(t->ctx.fpu);
	fpu_owner = t;
	t->ctx.cpacr = CPACR_FPEN_ALL;
}

/* FP/SIMD stays enabled only while its owner runs. */
static void fpu_switch(struct tcb *t)
{
	write_sysreg(cpacr_el1, t->ctx.cpacr);
}

/* Pick up k->current and resume it.  A thread without an address space
 * gets the fault it would take, and the core decides again.  Everything
 * else a thread can put in its registers faults at EL0, not here: a PC in
 * the kernel's half or misaligned, an SP misaligned (SCTLR_EL1.SA0). */
_Noreturn void arch_return_to_user(void)
{
	struct kernel *k = &kernel;
	struct tcb *t;
	word_t *root;

	for (;;) {
		port_idle(k);
		t = k->current;
		root = tcb_vspace_root(t);
		if (root)
			break;
		/* Instruction abort, translation fault level 0. */
		kernel_user_fault(k, KOZO_FAULT_VM, t->ctx.regs[KOZO_A64_PC], 0x82000004ull,
				  0x20, true);
	}
	fpu_switch(t);
	paging_activate(arch_kernel_to_phys(root), cap_vspace_asid(&t->slots[TCB_VSPACE].cap));
	context_eret(&t->ctx);   /* takes only the thread's bits of SPSR */
}
