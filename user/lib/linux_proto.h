/* The Linux server's endpoint (user/linux), as the shell sees it
 * (KOZO_PROC_LINUX).
 *
 *   LINUX_RUN   MR0 n (<= LINUX_ARGS_MAX), MR1.. the path and arguments,
 *               each ended by a NUL, packed eight bytes to a register
 *               -> MR0 the first process's wait status (Linux encoding)
 *               The program's output and the server's "linux: ..." lines
 *               go to the console; the Call returns when the program ends.
 *               A Call that returns KOZO_ERR_CANCELLED: the server stopped
 *               (Init restarts it).
 *   LINUX_MEMORY -> MR0 per-process Untyped regions that are whole, MR1 of
 *               how many, MR2 the size of one (made on the first run)
 *   LINUX_ISOTEST only in the isolation-test build (make LINUX_ISOTEST=1):
 *               the server acts compromised, tries what it must not be able
 *               to do, prints each result, and last reads memory it does not
 *               map (Init restarts it).  Otherwise: illegal operation. */
#ifndef KOZO_USER_LINUX_PROTO_H
#define KOZO_USER_LINUX_PROTO_H

enum linux_label { LINUX_RUN = 1, LINUX_MEMORY = 2, LINUX_ISOTEST = 3 };

/* The server's own notification's bits besides the console's
 * (CONSOLE_SIG_INPUT, CONSOLE_SIG_INTR): the kernel's timer line, whose
 * handler Init gives it (KOZO_PROC_IRQ_HANDLER). */
#define LINUX_SIG_TIMER 4

#define LINUX_ARGS_MAX (8 * 119)
#define LINUX_ARGC_MAX 64

#endif
