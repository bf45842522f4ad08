/* Endpoints: rendezvous points for synchronous IPC.  Waiting threads queue
 * in FIFO order; all of them are either senders or receivers. */
#ifndef KOZO_CORE_ENDPOINT_H
#define KOZO_CORE_ENDPOINT_H

#include "tcb.h"

enum ep_state { EP_IDLE = 0, EP_SEND, EP_RECV };

struct endpoint {
	struct tcb_queue q;
	uint32_t state;
	uint32_t refs;
	word_t reserved[5];
};
_Static_assert(sizeof(struct endpoint) <= (1u << KOZO_ENDPOINT_SIZE_BITS), "endpoint size");

struct kernel;
/* Send the message in t's registers/IPC buffer through the endpoint cap c.
 * blocking: wait for a receiver; is_call: wait for the reply afterwards. */
void ep_send(struct kernel *k, struct tcb *t, const struct cap *c, bool blocking, bool is_call);
/* Receive on endpoint cap c (also takes a pending signal of a bound
 * notification first). */
void ep_recv(struct kernel *k, struct tcb *t, const struct cap *c, bool blocking);
/* Reply to the thread t last received a Call from (no-op if none). */
void ep_reply(struct kernel *k, struct tcb *t);
/* Deliver t's pending fault message to its fault endpoint. */
void ep_send_fault(struct kernel *k, struct tcb *t);
/* Debug builds: an endpoint's state says whether its queue is empty
 * (checked when it is finalised, and by ep_dequeue: a thread is taken only
 * from a non-idle endpoint; not on every Send and Recv, to keep the debug
 * build's slow-path IPC within 2 % of release). */
static inline void ep_check_state(const struct endpoint *ep)
{
	kassert((ep->state == EP_IDLE) == (ep->q.head == NULL));
}
/* Remove t from the queue it blocks in (not the fast path's own). */
static inline void ep_dequeue(struct endpoint *ep, struct tcb *t)
{
	kassert(t->blocked_on == ep && ep->state != EP_IDLE);
	kassert(t->state == (ep->state == EP_SEND ? THREAD_BLOCKED_SEND : THREAD_BLOCKED_RECV));
	tcb_queue_remove(&ep->q, t);
	if (!ep->q.head)
		ep->state = EP_IDLE;
}
/* Last capability gone: wake every waiter with KOZO_ERR_CANCELLED. */
void ep_finalize(struct kernel *k, struct endpoint *ep);

#endif
