/* Thread control blocks: configuration, registers, suspend and resume. */
#include "tcb.h"
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "kernel.h"
#include "notification.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

struct kozo_ipc_buffer *tcb_ipc_buffer(const struct tcb *t)
{
	const struct cap *f = &t->slots[TCB_IPC_FRAME].cap;
	if (f->type != KOZO_OBJ_FRAME)
		return NULL;
	return (struct kozo_ipc_buffer *)(f->obj + t->ipc_buffer_offset);
}

static const unsigned mr_regs[KOZO_FASTPATH_MRS] = { ARCH_REG_MR0, ARCH_REG_MR1, ARCH_REG_MR2,
						     ARCH_REG_MR3 };

word_t tcb_get_mr(const struct tcb *t, unsigned i)
{
	if (i < KOZO_FASTPATH_MRS)
		return t->ctx.regs[mr_regs[i]];
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	return b && i < KOZO_MSG_MAX_LENGTH ? b->msg[i] : 0;
}

void tcb_set_mr(struct tcb *t, unsigned i, word_t v)
{
	if (i < KOZO_FASTPATH_MRS) {
		t->ctx.regs[mr_regs[i]] = v;
		return;
	}
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	if (b && i < KOZO_MSG_MAX_LENGTH)
		b->msg[i] = v;
}

/* Take t out of whatever IPC it is blocked in. */
static void cancel_ipc(struct tcb *t)
{
	switch (t->state) {
	case THREAD_BLOCKED_SEND:
	case THREAD_BLOCKED_RECV:
		ep_dequeue((struct endpoint *)t->blocked_on, t);
		break;
	case THREAD_BLOCKED_NTFN:
		ntfn_dequeue((struct notification *)t->blocked_on, t);
		break;
	case THREAD_BLOCKED_REPLY:
		if (t->reply_from)
			t->reply_from->reply_to = NULL;
		t->reply_from = NULL;
		break;
	default:
		break;
	}
	t->pending_fault = 0;
}

void tcb_suspend(struct kernel *k, struct tcb *t)
{
	cancel_ipc(t);
	t->state = THREAD_INACTIVE;
	sched_dequeue(&k->sched, t);
}

void tcb_resume(struct kernel *k, struct tcb *t)
{
	if (t->state != THREAD_INACTIVE)
		return;
	t->state = THREAD_RUNNABLE;
	t->time_slice = SCHED_TIME_SLICE;
	sched_enqueue(&k->sched, t);
}

void tcb_finalize(struct kernel *k, struct tcb *t)
{
	tcb_suspend(k, t);
	if (t->reply_to) {
		/* Our caller would wait for a reply that can never come. */
		struct tcb *caller = t->reply_to;
		t->reply_to = NULL;
		caller->reply_from = NULL;
		if (caller->pending_fault) {
			caller->pending_fault = 0;
			caller->state = THREAD_INACTIVE;
		} else {
			ipc_set_error(caller, KOZO_ERR_CANCELLED);
			caller->state = THREAD_RUNNABLE;
			sched_enqueue(&k->sched, caller);
		}
	}
#ifndef KOZO_FUZZ_PLANT_UNBIND_BUG
	/* (fuzz/ipc's self-check leaves this out: a deleted thread stays
	 * bound to its notification.) */
	ntfn_unbind(t);
#endif
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		slot_delete(k, &t->slots[i]);
	if (k->current == t)
		k->current = NULL;
	arch_context_retire(&t->ctx);
}

/* Replace the capability in one of t's own slots by a copy of src's.  The
 * old one goes to *old, for the caller to delete once every new capability
 * is in place: deleting it may empty the CNode the other sources live in. */
static void install_slot(struct kernel *k, struct tcb *t, unsigned which, struct slot *src,
			 struct slot *old)
{
	if (!slot_empty(&t->slots[which]))
		cdt_move(old, &t->slots[which]);
	if (src) {
		struct cap c = src->cap;
		if (c.type == KOZO_OBJ_FRAME)
			c.w2 = c.w3 = 0;  /* the TCB's copy is never mapped */
		cdt_insert(src, &t->slots[which], &c);
		cap_acquire(k, &c);
	}
}

static int decode_configure(struct invocation *inv, struct tcb *t, struct slot **fault_ep)
{
	const word_t *mr = inv->mr;
	if (inv->len < 3 || inv->extra_count < 1)
		return KOZO_ERR_TRUNCATED_MESSAGE;
	*fault_ep = NULL;
	if (mr[0] != 0) {
		int err = cspace_lookup(tcb_cspace(inv->caller), mr[0], 64, false, fault_ep);
		if (err)
			return err;
		if ((*fault_ep)->cap.type != KOZO_OBJ_ENDPOINT)
			return KOZO_ERR_INVALID_CAPABILITY;
	}
	if (mr[1] > inv->caller->priority)
		return KOZO_ERR_RANGE;
	if (inv->extra[0]->cap.type != KOZO_OBJ_CNODE)
		return KOZO_ERR_INVALID_CAPABILITY;
	if (inv->extra_count >= 2 && inv->extra[1]->cap.type != KOZO_OBJ_VSPACE)
		return KOZO_ERR_INVALID_CAPABILITY;
	if (inv->extra_count >= 3) {
		if (inv->extra[2]->cap.type != KOZO_OBJ_FRAME)
			return KOZO_ERR_INVALID_CAPABILITY;
		if (!IS_ALIGNED(mr[2], KOZO_IPC_BUFFER_SIZE_BITS))
			return KOZO_ERR_ALIGNMENT;
	}
	(void)t;
	return KOZO_OK;
}

static void set_priority(struct kernel *k, struct tcb *t, unsigned prio)
{
	bool queued = sched_is_queued(&k->sched, t);
	if (queued)
		sched_dequeue(&k->sched, t);
	t->priority = (uint8_t)prio;
	if (queued)
		sched_enqueue(&k->sched, t);
}

int tcb_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	struct tcb *t = (struct tcb *)inv->slot->cap.obj;
	const word_t *mr = inv->mr;
	int err;

	switch (inv->label) {
	case KOZO_TCB_CONFIGURE: {
		struct slot *fault_ep;
		err = decode_configure(inv, t, &fault_ep);
		if (err)
			return err;
		/* --- no failure past this point --- */
		struct slot old[TCB_SLOTS] = { 0 };
		install_slot(k, t, TCB_FAULT_EP, fault_ep, &old[TCB_FAULT_EP]);
		set_priority(k, t, (unsigned)mr[1]);
		install_slot(k, t, TCB_CSPACE, inv->extra[0], &old[TCB_CSPACE]);
		if (inv->extra_count >= 2)
			install_slot(k, t, TCB_VSPACE, inv->extra[1], &old[TCB_VSPACE]);
		if (inv->extra_count >= 3) {
			t->ipc_buffer_addr = mr[2];
			t->ipc_buffer_offset = mr[2] & MASK(KOZO_PAGE_SIZE_BITS);
			install_slot(k, t, TCB_IPC_FRAME, inv->extra[2], &old[TCB_IPC_FRAME]);
		}
		for (unsigned i = 0; i < TCB_SLOTS; i++)
			slot_delete(k, &old[i]);
		return KOZO_OK;
	}
	case KOZO_TCB_WRITE_REGISTERS: {
		if (inv->len < 2)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		if (t == inv->caller)
			return KOZO_ERR_ILLEGAL_OPERATION;
		word_t n = mr[1];
#ifdef KOZO_FUZZ_PLANT_WRITEREG_BUG
		/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk, docs/FUZZING.md):
		 * WriteRegisters writes past the register file. */
		if (n > inv->len - 2)
#else
		if (n > ARCH_REG_COUNT || n > inv->len - 2)
#endif
			return KOZO_ERR_RANGE;
		if (mr[0] && !tcb_vspace_root(t))
			return KOZO_ERR_ILLEGAL_OPERATION;
		/* --- no failure past this point --- */
		for (word_t i = 0; i < n; i++)
			t->ctx.regs[i] = mr[2 + i];
		arch_context_sanitize(&t->ctx);
		if (mr[0])
			tcb_resume(k, t);
		return KOZO_OK;
	}
	case KOZO_TCB_READ_REGISTERS: {
		if (inv->len < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		if (mr[0] > ARCH_REG_COUNT || mr[0] > INVOCATION_MAX_OUT)
			return KOZO_ERR_RANGE;
		for (word_t i = 0; i < mr[0]; i++)
			inv->out[i] = t->ctx.regs[i];
		inv->out_len = (unsigned)mr[0];
		return KOZO_OK;
	}
	case KOZO_TCB_RESUME:
		if (!tcb_vspace_root(t) || tcb_cspace(t)->type != KOZO_OBJ_CNODE)
			return KOZO_ERR_ILLEGAL_OPERATION;
		tcb_resume(k, t);
		return KOZO_OK;
	case KOZO_TCB_SUSPEND:
		tcb_suspend(k, t);
		return KOZO_OK;
	case KOZO_TCB_SET_PRIORITY:
		if (inv->len < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		if (mr[0] > inv->caller->priority)
			return KOZO_ERR_RANGE;
		set_priority(k, t, (unsigned)mr[0]);
		return KOZO_OK;
	case KOZO_TCB_BIND_NOTIFICATION: {
		if (inv->extra_count < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		struct cap *c = &inv->extra[0]->cap;
		if (c->type != KOZO_OBJ_NOTIFICATION)
			return KOZO_ERR_INVALID_CAPABILITY;
		if (!(c->rights & KOZO_RIGHT_READ))
			return KOZO_ERR_INSUFFICIENT_RIGHTS;
		struct notification *n = (struct notification *)c->obj;
		if (t->bound_ntfn || n->bound)
			return KOZO_ERR_ILLEGAL_OPERATION;
		ntfn_bind(n, t);
		return KOZO_OK;
	}
	case KOZO_TCB_UNBIND_NOTIFICATION:
		if (!t->bound_ntfn)
			return KOZO_ERR_ILLEGAL_OPERATION;
		ntfn_unbind(t);
		return KOZO_OK;
	case KOZO_TCB_SET_PERSONALITY:
		if (inv->len < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		if (mr[0] > KOZO_PERSONALITY_LINUX)
			return KOZO_ERR_INVALID_ARGUMENT;
		t->personality = (uint8_t)mr[0];
		return KOZO_OK;
	default:
		return KOZO_ERR_ILLEGAL_OPERATION;
	}
}
