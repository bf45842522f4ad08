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
	uint8_t dying;          /* queued for emptying */
	uint16_t pad;
	struct cnode_header *next_dying;
	word_t reserved[6];
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


/* Delete one capability: remove it from the tree, drop its object reference,
 * finalize the object when this was the last one.  Never fails. */
void slot_delete(struct kernel *k, struct slot *s);
/* Delete every descendant of s. */
void slot_revoke(struct kernel *k, struct slot *s);

#endif
