/* x86_64 system call trap and thread-local IPC buffer lookup.  The only
 * architecture-specific part of libkozo: an aarch64 port supplies the same
 * two functions (svc #0, X8 number, X0..X5; TPIDR_EL0 for the buffer).
 *
 *   in:  RAX number, RDI cptr, RSI msginfo, RDX R10 R8 R9 = MR0..MR3
 *   out: RAX kozo_error of the syscall itself (e.g. a cptr that does not
 *        resolve), RDI badge, RSI msginfo, RDX R10 R8 R9 = MR0..MR3
 *   `syscall` itself clobbers RCX (return RIP) and R11 (RFLAGS). */
#ifndef KOZO_USER_SYSCALL_ARCH_H
#define KOZO_USER_SYSCALL_ARCH_H

#include <stddef.h>
#include <stdint.h>
#include <kozo/message.h>

#define KOZO_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Trap into the kernel.  *cptr, *info and mr[0..3] go in and come back
 * replaced by what the kernel returns (badge, message info, MRs); returns
 * the syscall's kozo_error.  Always inlined so position-independent child
 * programs contain no calls. */
KOZO_ALWAYS_INLINE uint64_t kozo_arch_syscall(uint64_t nr, uint64_t *cptr, uint64_t *info,
					  uint64_t mr[4])
{
	register uint64_t rax __asm__("rax") = nr;
	register uint64_t rdi __asm__("rdi") = *cptr;
	register uint64_t rsi __asm__("rsi") = *info;
	register uint64_t rdx __asm__("rdx") = mr[0];
	register uint64_t r10 __asm__("r10") = mr[1];
	register uint64_t r8 __asm__("r8") = mr[2];
	register uint64_t r9 __asm__("r9") = mr[3];
	__asm__ volatile("syscall"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	*cptr = rdi;
	*info = rsi;
	mr[0] = rdx;
	mr[1] = r10;
	mr[2] = r8;
	mr[3] = r9;
	return rax;
}

/* The calling thread's IPC buffer: FS points at it, and its user_data word
 * holds its own address (set by the kernel for Init, by Init for threads). */
KOZO_ALWAYS_INLINE struct kozo_ipc_buffer *kozo_ipc_buffer(void)
{
	struct kozo_ipc_buffer *b;
	__asm__ volatile("mov %%fs:%c1, %0"
			 : "=r"(b)
			 : "i"(offsetof(struct kozo_ipc_buffer, user_data)));
	return b;
}

/* Stop the CPU for a moment in a spin loop. */
KOZO_ALWAYS_INLINE void kozo_arch_relax(void)
{
	__asm__ volatile("pause");
}

#endif
