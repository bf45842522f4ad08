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
	if (!ipc_buffer_frame_ok(f))
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
	thread_set_state(t, THREAD_INACTIVE);
	sched_dequeue(&k->sched, t);
}

void tcb_resume(struct kernel *k, struct tcb *t)
{
	if (t->state != THREAD_INACTIVE)
		return;
	thread_set_state(t, THREAD_RUNNABLE);
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
			thread_set_state(caller, THREAD_INACTIVE);
		} else {
			thread_set_result(caller, KOZO_ERR_CANCELLED);
			thread_set_state(caller, THREAD_RUNNABLE);
			sched_enqueue(&k->sched, caller);
		}
	}
#ifndef KOZO_FUZZ_PLANT_UNBIND_BUG
	/* (fuzz/ipc's self-check leaves this out: a deleted thread stays
	 * bound to its notification.) */
	ntfn_unbind(t);
#endif
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		slot_discard(k, &t->slots[i]);
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
		struct cap c = cap_copy(&src->cap);  /* an IPC frame's copy is unmapped */
		cdt_insert(src, &t->slots[which], &c);
		cap_acquire(k, &c);
	}
}

/* TCB_Configure: fault endpoint (cptr MR0 in the caller's CSpace, 0: none),
 * priority MR1, CSpace (extra 0), VSpace (extra 1), IPC buffer frame
 * (extra 2) at address MR2. */
struct tcb_configure {
	struct slot *fault_ep, *cspace, *vspace, *ipc_frame;
	unsigned priority;
	word_t ipc_buffer_addr;
};

static int decode_tcb_configure(const struct invocation *inv, struct tcb_configure *a)
{
	const word_t *mr = inv->mr;
	if (inv->len < 3 || inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
			      "tcb configure: %u message registers and %u capabilities, needs 3 and 1",
			      inv->len, inv->extra_count);
	*a = (struct tcb_configure){ .priority = (unsigned)mr[1], .ipc_buffer_addr = mr[2] };
	if (mr[0] != 0) {
		int err = cspace_lookup(tcb_cspace(inv->caller), mr[0], 64, false, &a->fault_ep);
		if (err)
			return refuse(err, "tcb configure: fault endpoint 0x%lx not found",
				      (unsigned long)mr[0]);
		if (a->fault_ep->cap.type != KOZO_OBJ_ENDPOINT)
			return refuse(KOZO_ERR_INVALID_CAPABILITY,
				      "tcb configure: fault endpoint 0x%lx is a %s",
				      (unsigned long)mr[0], kozo_object_name(a->fault_ep->cap.type));
	}
	if (mr[1] > inv->caller->priority)
		return refuse(KOZO_ERR_RANGE, "tcb configure: priority %lu above the caller's %u",
			      (unsigned long)mr[1], inv->caller->priority);
	a->cspace = inv->extra[0];
	if (a->cspace->cap.type != KOZO_OBJ_CNODE)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "tcb configure: CSpace is a %s, not a CNode",
			      kozo_object_name(a->cspace->cap.type));
	if (inv->extra_count >= 2) {
		a->vspace = inv->extra[1];
		if (a->vspace->cap.type != KOZO_OBJ_VSPACE)
			return refuse(KOZO_ERR_INVALID_CAPABILITY,
				      "tcb configure: VSpace is a %s, not a VSpace",
				      kozo_object_name(a->vspace->cap.type));
	}
	if (inv->extra_count >= 3) {
		const struct cap *f = &inv->extra[2]->cap;
		a->ipc_frame = inv->extra[2];
		if (f->type != KOZO_OBJ_FRAME)
			return refuse(KOZO_ERR_INVALID_CAPABILITY,
				      "tcb configure: IPC buffer is a %s, not a Frame",
				      kozo_object_name(f->type));
		if (!ipc_buffer_frame_ok(f))
			return refuse(f->rights & KOZO_RIGHT_WRITE ? KOZO_ERR_INVALID_CAPABILITY
								   : KOZO_ERR_INSUFFICIENT_RIGHTS,
				      "tcb configure: the IPC buffer frame must be writable RAM");
		if (!IS_ALIGNED(mr[2], KOZO_IPC_BUFFER_SIZE_BITS))
			return refuse(KOZO_ERR_ALIGNMENT, "tcb configure: IPC buffer 0x%lx not aligned",
				      (unsigned long)mr[2]);
	}
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

static void perform_tcb_configure(struct kernel *k, struct tcb *t, const struct tcb_configure *a)
{
	struct slot old[TCB_SLOTS] = { 0 };
	install_slot(k, t, TCB_FAULT_EP, a->fault_ep, &old[TCB_FAULT_EP]);
	set_priority(k, t, a->priority);
	install_slot(k, t, TCB_CSPACE, a->cspace, &old[TCB_CSPACE]);
	if (a->vspace)
		install_slot(k, t, TCB_VSPACE, a->vspace, &old[TCB_VSPACE]);
	if (a->ipc_frame) {
		t->ipc_buffer_addr = a->ipc_buffer_addr;
		t->ipc_buffer_offset = a->ipc_buffer_addr & MASK(KOZO_PAGE_SIZE_BITS);
		install_slot(k, t, TCB_IPC_FRAME, a->ipc_frame, &old[TCB_IPC_FRAME]);
	}
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		slot_discard(k, &old[i]);
}

/* TCB_WriteRegisters: resume flag MR0, count MR1, the registers from MR2. */
struct tcb_write_registers {
	bool resume;
	word_t n;
	const word_t *regs;
};

static int decode_tcb_write_registers(const struct invocation *inv, const struct tcb *t,
				      struct tcb_write_registers *a)
{
	const word_t *mr = inv->mr;
	if (inv->len < 2)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "tcb write registers: %u message registers, needs 2",
			      inv->len);
	if (t == inv->caller)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb write registers: on the caller itself");
#ifdef KOZO_FUZZ_PLANT_WRITEREG_BUG
	/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk,
	 * docs/FUZZING.md): WriteRegisters writes past the register file. */
	if (mr[1] > inv->len - 2)
#else
	if (mr[1] > ARCH_REG_COUNT || mr[1] > inv->len - 2)
#endif
		return refuse(KOZO_ERR_RANGE, "tcb write registers: count %lu, at most %u here",
			      (unsigned long)mr[1],
			      inv->len - 2 < ARCH_REG_COUNT ? inv->len - 2 : ARCH_REG_COUNT);
	if (mr[0] && !tcb_vspace_root(t))
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb write registers: resume without a VSpace");
	*a = (struct tcb_write_registers){ .resume = mr[0] != 0, .n = mr[1], .regs = &mr[2] };
	return KOZO_OK;
}

static void perform_tcb_write_registers(struct kernel *k, struct tcb *t,
					const struct tcb_write_registers *a)
{
	for (word_t i = 0; i < a->n; i++)
		t->ctx.regs[i] = a->regs[i];
	arch_context_sanitize(&t->ctx);
	if (a->resume)
		tcb_resume(k, t);
}

/* TCB_ReadRegisters: the first MR0 registers. */
static int decode_tcb_read_registers(const struct invocation *inv, word_t *n)
{
	if (inv->len < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "tcb read registers: no count");
	if (inv->mr[0] > ARCH_REG_COUNT || inv->mr[0] > INVOCATION_MAX_OUT)
		return refuse(KOZO_ERR_RANGE, "tcb read registers: count %lu above %u",
			      (unsigned long)inv->mr[0], ARCH_REG_COUNT);
	*n = inv->mr[0];
	return KOZO_OK;
}

static void perform_tcb_read_registers(struct invocation *inv, const struct tcb *t, word_t n)
{
	for (word_t i = 0; i < n; i++)
		inv->out[i] = t->ctx.regs[i];
	inv->out_len = (unsigned)n;
}

static int decode_tcb_resume(const struct tcb *t)
{
	if (!tcb_vspace_root(t) || tcb_cspace(t)->type != KOZO_OBJ_CNODE)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb resume: thread %lu has no %s",
			      (unsigned long)t->id, tcb_vspace_root(t) ? "CSpace" : "VSpace");
	return KOZO_OK;
}

static int decode_tcb_set_priority(const struct invocation *inv, unsigned *prio)
{
	if (inv->len < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "tcb set priority: no priority");
	if (inv->mr[0] > inv->caller->priority)
		return refuse(KOZO_ERR_RANGE, "tcb set priority: %lu above the caller's %u",
			      (unsigned long)inv->mr[0], inv->caller->priority);
	*prio = (unsigned)inv->mr[0];
	return KOZO_OK;
}

static int decode_tcb_bind_notification(const struct invocation *inv, const struct tcb *t,
					struct notification **n)
{
	if (inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "tcb bind: no notification capability");
	const struct cap *c = &inv->extra[0]->cap;
	if (c->type != KOZO_OBJ_NOTIFICATION)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "tcb bind: a %s, not a notification",
			      kozo_object_name(c->type));
	if (!(c->rights & KOZO_RIGHT_READ))
		return refuse(KOZO_ERR_INSUFFICIENT_RIGHTS, "tcb bind: notification without Read");
	*n = (struct notification *)c->obj;
	if (t->bound_ntfn || (*n)->bound)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb bind: %s already bound",
			      t->bound_ntfn ? "thread" : "notification");
	return KOZO_OK;
}

static int decode_tcb_unbind_notification(const struct tcb *t)
{
	if (!t->bound_ntfn)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb unbind: thread %lu has none",
			      (unsigned long)t->id);
	return KOZO_OK;
}

static int decode_tcb_set_personality(const struct invocation *inv, uint8_t *p)
{
	if (inv->len < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "tcb set personality: none given");
	if (inv->mr[0] > KOZO_PERSONALITY_LINUX)
		return refuse(KOZO_ERR_INVALID_ARGUMENT, "tcb set personality: %lu unknown",
			      (unsigned long)inv->mr[0]);
	*p = (uint8_t)inv->mr[0];
	return KOZO_OK;
}

int tcb_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	struct tcb *t = (struct tcb *)inv->slot->cap.obj;
	int err;

	switch (inv->label) {
	case KOZO_TCB_CONFIGURE: {
		struct tcb_configure a;
		if ((err = decode_tcb_configure(inv, &a)))
			return err;
		perform_tcb_configure(k, t, &a);
		return KOZO_OK;
	}
	case KOZO_TCB_WRITE_REGISTERS: {
		struct tcb_write_registers a;
		if ((err = decode_tcb_write_registers(inv, t, &a)))
			return err;
		perform_tcb_write_registers(k, t, &a);
		return KOZO_OK;
	}
	case KOZO_TCB_READ_REGISTERS: {
		word_t n;
		if ((err = decode_tcb_read_registers(inv, &n)))
			return err;
		perform_tcb_read_registers(inv, t, n);
		return KOZO_OK;
	}
	case KOZO_TCB_RESUME:
		if ((err = decode_tcb_resume(t)))
			return err;
		tcb_resume(k, t);
		return KOZO_OK;
	case KOZO_TCB_SUSPEND:
		tcb_suspend(k, t);
		return KOZO_OK;
	case KOZO_TCB_SET_PRIORITY: {
		unsigned prio;
		if ((err = decode_tcb_set_priority(inv, &prio)))
			return err;
		set_priority(k, t, prio);
		return KOZO_OK;
	}
	case KOZO_TCB_BIND_NOTIFICATION: {
		struct notification *n;
		if ((err = decode_tcb_bind_notification(inv, t, &n)))
			return err;
		ntfn_bind(n, t);
		return KOZO_OK;
	}
	case KOZO_TCB_UNBIND_NOTIFICATION:
		if ((err = decode_tcb_unbind_notification(t)))
			return err;
		ntfn_unbind(t);
		return KOZO_OK;
	case KOZO_TCB_SET_PERSONALITY: {
		uint8_t p;
		if ((err = decode_tcb_set_personality(inv, &p)))
			return err;
		t->personality = p;
		return KOZO_OK;
	}
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "tcb: no method %lu", (unsigned long)inv->label);
	}
}
