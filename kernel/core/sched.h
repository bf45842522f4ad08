/* Priority round-robin scheduler: one FIFO run queue per priority and a
 * bitmap of the non-empty ones.  The running thread stays in its queue. */
#ifndef KOZO_CORE_SCHED_H
#define KOZO_CORE_SCHED_H

#include "tcb.h"

#define SCHED_PRIORITIES 256
#define SCHED_TIME_SLICE 5   /* timer ticks */

struct sched {
	struct tcb *head[SCHED_PRIORITIES], *tail[SCHED_PRIORITIES];
	uint64_t bitmap[SCHED_PRIORITIES / 64];
};

void sched_enqueue(struct sched *s, struct tcb *t);
void sched_dequeue(struct sched *s, struct tcb *t);
/* Highest-priority runnable thread, or NULL. */
struct tcb *sched_choose(struct sched *s);
/* Move t behind the other threads of its priority. */
void sched_rotate(struct sched *s, struct tcb *t);
bool sched_is_queued(const struct sched *s, const struct tcb *t);

#endif
