/* aarch64 definitions the core needs (see kernel/core/arch.h).  The
 * register roles follow include/kozo/syscall.h: X8 number (and, on return,
 * the call's kozo_error), X0 cptr/badge, X1 message info, X2-X5 MR0-MR3;
 * Linux's own convention (X8 number, X0-X5 arguments, X0 result) for
 * UnknownSyscall faults. */
#ifndef KOZO_ARCH_DEFS_H
#define KOZO_ARCH_DEFS_H

#include <stdint.h>
#include <kozo/regs_aarch64.h>

#define ARCH_REG_COUNT KOZO_A64_REG_COUNT
#define ARCH_REG_IP KOZO_A64_PC
#define ARCH_REG_SP KOZO_A64_SP
#define ARCH_REG_FLAGS KOZO_A64_SPSR
#define ARCH_REG_SYSNO KOZO_A64_X8
#define ARCH_REG_CAP KOZO_A64_X0
#define ARCH_REG_INFO KOZO_A64_X1
#define ARCH_REG_MR0 KOZO_A64_X2
#define ARCH_REG_MR1 KOZO_A64_X3
#define ARCH_REG_MR2 KOZO_A64_X4
#define ARCH_REG_MR3 KOZO_A64_X5
#define ARCH_REG_ARG0 KOZO_A64_X0
#define ARCH_REG_ARG1 KOZO_A64_X1
#define ARCH_REG_ARG2 KOZO_A64_X2
#define ARCH_REG_ARG3 KOZO_A64_X3
#define ARCH_REG_ARG4 KOZO_A64_X4
#define ARCH_REG_ARG5 KOZO_A64_X5
#define ARCH_REG_RET KOZO_A64_X0
#define ARCH_REG_TLS KOZO_A64_TPIDR

/* TTBR0_EL1 with T0SZ = 16: user space is the low 256 TiB. */
#define ARCH_HAS_IOPORTS 0   /* device registers are Frames */
#define ARCH_USER_TOP 0x0001000000000000ull
#define ARCH_ID 2

/* Saved user state; regs[] in enum kozo_aarch64_reg order.  entry.S and
 * context.S address it through asm_offsets.h.  The FP/SIMD registers are
 * switched lazily (context.c): fpu[] holds V0-V31, then FPSR and FPCR;
 * cpacr is the CPACR_EL1 value the thread runs with (FP/SIMD enabled only
 * for the owner of the FP unit). */
struct arch_context {
	uint64_t regs[ARCH_REG_COUNT];
	uint32_t fpu_valid;
	uint32_t cpacr;
	uint64_t fpu[66] __attribute__((aligned(16)));
};

#endif
