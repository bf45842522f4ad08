/* What of the Linux server's KOZO side depends on the machine its Linux
 * programs run on: registers, system call numbers, fault codes.  One
 * implementation per architecture, user/linux/arch/<arch>/server_arch.c. */
#ifndef KOZO_LINUX_SERVER_ARCH_H
#define KOZO_LINUX_SERVER_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lx.h"

/* A thread's KOZO register file (TCB_ReadRegisters order) and struct
 * lx_regs, both ways; lxa_regs_from_lx leaves the rest (TLS) as it is. */
void lxa_regs_to_lx(const uint64_t *k, struct lx_regs *r);
void lxa_regs_from_lx(const struct lx_regs *r, uint64_t *k);
/* The system call's result register in the KOZO register file. */
unsigned lxa_reg_ret(void);
/* LX_ACT_SET_FS: the thread pointer register (x86_64 FS base). */
unsigned lxa_reg_tls(void);

/* An UnknownSyscall fault's number and arguments, as the program passed
 * them, made what the translation layer takes (its numbers are the
 * x86_64 ones of user/linux/syscalls.def, LX_NR_*): *nr and args change
 * in place.  lxa_arch_nr is the way back, for the server's log. */
void lxa_syscall_in(uint64_t *nr, uint64_t args[6]);
uint64_t lxa_arch_nr(uint64_t nr);

/* A VM fault's message (MR0 IP, MR1 address, MR2 fetch, MR3 the arch's
 * fault code): did the access write? */
bool lxa_fault_write(const uint64_t mr[4]);
/* The signal for a user exception fault (MR3 vector, MR4 code). */
int lxa_exception_signal(uint64_t vector, uint64_t code);

#endif
