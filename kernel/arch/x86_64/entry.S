/* Kernel entry: SYSCALL, exceptions and interrupts.
 *
 * From user mode every entry stores the complete user register file in
 * k->current->ctx (regs[] in enum kozo_x86_64_reg order, then the FXSAVE
 * image), switches to the top of the one kernel stack and calls C; the way
 * out is arch_return_to_user(), or arch_fastpath_exit() straight from the
 * IPC fast path.  There is a single CPU and no swapgs: the kernel never
 * uses GS, so a scratch word in .bss is enough to park the user RSP. */
#include "asm_offsets.h"

	.text

/* SYSCALL (SDM Vol. 2B): RCX = user RIP, R11 = user RFLAGS, RSP still the
 * user's, IF/DF/TF/AC cleared by FMASK. */
	.globl syscall_entry
	.balign 16
syscall_entry:
	movq %rsp, syscall_user_rsp(%rip)
	movq kernel+KERNEL_CURRENT(%rip), %rsp   /* &current->ctx.regs[0] */
	movq %rcx, CTX_RIP(%rsp)
	movq %r11, CTX_RFLAGS(%rsp)
	movq %rax, CTX_RAX(%rsp)
	movq %rbx, CTX_RBX(%rsp)
	movq %rcx, CTX_RCX(%rsp)
	movq %rdx, CTX_RDX(%rsp)
	movq %rsi, CTX_RSI(%rsp)
	movq %rdi, CTX_RDI(%rsp)
	movq %rbp, CTX_RBP(%rsp)
	movq %r8, CTX_R8(%rsp)
	movq %r9, CTX_R9(%rsp)
	movq %r10, CTX_R10(%rsp)
	movq %r11, CTX_R11(%rsp)
	movq %r12, CTX_R12(%rsp)
	movq %r13, CTX_R13(%rsp)
	movq %r14, CTX_R14(%rsp)
	movq %r15, CTX_R15(%rsp)
	movq syscall_user_rsp(%rip), %rax
	movq %rax, CTX_RSP(%rsp)
	movq $1, CTX_SYSRET_OK(%rsp)
	fxsave64 CTX_FPU(%rsp)
	leaq kernel_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	leaq kernel(%rip), %rdi
	call fastpath_syscall    /* on a hit it leaves through arch_fastpath_exit */
	testb %al, %al
	jnz arch_return_to_user
	leaq kernel(%rip), %rdi
	call kernel_syscall
	jmp arch_return_to_user

/* One 16-byte stub per vector.  The CPU pushes SS, RSP, RFLAGS, CS, RIP
 * and, for some exceptions, an error code (SDM Vol. 3A, 7.13); the stub
 * pushes a zero in its place where there is none, then the vector. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if !HAS_ERROR(vec)
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr
	.globl trap_stubs_end     /* kernel.ld checks the stubs' size */
trap_stubs_end:

/* Stack here: vector, error, RIP, CS, RFLAGS, RSP, SS. */
#define F_VEC 0
#define F_ERR 8
#define F_RIP 16
#define F_CS 24
#define F_RFLAGS 32
#define F_RSP 40

trap_common:
	testb $3, F_CS(%rsp)
	jz trap_from_kernel

	/* From user mode: registers into current->ctx. */
	pushq %rax
	movq kernel+KERNEL_CURRENT(%rip), %rax
	movq %rbx, CTX_RBX(%rax)
	movq %rcx, CTX_RCX(%rax)
	movq %rdx, CTX_RDX(%rax)
	movq %rsi, CTX_RSI(%rax)
	movq %rdi, CTX_RDI(%rax)
	movq %rbp, CTX_RBP(%rax)
	movq %r8, CTX_R8(%rax)
	movq %r9, CTX_R9(%rax)
	movq %r10, CTX_R10(%rax)
	movq %r11, CTX_R11(%rax)
	movq %r12, CTX_R12(%rax)
	movq %r13, CTX_R13(%rax)
	movq %r14, CTX_R14(%rax)
	movq %r15, CTX_R15(%rax)
	popq CTX_RAX(%rax)
	movq F_RIP(%rsp), %rbx
	movq %rbx, CTX_RIP(%rax)
	movq F_RFLAGS(%rsp), %rbx
	movq %rbx, CTX_RFLAGS(%rax)
	movq F_RSP(%rsp), %rbx
	movq %rbx, CTX_RSP(%rax)
	movq $0, CTX_SYSRET_OK(%rax)   /* RCX and R11 are the thread's own */
	fxsave64 CTX_FPU(%rax)
	movq F_VEC(%rsp), %rdi
	movq F_ERR(%rsp), %rsi
	leaq kernel_stack_top(%rip), %rsp
	/* Interrupt gates leave DF and AC as user space set them: clear them
	 * (AC would lift SMAP, DF would break the C calling convention). */
	pushq $2
	popfq
	xorl %ebp, %ebp
	call trap_user
	ud2

	/* From kernel mode: an interrupt while idle, or a kernel bug.  Save
	 * the registers as a struct trap_frame and return with iretq. */
trap_from_kernel:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call trap_kernel
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp       /* vector and error code */
	iretq

	.bss
	.balign 8
syscall_user_rsp:
	.quad 0

	.balign 16
	.globl kernel_stack_top
kernel_stack:
	.skip 16384
kernel_stack_top:
