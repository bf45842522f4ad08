/* Interrupts as notification signals.  IRQControl hands out one IRQHandler
 * per line; the handler names the notification the line signals.  The port
 * masks a line when it fires and IRQHandler_Ack unmasks it, so a device is
 * never serviced twice for one interrupt. */
#include "irq.h"
#include "cnode.h"
#include "invocation.h"
#include "kernel.h"
#include "notification.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

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
	if (a->irq >= IRQ_COUNT || !arch_irq_valid(a->irq))
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
	arch_irq_unmask(irq);
}

int irq_handler_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	word_t irq = cap_irq_number(&inv->slot->cap);
	switch (inv->label) {
	case KOZO_IRQ_HANDLER_ACK:
		arch_irq_unmask(irq);
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
		arch_irq_mask(irq);
		slot_discard(k, &k->irq_ntfn[irq]);
		return KOZO_OK;
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
		arch_irq_mask(irq);
		slot_discard(k, &k->irq_ntfn[irq]);
#endif
	}
}

void kernel_irq(struct kernel *k, word_t irq)
{
	k->stats.irqs++;
	const struct cap *c = irq < IRQ_COUNT ? &k->irq_ntfn[irq].cap : NULL;
	if (c && c->type == KOZO_OBJ_NOTIFICATION)
		ntfn_signal(k, (struct notification *)c->obj, cap_badge(c));
	kernel_schedule(k);
}
