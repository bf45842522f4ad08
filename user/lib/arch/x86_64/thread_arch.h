/* x86_64 register file for starting threads (TCB_WriteRegisters). */
#ifndef KOZO_USER_THREAD_ARCH_H
#define KOZO_USER_THREAD_ARCH_H

#include <stdint.h>
#include <kozo/regs_x86_64.h>

#define KOZO_ARCH_REG_COUNT KOZO_X86_REG_COUNT
#define KOZO_ARCH_FLAGS_USER 0x202ull /* IF set, reserved bit 1 */
#define KOZO_ARCH_REG_IP KOZO_X86_RIP
#define KOZO_ARCH_REG_SP KOZO_X86_RSP
#define KOZO_ARCH_REG_ARG0 KOZO_X86_RDI
/* An undefined instruction, and the vector its user-exception fault names. */
#define KOZO_ARCH_UNDEFINED_INSN "ud2"
#define KOZO_ARCH_UNDEFINED_VECTOR 6 /* #UD */

/* A stack pointer as a function sees it on entry (after a call pushed the
 * return address: sp + 8 is 16-byte aligned), at or below sp. */
static inline uint64_t kozo_arch_entry_sp(uint64_t sp)
{
	return (sp & ~15ull) - 8;
}

/* A fresh thread: entry ip, stack pointer sp (as after a call: sp + 8 is
 * 16-byte aligned), arg in the first argument register, and the thread
 * pointer naming its IPC buffer (0 for none). */
static inline void kozo_arch_thread_regs(uint64_t regs[KOZO_ARCH_REG_COUNT], uint64_t ip,
					 uint64_t sp, uint64_t arg, uint64_t ipc_buffer)
{
	for (unsigned i = 0; i < KOZO_ARCH_REG_COUNT; i++)
		regs[i] = 0;
	regs[KOZO_X86_RIP] = ip;
	regs[KOZO_X86_RSP] = sp;
	regs[KOZO_X86_RFLAGS] = KOZO_ARCH_FLAGS_USER;
	regs[KOZO_X86_RDI] = arg;
	regs[KOZO_X86_FS_BASE] = ipc_buffer;
}

#endif
