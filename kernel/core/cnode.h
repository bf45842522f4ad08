/* CNodes: arrays of 2^radix slots.  Slot 0 of every CNode holds the
 * header below and is never addressable, so capability address 0 is null. */
#ifndef KOZO_CORE_CNODE_H
#define KOZO_CORE_CNODE_H

#include "cap.h"
#include "objecttype.h"

struct kernel;

struct cnode_header {
	uint32_t refs;          /* capabilities naming this CNode */
	uint8_t radix;
	uint8_t dying;          /* queued for emptying (k->dying) */
	uint16_t pad;
	struct cnode_header *next_dying;
	word_t next_slot;       /* dying: slots below this are empty */
	word_t reserved[5];
};
_Static_assert(sizeof(struct cnode_header) == sizeof(struct slot), "header fills slot 0");

static inline struct slot *cnode_slots(const struct cap *c) { return (struct slot *)c->obj; }

/* Resolve cptr (its top `depth` bits) from the CNode capability root, as
 * seL4's resolveAddressBits.  With exact == true the address must end exactly
 * at a slot after `depth` bits (CNode operations); otherwise lookup stops at
 * the first non-CNode capability (invoked capabilities).
 * Fails with KOZO_ERR_FAILED_LOOKUP. */
int cspace_lookup(const struct cap *root, word_t cptr, unsigned depth, bool exact,
		  struct slot **out);


/* CNode_Delete: delete s's capability (remove it from the tree, its
 * children going up to its parent; drop its object reference, finalising
 * the object when this was the last one), then empty every dying CNode.
 * Preemptible (preempt.h): KOZO_OK, or KERNEL_PREEMPTED with part of the
 * work done and the state consistent; calling it again continues. */
int slot_delete(struct kernel *k, struct slot *s);
/* CNode_Revoke: delete every descendant of s (leaves no dying CNode).
 * Preemptible as slot_delete; a preempted Revoke has deleted some
 * descendants and moved some others up, all still below s. */
int slot_revoke(struct kernel *k, struct slot *s);
/* Empty the dying CNodes (those whose last capability was deleted);
 * preemptible as slot_delete.  Every invocation calls it first, so no
 * Retype sees an Untyped whose memory a dying CNode still holds. */
int cnode_drain(struct kernel *k);
/* Delete s's capability at once, for the kernel's own slots (a TCB's,
 * an IRQ's notification), which have no children: bounded.  A CNode whose
 * last capability this was is left queued for the next cnode_drain. */
void slot_discard(struct kernel *k, struct slot *s);

#endif
