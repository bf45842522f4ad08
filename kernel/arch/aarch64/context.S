/* The last step back to EL0: load every register from a saved struct
 * arch_context (x0) and ERET.  SP_EL1 goes back to the top of the kernel
 * stack first, so the next entry from EL0 starts there.  DAIF stays masked
 * until ERET loads the thread's SPSR. */
#include "asm_offsets.h"

	.arch_extension fp
	.arch_extension simd

	.text
	.globl context_eret
context_eret:
	adrp x1, kernel_stack_top
	add x1, x1, :lo12:kernel_stack_top
	mov sp, x1
	ldp x1, x2, [x0, #CTX_PC]            /* PC, SP */
	msr elr_el1, x1
	msr sp_el0, x2
	ldr x1, [x0, #CTX_SPSR]
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
