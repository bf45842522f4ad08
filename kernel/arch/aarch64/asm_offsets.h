/* Byte offsets entry.S and context.S use into struct arch_context (see
 * arch_defs.h; regs[] follows enum kozo_aarch64_reg).  context.c checks
 * them against offsetof() at compile time. */
#ifndef KOZO_AARCH64_ASM_OFFSETS_H
#define KOZO_AARCH64_ASM_OFFSETS_H

#define CTX_PC (0 * 8)
#define CTX_SP (1 * 8)
#define CTX_SPSR (2 * 8)
#define CTX_X(n) ((3 + (n)) * 8)
#define CTX_TPIDR (34 * 8)
#define CTX_FPU (36 * 8)   /* regs[35], fpu_valid, then fpu[] */

/* struct kernel starts with `struct tcb *current`, and struct tcb with its
 * arch_context: the word at `kernel` points at the current thread's regs. */
#define KERNEL_CURRENT 0

#endif
