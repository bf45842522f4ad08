/* The last step back to user mode: load every register from a saved
 * struct arch_context (rdi) and leave the kernel.  Interrupts stay masked
 * until the RFLAGS image is loaded by SYSRET/IRETQ itself, so nothing can
 * interrupt the kernel while RSP already holds the user's stack pointer
 * (only NMI and machine check could, and they have IST stacks). */
#include "asm_offsets.h"

	.text

/* SYSRET loads RIP from RCX and RFLAGS from R11 (SDM Vol. 2B, SYSRET).
 * context.c calls this only when the saved RCX/R11 already equal RIP and
 * RFLAGS and RIP is canonical: on Intel CPUs a non-canonical RCX makes
 * SYSRET fault in ring 0 with the user's RSP. */
	.globl context_sysret
context_sysret:
	movq CTX_RIP(%rdi), %rcx
	movq CTX_RFLAGS(%rdi), %r11
	movq CTX_RAX(%rdi), %rax
	movq CTX_RBX(%rdi), %rbx
	movq CTX_RDX(%rdi), %rdx
	movq CTX_RSI(%rdi), %rsi
	movq CTX_RBP(%rdi), %rbp
	movq CTX_R8(%rdi), %r8
	movq CTX_R9(%rdi), %r9
	movq CTX_R10(%rdi), %r10
	movq CTX_R12(%rdi), %r12
	movq CTX_R13(%rdi), %r13
	movq CTX_R14(%rdi), %r14
	movq CTX_R15(%rdi), %r15
	movq CTX_RSP(%rdi), %rsp
	movq CTX_RDI(%rdi), %rdi
	sysretq

/* IRETQ restores every register exactly: used after an interrupt or
 * exception, and whenever RCX/R11 hold values SYSRET cannot reproduce. */
	.globl context_iret
context_iret:
	pushq $SEL_USER_DS_ASM
	pushq CTX_RSP(%rdi)
	pushq CTX_RFLAGS(%rdi)
	pushq $SEL_USER_CS_ASM
	pushq CTX_RIP(%rdi)
	movq CTX_RAX(%rdi), %rax
	movq CTX_RBX(%rdi), %rbx
	movq CTX_RCX(%rdi), %rcx
	movq CTX_RDX(%rdi), %rdx
	movq CTX_RSI(%rdi), %rsi
	movq CTX_RBP(%rdi), %rbp
	movq CTX_R8(%rdi), %r8
	movq CTX_R9(%rdi), %r9
	movq CTX_R10(%rdi), %r10
	movq CTX_R11(%rdi), %r11
	movq CTX_R12(%rdi), %r12
	movq CTX_R13(%rdi), %r13
	movq CTX_R14(%rdi), %r14
	movq CTX_R15(%rdi), %r15
	movq CTX_RDI(%rdi), %rdi
	iretq
