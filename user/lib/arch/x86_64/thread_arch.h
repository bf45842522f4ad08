/* x86_64 register file for starting threads (TCB_WriteRegisters). */
#ifndef KOZO_USER_THREAD_ARCH_H
#define KOZO_USER_THREAD_ARCH_H

#include <stdint.h>
#include <kozo/regs_x86_64.h>

#define KOZO_ARCH_REG_COUNT KOZO_X86_REG_COUNT
#define KOZO_ARCH_FLAGS_USER 0x202ull /* IF set, reserved bit 1 */

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
