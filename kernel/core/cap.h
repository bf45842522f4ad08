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
 *                 (w1: zeroed up to this many pages, see cap_untyped_zeroed)
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
	uint32_t w1;          /* Untyped: zeroed pages (cap_untyped_zeroed) */
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
/* ---- Typed accessors: the only code that knows the table above. ----
 * Everything else reads and writes a capability's words through these, so
 * the layout can change in one place (scripts/preflight.sh refuses raw
 * .w2/.w3 outside this header). */

static inline bool slot_empty(const struct slot *s) { return s->cap.type == KOZO_OBJ_NULL; }

/* Endpoint, Notification: the badge (0: none). */
static inline word_t cap_badge(const struct cap *c) { return c->w2; }
static inline void cap_set_badge(struct cap *c, word_t badge) { c->w2 = badge; }

/* Untyped. */
static inline struct cap cap_untyped_make(uintptr_t base, unsigned size_bits, bool device)
{
	return (struct cap){ .type = KOZO_OBJ_UNTYPED, .rights = KOZO_RIGHTS_ALL, .obj = base,
			     .w2 = 0, .w3 = size_bits | ((word_t)device << 8) };
}
static inline unsigned cap_untyped_size_bits(const struct cap *c) { return c->w3 & 0xff; }
static inline bool cap_untyped_is_device(const struct cap *c) { return (c->w3 >> 8) & 1; }
/* Bytes from the region's start already handed out by Retype. */
static inline word_t cap_untyped_watermark(const struct cap *c) { return c->w2; }
static inline void cap_untyped_set_watermark(struct cap *c, word_t w) { c->w2 = w; }
/* Retype's zeroing progress, in bytes from the region's start, a multiple of
 * the page size: when it is above the watermark, the bytes from the
 * watermark up to it are known to be zero (untyped.c keeps that true), so a
 * preempted Retype resumes its zeroing there. */
static inline word_t cap_untyped_zeroed(const struct cap *c)
{
	return (word_t)c->w1 << KOZO_PAGE_SIZE_BITS;
}
static inline void cap_untyped_set_zeroed(struct cap *c, word_t bytes)
{
	c->w1 = (uint32_t)(bytes >> KOZO_PAGE_SIZE_BITS);
}

/* CNode: radix, and the guard (guard_bits bits of value guard). */
static inline unsigned cap_cnode_radix(const struct cap *c) { return c->w3 & 0xff; }
static inline unsigned cap_cnode_guard_bits(const struct cap *c) { return (c->w3 >> 8) & 0xff; }
static inline word_t cap_cnode_guard(const struct cap *c) { return c->w2; }
static inline void cap_cnode_set_guard(struct cap *c, unsigned radix, unsigned guard_bits,
				       word_t guard)
{
	c->w2 = guard;
	c->w3 = radix | ((word_t)guard_bits << 8);
}

/* Frame, PT_L1..PT_L3: the mapping (asid, vaddr) the capability made. */
static inline bool cap_mapped(const struct cap *c) { return c->w3 & CAP_MAPPED; }
static inline word_t cap_mapped_asid(const struct cap *c) { return c->w3 & ~CAP_MAPPED; }
static inline word_t cap_mapped_vaddr(const struct cap *c) { return c->w2; }
static inline void cap_set_mapping(struct cap *c, word_t asid, word_t vaddr)
{
	c->w2 = vaddr;
	c->w3 = asid | CAP_MAPPED;
}
static inline void cap_clear_mapping(struct cap *c) { c->w2 = c->w3 = 0; }

/* VSpace: its ASID.  The aarch64 port's context switch reads it from a
 * TCB's VSpace slot in assembly, at this offset (asm_offsets.h). */
static inline word_t cap_vspace_asid(const struct cap *c) { return c->w2; }
static inline void cap_vspace_set_asid(struct cap *c, word_t asid) { c->w2 = asid; }
#define CAP_VSPACE_ASID_OFFSET offsetof(struct cap, w2)

/* IRQHandler: its interrupt line. */
static inline struct cap cap_irq_handler_make(word_t irq)
{
	return (struct cap){ .type = KOZO_OBJ_IRQ_HANDLER, .rights = KOZO_RIGHTS_ALL, .w2 = irq };
}
static inline word_t cap_irq_number(const struct cap *c) { return c->w2; }

/* IOPort: the range of ports first..last (inclusive). */
static inline struct cap cap_ioport_make(word_t first, word_t last)
{
	return (struct cap){ .type = KOZO_OBJ_IOPORT, .rights = KOZO_RIGHTS_ALL, .w2 = first,
			     .w3 = last };
}
static inline word_t cap_ioport_first(const struct cap *c) { return c->w2; }
static inline word_t cap_ioport_last(const struct cap *c) { return c->w3; }
static inline void cap_ioport_set_range(struct cap *c, word_t first, word_t last)
{
	c->w2 = first;
	c->w3 = last;
}

/* Place new_slot (empty before) in the tree as the last child of parent
 * (or as a root when parent is NULL), holding cap. */
void cdt_insert(struct slot *parent, struct slot *new_slot, const struct cap *cap);
/* Link the root c (no parent, no siblings) as parent's first child. */
void cdt_adopt(struct slot *parent, struct slot *c);
/* Take s out of the tree; its children become its parent's children.
 * The capability itself is left for the caller to clear. */
void cdt_remove(struct slot *s);
/* Move a capability and its tree position from src to the empty dst. */
void cdt_move(struct slot *dst, struct slot *src);

#endif
