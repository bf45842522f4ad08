/* libkozo system calls: thin, always-inlined wrappers over the trap.
 *
 * Message registers MR0..MR3 travel in mr[4] (in and out); longer messages
 * continue in the IPC buffer's msg[4..] (see invoke.c).  Receiving calls
 * return the message info and store the sender's badge (for a notification:
 * the signalled bits) in *badge. */
#ifndef KOZO_USER_SYSCALL_H
#define KOZO_USER_SYSCALL_H

#include <stdint.h>
#include <kozo/message.h>
#include <kozo/bootinfo.h>
#include <kozo/syscall.h>
#include <syscall_arch.h>

/* Send mr and wait for the reply on the one-shot reply path; returns the
 * reply's message info, mr holds its MR0..MR3.  A cptr that does not
 * resolve gives message info 0: use kozo_call_status to tell. */
KOZO_ALWAYS_INLINE uint64_t kozo_call(uint64_t cptr, uint64_t info, uint64_t mr[4])
{
	kozo_arch_syscall(KOZO_SYS_CALL, &cptr, &info, mr);
	return info;
}

/* Call returning the syscall's own kozo_error (nonzero when the kernel
 * could not deliver: bad cptr, missing right); *info gets the reply's. */
KOZO_ALWAYS_INLINE int kozo_call_status(uint64_t cptr, uint64_t *info, uint64_t mr[4])
{
	return (int)kozo_arch_syscall(KOZO_SYS_CALL, &cptr, info, mr);
}

/* Blocking send. */
KOZO_ALWAYS_INLINE void kozo_send(uint64_t cptr, uint64_t info, const uint64_t mr[4])
{
	uint64_t m[4] = { mr[0], mr[1], mr[2], mr[3] };
	kozo_arch_syscall(KOZO_SYS_SEND, &cptr, &info, m);
}

/* Send only if a receiver waits; the message is dropped otherwise. */
KOZO_ALWAYS_INLINE void kozo_nbsend(uint64_t cptr, uint64_t info, const uint64_t mr[4])
{
	uint64_t m[4] = { mr[0], mr[1], mr[2], mr[3] };
	kozo_arch_syscall(KOZO_SYS_NB_SEND, &cptr, &info, m);
}

/* Block until a message (or a signal, for a notification) arrives. */
KOZO_ALWAYS_INLINE uint64_t kozo_recv(uint64_t cptr, uint64_t *badge, uint64_t mr[4])
{
	uint64_t info = 0;
	kozo_arch_syscall(KOZO_SYS_RECV, &cptr, &info, mr);
	*badge = cptr;
	return info;
}

/* Receive without blocking: info and badge are 0 when nothing waits. */
KOZO_ALWAYS_INLINE uint64_t kozo_nbrecv(uint64_t cptr, uint64_t *badge, uint64_t mr[4])
{
	uint64_t info = 0;
	kozo_arch_syscall(KOZO_SYS_NB_RECV, &cptr, &info, mr);
	*badge = cptr;
	return info;
}

/* Answer the thread whose Call (or fault) this thread last received. */
KOZO_ALWAYS_INLINE void kozo_reply(uint64_t info, const uint64_t mr[4])
{
	uint64_t cptr = 0;
	uint64_t m[4] = { mr[0], mr[1], mr[2], mr[3] };
	kozo_arch_syscall(KOZO_SYS_REPLY, &cptr, &info, m);
}

/* Reply, then wait on cptr: the server loop in one trap. */
KOZO_ALWAYS_INLINE uint64_t kozo_reply_recv(uint64_t cptr, uint64_t info, uint64_t mr[4],
					    uint64_t *badge)
{
	kozo_arch_syscall(KOZO_SYS_REPLY_RECV, &cptr, &info, mr);
	*badge = cptr;
	return info;
}

KOZO_ALWAYS_INLINE void kozo_yield(void)
{
	uint64_t cptr = 0, info = 0, m[4] = { 0, 0, 0, 0 };
	kozo_arch_syscall(KOZO_SYS_YIELD, &cptr, &info, m);
}

/* Notifications: Send signals the capability's badge bits, Recv waits for
 * and clears them, NBRecv polls (0: nothing pending). */
KOZO_ALWAYS_INLINE void kozo_signal(uint64_t ntfn)
{
	uint64_t info = 0, m[4] = { 0, 0, 0, 0 };
	kozo_arch_syscall(KOZO_SYS_SEND, &ntfn, &info, m);
}

KOZO_ALWAYS_INLINE uint64_t kozo_wait(uint64_t ntfn)
{
	uint64_t badge, m[4] = { 0, 0, 0, 0 };
	kozo_recv(ntfn, &badge, m);
	return badge;
}

KOZO_ALWAYS_INLINE uint64_t kozo_poll(uint64_t ntfn)
{
	uint64_t badge, m[4] = { 0, 0, 0, 0 };
	kozo_nbrecv(ntfn, &badge, m);
	return badge;
}

/* One byte to the kernel console (debugging before the serial driver),
 * through the Debug capability at KOZO_CAP_DEBUG of the caller's CSpace
 * (Init's; the kernel refuses without one). */
KOZO_ALWAYS_INLINE void kozo_debug_putchar(char c)
{
	uint64_t cptr = KOZO_CAP_DEBUG, info = 0, m[4] = { (uint8_t)c, 0, 0, 0 };
	kozo_arch_syscall(KOZO_SYS_DEBUG_PUTCHAR, &cptr, &info, m);
}

#endif
