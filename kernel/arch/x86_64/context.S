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
.macro SYSRET_FROM_RDI
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
.endm

	.globl context_sysret
context_sysret:
	SYSRET_FROM_RDI

/* Load t's (rdi's) saved FS or GS base into its MSR unless `loaded` says
 * it is there.  WRMSR takes the value in EDX:EAX and faults on a
 * non-canonical base (SDM Vol. 3A, 4.5.3): the saved bases are canonical
 * by construction (context.c, arch_context_sanitize). */
.macro LOAD_SEGMENT_BASE offset, loaded, msr
	movq \offset(%rdi), %rax
	cmpq %rax, \loaded(%rip)
	je 1f
	movq %rax, \loaded(%rip)
	movq %rax, %rdx
	shrq $32, %rdx
	movl $\msr, %ecx
	wrmsr
1:
.endm

/* void arch_fastpath_exit(struct tcb *t): arch_return_to_user() for the
 * thread the IPC fast path made current, without the checks the fast path
 * has made (t has an address space; the FPU image of a thread that made a
 * system call is valid).  t blocked in a system call; when it entered by
 * SYSCALL and nothing wrote its registers since (sysret_ok), RCX and R11
 * still hold RIP and RFLAGS, and the general path would SYSRET unless
 * RFLAGS has one of RFLAGS_NEVER (user mode can set NT) or RIP is past
 * SYSRET_RIP_LIMIT; RFLAGS_FORCED needs no test: IF and bit 1 are always
 * set in user mode (IOPL is 0: CLI faults, POPF leaves IF).  Otherwise
 * the general path decides.  Every object, the page-table root too, lives
 * in the direct map.  Never returns. */
	.globl arch_fastpath_exit
arch_fastpath_exit:
	cmpq $0, CTX_SYSRET_OK(%rdi)
	je .Lgeneral
	testl $RFLAGS_NEVER_ASM, CTX_R11(%rdi)
	jnz .Lgeneral
	movabsq $SYSRET_RIP_LIMIT_ASM, %rdx
	cmpq %rdx, CTX_RCX(%rdi)
	jae .Lgeneral

	/* FPU, address space, FS and GS base, each loaded when it differs:
	 * between two threads in IPC most of them do, so the loads are in
	 * line and the skips are the branches. */
	cmpq %rdi, fpu_loaded(%rip)
	je 1f
	fxrstor64 CTX_FPU(%rdi)
	movq %rdi, fpu_loaded(%rip)
1:	movabsq $DIRECT_MAP_BASE_ASM, %rax
	negq %rax
	addq TCB_VSPACE_ROOT(%rdi), %rax
	cmpq %rax, paging_active_root(%rip)
	je 2f
	movq %rax, %cr3
	movq %rax, paging_active_root(%rip)
2:	LOAD_SEGMENT_BASE CTX_FS_BASE, fs_loaded, MSR_FS_BASE_ASM
	LOAD_SEGMENT_BASE CTX_GS_BASE, gs_loaded, MSR_GS_BASE_ASM
	SYSRET_FROM_RDI
.Lgeneral:
	jmp arch_return_to_user

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
