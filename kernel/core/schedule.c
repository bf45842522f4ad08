/* Scheduling decisions on kernel exit: which thread runs next, and the
 * preemption timer's time slices.  (The run queues themselves: sched.c.) */
#include "schedule.h"
#include "irq.h"

void kernel_schedule(struct kernel *k)
{
	schedule_choose(k);
}

void kernel_timer_tick(struct kernel *k)
{
	irq_timer_tick(k);
	struct tcb *t = k->current;
	if (t && t->state == THREAD_RUNNABLE && --t->time_slice == 0) {
		t->time_slice = SCHED_TIME_SLICE;
		sched_rotate(&k->sched, t);
	}
	kernel_schedule(k);
}
