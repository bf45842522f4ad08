/* aarch64 register file for starting threads (TCB_WriteRegisters). */
#ifndef KOZO_USER_THREAD_ARCH_H
#define KOZO_USER_THREAD_ARCH_H

#include <stdint.h>
#include <kozo/regs_aarch64.h>

#define KOZO_ARCH_REG_COUNT KOZO_A64_REG_COUNT
#define KOZO_ARCH_FLAGS_USER 0ull /* SPSR: EL0t, interrupts unmasked */
#define KOZO_ARCH_REG_IP KOZO_A64_PC
#define KOZO_ARCH_REG_SP KOZO_A64_SP
#define KOZO_ARCH_REG_ARG0 KOZO_A64_X0
/* An undefined instruction, and the vector its user-exception fault names
 * (the exception class of ESR_EL1: 0, unknown reason). */
#define KOZO_ARCH_UNDEFINED_INSN "udf #0"
#define KOZO_ARCH_UNDEFINED_VECTOR 0

/* A stack pointer as a function sees it on entry, at or below sp. */
static inline uint64_t kozo_arch_entry_sp(uint64_t sp)
{
	return sp & ~15ull;
}

/* A fresh thread: entry ip, stack pointer sp (rounded down to the 16 bytes
 * the architecture checks, SCTLR_EL1.SA0), arg in X0, and the thread
 * pointer naming its IPC buffer (0 for none). */
static inline void kozo_arch_thread_regs(uint64_t regs[KOZO_ARCH_REG_COUNT], uint64_t ip,
					 uint64_t sp, uint64_t arg, uint64_t ipc_buffer)
{
	for (unsigned i = 0; i < KOZO_ARCH_REG_COUNT; i++)
		regs[i] = 0;
	regs[KOZO_A64_PC] = ip;
	regs[KOZO_A64_SP] = sp & ~15ull;
	regs[KOZO_A64_SPSR] = KOZO_ARCH_FLAGS_USER;
	regs[KOZO_A64_X0] = arg;
	regs[KOZO_A64_TPIDR] = ipc_buffer;
}

#endif
