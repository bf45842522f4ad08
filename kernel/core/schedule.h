/* Scheduling decisions on kernel exit (schedule.c).  The choice itself is
 * inline here so the general system call path (syscall.c) keeps it inline,
 * as when it lived there: a call per system call costs the slow-path IPC
 * figures about 2 % (docs/PERFORMANCE.md). */
#ifndef KOZO_CORE_SCHEDULE_H
#define KOZO_CORE_SCHEDULE_H

#include "kernel.h"
#include "kprintf.h"

/* kernel_schedule(): the thread to run next into k->current. */
static inline void schedule_choose(struct kernel *k)
{
	for (;;) {
		struct tcb *t = sched_choose(&k->sched);
		if (t && !tcb_vspace_root(t)) {
			/* Its address space was destroyed under it. */
			kprintf("kozo: thread %lu stopped: no address space\n", (unsigned long)t->id);
			tcb_suspend(k, t);
			continue;
		}
		k->current = t;
		return;
	}
}

#endif
