/* Host port definitions the core needs (see kernel/core/arch.h).  The host
 * port plays an x86_64 machine: same register file, same syscall register
 * roles and user address limit, so a test drives the core exactly as the
 * x86_64 entry code would. */
#ifndef KOZO_ARCH_DEFS_H
#define KOZO_ARCH_DEFS_H

#include <stdint.h>
#include "x86_64_reg_roles.h"   /* kernel/arch/common */

#define ARCH_HAS_IOPORTS 1   /* a simulated port space (ioport.c) */

/* Saved user state; regs[] in enum kozo_x86_64_reg order. */
struct arch_context {
	uint64_t regs[ARCH_REG_COUNT];
};

#endif
