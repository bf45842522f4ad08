/* aarch64 system call trap and thread-local IPC buffer lookup: the
 * counterpart of arch/x86_64/syscall_arch.h.
 *
 *   in:  X8 number, X0 cptr, X1 msginfo, X2 X3 X4 X5 = MR0..MR3
 *   out: X8 kozo_error of the syscall itself (e.g. a cptr that does not
 *        resolve), X0 badge, X1 msginfo, X2..X5 = MR0..MR3
 *   `svc #0` clobbers nothing else: the kernel restores every register. */
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
	register uint64_t x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = *cptr;
	register uint64_t x1 __asm__("x1") = *info;
	register uint64_t x2 __asm__("x2") = mr[0];
	register uint64_t x3 __asm__("x3") = mr[1];
	register uint64_t x4 __asm__("x4") = mr[2];
	register uint64_t x5 __asm__("x5") = mr[3];
	__asm__ volatile("svc #0"
			 : "+r"(x8), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
			 :
			 : "memory");
	*cptr = x0;
	*info = x1;
	mr[0] = x2;
	mr[1] = x3;
	mr[2] = x4;
	mr[3] = x5;
	return x8;
}

/* The calling thread's IPC buffer: TPIDR_EL0 points at it (set by the
 * kernel for Init, by Init for threads). */
KOZO_ALWAYS_INLINE struct kozo_ipc_buffer *kozo_ipc_buffer(void)
{
	struct kozo_ipc_buffer *b;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(b));
	return b;
}

/* Stop the CPU for a moment in a spin loop. */
KOZO_ALWAYS_INLINE void kozo_arch_relax(void)
{
	__asm__ volatile("yield");
}

#endif
