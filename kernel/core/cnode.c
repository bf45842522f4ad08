/* CNodes: capability address lookup, and Copy, Mint, Move, Delete, Revoke. */
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "irq.h"
#include "kernel.h"
#include "notification.h"
#include "objecttype.h"
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

static void delete_one(struct kernel *k, struct slot *s)
{
	if (slot_empty(s))
		return;
	struct cap c = s->cap;
	cdt_remove(s);
	s->cap = (struct cap){ 0 };
	cap_release(k, &c);
}

void slot_delete(struct kernel *k, struct slot *s)
{
	delete_one(k, s);
	if (k->draining)
		return;
	k->draining = true;
	while (k->dying) {
		struct cnode_header *h = k->dying;
		k->dying = h->next_dying;
		struct slot *slots = (struct slot *)h;
		for (word_t i = 1; i < BIT(h->radix); i++)
			delete_one(k, &slots[i]);
		h->dying = 0;
		h->next_dying = NULL;
	}
	k->draining = false;
}

void slot_revoke(struct kernel *k, struct slot *s)
{
	/* Deleting a child lifts its children to s, so this empties the
	 * whole subtree without recursion. */
	while (s->first_child)
		slot_delete(k, s->first_child);
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
			slot_delete(inv->k, s);
		else
			slot_revoke(inv->k, s);
		return KOZO_OK;
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
