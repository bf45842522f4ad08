/* The panic entry: the first instructions of every kernel panic.
 *
 *   panic_typed(fmt, args, nargs)         panic() in C (kernel/core/panic.h)
 *   panic_fault(fmt, args, nargs, frame)  an exception in kernel mode
 *                                         (traps.c; frame: the fault's registers)
 *
 * Both mask interrupts, count the entry in panic_depth, store every
 * register of the caller in panic_regs[] (enum kozo_x86_64_panic_reg),
 * switch to the reserved panic stack and call panic_report() in panic.c,
 * which never returns.  Only the first entry gets that far: the second (a
 * panic or fault inside the panic path) reports one line from a stack of
 * its own, a third just halts, so a broken panic path cannot recurse. */
#include "asm_offsets.h"

	.text

/* Every general-purpose register but RSP, as it was at the call. */
.macro SAVE_GPRS
	movq %rax, panic_regs+PR_RAX(%rip)
	movq %rbx, panic_regs+PR_RBX(%rip)
	movq %rcx, panic_regs+PR_RCX(%rip)
	movq %rdx, panic_regs+PR_RDX(%rip)
	movq %rsi, panic_regs+PR_RSI(%rip)
	movq %rdi, panic_regs+PR_RDI(%rip)
	movq %rbp, panic_regs+PR_RBP(%rip)
	movq %r8, panic_regs+PR_R8(%rip)
	movq %r9, panic_regs+PR_R9(%rip)
	movq %r10, panic_regs+PR_R10(%rip)
	movq %r11, panic_regs+PR_R11(%rip)
	movq %r12, panic_regs+PR_R12(%rip)
	movq %r13, panic_regs+PR_R13(%rip)
	movq %r14, panic_regs+PR_R14(%rip)
	movq %r15, panic_regs+PR_R15(%rip)
.endm

/* A selector or a control register, through RAX, into panic_regs. */
.macro SAVE_SEL reg, off
	movw %\reg, %ax
	movq %rax, panic_regs+\off(%rip)
.endm
.macro SAVE_CR reg, off
	movq %\reg, %rax
	movq %rax, panic_regs+\off(%rip)
.endm

/* RFLAGS is pushed before cli so the record shows the caller's IF. */
.macro ENTER
	pushfq
	cli
	lock incl panic_depth(%rip)
	cmpl $1, panic_depth(%rip)
	jne panic_again
	popq panic_regs+PR_RFLAGS(%rip)
	SAVE_GPRS
.endm

	.globl panic_typed
	.type panic_typed, @function
	.balign 16
panic_typed:
	ENTER
	movq $-1, panic_regs+PR_VECTOR(%rip)
	movq $0, panic_regs+PR_ERROR(%rip)
	xorl %ecx, %ecx                 /* no trap frame */
	jmp panic_common
	.size panic_typed, . - panic_typed

	.globl panic_fault
	.type panic_fault, @function
	.balign 16
panic_fault:
	ENTER
	movq $0, panic_regs+PR_VECTOR(%rip)  /* panic_report takes them from the frame */
	movq $0, panic_regs+PR_ERROR(%rip)
	jmp panic_common
	.size panic_fault, . - panic_fault

/* RDI, RSI, RDX, RCX carry panic_report's arguments through; RAX and
 * RDX:RAX of rdtsc are scratch from here on (already saved). */
panic_common:
	movq %rdx, %r8
	rdtsc
	shlq $32, %rdx
	orq %rax, %rdx
	movq %rdx, panic_tsc_start(%rip)
	movq %r8, %rdx
	movq (%rsp), %rax               /* the return address: where panic() was called */
	movq %rax, panic_regs+PR_RIP(%rip)
	leaq 8(%rsp), %rax              /* the caller's RSP before the call */
	movq %rax, panic_regs+PR_RSP(%rip)
	xorl %eax, %eax                 /* selectors fill only AX */
	SAVE_SEL cs, PR_CS
	SAVE_SEL ss, PR_SS
	SAVE_SEL ds, PR_DS
	SAVE_SEL es, PR_ES
	SAVE_SEL fs, PR_FS
	SAVE_SEL gs, PR_GS
	SAVE_CR cr0, PR_CR0
	SAVE_CR cr2, PR_CR2
	SAVE_CR cr3, PR_CR3
	SAVE_CR cr4, PR_CR4
	leaq panic_stack_top(%rip), %rsp
	xorl %ebp, %ebp                 /* the frame walk starts from panic_regs */
	cld
	call panic_report
	ud2

/* A second entry: one line on serial 0 from the nested stack.  A third
 * (a fault in that): halt at once. */
panic_again:
	cmpl $2, panic_depth(%rip)
	jne 1f
	leaq panic_nested_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	cld
	call panic_nested
1:	cli
	hlt
	jmp 1b

	.bss
	.balign 8
	.globl panic_regs, panic_tsc_start
panic_regs:
	.skip 8 * 30
panic_tsc_start:
	.quad 0
panic_depth:
	.long 0

	.balign 16
panic_stack:
	.skip PANIC_STACK_SIZE
panic_stack_top:
panic_nested_stack:
	.skip PANIC_NESTED_STACK_SIZE
panic_nested_stack_top:
