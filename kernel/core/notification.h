/* Notifications: a word of flags that Signal ORs a badge into, and a queue
 * of threads waiting for it to become non-zero. */
#ifndef KOZO_CORE_NOTIFICATION_H
#define KOZO_CORE_NOTIFICATION_H

#include "tcb.h"

struct notification {
	word_t word;
	struct tcb_queue q;
	struct tcb *bound;       /* TCB whose Recv also waits here */
	uint32_t refs;
	uint32_t active;         /* signalled since the last Wait, even with badge 0 */
	word_t reserved[3];
};
_Static_assert(sizeof(struct notification) <= (1u << KOZO_NOTIFICATION_SIZE_BITS), "ntfn size");

struct kernel;
void ntfn_signal(struct kernel *k, struct notification *n, word_t badge);
/* Wait (blocking) or Poll; the badge word is returned in t's badge register. */
void ntfn_wait(struct kernel *k, struct tcb *t, struct notification *n, bool blocking);
void ntfn_dequeue(struct notification *n, struct tcb *t);
void ntfn_bind(struct notification *n, struct tcb *t);
void ntfn_unbind(struct tcb *t);
void ntfn_finalize(struct kernel *k, struct notification *n);

#endif
