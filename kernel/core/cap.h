/* Capabilities and the slots that hold them.
 *
 * A slot is 64 bytes: the capability (32) and its place in the capability
 * derivation tree (32).  Every capability made by Retype is a child of the
 * Untyped's slot; Copy and Mint make children of the source slot.
 *
 *        untyped slot
 *        /          \
 *   tcb slot      cnode slot  --- first_child / next_sibling
 *       |
 *   copy of tcb cap
 */
#ifndef KOZO_CORE_CAP_H
#define KOZO_CORE_CAP_H

#include "types.h"
#include <kozo/object.h>

/* What each word means depends on the type:
 *
 *   type          obj (kernel pointer)   w2                 w3
 *   UNTYPED       region start           watermark (bytes)  size_bits | device<<8
 *   CNODE         slot array (slot 0 =   guard value        radix | guard_bits<<8
 *                 header)
 *   TCB/EP/NTFN   the object             badge (EP, NTFN)   -
 *   FRAME, PT_Ln  the page               mapped vaddr       mapped asid | MAPPED
 *                 (flags: CAP_FLAG_DEVICE for a Frame of device memory)
 *   VSPACE        the root table         asid               -
 *   IRQ_HANDLER   -                      irq number         -
 *   IOPORT        -                      first port         last port
 */
struct cap {
	uint8_t type;
	uint8_t rights;
	uint8_t flags;        /* CAP_FLAG_*, kept by copies */
	uint8_t reserved;
	uint32_t reserved2;
	uintptr_t obj;
	word_t w2;
	word_t w3;
};

struct slot {
	struct cap cap;
	struct slot *parent;
	struct slot *first_child;
	struct slot *next_sibling;
	struct slot *prev_sibling;
};
_Static_assert(sizeof(struct slot) == 64, "slot is 2^KOZO_SLOT_SIZE_BITS bytes");

#define CAP_MAPPED BIT(63)
#define CAP_FLAG_DEVICE 1u   /* a Frame retyped from a device Untyped */

static inline bool cap_is_table(unsigned type)
{
	return type == KOZO_OBJ_PT_L1 || type == KOZO_OBJ_PT_L2 || type == KOZO_OBJ_PT_L3;
}
static inline bool cap_is_mapping(unsigned type)
{
	return type == KOZO_OBJ_FRAME || cap_is_table(type);
}
static inline bool cap_mapped(const struct cap *c) { return c->w3 & CAP_MAPPED; }
static inline word_t cap_mapped_asid(const struct cap *c) { return c->w3 & ~CAP_MAPPED; }

static inline bool slot_empty(const struct slot *s) { return s->cap.type == KOZO_OBJ_NULL; }
static inline word_t cap_badge(const struct cap *c) { return c->w2; }

static inline unsigned cap_untyped_size_bits(const struct cap *c) { return c->w3 & 0xff; }
static inline bool cap_untyped_is_device(const struct cap *c) { return (c->w3 >> 8) & 1; }
static inline unsigned cap_cnode_radix(const struct cap *c) { return c->w3 & 0xff; }
static inline unsigned cap_cnode_guard_bits(const struct cap *c) { return (c->w3 >> 8) & 0xff; }

/* Place new_slot (empty before) in the tree as the last child of parent
 * (or as a root when parent is NULL), holding cap. */
void cdt_insert(struct slot *parent, struct slot *new_slot, const struct cap *cap);
/* Take s out of the tree; its children become its parent's children.
 * The capability itself is left for the caller to clear. */
void cdt_remove(struct slot *s);
/* Move a capability and its tree position from src to the empty dst. */
void cdt_move(struct slot *dst, struct slot *src);
/* True when two capabilities name the same object. */
bool cap_same_object(const struct cap *a, const struct cap *b);

#endif
