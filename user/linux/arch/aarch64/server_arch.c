/* The Linux server's aarch64 side (server_arch.h).  Linux aarch64 programs
 * call `svc #0` with the number in X8, arguments in X0-X5, the result in
 * X0: the kernel sends it as an UnknownSyscall fault like any call of a
 * Linux-personality thread (include/kozo/fault.h; the aarch64 port's
 * ARCH_REG_SYSNO and ARCH_REG_ARG* are X8 and X0-X5).  The numbers are
 * asm-generic's; the generated LX_A64_SYSCALL_TABLE (user/linux/syscalls.def)
 * turns them into the layer's, and the one call whose arguments differ,
 * clone, is put in x86_64's order here. */
#include "../../server_arch.h"
#include <thread_arch.h>

void lxa_regs_to_lx(const uint64_t *k, struct lx_regs *r)
{
	for (unsigned i = 0; i < 31; i++)
		r->x[i] = k[KOZO_A64_X0 + i];
	r->sp = k[KOZO_A64_SP];
	r->pc = k[KOZO_A64_PC];
	r->pstate = k[KOZO_A64_SPSR];
}

void lxa_regs_from_lx(const struct lx_regs *r, uint64_t *k)
{
	for (unsigned i = 0; i < 31; i++)
		k[KOZO_A64_X0 + i] = r->x[i];
	k[KOZO_A64_SP] = r->sp;
	k[KOZO_A64_PC] = r->pc;
	k[KOZO_A64_SPSR] = r->pstate;  /* the kernel keeps only NZCV of it */
}

unsigned lxa_reg_ret(void)
{
	return KOZO_A64_X0;
}

unsigned lxa_reg_tls(void)
{
	return KOZO_A64_TPIDR;  /* never asked: arch_prctl does not exist here */
}

/* aarch64 number -> the layer's number + 1 (0: no such call). */
#define A64_ENTRY(n, name) [n] = LX_NR_##name + 1,
static const uint16_t a64_to_nr[LX_A64_NR_MAX] = { LX_A64_SYSCALL_TABLE(A64_ENTRY) };

void lxa_syscall_in(uint64_t *nr, uint64_t args[6])
{
	uint64_t n = *nr < LX_A64_NR_MAX ? a64_to_nr[*nr] : 0;
	/* A number aarch64 does not have: one the layer does not know either
	 * (ENOSYS), which lxa_arch_nr turns back for the log. */
	*nr = n ? n - 1 : LX_NR_MAX + (*nr < LX_NR_MAX ? *nr : LX_NR_MAX);
	if (*nr == LX_NR_clone) {
		/* aarch64: flags, stack, parent_tid, tls, child_tid;
		 * x86_64: flags, stack, parent_tid, child_tid, tls. */
		uint64_t tls = args[3];
		args[3] = args[4];
		args[4] = tls;
	}
}

#define NR_ENTRY(n, name) [LX_NR_##name] = n + 1,
static const uint16_t nr_to_a64[LX_NR_MAX] = { LX_A64_SYSCALL_TABLE(NR_ENTRY) };

uint64_t lxa_arch_nr(uint64_t nr)
{
	return nr >= LX_NR_MAX ? nr - LX_NR_MAX : nr_to_a64[nr] ? nr_to_a64[nr] - 1u : nr;
}

/* A data abort's ESR: WnR (bit 6) says write, unless it is a cache
 * maintenance operation (CM, bit 8), which Linux counts as a read. */
bool lxa_fault_write(const uint64_t mr[4])
{
	return !mr[2] && (mr[3] >> 6 & 1) && !(mr[3] >> 8 & 1);
}

/* Signal for a user exception: the vector is ESR_EL1's exception class. */
int lxa_exception_signal(uint64_t vector, uint64_t code)
{
	(void)code;
	switch (vector) {
	case 0x00:           /* unknown: an undefined instruction (udf) */
	case 0x0e:           /* illegal execution state */
	case 0x18:           /* a trapped MSR/MRS (a system register EL0 may not use) */
		return LX_SIGILL;
	case 0x22:           /* PC alignment */
	case 0x24:           /* data abort: alignment */
	case 0x26:           /* SP alignment */
		return LX_SIGBUS;
	case 0x2c:           /* a trapped floating-point exception */
		return LX_SIGFPE;
	case 0x3c:           /* brk */
		return LX_SIGTRAP;
	default:
		return LX_SIGSEGV;
	}
}
