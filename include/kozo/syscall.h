/* System call numbers and register conventions.
 *
 * KOZO's numbers live in a range no Linux syscall uses (Linux x86_64 and
 * aarch64 numbers are below 1024; x32 sets bit 30), so a native call can never
 * be mistaken for a Linux one or the reverse.
 *
 *            number  cptr/badge  msginfo  MR0  MR1  MR2  MR3
 *   x86_64   RAX     RDI         RSI      RDX  R10  R8   R9     (syscall)
 *   aarch64  X8      X0          X1       X2   X3   X4   X5     (svc #0)
 *
 * On return the same registers hold the badge, the reply's message info and
 * MR0..MR3; further message registers are in the IPC buffer.  The syscall
 * number register (RAX / X8) holds the call's kozo_error: 0, or why the
 * call itself failed (capability lookup, rights, KOZO_ERR_WOULD_BLOCK for a
 * non-blocking call without partner, KOZO_ERR_CANCELLED when the endpoint
 * or the partner was deleted).  For a Call on a kernel object it is the
 * invocation's result, also given as the reply's label. */
#ifndef KOZO_SYSCALL_H
#define KOZO_SYSCALL_H

#define KOZO_SYSCALL_BASE 0x4b00u

enum kozo_syscall {
	KOZO_SYS_CALL = KOZO_SYSCALL_BASE,
	KOZO_SYS_REPLY_RECV,
	KOZO_SYS_SEND,
	KOZO_SYS_NB_SEND,
	KOZO_SYS_RECV,
	KOZO_SYS_NB_RECV,
	KOZO_SYS_REPLY,
	KOZO_SYS_YIELD,
	KOZO_SYS_DEBUG_PUTCHAR, /* kernel console: cptr a Debug cap with Write, byte in MR0 */
	KOZO_SYS_END
};

#define KOZO_FASTPATH_MRS 4 /* message registers carried in CPU registers */

#endif
