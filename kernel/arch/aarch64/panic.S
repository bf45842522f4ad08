/* The panic entry: the first instructions of every kernel panic.
 *
 *   panic_typed(fmt, args, nargs)         panic() in C (kernel/core/panic.h)
 *   panic_fault(fmt, args, nargs, frame)  an exception taken from EL1
 *                                         (traps.c; frame: its registers)
 *
 * Both mask interrupts (DAIF), count the entry in panic_depth, store every
 * register of the caller and the EL1 system registers in panic_regs[]
 * (enum kozo_aarch64_panic_reg), switch to the reserved panic stack and
 * call panic_report() in panic.c, which never returns.  Only the first
 * entry gets that far: the second (a panic or fault inside the panic path)
 * reports one line from a stack of its own, a third just halts, so a
 * broken panic path cannot recurse.
 *
 * Until the entry is counted nothing touches the stack (it may be what
 * broke): X16 and X17 are parked in TPIDR_EL1 and TPIDRRO_EL0, which the
 * kernel does not otherwise use, and X17 then holds &panic_regs. */
#include "asm_offsets.h"

	.text

.macro ENTER
	msr tpidr_el1, x16
	mrs x16, daif
	msr daifset, #0xf
	msr tpidrro_el0, x17
	adrp x17, panic_regs
	add x17, x17, :lo12:panic_regs
	str x16, [x17, #PA_DAIF]
	ldr w16, [x17, #PA_DEPTH]       /* one CPU, interrupts masked: no race */
	add w16, w16, #1
	str w16, [x17, #PA_DEPTH]
	cmp w16, #1
	b.ne panic_again
	stp x0, x1, [x17, #PR_X(0)]
	stp x2, x3, [x17, #PR_X(2)]
	stp x4, x5, [x17, #PR_X(4)]
	stp x6, x7, [x17, #PR_X(6)]
	stp x8, x9, [x17, #PR_X(8)]
	stp x10, x11, [x17, #PR_X(10)]
	stp x12, x13, [x17, #PR_X(12)]
	stp x14, x15, [x17, #PR_X(14)]
	mrs x16, tpidr_el1
	str x16, [x17, #PR_X(16)]
	mrs x16, tpidrro_el0
	str x16, [x17, #PR_X(17)]
	stp x18, x19, [x17, #PR_X(18)]
	stp x20, x21, [x17, #PR_X(20)]
	stp x22, x23, [x17, #PR_X(22)]
	stp x24, x25, [x17, #PR_X(24)]
	stp x26, x27, [x17, #PR_X(26)]
	stp x28, x29, [x17, #PR_X(28)]
	str x30, [x17, #PR_X(30)]
	str x30, [x17, #PR_PC]          /* the return address: where panic() was called */
	mov x16, sp                     /* BL leaves SP as the caller had it */
	str x16, [x17, #PR_SP]
.endm

/* A system register into panic_regs, through X4 (saved already). */
.macro SAVE_SYSREG reg, off
	mrs x4, \reg
	str x4, [x17, #\off]
.endm

	.globl panic_typed
	.type panic_typed, %function
	.balign 16
panic_typed:
	ENTER
	mov x3, #0                      /* no trap frame */
	b panic_common
	.size panic_typed, . - panic_typed

	.globl panic_fault
	.type panic_fault, %function
	.balign 16
panic_fault:
	ENTER
	b panic_common                  /* panic_report takes X0-X30, SP, PC from the frame */
	.size panic_fault, . - panic_fault

/* X0-X3 carry panic_report's arguments through; X4 and X16 are scratch
 * from here on; X17 is &panic_regs. */
panic_common:
	mrs x16, pmccntr_el0
	str x16, [x17, #PA_CYCLES]
	ldr x16, [x17, #PA_DAIF]        /* PSTATE as far as a call keeps it */
	mrs x4, currentel
	orr x16, x16, x4
	mrs x4, spsel
	orr x16, x16, x4
	str x16, [x17, #PR_PSTATE]
	SAVE_SYSREG esr_el1, PR_ESR
	SAVE_SYSREG far_el1, PR_FAR
	SAVE_SYSREG elr_el1, PR_ELR
	SAVE_SYSREG spsr_el1, PR_SPSR
	SAVE_SYSREG sctlr_el1, PR_SCTLR
	SAVE_SYSREG ttbr0_el1, PR_TTBR0
	SAVE_SYSREG ttbr1_el1, PR_TTBR1
	SAVE_SYSREG currentel, PR_CURRENTEL
	adrp x4, panic_stack_top
	add x4, x4, :lo12:panic_stack_top
	mov sp, x4
	mov x29, #0                     /* the frame walk starts from panic_regs */
	mov x30, #0
	bl panic_report
	b panic_halt

/* A second entry: one line on serial 0 from the nested stack (W16 is the
 * depth).  A third (a fault in that): halt at once. */
panic_again:
	cmp w16, #2
	b.ne panic_halt
	adrp x16, panic_nested_stack_top
	add x16, x16, :lo12:panic_nested_stack_top
	mov sp, x16
	mov x29, #0
	mov x30, #0
	bl panic_nested
panic_halt:
	msr daifset, #0xf
	wfi
	b panic_halt

	.bss
	.balign 16
	.globl panic_regs, panic_cycles_start
panic_regs:
	.skip PA_SIZE
	.set panic_cycles_start, panic_regs + PA_CYCLES

	.balign 16
panic_stack:
	.skip PANIC_STACK_SIZE
panic_stack_top:
panic_nested_stack:
	.skip PANIC_NESTED_STACK_SIZE
panic_nested_stack_top:
