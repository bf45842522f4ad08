/* The Linux server's x86_64 side (server_arch.h): the Linux x86_64 ABI is
 * the translation layer's own numbering, so calls pass unchanged. */
#include "../../server_arch.h"
#include <thread_arch.h>

void lxa_regs_to_lx(const uint64_t *k, struct lx_regs *r)
{
	*r = (struct lx_regs){ .r8 = k[KOZO_X86_R8], .r9 = k[KOZO_X86_R9], .r10 = k[KOZO_X86_R10],
			       .r11 = k[KOZO_X86_R11], .r12 = k[KOZO_X86_R12], .r13 = k[KOZO_X86_R13],
			       .r14 = k[KOZO_X86_R14], .r15 = k[KOZO_X86_R15], .rdi = k[KOZO_X86_RDI],
			       .rsi = k[KOZO_X86_RSI], .rbp = k[KOZO_X86_RBP], .rbx = k[KOZO_X86_RBX],
			       .rdx = k[KOZO_X86_RDX], .rax = k[KOZO_X86_RAX], .rcx = k[KOZO_X86_RCX],
			       .rsp = k[KOZO_X86_RSP], .rip = k[KOZO_X86_RIP],
			       .eflags = k[KOZO_X86_RFLAGS] };
}

void lxa_regs_from_lx(const struct lx_regs *r, uint64_t *k)
{
	k[KOZO_X86_R8] = r->r8, k[KOZO_X86_R9] = r->r9, k[KOZO_X86_R10] = r->r10;
	k[KOZO_X86_R11] = r->r11, k[KOZO_X86_R12] = r->r12, k[KOZO_X86_R13] = r->r13;
	k[KOZO_X86_R14] = r->r14, k[KOZO_X86_R15] = r->r15, k[KOZO_X86_RDI] = r->rdi;
	k[KOZO_X86_RSI] = r->rsi, k[KOZO_X86_RBP] = r->rbp, k[KOZO_X86_RBX] = r->rbx;
	k[KOZO_X86_RDX] = r->rdx, k[KOZO_X86_RAX] = r->rax, k[KOZO_X86_RCX] = r->rcx;
	k[KOZO_X86_RSP] = r->rsp, k[KOZO_X86_RIP] = r->rip, k[KOZO_X86_RFLAGS] = r->eflags;
}

unsigned lxa_reg_ret(void)
{
	return KOZO_X86_RAX;
}

unsigned lxa_reg_tls(void)
{
	return KOZO_X86_FS_BASE;
}

void lxa_syscall_in(uint64_t *nr, uint64_t args[6])
{
	(void)nr, (void)args;
}

uint64_t lxa_arch_nr(uint64_t nr)
{
	return nr;
}

bool lxa_fault_write(const uint64_t mr[4])
{
	return mr[3] & 2;  /* #PF error code: W/R */
}

/* Signal for a user exception vector (#DE, #UD, #GP...). */
int lxa_exception_signal(uint64_t vector, uint64_t code)
{
	(void)code;
	switch (vector) {
	case 0:
	case 16:
	case 19: return LX_SIGFPE;
	case 1:
	case 3: return LX_SIGTRAP;
	case 6: return LX_SIGILL;
	case 17: return LX_SIGBUS;
	default: return LX_SIGSEGV;
	}
}
