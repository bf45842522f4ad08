/* Exception vectors (VBAR_EL1) and kernel entry.
 *
 * From EL0 every entry stores the complete user register file in
 * k->current->ctx (regs[] in enum kozo_aarch64_reg order), moves SP to the
 * top of the one kernel stack and calls C, which never returns here: it
 * leaves through arch_return_to_user(), or arch_fastpath_exit() straight
 * from the IPC fast path.  Both end in context_eret, which leaves SP_EL1
 * pointing at the thread's context (seL4 does the same), so the entry
 * stores the registers through SP and needs no scratch register to find
 * them.  Nothing else runs at EL1 between that ERET and the next entry
 * from EL0, and k->current does not change meanwhile.  An SVC goes to
 * fastpath_syscall() at once, and to kernel_syscall() when the fast path
 * declines (as on x86_64); every other synchronous exception to
 * trap_el0_sync().
 *
 * From EL1: an interrupt can only arrive in the idle loop (the kernel runs
 * with DAIF masked everywhere else); it is handled on the same stack and
 * returns with ERET.  A synchronous exception at EL1 is a kernel bug.
 *
 * Interrupts are GIC Group 0 and arrive as FIQ at Secure EL1 (gic.c); the
 * IRQ vectors lead to the same code. */
#include "asm_offsets.h"

.macro ventry target
	.balign 128
	b \target
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.globl vectors
vectors:
	ventry el1_bad          /* current EL, SP_EL0 */
	ventry el1_bad
	ventry el1_bad
	ventry el1_bad
	ventry el1_sync         /* current EL, SP_ELx */
	ventry el1_irq
	ventry el1_irq
	ventry el1_bad
	ventry el0_sync         /* lower EL, AArch64 */
	ventry el0_irq
	ventry el0_irq
	ventry el0_serror
	ventry el1_bad          /* lower EL, AArch32: never enabled */
	ventry el1_bad
	ventry el1_bad
	ventry el1_bad

	.text
/* Store the user registers into current->ctx (at SP) and move SP to the
 * kernel stack.  X29 is 0 for the panic frame walk; X30 is the user's
 * until the BL that follows. */
.macro save_user
	stp x0, x1, [sp, #CTX_X(0)]
	stp x2, x3, [sp, #CTX_X(2)]
	stp x4, x5, [sp, #CTX_X(4)]
	stp x6, x7, [sp, #CTX_X(6)]
	stp x8, x9, [sp, #CTX_X(8)]
	stp x10, x11, [sp, #CTX_X(10)]
	stp x12, x13, [sp, #CTX_X(12)]
	stp x14, x15, [sp, #CTX_X(14)]
	stp x16, x17, [sp, #CTX_X(16)]
	stp x18, x19, [sp, #CTX_X(18)]
	stp x20, x21, [sp, #CTX_X(20)]
	stp x22, x23, [sp, #CTX_X(22)]
	stp x24, x25, [sp, #CTX_X(24)]
	stp x26, x27, [sp, #CTX_X(26)]
	stp x28, x29, [sp, #CTX_X(28)]
	mrs x0, elr_el1
	mrs x1, sp_el0
	stp x0, x1, [sp, #CTX_PC]
	mrs x0, spsr_el1
	str x0, [sp, #CTX_SPSR]
	mrs x0, tpidr_el0
	stp x30, x0, [sp, #CTX_X(30)]       /* X30, then TPIDR_EL0 */
	adrp x0, kernel_stack_top
	add sp, x0, :lo12:kernel_stack_top
	mov x29, #0
.endm

#define EC_SVC64 0x15   /* ESR_EL1.EC of an SVC from AArch64 (traps.c) */

el0_sync:
	save_user
	mrs x2, esr_el1
	lsr x2, x2, #26
	cmp x2, #EC_SVC64
	b.ne 1f
	ldr x0, =kernel
	bl fastpath_syscall     /* on a hit it leaves through arch_fastpath_exit */
	tbnz w0, #0, 2f
	ldr x0, =kernel
	bl kernel_syscall
2:	bl arch_return_to_user
1:	bl trap_el0_sync

el0_irq:
	save_user
	bl trap_el0_irq

el0_serror:
	save_user
	mov x30, #0
	b el1_bad

/* struct trap_frame (traps.c): x0..x30, sp, elr, spsr, esr, far. */
#define FRAME_SIZE (36 * 8)

.macro save_frame
	sub sp, sp, #FRAME_SIZE
	stp x0, x1, [sp, #0]
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	stp x6, x7, [sp, #48]
	stp x8, x9, [sp, #64]
	stp x10, x11, [sp, #80]
	stp x12, x13, [sp, #96]
	stp x14, x15, [sp, #112]
	stp x16, x17, [sp, #128]
	stp x18, x19, [sp, #144]
	stp x20, x21, [sp, #160]
	stp x22, x23, [sp, #176]
	stp x24, x25, [sp, #192]
	stp x26, x27, [sp, #208]
	stp x28, x29, [sp, #224]
	add x0, sp, #FRAME_SIZE
	stp x30, x0, [sp, #240]
	mrs x0, elr_el1
	mrs x1, spsr_el1
	stp x0, x1, [sp, #256]
	mrs x0, esr_el1
	mrs x1, far_el1
	stp x0, x1, [sp, #272]
.endm

/* An interrupt that woke the idle loop: every caller-saved register, and
 * ELR/SPSR, survive the C handler. */
el1_irq:
	save_frame
	bl trap_el1_irq
	ldp x0, x1, [sp, #256]
	msr elr_el1, x0
	msr spsr_el1, x1
	ldp x0, x1, [sp, #0]
	ldp x2, x3, [sp, #16]
	ldp x4, x5, [sp, #32]
	ldp x6, x7, [sp, #48]
	ldp x8, x9, [sp, #64]
	ldp x10, x11, [sp, #80]
	ldp x12, x13, [sp, #96]
	ldp x14, x15, [sp, #112]
	ldp x16, x17, [sp, #128]
	ldp x18, x19, [sp, #144]
	ldr x30, [sp, #240]
	ldp x28, x29, [sp, #224]
	add sp, sp, #FRAME_SIZE
	eret

el1_sync:
el1_bad:
	save_frame
	mov x0, sp
	bl trap_el1_sync
5:	wfi
	b 5b

	.bss
	.balign 16
	.globl kernel_stack_top
kernel_stack:
	.skip 16384
kernel_stack_top:
