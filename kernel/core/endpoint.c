/* Synchronous IPC through endpoints: the general (slow) path.
 * The fast path for Call/ReplyRecv lives in fastpath.c. */
#include "endpoint.h"
#include "cnode.h"
#include "kernel.h"
#include "kprintf.h"
#include "notification.h"
#include <kozo/errors.h>
#include <kozo/fault.h>
#include <kozo/syscall.h>

static void make_runnable(struct kernel *k, struct tcb *t)
{
	thread_set_state(t, THREAD_RUNNABLE);
	sched_enqueue(&k->sched, t);
}

static void block(struct kernel *k, struct tcb *t, unsigned state)
{
	thread_set_state(t, state);
	sched_dequeue(&k->sched, t);
}

/* The slot a receiver named for an incoming capability, if it is usable. */
static struct slot *receive_slot(struct tcb *r, struct kozo_ipc_buffer *rb)
{
	const struct cap *root = tcb_cspace(r);
	struct slot *s;
	if (rb->receive_cnode != 0) {
		if (cspace_lookup(root, rb->receive_cnode, 64, false, &s) || s->cap.type != KOZO_OBJ_CNODE)
			return NULL;
		root = &s->cap;
	}
	if (cspace_lookup(root, rb->receive_index, (unsigned)(rb->receive_depth > 64 ? 65 : rb->receive_depth),
			  true, &s))
		return NULL;
	return slot_empty(s) ? s : NULL;
}

/* Capabilities named in the sender's IPC buffer: unwrap those badged by this
 * endpoint, copy (at most) one other into the receiver's receive slot.
 * Returns the extra-caps count and sets *unwrapped. */
static unsigned transfer_caps(struct kernel *k, struct tcb *s, struct tcb *r, struct endpoint *ep,
			      unsigned count, bool can_grant, unsigned *unwrapped)
{
	struct kozo_ipc_buffer *sb = tcb_ipc_buffer(s), *rb = tcb_ipc_buffer(r);
	unsigned done = 0;
	*unwrapped = 0;
	if (!sb || !rb)
		return 0;
	struct slot *dest = NULL;
	bool dest_used = false;
	for (unsigned i = 0; i < count; i++) {
		struct slot *src;
		if (sb->caps_or_badges[i] == 0 ||
		    cspace_lookup(tcb_cspace(s), sb->caps_or_badges[i], 64, false, &src) ||
		    slot_empty(src))
			break;
		if (src->cap.type == KOZO_OBJ_ENDPOINT && (struct endpoint *)src->cap.obj == ep) {
			rb->caps_or_badges[i] = cap_badge(&src->cap);
			*unwrapped |= 1u << i;
			done++;
			continue;
		}
#ifdef KOZO_FUZZ_PLANT_TWO_CAPS_BUG
		/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk, docs/FUZZING.md):
		 * a second capability overwrites the first in the receive slot. */
		if (!can_grant || (dest_used && false) || !cap_type_is_copyable(src->cap.type))
#else
		if (!can_grant || dest_used || !cap_type_is_copyable(src->cap.type))
#endif
			break;
		if (!dest)
			dest = receive_slot(r, rb);
		if (!dest)
			break;
		struct cap c = cap_copy(&src->cap);
		cdt_insert(src, dest, &c);
		cap_acquire(k, &c);
		dest_used = true;
		done++;
	}
	return done;
}

/* Copy a message from s to r; badge goes in r's badge register. */
static void ipc_transfer(struct kernel *k, struct tcb *s, struct tcb *r, struct endpoint *ep,
			 word_t badge, bool can_grant)
{
	static const unsigned mr_reg[KOZO_FASTPATH_MRS] = { ARCH_REG_MR0, ARCH_REG_MR1,
							    ARCH_REG_MR2, ARCH_REG_MR3 };
	word_t label;
	unsigned len, extra = 0, unwrapped = 0;
	k->stats.slowpath_ipc++;
	if (s->pending_fault) {
		label = s->pending_fault;
		len = s->pending_fault == KOZO_FAULT_VM ? KOZO_FAULT_VM_LENGTH
		    : s->pending_fault == KOZO_FAULT_USER_EXCEPTION ? KOZO_FAULT_EXCEPTION_LENGTH
		    : s->pending_fault == KOZO_FAULT_CAP ? KOZO_FAULT_CAP_LENGTH
		    : KOZO_FAULT_SYSCALL_LENGTH;
		/* Registers, then r's IPC buffer (looked up once); without
		 * one the message is cut to the registers. */
		struct kozo_ipc_buffer *rb = len > KOZO_FASTPATH_MRS ? tcb_ipc_buffer(r) : NULL;
		if (!rb && len > KOZO_FASTPATH_MRS)
			len = KOZO_FASTPATH_MRS;
		for (unsigned i = 0; i < len && i < KOZO_FASTPATH_MRS; i++)
			r->ctx.regs[mr_reg[i]] = s->fault_msg[i];
		for (unsigned i = KOZO_FASTPATH_MRS; i < len; i++)
			rb->msg[i] = s->fault_msg[i];
	} else {
		word_t info = s->ctx.regs[ARCH_REG_INFO];
		label = kozo_msginfo_label(info);
		len = kozo_msginfo_length(info);
		if (len > KOZO_MSG_MAX_LENGTH)
			len = KOZO_MSG_MAX_LENGTH;
		struct kozo_ipc_buffer *sb = tcb_ipc_buffer(s), *rb = tcb_ipc_buffer(r);
		if (len > KOZO_FASTPATH_MRS && (!sb || !rb))
			len = KOZO_FASTPATH_MRS;
		for (unsigned i = 0; i < len && i < KOZO_FASTPATH_MRS; i++)
			r->ctx.regs[mr_reg[i]] = s->ctx.regs[mr_reg[i]];
		for (unsigned i = KOZO_FASTPATH_MRS; i < len; i++)
			rb->msg[i] = sb->msg[i];
		extra = kozo_msginfo_extra_caps(info);
		if (extra)
			extra = transfer_caps(k, s, r, ep, extra, can_grant, &unwrapped);
	}
	r->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
	r->ctx.regs[ARCH_REG_CAP] = badge;
	r->ctx.regs[ARCH_REG_INFO] = kozo_msginfo(label, unwrapped, extra, len);
}

/* r now owes s a reply (s did a Call or faulted). */
static void link_reply(struct kernel *k, struct tcb *s, struct tcb *r)
{
	if (r->reply_to) {
		/* An unanswered earlier caller loses its reply: wake it. */
		struct tcb *old = r->reply_to;
		old->reply_from = NULL;
		if (old->pending_fault) {
			thread_set_state(old, THREAD_INACTIVE);
		} else {
			thread_set_result(old, KOZO_ERR_CANCELLED);
			make_runnable(k, old);
		}
	}
	r->reply_to = s;
	s->reply_from = r;
	block(k, s, THREAD_BLOCKED_REPLY);
}

void ep_send(struct kernel *k, struct tcb *t, const struct cap *c, bool blocking, bool is_call)
{
	struct endpoint *ep = (struct endpoint *)c->obj;
	bool can_grant = c->rights & KOZO_RIGHT_GRANT;
	bool wants_reply = is_call || t->pending_fault;
	if (ep->state == EP_RECV) {
		struct tcb *r = ep->q.head;
		ep_dequeue(ep, r);
		ipc_transfer(k, t, r, ep, cap_badge(c), can_grant);
		make_runnable(k, r);
		if (!t->pending_fault)
			t->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
		if (wants_reply)
			link_reply(k, t, r);
		return;
	}
	if (!blocking) {
		thread_set_result(t, KOZO_ERR_WOULD_BLOCK);
		return;
	}
	t->ipc_badge = cap_badge(c);
	t->ipc_can_grant = can_grant;
	t->ipc_is_call = wants_reply;
	tcb_queue_append(&ep->q, t, ep);
	ep->state = EP_SEND;
	block(k, t, THREAD_BLOCKED_SEND);
}

void ep_recv(struct kernel *k, struct tcb *t, const struct cap *c, bool blocking)
{
	struct endpoint *ep = (struct endpoint *)c->obj;
	struct notification *bound = t->bound_ntfn;
	if (bound && bound->active) {
		t->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
		t->ctx.regs[ARCH_REG_CAP] = bound->word;
		t->ctx.regs[ARCH_REG_INFO] = 0;
		bound->word = 0;
		bound->active = 0;
		return;
	}
	if (ep->state == EP_SEND) {
		struct tcb *s = ep->q.head;
		ep_dequeue(ep, s);
		ipc_transfer(k, s, t, ep, s->ipc_badge, s->ipc_can_grant);
		if (s->ipc_is_call) {
			link_reply(k, s, t);
		} else {
			s->ctx.regs[ARCH_REG_SYSNO] = KOZO_OK;
			make_runnable(k, s);
		}
		return;
	}
	if (!blocking) {
		thread_set_result(t, KOZO_ERR_WOULD_BLOCK);
		return;
	}
	tcb_queue_append(&ep->q, t, ep);
	ep->state = EP_RECV;
	block(k, t, THREAD_BLOCKED_RECV);
}

/* A faulted thread's handler answered: apply the reply as fault.h says. */
static void resume_from_fault(struct kernel *k, struct tcb *f, struct tcb *replier)
{
	word_t info = replier->ctx.regs[ARCH_REG_INFO];
	unsigned fault = f->pending_fault;
	f->pending_fault = 0;
	if (kozo_msginfo_label(info) != 0) {
		thread_set_state(f, THREAD_INACTIVE);
		return;
	}
	if (fault == KOZO_FAULT_UNKNOWN_SYSCALL) {
		if (kozo_msginfo_length(info) >= 1)
			f->ctx.regs[ARCH_REG_RET] = replier->ctx.regs[ARCH_REG_MR0];
	} else if (kozo_msginfo_length(info) == 1) {
		f->ctx.regs[ARCH_REG_IP] = replier->ctx.regs[ARCH_REG_MR0];
		arch_context_sanitize(&f->ctx);
	}
	make_runnable(k, f);
}

void ep_reply(struct kernel *k, struct tcb *t)
{
	struct tcb *caller = t->reply_to;
	if (!caller)
		return;
	t->reply_to = NULL;
	caller->reply_from = NULL;
	if (caller->pending_fault) {
		resume_from_fault(k, caller, t);
		return;
	}
	ipc_transfer(k, t, caller, NULL, 0, false);
	make_runnable(k, caller);
}

void ep_send_fault(struct kernel *k, struct tcb *t)
{
	const struct cap *fep = &t->slots[TCB_FAULT_EP].cap;
	k->stats.faults++;
	if (fep->type != KOZO_OBJ_ENDPOINT || !(fep->rights & KOZO_RIGHT_WRITE)) {
		kprintf("kozo: thread %lu stopped: fault %u at ip 0x%lx (addr 0x%lx, code 0x%lx), no fault handler\n",
			(unsigned long)t->id, t->pending_fault, (unsigned long)t->fault_msg[0],
			(unsigned long)t->fault_msg[1], (unsigned long)t->fault_msg[3]);
		t->pending_fault = 0;
		block(k, t, THREAD_INACTIVE);
		return;
	}
	ep_send(k, t, fep, true, true);
}

void ep_finalize(struct kernel *k, struct endpoint *ep)
{
	ep_check_state(ep);
	while (ep->q.head) {
		struct tcb *t = ep->q.head;
		ep_dequeue(ep, t);
		if (t->pending_fault) {
			t->pending_fault = 0;
			thread_set_state(t, THREAD_INACTIVE);
		} else {
			thread_set_result(t, KOZO_ERR_CANCELLED);
			make_runnable(k, t);
		}
	}
}
