/* The IPC fast path: Call and ReplyRecv that switch straight to a waiting
 * partner, registers to registers.  See fastpath.c for its conditions. */
#ifndef KOZO_CORE_FASTPATH_H
#define KOZO_CORE_FASTPATH_H

#include "types.h"

struct kernel;
struct tcb;

/* Try the fast path for system call nr (KOZO_SYS_CALL or _REPLY_RECV) of
 * the current thread t.  Returns true when it has done the whole call and
 * set k->current to the thread to resume; false, with nothing changed,
 * when the general path must handle it. */
bool fastpath_syscall(struct kernel *k, struct tcb *t, word_t nr);

#endif
