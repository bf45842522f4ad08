/* The IPC fast path (seL4's fastpath_call / fastpath_reply_recv).
 *
 * A Call to a receiver that already waits, or a ReplyRecv to a caller
 * that waits for the reply, with at most KOZO_FASTPATH_MRS message
 * registers and no capabilities, through a capability in a single-level
 * CSpace: the message goes register to register,
 * the partner runs next, and nothing else is looked at (no IPC buffer, no
 * fault, no scheduler decision).  One fault takes it too, both ways: a
 * Linux-personality thread's system call, an UnknownSyscall fault, goes to
 * a handler that waits on its fault endpoint (ten message registers, the
 * last six in the handler's IPC buffer), and the handler's ReplyRecv of
 * label 0 gives MR0 as the call's result and resumes the thread, as
 * resume_from_fault does, also when the thread's priority is lower.  Every condition is in fastpath_applies();
 * anything else goes to the general path (endpoint.c), whose result this
 * reproduces exactly: same registers, same reply link, same queues, same
 * thread chosen to run. */
#include "fastpath.h"
#include "cnode.h"
#include "endpoint.h"
#include "kernel.h"
#include "notification.h"
#include <kozo/errors.h>
#include <kozo/fault.h>
#include <kozo/invocation.h>
#include <kozo/syscall.h>

struct fastpath {
	struct endpoint *ep;  /* Call: the destination; ReplyRecv: where t then waits */
	struct tcb *to;       /* the thread that runs next */
	word_t badge;         /* delivered to `to` */
};

/* Would the general path run `to` next?  It makes `to` runnable at the
 * tail of its priority's queue, takes `from` out of its queue and runs the
 * head of the highest non-empty one.  `from` is running, so it heads the
 * highest non-empty queue (kernel_schedule chose it): `to` wins if its
 * priority is higher, or equal with `from` alone at that priority. */
static bool runs_next(const struct sched *s, const struct tcb *from, const struct tcb *to)
{
	if (to->priority == from->priority)
		return s->head[from->priority] == from && s->tail[from->priority] == from;
	return to->priority > from->priority;
}

/* ReplyRecv to a faulted thread of a lower priority: would the general
 * path run `to` next?  It makes `to` runnable at the tail of its queue,
 * blocks t and runs the head of the highest non-empty queue: `to` when t
 * is alone in its queue, to's queue is empty and no other queue above
 * to's priority holds a thread (the whole bitmap is read: t heads the
 * highest queue when it runs, but this costs little). */
static bool runs_after_block(const struct sched *s, const struct tcb *t, const struct tcb *to)
{
	unsigned lo = to->priority, hi = t->priority;
	if (lo >= hi || s->head[hi] != t || s->tail[hi] != t || s->head[lo])
		return false;
	for (unsigned w = SCHED_PRIORITIES / 64 - 1;; w--) {
		uint64_t m = s->bitmap[w];
		if (w == hi / 64)
			m ^= 1ull << (hi % 64);           /* t's own (set: t is queued) */
		if (w == lo / 64)
			return !(m >> (lo % 64) >> 1);    /* nothing above lo */
		if (m)
			return false;
	}
}

/* The slot cptr names in the usual CSpace: one CNode whose guard and radix
 * take all 64 bits, as cspace_lookup(root, cptr, 64, false) finds it.
 * False for a cptr that does not resolve there, or another CSpace (the
 * general path then looks it up).  Shifting the guard up by the radix
 * drops any bits above guard_bits, as the general lookup's mask does: the
 * guard matches when the top bits of cptr ^ (guard << radix) are zero,
 * and the rest is the index.  A CNode's radix is at most
 * KOZO_CNODE_MAX_RADIX, so guard_bits is not 0 and the shift is defined. */
_Static_assert(KOZO_CNODE_MAX_RADIX < 64, "fastpath lookup: radix + guard_bits == 64 means a guard");

static bool lookup(const struct cap *root, word_t cptr, struct slot **out)
{
	if (unlikely(root->type != KOZO_OBJ_CNODE))
		return false;
	unsigned radix = cap_cnode_radix(root), guard_bits = cap_cnode_guard_bits(root);
	if (unlikely(radix + guard_bits != 64))
		return false;
	word_t index = cptr ^ (cap_cnode_guard(root) << radix);
	if (unlikely(index >> radix != 0 || index == 0))
		return false;
	*out = &cnode_slots(root)[index];
	return true;
}

/* All conditions of the fast path, without side effects.  Inlined once
 * for each nr, so that each copy tests only its own. */
static inline __attribute__((always_inline)) bool
fastpath_applies(const struct kernel *k, const struct tcb *t, word_t nr, struct fastpath *fp,
		 bool fault_reply)
{
	word_t info = t->ctx.regs[ARCH_REG_INFO];

	/* A Call or ReplyRecv with a short message without capabilities, from
	 * a native thread.  The length is info's low 7 bits and the
	 * extra-capability count the next 2 (<kozo/message.h>): one test. */
	if ((nr != KOZO_SYS_CALL && nr != KOZO_SYS_REPLY_RECV) ||
	    (info & 0x1ff) > KOZO_FASTPATH_MRS || t->personality != KOZO_PERSONALITY_NATIVE)
		return false;
	/* An endpoint capability (Call: to send on; ReplyRecv: to wait on). */
	struct slot *s;
	if (!lookup(tcb_cspace(t), t->ctx.regs[ARCH_REG_CAP], &s) ||
	    s->cap.type != KOZO_OBJ_ENDPOINT)
		return false;
	fp->ep = (struct endpoint *)s->cap.obj;
	if (nr == KOZO_SYS_CALL) {
		/* A receiver waits, and owes no reply to an earlier caller
		 * (the general path would cancel that one). */
#ifdef KOZO_FUZZ_PLANT_FASTPATH_WRITE_BUG
		/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk, docs/FUZZING.md):
		 * the fast path forgets that Call needs Write. */
		if (fp->ep->state != EP_RECV)
#else
		if (!(s->cap.rights & KOZO_RIGHT_WRITE) || fp->ep->state != EP_RECV)
#endif
			return false;
		fp->to = fp->ep->q.head;
		fp->badge = cap_badge(&s->cap);
		if (fp->to->reply_to)
			return false;
	} else {
		/* A caller waits for our reply (not a faulted thread), and t
		 * will block: no sender queued, no signal pending. */
#ifdef KOZO_FUZZ_PLANT_FASTPATH_READ_BUG
		/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk, docs/FUZZING.md):
		 * the fast path forgets that ReplyRecv needs Read. */
		if (fp->ep->state == EP_SEND)
#else
		if (!(s->cap.rights & KOZO_RIGHT_READ) || fp->ep->state == EP_SEND)
#endif
			return false;
		if (t->bound_ntfn && t->bound_ntfn->active)
			return false;
		fp->to = t->reply_to;
		fp->badge = 0;
		if (!fp->to)
			return false;
		if (fault_reply) {
			/* (fault_reply_fastpath) Only an unknown system
			 * call's answer of label 0: any other fault, or
			 * label, stops or redirects the thread. */
			if (fp->to->pending_fault != KOZO_FAULT_UNKNOWN_SYSCALL ||
			    kozo_msginfo_label(info) != 0)
				return false;
			return fp->to->slots[TCB_VSPACE].cap.type == KOZO_OBJ_VSPACE &&
			       (runs_next(&k->sched, t, fp->to) || runs_after_block(&k->sched, t, fp->to));
		}
		if (fp->to->pending_fault)
			return false;
	}
	/* The partner can run at once, and the scheduler would pick it. */
	return fp->to->slots[TCB_VSPACE].cap.type == KOZO_OBJ_VSPACE &&
	       runs_next(&k->sched, t, fp->to);
}

/* The first len message registers, as the general path copies them
 * (the receiver's others keep their values). */
static void copy_mrs(const struct tcb *from, struct tcb *to, unsigned len)
{
	const word_t *f = from->ctx.regs;
	word_t *r = to->ctx.regs;
	if (len > 0)
		r[ARCH_REG_MR0] = f[ARCH_REG_MR0];
	if (len > 1)
		r[ARCH_REG_MR1] = f[ARCH_REG_MR1];
	if (len > 2)
		r[ARCH_REG_MR2] = f[ARCH_REG_MR2];
	if (len > 3)
		r[ARCH_REG_MR3] = f[ARCH_REG_MR3];
}

/* ep_dequeue() of the first waiter, `to`: it has no predecessor. */
static void ep_dequeue_head(struct endpoint *ep, struct tcb *to)
{
	struct tcb *next = to->queue_next;
	ep->q.head = next;
	if (next) {
		next->queue_prev = NULL;
		to->queue_next = NULL;
	} else {
		ep->q.tail = NULL;
		ep->state = EP_IDLE;
	}
	to->blocked_on = NULL;
}

/* `to` of a higher priority than `from` takes its place among the
 * runnable threads, and runs.  Out of line: the common case, the same
 * priority, needs no calls and so no registers saved. */
static __attribute__((noinline)) void requeue_and_exit(struct kernel *k, struct tcb *from,
						      struct tcb *to)
{
	sched_dequeue(&k->sched, from);
	sched_enqueue(&k->sched, to);
	k->current = to;
	arch_fastpath_exit(to);
}

/* The message, register to register, and `to` runnable (both cases). */
static inline __attribute__((always_inline)) void deliver(struct kernel *k, const struct tcb *t,
							 const struct fastpath *fp)
{
	struct tcb *to = fp->to;
	word_t info = t->ctx.regs[ARCH_REG_INFO];
	k->stats.fastpath_hits++;
	copy_mrs(t, to, kozo_msginfo_length(info));
	to->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
	to->ctx.regs[ARCH_REG_CAP] = fp->badge;
	/* The same label and length, no extra caps (fastpath_applies),
	 * nothing unwrapped. */
	to->ctx.regs[ARCH_REG_INFO] = info & ~kozo_msginfo(0, 7, 0, 0);
	to->state = THREAD_RUNNABLE;
}

/* ReplyRecv after the reply: the reply capability is used up; t waits on
 * the endpoint. */
static inline __attribute__((always_inline)) void wait_again(struct tcb *t, const struct fastpath *fp)
{
	t->reply_to = NULL;
	fp->to->reply_from = NULL;
	tcb_queue_append(&fp->ep->q, t, fp->ep);
	fp->ep->state = EP_RECV;
	t->state = THREAD_BLOCKED_RECV;
}

/* `to` runs in t's place (runs_next or runs_after_block said the general
 * path would run it). */
static inline __attribute__((always_inline)) void switch_to(struct kernel *k, struct tcb *t,
							   struct tcb *to)
{
	if (to->priority != t->priority) {
		requeue_and_exit(k, t, to);
		return;
	}
	/* At the same priority t is alone in its queue (runs_next), so `to`
	 * takes its place; the bitmap stays as it is. */
	k->sched.head[t->priority] = k->sched.tail[t->priority] = to;
	k->current = to;
	arch_fastpath_exit(to);
}

/* ReplyRecv to a thread whose unknown system call (a Linux program's) is
 * answered: MR0 is the call's result (when the reply has one), and it
 * runs (resume_from_fault).  Out of line, reached when the usual ReplyRecv
 * fast path declines, so that it costs that path nothing. */
static __attribute__((noinline)) bool fault_reply_fastpath(struct kernel *k, struct tcb *t)
{
	struct fastpath fp;
	if (!t->reply_to || t->reply_to->pending_fault != KOZO_FAULT_UNKNOWN_SYSCALL ||
	    !fastpath_applies(k, t, KOZO_SYS_REPLY_RECV, &fp, true))
		return false;
	/* --- POINT OF NO RETURN --- */
	struct tcb *to = fp.to;
	k->stats.fastpath_hits++;
	if (kozo_msginfo_length(t->ctx.regs[ARCH_REG_INFO]) >= 1)
#ifdef KOZO_FUZZ_PLANT_FAULT_REPLY_BUG
		/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk):
		 * the answer taken from the wrong register. */
		to->ctx.regs[ARCH_REG_RET] = t->ctx.regs[ARCH_REG_MR1];
#else
		to->ctx.regs[ARCH_REG_RET] = t->ctx.regs[ARCH_REG_MR0];
#endif
	to->pending_fault = 0;
	to->state = THREAD_RUNNABLE;
	wait_again(t, &fp);
	switch_to(k, t, to);
	return true;
}

/* A Linux-personality thread's system call: the UnknownSyscall fault,
 * as fault_unknown_syscall() and ep_send() deliver it when the handler
 * already waits on t's fault endpoint, owes no reply, has an IPC buffer
 * for message registers 4-9 and would run next.  Anything else (no
 * handler, nobody waiting, no buffer) goes to the general path. */
static __attribute__((noinline)) bool fault_fastpath(struct kernel *k, struct tcb *t)
{
	const struct cap *fep = &t->slots[TCB_FAULT_EP].cap;
	if (fep->type != KOZO_OBJ_ENDPOINT || !(fep->rights & KOZO_RIGHT_WRITE))
		return false;
	struct endpoint *ep = (struct endpoint *)fep->obj;
	if (ep->state != EP_RECV)
		return false;
	struct tcb *to = ep->q.head;
	if (to->reply_to || to->slots[TCB_VSPACE].cap.type != KOZO_OBJ_VSPACE ||
	    !runs_next(&k->sched, t, to))
		return false;
	struct kozo_ipc_buffer *rb = tcb_ipc_buffer(to);
	if (!rb)
		return false;
	/* --- POINT OF NO RETURN --- */
	fault_syscall_record(t);
	k->stats.faults++;
	k->stats.fastpath_hits++;
	const word_t *m = t->fault_msg;
	word_t *r = to->ctx.regs;
	r[ARCH_REG_MR0] = m[0];
	r[ARCH_REG_MR1] = m[1];
	r[ARCH_REG_MR2] = m[2];
	r[ARCH_REG_MR3] = m[3];
	for (unsigned i = KOZO_FASTPATH_MRS; i < KOZO_FAULT_SYSCALL_LENGTH; i++)
		rb->msg[i] = m[i];
	r[ARCH_REG_SYSNO] = KOZO_OK;
	r[ARCH_REG_CAP] = cap_badge(fep);
	r[ARCH_REG_INFO] = kozo_msginfo(KOZO_FAULT_UNKNOWN_SYSCALL, 0, 0, KOZO_FAULT_SYSCALL_LENGTH);
	to->state = THREAD_RUNNABLE;
	ep_dequeue_head(ep, to);
	/* t waits for the handler's reply (link_reply). */
	to->reply_to = t;
	t->reply_from = to;
	t->state = THREAD_BLOCKED_REPLY;
	switch_to(k, t, to);
	return true;
}

bool fastpath_syscall(struct kernel *k)
{
	struct tcb *t = k->current;
	struct fastpath fp;

	switch (t->ctx.regs[ARCH_REG_SYSNO]) {
	case KOZO_SYS_CALL:
		if (!fastpath_applies(k, t, KOZO_SYS_CALL, &fp, false))
			return false;
		/* --- POINT OF NO RETURN --- */
		deliver(k, t, &fp);
		/* t waits for the reply `to` now owes it (link_reply). */
		ep_dequeue_head(fp.ep, fp.to);
		t->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
		fp.to->reply_to = t;
		t->reply_from = fp.to;
		t->state = THREAD_BLOCKED_REPLY;
		break;
	case KOZO_SYS_REPLY_RECV:
		if (!fastpath_applies(k, t, KOZO_SYS_REPLY_RECV, &fp, false))
			return fault_reply_fastpath(k, t);
		/* --- POINT OF NO RETURN --- */
		deliver(k, t, &fp);
		wait_again(t, &fp);
		break;
	default:
		/* (A Linux thread's call with KOZO's numbers is declined by
		 * fastpath_applies: the general path makes it a fault too.) */
		if (t->personality == KOZO_PERSONALITY_LINUX)
			return fault_fastpath(k, t);
		return false;
	}
	switch_to(k, t, fp.to);
	return true;
}
