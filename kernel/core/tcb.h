/* Thread control blocks.  A TCB is 2 KiB: the saved user context first (the
 * arch entry code stores registers there), then scheduling and IPC state,
 * then four slots holding copies of the capabilities the thread runs with. */
#ifndef KOZO_CORE_TCB_H
#define KOZO_CORE_TCB_H

#include "arch.h"
#include "cap.h"
#include <kozo/fault.h>
#include <kozo/message.h>
#include <kozo/syscall.h>

enum thread_state {
	THREAD_INACTIVE = 0,   /* never resumed, suspended, or stopped by a fault */
	THREAD_RUNNABLE,
	THREAD_BLOCKED_SEND,   /* queued on an endpoint to send (or call) */
	THREAD_BLOCKED_RECV,   /* queued on an endpoint to receive */
	THREAD_BLOCKED_REPLY,  /* did a Call (or faulted); waits for the reply */
	THREAD_BLOCKED_NTFN,   /* waiting on a notification */
};

enum tcb_slot_index { TCB_CSPACE, TCB_VSPACE, TCB_IPC_FRAME, TCB_FAULT_EP, TCB_SLOTS };

struct endpoint;
struct notification;
struct tcb;

/* A FIFO of blocked threads (an endpoint's or a notification's waiters),
 * linked through tcb.queue_next/queue_prev. */
struct tcb_queue {
	struct tcb *head, *tail;
};

struct tcb {
	struct arch_context ctx;      /* must stay first */
	uint8_t state;
	uint8_t priority;
	uint8_t personality;
	uint8_t ipc_can_grant;        /* pending send carries the Grant right */
	uint8_t ipc_is_call;          /* pending send is a Call */
	uint8_t pending_fault;        /* a kozo_fault being sent, or 0: part
				       * of the state (thread_set_state) */
	uint16_t pad;
	uint32_t refs;                /* capabilities naming this TCB */
	uint32_t time_slice;
	struct tcb *sched_next, *sched_prev;   /* run queue */
	struct tcb *queue_next, *queue_prev;   /* endpoint/notification queue */
	void *blocked_on;                      /* struct endpoint / notification */
	word_t ipc_badge;                      /* badge of the cap used to send */
	struct tcb *reply_to;                  /* whom this thread must reply to */
	struct tcb *reply_from;                /* who will reply to this thread */
	struct notification *bound_ntfn;
	word_t ipc_buffer_addr;                /* user address, for information */
	word_t ipc_buffer_offset;              /* offset in the IPC buffer frame */
	word_t fault_msg[KOZO_FAULT_SYSCALL_LENGTH]; /* pending fault's MRs */
	uint64_t id;                           /* for log messages */
	struct slot slots[TCB_SLOTS];
};
_Static_assert(sizeof(struct tcb) <= (1u << KOZO_TCB_SIZE_BITS), "TCB fits its object");

/* A fault is part of the thread's state, as in seL4: it exists only while
 * the thread is blocked sending it (BLOCKED_SEND) or waiting for the
 * handler's reply (BLOCKED_REPLY), and every change to any other state
 * drops it, whichever path makes the change.  So no path (a handler that
 * accepts a new Call first, a Resume, a deleted endpoint) can leave a
 * fault behind to turn the thread's next Send into a fault message.  The
 * fast path keeps this without a store: the threads it moves to other
 * states are running or receiving, which have no fault.
 * KOZO_FUZZ_REVERT_FAULT plants the old bug for fuzz/ipc's self-check. */
static inline void thread_set_state(struct tcb *t, unsigned state)
{
	t->state = (uint8_t)state;
#ifndef KOZO_FUZZ_REVERT_FAULT
	if (state != THREAD_BLOCKED_SEND && state != THREAD_BLOCKED_REPLY)
		t->pending_fault = 0;
#endif
}

/* Can this Frame capability hold a thread's IPC buffer?  The kernel writes
 * messages, badges and capability indexes into it, so: a Frame, with the
 * Write right, of RAM (not device registers), as seL4 requires of a
 * receiver's buffer.  Checked by Configure and again at every use. */
static inline bool ipc_buffer_frame_ok(const struct cap *f)
{
#ifdef KOZO_FUZZ_REVERT_IPCBUF
	return f->type == KOZO_OBJ_FRAME;
#else
	return f->type == KOZO_OBJ_FRAME && (f->rights & KOZO_RIGHT_WRITE) &&
	       !(f->flags & CAP_FLAG_DEVICE);
#endif
}

/* The thread's IPC buffer in kernel view, or NULL when it has none (or its
 * capability does not pass ipc_buffer_frame_ok). */
struct kozo_ipc_buffer *tcb_ipc_buffer(const struct tcb *t);
/* The thread's page-table root, or NULL.  Inline: every return to user
 * mode and the IPC fast path ask. */
static inline word_t *tcb_vspace_root(const struct tcb *t)
{
	const struct cap *v = &t->slots[TCB_VSPACE].cap;
	return v->type == KOZO_OBJ_VSPACE ? (word_t *)v->obj : NULL;
}
static inline const struct cap *tcb_cspace(const struct tcb *t) { return &t->slots[TCB_CSPACE].cap; }

/* Message register i of t (0..3 in registers, the rest in its IPC buffer). */
word_t tcb_get_mr(const struct tcb *t, unsigned i);
void tcb_set_mr(struct tcb *t, unsigned i, word_t v);

/* Append t to q, recording the object it now blocks on; tcb_queue_remove
 * takes t (which is in q) out of it.  Inline for the IPC fast path. */
static inline void tcb_queue_append(struct tcb_queue *q, struct tcb *t, void *blocked_on)
{
	t->blocked_on = blocked_on;
	t->queue_next = NULL;
	t->queue_prev = q->tail;
	if (q->tail)
		q->tail->queue_next = t;
	else
		q->head = t;
	q->tail = t;
}

static inline void tcb_queue_remove(struct tcb_queue *q, struct tcb *t)
{
	if (t->queue_prev)
		t->queue_prev->queue_next = t->queue_next;
	else
		q->head = t->queue_next;
	if (t->queue_next)
		t->queue_next->queue_prev = t->queue_prev;
	else
		q->tail = t->queue_prev;
	t->queue_next = t->queue_prev = NULL;
	t->blocked_on = NULL;
}

/* A system call's result without a message: err (a kozo_error) in t's
 * result register, no badge, an empty message info.  For every system call
 * and for a thread woken without a message (cancelled IPC). */
static inline void thread_set_result(struct tcb *t, int err)
{
	t->ctx.regs[ARCH_REG_SYSNO] = (word_t)err;
	t->ctx.regs[ARCH_REG_CAP] = 0;
	t->ctx.regs[ARCH_REG_INFO] = 0;
}

struct kernel;
/* Stop t wherever it is: leave queues, cancel IPC, leave the run queue. */
void tcb_suspend(struct kernel *k, struct tcb *t);
void tcb_resume(struct kernel *k, struct tcb *t);
/* Last capability gone: suspend and drop the held capabilities. */
void tcb_finalize(struct kernel *k, struct tcb *t);

#endif
