/* Scheduling decisions on kernel exit: which thread runs next, and the
 * preemption timer's time slices.  (The run queues themselves: sched.c.) */
#include "kernel.h"
#include "kprintf.h"

void kernel_schedule(struct kernel *k)
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

void kernel_timer_tick(struct kernel *k)
{
	struct tcb *t = k->current;
	if (t && t->state == THREAD_RUNNABLE && --t->time_slice == 0) {
		t->time_slice = SCHED_TIME_SLICE;
		sched_rotate(&k->sched, t);
	}
	kernel_schedule(k);
}
