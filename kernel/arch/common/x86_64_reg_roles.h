/* x86_64's register roles for the core (kernel/core/arch.h): which saved
 * register carries what across the syscall boundary.  Shared by the x86_64
 * port and the host port, which plays an x86_64 machine, so it lives in
 * kernel/arch/common (on both ports' include path). */
#ifndef KOZO_X86_64_REG_ROLES_H
#define KOZO_X86_64_REG_ROLES_H

#include <kozo/regs_x86_64.h>

#define ARCH_REG_COUNT KOZO_X86_REG_COUNT
#define ARCH_REG_IP KOZO_X86_RIP
#define ARCH_REG_SP KOZO_X86_RSP
#define ARCH_REG_FLAGS KOZO_X86_RFLAGS
#define ARCH_REG_SYSNO KOZO_X86_RAX
#define ARCH_REG_CAP KOZO_X86_RDI
#define ARCH_REG_INFO KOZO_X86_RSI
#define ARCH_REG_MR0 KOZO_X86_RDX
#define ARCH_REG_MR1 KOZO_X86_R10
#define ARCH_REG_MR2 KOZO_X86_R8
#define ARCH_REG_MR3 KOZO_X86_R9
#define ARCH_REG_ARG0 KOZO_X86_RDI
#define ARCH_REG_ARG1 KOZO_X86_RSI
#define ARCH_REG_ARG2 KOZO_X86_RDX
#define ARCH_REG_ARG3 KOZO_X86_R10
#define ARCH_REG_ARG4 KOZO_X86_R8
#define ARCH_REG_ARG5 KOZO_X86_R9
#define ARCH_REG_RET KOZO_X86_RAX
#define ARCH_REG_TLS KOZO_X86_FS_BASE

#define ARCH_USER_TOP 0x0000800000000000ull
#define ARCH_ID 1   /* BootInfo arch: an x86_64 Init */

#endif
