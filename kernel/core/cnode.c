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

static int lookup_dest(struct invocation *inv, word_t index, word_t depth, struct slot **out)
{
	int err = cspace_lookup(&inv->slot->cap, index, (unsigned)(depth > 64 ? 65 : depth),
				true, out);
	if (err)
		return err;
	return slot_empty(*out) ? KOZO_OK : KOZO_ERR_DELETE_FIRST;
}

int cnode_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	const word_t *mr = inv->mr;
	struct slot *dst, *src;
	int err;

	switch (inv->label) {
	case KOZO_CNODE_DELETE:
	case KOZO_CNODE_REVOKE:
		if (inv->len < 2)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		err = cspace_lookup(&inv->slot->cap, mr[0], (unsigned)(mr[1] > 64 ? 65 : mr[1]),
				    true, &src);
		if (err)
			return err;
		/* --- no failure past this point --- */
		if (inv->label == KOZO_CNODE_DELETE)
			slot_delete(k, src);
		else
			slot_revoke(k, src);
		return KOZO_OK;

	case KOZO_CNODE_COPY:
	case KOZO_CNODE_MINT:
	case KOZO_CNODE_MOVE: {
		bool mint = inv->label == KOZO_CNODE_MINT;
		bool move = inv->label == KOZO_CNODE_MOVE;
		unsigned need = move ? 4 : mint ? 6 : 5;
		if (inv->len < need)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		if (inv->extra_count < 1)
			return KOZO_ERR_TRUNCATED_MESSAGE;
		err = lookup_dest(inv, mr[0], mr[1], &dst);
		if (err)
			return err;
		err = cspace_lookup(&inv->extra[0]->cap, mr[2], (unsigned)(mr[3] > 64 ? 65 : mr[3]),
				    true, &src);
		if (err)
			return err;
		if (slot_empty(src))
			return KOZO_ERR_FAILED_LOOKUP;
		if (src == dst)
			return KOZO_ERR_DELETE_FIRST;
		if (move) {
			/* --- no failure past this point --- */
			cdt_move(dst, src);
			return KOZO_OK;
		}
		if (!cap_type_is_copyable(src->cap.type))
			return KOZO_ERR_ILLEGAL_OPERATION;
		struct cap c;
		err = cap_derive(&src->cap, (unsigned)mr[4], mint, mint ? mr[5] : 0, &c);
		if (err)
			return err;
		/* --- no failure past this point --- */
		cdt_insert(src, dst, &c);
		cap_acquire(k, &c);
		return KOZO_OK;
	}
	default:
		return KOZO_ERR_ILLEGAL_OPERATION;
	}
}
