/* x86_64 definitions the core needs (see kernel/core/arch.h). */
#ifndef KOZO_ARCH_DEFS_H
#define KOZO_ARCH_DEFS_H

#include <stdint.h>
#include "x86_64_reg_roles.h"   /* kernel/arch/common: shared with the host port */

#define ARCH_HAS_IOPORTS 1   /* IOPort capabilities: arch_ioport_in/out */

/* Saved user state; regs[] in enum kozo_x86_64_reg order.  The entry code
 * in entry.S addresses it through the offsets in asm_offsets.h. */
struct arch_context {
	uint64_t regs[ARCH_REG_COUNT];
	uint64_t fpu_valid;
	/* 1 from a SYSCALL entry until the registers change otherwise (any
	 * other entry, arch_context_init, arch_context_sanitize): RCX and R11
	 * still equal RIP and RFLAGS, as SYSCALL left them. */
	uint64_t sysret_ok;
	uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave area */
};

#endif
