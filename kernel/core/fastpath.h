/* The IPC fast path: Call and ReplyRecv that switch straight to a waiting
 * partner, registers to registers.  See fastpath.c for its conditions. */
#ifndef KOZO_CORE_FASTPATH_H
#define KOZO_CORE_FASTPATH_H

#include "types.h"

struct kernel;

/* Try the fast path for the system call of k->current: the first thing a
 * port's syscall entry calls (x86_64's entry.S calls it directly, without
 * a C frame around it).  Returns true when it has done the whole call and
 * set k->current to the thread to resume (a port's arch_fastpath_exit may
 * have resumed it and not returned); false, with nothing changed, when
 * kernel_syscall() must handle it. */
bool fastpath_syscall(struct kernel *k);

#endif
