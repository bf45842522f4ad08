/* Notifications: Signal ORs a badge into the word and makes the
 * notification active; Wait takes the word.  As in seL4, a signal through
 * an unbadged capability (badge 0) still wakes a waiter, with word 0. */
#include "notification.h"
#include "endpoint.h"
#include "kernel.h"
#include <kozo/errors.h>

static void deliver(struct kernel *k, struct tcb *t, word_t word)
{
	t->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
	t->ctx.regs[ARCH_REG_CAP] = word;
	t->ctx.regs[ARCH_REG_INFO] = 0;
	thread_set_state(t, THREAD_RUNNABLE);
	sched_enqueue(&k->sched, t);
}

/* Debug builds: threads wait only on a notification that is not active. */
static void ntfn_check_state(const struct notification *n)
{
	kassert(!(n->active && n->q.head));
}

void ntfn_dequeue(struct notification *n, struct tcb *t)
{
	kassert(t->blocked_on == n && t->state == THREAD_BLOCKED_NTFN);
	tcb_queue_remove(&n->q, t);
}

void ntfn_signal(struct kernel *k, struct notification *n, word_t badge)
{
	ntfn_check_state(n);
	if (n->q.head) {
		struct tcb *t = n->q.head;
		ntfn_dequeue(n, t);
		deliver(k, t, n->word | badge);
		n->word = 0;
		n->active = 0;
		return;
	}
	struct tcb *b = n->bound;
	if (b && b->state == THREAD_BLOCKED_RECV) {
		/* The bound thread waits on an endpoint: take it off that queue. */
		ep_dequeue((struct endpoint *)b->blocked_on, b);
		deliver(k, b, n->word | badge);
		n->word = 0;
		n->active = 0;
		return;
	}
	n->word |= badge;
	n->active = 1;
}

void ntfn_wait(struct kernel *k, struct tcb *t, struct notification *n, bool blocking)
{
	ntfn_check_state(n);
	if (n->active || !blocking) {
		t->ctx.regs[ARCH_REG_SYSNO] = n->active ? KOZO_OK : KOZO_ERR_WOULD_BLOCK;
		t->ctx.regs[ARCH_REG_CAP] = n->word;
		t->ctx.regs[ARCH_REG_INFO] = 0;
		n->word = 0;
		n->active = 0;
		return;
	}
	tcb_queue_append(&n->q, t, n);
	thread_set_state(t, THREAD_BLOCKED_NTFN);
	sched_dequeue(&k->sched, t);
}

void ntfn_bind(struct notification *n, struct tcb *t)
{
	n->bound = t;
	t->bound_ntfn = n;
}

void ntfn_unbind(struct tcb *t)
{
	if (t->bound_ntfn)
		t->bound_ntfn->bound = NULL;
	t->bound_ntfn = NULL;
}

void ntfn_finalize(struct kernel *k, struct notification *n)
{
	ntfn_check_state(n);
	while (n->q.head) {
		struct tcb *t = n->q.head;
		ntfn_dequeue(n, t);
		thread_set_result(t, KOZO_ERR_CANCELLED);
		thread_set_state(t, THREAD_RUNNABLE);
		sched_enqueue(&k->sched, t);
	}
	if (n->bound)
		ntfn_unbind(n->bound);
}
