/* The last step back to EL0: load every register from a saved struct
 * arch_context (x0) and ERET.  SP_EL1 is left pointing at the context: the
 * next entry from EL0 stores the registers there (entry.S).  DAIF stays
 * masked until ERET loads the thread's SPSR, of which only the bits the
 * thread owns (N Z C V, SPSR_USER_WRITABLE in context.c) are taken here:
 * whatever the saved word holds, this ERET, the kernel's only one to EL0,
 * goes to EL0t with interrupts enabled. */
#include "asm_offsets.h"

	.arch_extension fp
	.arch_extension simd

	.text

/* void arch_fastpath_exit(struct tcb *t): arch_return_to_user() for the
 * thread the IPC fast path made current, without the checks the fast path
 * has made (k->current is t, which has an address space: its VSpace
 * capability is in place).  CPACR_EL1 gets t's ctx.cpacr (the FP/SIMD trap
 * armed unless t owns the FP unit, context.c), TTBR0_EL1 t's root and
 * ASID, then context_eret, which follows, loads the registers.
 *
 * TTBR0_EL1 is written even when it holds that value already: a compare
 * with active_ttbr0 costs as much as it saves in one address space and
 * more between two, and rewriting the same ASID flushes nothing.  No DSB
 * before the write: the fast path writes no translation table, and every
 * kernel entry that does leaves through arch_return_to_user, whose
 * paging_activate has the DSB.  No ISB after the CPACR and TTBR0 writes:
 * until the ERET the kernel touches only TTBR1 addresses, and ERET is a
 * context synchronization event for the thread.  The root is in the direct
 * map (DIRECT_MAP_BASE + p, p < 2^48), so its physical address is its low
 * 48 bits.  Never returns. */
	.globl arch_fastpath_exit
arch_fastpath_exit:
	ldr w2, [x0, #CTX_CPACR]
	msr cpacr_el1, x2
	ldr x1, [x0, #TCB_VSPACE_ROOT]       /* the root table */
	ldr x2, [x0, #TCB_VSPACE_ASID]       /* the ASID (cap_vspace_asid) */
	and x1, x1, #0x0000ffffffffffff
	orr x1, x1, x2, lsl #48
	msr ttbr0_el1, x1
	adrp x3, active_ttbr0
	str x1, [x3, :lo12:active_ttbr0]
	/* fall through */

	.globl context_eret
context_eret:
	mov sp, x0
	ldp x1, x2, [x0, #CTX_PC]            /* PC, SP */
	msr elr_el1, x1
	msr sp_el0, x2
	ldr x1, [x0, #CTX_SPSR]
	and x1, x1, #SPSR_USER_WRITABLE_ASM
	msr spsr_el1, x1
	ldr x1, [x0, #CTX_TPIDR]
	msr tpidr_el0, x1
	ldp x2, x3, [x0, #CTX_X(2)]
	ldp x4, x5, [x0, #CTX_X(4)]
	ldp x6, x7, [x0, #CTX_X(6)]
	ldp x8, x9, [x0, #CTX_X(8)]
	ldp x10, x11, [x0, #CTX_X(10)]
	ldp x12, x13, [x0, #CTX_X(12)]
	ldp x14, x15, [x0, #CTX_X(14)]
	ldp x16, x17, [x0, #CTX_X(16)]
	ldp x18, x19, [x0, #CTX_X(18)]
	ldp x20, x21, [x0, #CTX_X(20)]
	ldp x22, x23, [x0, #CTX_X(22)]
	ldp x24, x25, [x0, #CTX_X(24)]
	ldp x26, x27, [x0, #CTX_X(26)]
	ldp x28, x29, [x0, #CTX_X(28)]
	ldr x30, [x0, #CTX_X(30)]
	ldp x0, x1, [x0, #CTX_X(0)]
	eret

/* V0-V31, then FPSR and FPCR, at x0 (16-byte aligned).  The caller has
 * enabled FP/SIMD at EL1 (CPACR_EL1.FPEN); the kernel's C code is built
 * with -mgeneral-regs-only and never touches these registers itself. */
	.globl fpu_save
fpu_save:
	stp q0, q1, [x0, #0]
	stp q2, q3, [x0, #32]
	stp q4, q5, [x0, #64]
	stp q6, q7, [x0, #96]
	stp q8, q9, [x0, #128]
	stp q10, q11, [x0, #160]
	stp q12, q13, [x0, #192]
	stp q14, q15, [x0, #224]
	stp q16, q17, [x0, #256]
	stp q18, q19, [x0, #288]
	stp q20, q21, [x0, #320]
	stp q22, q23, [x0, #352]
	stp q24, q25, [x0, #384]
	stp q26, q27, [x0, #416]
	stp q28, q29, [x0, #448]
	stp q30, q31, [x0, #480]
	mrs x1, fpsr
	mrs x2, fpcr
	add x3, x0, #512
	stp x1, x2, [x3]
	ret

	.globl fpu_load
fpu_load:
	ldp q0, q1, [x0, #0]
	ldp q2, q3, [x0, #32]
	ldp q4, q5, [x0, #64]
	ldp q6, q7, [x0, #96]
	ldp q8, q9, [x0, #128]
	ldp q10, q11, [x0, #160]
	ldp q12, q13, [x0, #192]
	ldp q14, q15, [x0, #224]
	ldp q16, q17, [x0, #256]
	ldp q18, q19, [x0, #288]
	ldp q20, q21, [x0, #320]
	ldp q22, q23, [x0, #352]
	ldp q24, q25, [x0, #384]
	ldp q26, q27, [x0, #416]
	ldp q28, q29, [x0, #448]
	ldp q30, q31, [x0, #480]
	add x3, x0, #512
	ldp x1, x2, [x3]
	msr fpsr, x1
	msr fpcr, x2
	ret
