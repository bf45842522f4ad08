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

int irq_control_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	const word_t *mr = inv->mr;
	if (inv->label != KOZO_IRQ_CONTROL_GET)
		return KOZO_ERR_ILLEGAL_OPERATION;
	if (inv->len < 3 || inv->extra_count < 1)
		return KOZO_ERR_TRUNCATED_MESSAGE;
	word_t irq = mr[0];
	if (irq >= IRQ_COUNT || !arch_irq_valid(irq))
		return KOZO_ERR_RANGE;
	if (k->irq_refs[irq])
		return KOZO_ERR_REVOKE_FIRST;  /* already handed out */
	struct slot *dst;
	int err = cspace_lookup(&inv->extra[0]->cap, mr[1], (unsigned)(mr[2] > 64 ? 65 : mr[2]),
				true, &dst);
	if (err)
		return err;
	if (!slot_empty(dst))
		return KOZO_ERR_DELETE_FIRST;
	/* --- no failure past this point --- */
	struct cap c = cap_irq_handler_make(irq);
	cdt_insert(inv->slot, dst, &c);
	cap_acquire(k, &c);
	return KOZO_OK;
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
		if (inv->extra_count < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		struct slot *n = inv->extra[0];
		if (n->cap.type != KOZO_OBJ_NOTIFICATION)
			return KOZO_ERR_INVALID_CAPABILITY;
		if (!(n->cap.rights & KOZO_RIGHT_WRITE))
			return KOZO_ERR_INSUFFICIENT_RIGHTS;
		/* --- no failure past this point --- */
		slot_delete(k, &k->irq_ntfn[irq]);
		cdt_insert(n, &k->irq_ntfn[irq], &n->cap);
		cap_acquire(k, &n->cap);
		arch_irq_unmask(irq);
		return KOZO_OK;
	}
	case KOZO_IRQ_HANDLER_CLEAR:
		arch_irq_mask(irq);
		slot_delete(k, &k->irq_ntfn[irq]);
		return KOZO_OK;
	default:
		return KOZO_ERR_ILLEGAL_OPERATION;
	}
}

void irq_handler_release(struct kernel *k, word_t irq)
{
	if (--k->irq_refs[irq] == 0) {
		arch_irq_mask(irq);
		slot_delete(k, &k->irq_ntfn[irq]);
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
