/* Byte offsets entry.S and context.S use into struct arch_context (see
 * arch_defs.h; regs[] follows enum kozo_aarch64_reg).  context.c checks
 * them against offsetof() at compile time. */
#ifndef KOZO_AARCH64_ASM_OFFSETS_H
#define KOZO_AARCH64_ASM_OFFSETS_H

#define CTX_PC (0 * 8)
#define CTX_SP (1 * 8)
#define CTX_SPSR (2 * 8)
#define CTX_X(n) ((3 + (n)) * 8)
#define CTX_TPIDR (34 * 8)   /* right after X30: entry.S stores both with one STP */
#define CTX_CPACR (35 * 8 + 4)   /* regs[35], fpu_valid (u32), cpacr (u32) */
#define CTX_FPU (36 * 8)         /* then fpu[] */

/* struct tcb: its VSpace capability's obj (the root table) and ASID
 * (cap.h: cap_vspace_asid(), at CAP_VSPACE_ASID_OFFSET; checked in
 * context.c). */
#define TCB_VSPACE_ROOT 1080
#define TCB_VSPACE_ASID 1088

/* context.c's SPSR_USER_WRITABLE, checked there. */
#define SPSR_USER_WRITABLE_ASM 0xf0000000

/* panic.S: panic_regs[] (enum kozo_aarch64_panic_reg), then the words the
 * entry needs before it may use the stack.  panic.c checks the indexes. */
#define PR_X(n) ((n) * 8)
#define PR_SP (31 * 8)
#define PR_PC (32 * 8)
#define PR_PSTATE (33 * 8)
#define PR_ESR (34 * 8)
#define PR_FAR (35 * 8)
#define PR_ELR (36 * 8)
#define PR_SPSR (37 * 8)
#define PR_SCTLR (38 * 8)
#define PR_TTBR0 (39 * 8)
#define PR_TTBR1 (40 * 8)
#define PR_CURRENTEL (41 * 8)
#define PA_DAIF (42 * 8)     /* DAIF at the latest entry, before masking */
#define PA_CYCLES (43 * 8)   /* PMCCNTR_EL0 at the first entry */
#define PA_DEPTH (44 * 8)    /* entries so far (u32) */
#define PA_SIZE (45 * 8)
#define PANIC_STACK_SIZE 16384
#define PANIC_NESTED_STACK_SIZE 2048

#endif
