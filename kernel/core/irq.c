/* Interrupts as notification signals.  IRQControl hands out one IRQHandler
 * per line; the handler names the notification the line signals.  The port
 * masks a line when it fires and IRQHandler_Ack unmasks it, so a device is
 * never serviced twice for one interrupt.
 *
 * One more line, IRQ_TIMER, is the kernel's own: no device, a deadline
 * instead (IRQHandler_SetDeadline), checked at every tick of the
 * preemption timer.  It fires once per deadline, so it needs no mask: its
 * "masked" is "no deadline".  This is how user space sleeps without
 * spinning while it holds no timer device of its own. */
#include "irq.h"
#include "cnode.h"
#include "invocation.h"
#include "kernel.h"
#include "notification.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

_Static_assert(IRQ_TIMER == KOZO_IRQ_TIMER, "the timer line's number is the ABI's");

/* IRQControl_Get: line MR0, its handler capability into (MR1, MR2) of the
 * CNode of the first extra capability. */
struct irq_control_get {
	word_t irq;
	struct slot *dst;
};

static int decode_irq_control_get(const struct invocation *inv, struct irq_control_get *a)
{
	const word_t *mr = inv->mr;
	if (inv->len < 3 || inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
			      "irq control: %u message registers and %u capabilities, needs 3 and 1",
			      inv->len, inv->extra_count);
	a->irq = mr[0];
	if (a->irq != IRQ_TIMER && (a->irq >= IRQ_COUNT || !arch_irq_valid(a->irq)))
		return refuse(KOZO_ERR_RANGE, "irq control: no interrupt line %lu",
			      (unsigned long)a->irq);
	if (inv->k->irq_refs[a->irq])
		return refuse(KOZO_ERR_REVOKE_FIRST, "irq control: line %lu already handed out",
			      (unsigned long)a->irq);
	int err = cspace_lookup(&inv->extra[0]->cap, mr[1], (unsigned)(mr[2] > 64 ? 65 : mr[2]),
				true, &a->dst);
	if (err)
		return refuse(err, "irq control: no slot 0x%lx at depth %lu", (unsigned long)mr[1],
			      (unsigned long)mr[2]);
	if (!slot_empty(a->dst))
		return refuse(KOZO_ERR_DELETE_FIRST, "irq control: slot 0x%lx not empty",
			      (unsigned long)mr[1]);
	return KOZO_OK;
}

static void perform_irq_control_get(struct kernel *k, struct slot *control,
				    const struct irq_control_get *a)
{
	struct cap c = cap_irq_handler_make(a->irq);
	cdt_insert(control, a->dst, &c);
	cap_acquire(k, &c);
}

int irq_control_invoke(struct invocation *inv)
{
	if (inv->label != KOZO_IRQ_CONTROL_GET)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "irq control: no method %lu",
			      (unsigned long)inv->label);
	struct irq_control_get a;
	int err = decode_irq_control_get(inv, &a);
	if (err)
		return err;
	perform_irq_control_get(inv->k, inv->slot, &a);
	return KOZO_OK;
}

/* A line stops signalling: the port masks a device's, the timer's loses
 * its deadline. */
static void line_mask(struct kernel *k, word_t irq)
{
	if (irq == IRQ_TIMER)
		k->timer_deadline = 0;
	else
		arch_irq_mask(irq);
}

static void line_unmask(word_t irq)
{
	if (irq != IRQ_TIMER)
		arch_irq_unmask(irq);
}

/* IRQHandler_SetNotification: the notification (first extra capability)
 * the line signals from now on. */
static int decode_irq_handler_set_notification(const struct invocation *inv, struct slot **n)
{
	if (inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "irq handler: no notification capability");
	*n = inv->extra[0];
	if ((*n)->cap.type != KOZO_OBJ_NOTIFICATION)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "irq handler: a %s, not a notification",
			      kozo_object_name((*n)->cap.type));
	if (!((*n)->cap.rights & KOZO_RIGHT_WRITE))
		return refuse(KOZO_ERR_INSUFFICIENT_RIGHTS, "irq handler: notification without Write");
	return KOZO_OK;
}

static void perform_irq_handler_set_notification(struct kernel *k, word_t irq, struct slot *n)
{
	slot_discard(k, &k->irq_ntfn[irq]);
	cdt_insert(n, &k->irq_ntfn[irq], &n->cap);
	cap_acquire(k, &n->cap);
	line_unmask(irq);
}

/* IRQHandler_SetDeadline: MR0, on the timer line only. */
static int decode_irq_handler_set_deadline(const struct invocation *inv, word_t irq, uint64_t *when)
{
	if (irq != IRQ_TIMER)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION,
			      "irq handler: line %lu has no deadline (only the timer line, %u)",
			      (unsigned long)irq, (unsigned)IRQ_TIMER);
	if (inv->len < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "irq handler: no deadline");
	*when = inv->mr[0];
	return KOZO_OK;
}

int irq_handler_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	word_t irq = cap_irq_number(&inv->slot->cap);
	switch (inv->label) {
	case KOZO_IRQ_HANDLER_ACK:
		line_unmask(irq);
		return KOZO_OK;
	case KOZO_IRQ_HANDLER_SET_NOTIFICATION: {
		struct slot *n;
		int err = decode_irq_handler_set_notification(inv, &n);
		if (err)
			return err;
		perform_irq_handler_set_notification(k, irq, n);
		return KOZO_OK;
	}
	case KOZO_IRQ_HANDLER_CLEAR:
		line_mask(k, irq);
		slot_discard(k, &k->irq_ntfn[irq]);
		return KOZO_OK;
	case KOZO_IRQ_HANDLER_SET_DEADLINE: {
		uint64_t when;
		int err = decode_irq_handler_set_deadline(inv, irq, &when);
		if (err)
			return err;
		k->timer_deadline = when;
		return KOZO_OK;
	}
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "irq handler: no method %lu",
			      (unsigned long)inv->label);
	}
}

void irq_handler_release(struct kernel *k, word_t irq)
{
	kassert(k->irq_refs[irq] > 0);
	if (--k->irq_refs[irq] == 0) {
#ifndef KOZO_FUZZ_PLANT_IRQ_RELEASE_BUG
		/* (fuzz/ipc's self-check leaves this out: the line stays open
		 * after its last handler is gone.) */
		line_mask(k, irq);
		slot_discard(k, &k->irq_ntfn[irq]);
#endif
	}
}

static void line_signal(struct kernel *k, word_t irq)
{
	const struct cap *c = &k->irq_ntfn[irq].cap;
	if (c->type == KOZO_OBJ_NOTIFICATION)
		ntfn_signal(k, (struct notification *)c->obj, cap_badge(c));
}

/* (Only hardware lines: a port never reports IRQ_TIMER.) */
void kernel_irq(struct kernel *k, word_t irq)
{
	k->stats.irqs++;
	if (irq < IRQ_COUNT)
		line_signal(k, irq);
	kernel_schedule(k);
}

void irq_timer_tick(struct kernel *k)
{
	if (k->timer_deadline && arch_cycles() >= k->timer_deadline) {
		k->timer_deadline = 0;
		k->stats.irqs++;
		line_signal(k, IRQ_TIMER);
	}
}
