/* Byte offsets entry.S and context.S use into struct arch_context (see
 * arch_defs.h; regs[] follows enum kozo_x86_64_reg).  context.c checks each
 * against offsetof() at compile time. */
#ifndef KOZO_X86_ASM_OFFSETS_H
#define KOZO_X86_ASM_OFFSETS_H

#define CTX_RIP (0 * 8)
#define CTX_RSP (1 * 8)
#define CTX_RFLAGS (2 * 8)
#define CTX_RAX (3 * 8)
#define CTX_RBX (4 * 8)
#define CTX_RCX (5 * 8)
#define CTX_RDX (6 * 8)
#define CTX_RSI (7 * 8)
#define CTX_RDI (8 * 8)
#define CTX_RBP (9 * 8)
#define CTX_R8 (10 * 8)
#define CTX_R9 (11 * 8)
#define CTX_R10 (12 * 8)
#define CTX_R11 (13 * 8)
#define CTX_R12 (14 * 8)
#define CTX_R13 (15 * 8)
#define CTX_R14 (16 * 8)
#define CTX_R15 (17 * 8)
#define CTX_FS_BASE (18 * 8)
#define CTX_GS_BASE (19 * 8)
#define CTX_SYSRET_OK (21 * 8)
#define CTX_FPU (22 * 8)   /* regs[20], fpu_valid, sysret_ok, then fpu[] */

/* struct tcb: the page-table root of slots[TCB_VSPACE].cap.obj, for
 * arch_fastpath_exit in context.S. */
#define TCB_VSPACE_ROOT 952

/* arch_fastpath_exit's tests, as context.c spells them: RFLAGS with none
 * of RFLAGS_NEVER, RIP below SYSRET_RIP_LIMIT; and what it needs to load
 * CR3 and FS/GS. */
#define RFLAGS_NEVER_ASM 0x37000
#define SYSRET_RIP_LIMIT_ASM 0x00007ffffffff000
#define DIRECT_MAP_BASE_ASM 0xffff800000000000
#define MSR_FS_BASE_ASM 0xc0000100
#define MSR_GS_BASE_ASM 0xc0000101

/* struct kernel starts with `struct tcb *current`, and struct tcb with its
 * arch_context: the word at `kernel` points at the current thread's regs. */
#define KERNEL_CURRENT 0

/* panic.S: byte offsets into panic_regs[], which follows enum
 * kozo_x86_64_panic_reg (panic.c checks them at compile time). */
#define PR_RAX (0 * 8)
#define PR_RBX (1 * 8)
#define PR_RCX (2 * 8)
#define PR_RDX (3 * 8)
#define PR_RSI (4 * 8)
#define PR_RDI (5 * 8)
#define PR_RBP (6 * 8)
#define PR_RSP (7 * 8)
#define PR_R8 (8 * 8)
#define PR_R9 (9 * 8)
#define PR_R10 (10 * 8)
#define PR_R11 (11 * 8)
#define PR_R12 (12 * 8)
#define PR_R13 (13 * 8)
#define PR_R14 (14 * 8)
#define PR_R15 (15 * 8)
#define PR_RIP (16 * 8)
#define PR_RFLAGS (17 * 8)
#define PR_CS (18 * 8)
#define PR_SS (19 * 8)
#define PR_DS (20 * 8)
#define PR_ES (21 * 8)
#define PR_FS (22 * 8)
#define PR_GS (23 * 8)
#define PR_CR0 (24 * 8)
#define PR_CR2 (25 * 8)
#define PR_CR3 (26 * 8)
#define PR_CR4 (27 * 8)
#define PR_VECTOR (28 * 8)
#define PR_ERROR (29 * 8)
#define PANIC_STACK_SIZE 16384
#define PANIC_NESTED_STACK_SIZE 2048

#define SEL_USER_DS_ASM 0x23
#define SEL_USER_CS_ASM 0x2b

#endif
