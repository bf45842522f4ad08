/* CNodes: capability address lookup, and Copy, Mint, Move, Delete, Revoke. */
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "irq.h"
#include "kernel.h"
#include "notification.h"
#include "objecttype.h"
#include "preempt.h"
#include "tcb.h"
#include "vspace.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

static word_t bits_at(word_t v, unsigned shift, unsigned n)
{
	return n == 0 ? 0 : (shift >= 64 ? 0 : v >> shift) & MASK(n);
}

int cspace_lookup(const struct cap *root, word_t cptr, unsigned depth, bool exact,
		  struct slot **out)
{
	const struct cap *node = root;
	unsigned remaining = depth;
	if (depth < 1 || depth > 64)
		return KOZO_ERR_RANGE;
	for (;;) {
		if (node->type != KOZO_OBJ_CNODE)
			return KOZO_ERR_FAILED_LOOKUP;
		unsigned radix = cap_cnode_radix(node);
		unsigned guard_bits = cap_cnode_guard_bits(node);
		unsigned level = radix + guard_bits;
		if (level > remaining)
			return KOZO_ERR_FAILED_LOOKUP;  /* depth mismatch */
		word_t guard = bits_at(cptr, remaining - guard_bits, guard_bits);
		if (guard != (cap_cnode_guard(node) & MASK(guard_bits)))
			return KOZO_ERR_FAILED_LOOKUP;  /* guard mismatch */
		word_t index = bits_at(cptr, remaining - level, radix);
		if (index == 0)
			return KOZO_ERR_FAILED_LOOKUP;  /* slot 0 is the header */
		struct slot *s = &cnode_slots(node)[index];
		remaining -= level;
		if (remaining == 0) {
			*out = s;
			return KOZO_OK;
		}
		if (s->cap.type != KOZO_OBJ_CNODE) {
			if (exact)
				return KOZO_ERR_FAILED_LOOKUP;
			*out = s;
			return KOZO_OK;
		}
		node = &s->cap;
	}
}

/* An Untyped that lost its last child starts over: watermark and zeroing
 * progress back to 0 (its memory holds dead objects now). */
static void untyped_forget(struct slot *ut)
{
	if (ut && ut->cap.type == KOZO_OBJ_UNTYPED && !ut->first_child) {
		cap_untyped_set_watermark(&ut->cap, 0);
		cap_untyped_set_zeroed(&ut->cap, 0);
	}
}

/* Delete s's capability, children moved up to its parent all at once. */
void slot_discard(struct kernel *k, struct slot *s)
{
	if (slot_empty(s))
		return;
	struct cap c = s->cap;
	struct slot *parent = s->parent;
	cdt_remove(s);
	s->cap = (struct cap){ 0 };
	untyped_forget(parent);
	cap_release(k, &c);
}

/* Move s's first child up to s's parent (or make it a root): one unit of
 * a preemptible delete.  The tree stays well formed, and the child stays a
 * descendant of everything above s. */
static void lift_first_child(struct slot *s)
{
	struct slot *c = s->first_child;
	s->first_child = c->next_sibling;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = NULL;
	c->next_sibling = NULL;
	c->parent = NULL;
	if (s->parent)
		cdt_adopt(s->parent, c);
}

/* Delete s, preemptibly: its children go up to its parent one by one, then
 * s (a leaf now) goes.  No stop between the last lift and the deletion: an
 * Untyped stays childless only once deleted or reset (untyped_forget). */
static int delete_preemptible(struct kernel *k, struct slot *s)
{
	while (s->first_child) {
		lift_first_child(s);
		if (s->first_child && preemption_point(k, PREEMPT_UNIT_LIFT))
			return KERNEL_PREEMPTED;
	}
	slot_discard(k, s);
	return preemption_point(k, PREEMPT_UNIT_DELETE) ? KERNEL_PREEMPTED : KOZO_OK;
}

/* Empty the CNodes whose last capability went (cap_release queues them on
 * k->dying), newest first, each from its h->next_slot on.  A slot deleted
 * here may queue another CNode in front: it is emptied first, and the one
 * behind stays queued with its progress in its header, so nothing recurses
 * and every step is bounded. */
int cnode_drain(struct kernel *k)
{
	while (k->dying) {
		struct cnode_header *h = k->dying;
		if (h->next_slot >= BIT(h->radix)) {
			k->dying = h->next_dying;
			h->dying = 0;
			h->next_dying = NULL;
			continue;
		}
		struct slot *s = &((struct slot *)h)[h->next_slot];
		if (slot_empty(s)) {
			h->next_slot++;
			if (preemption_point(k, PREEMPT_UNIT_SLOT))
				return KERNEL_PREEMPTED;
			continue;
		}
		int err = delete_preemptible(k, s);
		if (err)
			return err;
	}
	return KOZO_OK;
}

int slot_delete(struct kernel *k, struct slot *s)
{
	int err = cnode_drain(k);
	if (!err && !slot_empty(s))
		err = delete_preemptible(k, s);
	return err ? err : cnode_drain(k);
}

int slot_revoke(struct kernel *k, struct slot *s)
{
	/* Deleting a child lifts its children to s, so this empties the
	 * whole subtree without recursion; each lift and each deletion is
	 * one bounded step. */
	while (s->first_child) {
		int err = slot_delete(k, s->first_child);
		if (err)
			return err;
	}
	return cnode_drain(k);
}

/* ---- CNode invocations ---- */

/* The slot a CNode method names by (index, depth) in the invoked CNode. */
static int lookup_in(const struct cap *cnode, word_t index, word_t depth, struct slot **out)
{
	int err = cspace_lookup(cnode, index, (unsigned)(depth > 64 ? 65 : depth), true, out);
	if (err)
		return refuse(err, "cnode: no slot 0x%lx at depth %lu", (unsigned long)index,
			      (unsigned long)depth);
	return KOZO_OK;
}

/* Delete, Revoke: the slot (index MR0, depth MR1). */
static int decode_cnode_slot(const struct invocation *inv, struct slot **s)
{
	if (inv->len < 2)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE, "cnode: %u message registers, needs 2",
			      inv->len);
	return lookup_in(&inv->slot->cap, inv->mr[0], inv->mr[1], s);
}

/* Copy, Mint, Move: destination (MR0, MR1) in the invoked CNode, source
 * (MR2, MR3) in the CNode of the first extra capability. */
struct cnode_transfer {
	struct slot *src, *dst;
	struct cap cap;          /* Copy, Mint: the derived capability */
};

static int decode_cnode_transfer(const struct invocation *inv, struct cnode_transfer *a)
{
	const word_t *mr = inv->mr;
	bool mint = inv->label == KOZO_CNODE_MINT;
	bool move = inv->label == KOZO_CNODE_MOVE;
	unsigned need = move ? 4 : mint ? 6 : 5;
	if (inv->len < need || inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
			      "cnode: %u message registers and %u capabilities, needs %u and 1",
			      inv->len, inv->extra_count, need);
	int err = lookup_in(&inv->slot->cap, mr[0], mr[1], &a->dst);
	if (err)
		return err;
	if (!slot_empty(a->dst))
		return refuse(KOZO_ERR_DELETE_FIRST, "cnode: destination slot 0x%lx not empty",
			      (unsigned long)mr[0]);
	err = lookup_in(&inv->extra[0]->cap, mr[2], mr[3], &a->src);
	if (err)
		return err;
	if (slot_empty(a->src))
		return refuse(KOZO_ERR_FAILED_LOOKUP, "cnode: source slot 0x%lx is empty",
			      (unsigned long)mr[2]);
	if (a->src == a->dst)
		return refuse(KOZO_ERR_DELETE_FIRST, "cnode: source and destination are one slot");
	if (move)
		return KOZO_OK;
	if (!cap_type_is_copyable(a->src->cap.type))
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "cnode: a %s capability cannot be copied",
			      kozo_object_name(a->src->cap.type));
	err = cap_derive(&a->src->cap, (unsigned)mr[4], mint, mint ? mr[5] : 0, &a->cap);
	if (err)
		return refuse(err, "cnode: mint of a %s with badge 0x%lx refused",
			      kozo_object_name(a->src->cap.type), (unsigned long)mr[5]);
	return KOZO_OK;
}

static void perform_cnode_copy(struct kernel *k, const struct cnode_transfer *a)
{
	cdt_insert(a->src, a->dst, &a->cap);
	cap_acquire(k, &a->cap);
}

static void perform_cnode_move(const struct cnode_transfer *a)
{
	cdt_move(a->dst, a->src);
}

int cnode_invoke(struct invocation *inv)
{
	struct slot *s;
	struct cnode_transfer a;
	int err;

	switch (inv->label) {
	case KOZO_CNODE_DELETE:
	case KOZO_CNODE_REVOKE:
		err = decode_cnode_slot(inv, &s);
		if (err)
			return err;
		if (inv->label == KOZO_CNODE_DELETE)
			return slot_delete(inv->k, s);
		return slot_revoke(inv->k, s);
	case KOZO_CNODE_COPY:
	case KOZO_CNODE_MINT:
	case KOZO_CNODE_MOVE:
		err = decode_cnode_transfer(inv, &a);
		if (err)
			return err;
		if (inv->label == KOZO_CNODE_MOVE)
			perform_cnode_move(&a);
		else
			perform_cnode_copy(inv->k, &a);
		return KOZO_OK;
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "cnode: no method %lu",
			      (unsigned long)inv->label);
	}
}
