/* Object types, their sizes, and capability rights. */
#ifndef KOZO_OBJECT_H
#define KOZO_OBJECT_H

enum kozo_object_type {
	KOZO_OBJ_NULL = 0,
	KOZO_OBJ_UNTYPED = 1,
	KOZO_OBJ_TCB = 2,
	KOZO_OBJ_ENDPOINT = 3,
	KOZO_OBJ_NOTIFICATION = 4,
	KOZO_OBJ_CNODE = 5,
	KOZO_OBJ_FRAME = 6,        /* 4 KiB page */
	KOZO_OBJ_VSPACE = 7,       /* top-level table: x86_64 PML4, aarch64 L0 */
	KOZO_OBJ_PT_L1 = 8,        /* x86_64 PDPT, aarch64 L1 */
	KOZO_OBJ_PT_L2 = 9,        /* x86_64 PD,   aarch64 L2 */
	KOZO_OBJ_PT_L3 = 10,       /* x86_64 PT,   aarch64 L3 */
	KOZO_OBJ_IRQ_CONTROL = 11, /* this and the types below: never from Untyped */
	KOZO_OBJ_IRQ_HANDLER = 12,
	KOZO_OBJ_IOPORT = 13,      /* x86_64 only */
	KOZO_OBJ_DEBUG = 14,       /* Init's debug capability (test panic) */
	KOZO_OBJ_TYPE_COUNT
};
/* Not a type: Retype makes the types KOZO_OBJ_UNTYPED up to (not
 * including) this one.  (A reply is no capability in KOZO: the callee's
 * TCB records its caller, reply_to.) */
#define KOZO_OBJ_RETYPABLE_END (KOZO_OBJ_PT_L3 + 1)

/* log2 of each object's size in bytes; CNode's is radix + KOZO_SLOT_SIZE_BITS,
 * Untyped's is the size_bits argument. */
#define KOZO_TCB_SIZE_BITS 11
#define KOZO_ENDPOINT_SIZE_BITS 6
#define KOZO_NOTIFICATION_SIZE_BITS 6
#define KOZO_SLOT_SIZE_BITS 6
#define KOZO_PAGE_SIZE_BITS 12
#define KOZO_PAGE_SIZE (1ul << KOZO_PAGE_SIZE_BITS)
#define KOZO_UNTYPED_MIN_BITS 4
#define KOZO_UNTYPED_MAX_BITS 47
#define KOZO_CNODE_MIN_RADIX 1
#define KOZO_CNODE_MAX_RADIX 20

/* Rights carried by a capability.  Mint and Copy can only remove rights. */
#define KOZO_RIGHT_READ 1u
#define KOZO_RIGHT_WRITE 2u
#define KOZO_RIGHT_GRANT 4u
#define KOZO_RIGHT_GRANT_REPLY 8u
#define KOZO_RIGHTS_ALL 15u

/* log2 of the size of an object of `type` (size_bits: an Untyped's size or
 * a CNode's radix), or 0 when no such object can be made by Retype. */
static inline unsigned kozo_object_size_bits(unsigned type, unsigned size_bits)
{
	switch (type) {
	case KOZO_OBJ_UNTYPED:
		return size_bits >= KOZO_UNTYPED_MIN_BITS && size_bits <= KOZO_UNTYPED_MAX_BITS
			       ? size_bits : 0;
	case KOZO_OBJ_TCB: return KOZO_TCB_SIZE_BITS;
	case KOZO_OBJ_ENDPOINT: return KOZO_ENDPOINT_SIZE_BITS;
	case KOZO_OBJ_NOTIFICATION: return KOZO_NOTIFICATION_SIZE_BITS;
	case KOZO_OBJ_CNODE:
		return size_bits >= KOZO_CNODE_MIN_RADIX && size_bits <= KOZO_CNODE_MAX_RADIX
			       ? size_bits + KOZO_SLOT_SIZE_BITS : 0;
	case KOZO_OBJ_FRAME:
	case KOZO_OBJ_VSPACE:
	case KOZO_OBJ_PT_L1:
	case KOZO_OBJ_PT_L2:
	case KOZO_OBJ_PT_L3: return KOZO_PAGE_SIZE_BITS;
	default: return 0;
	}
}

static inline const char *kozo_object_name(unsigned t)
{
	static const char *const names[KOZO_OBJ_TYPE_COUNT] = {
		"null", "untyped", "tcb", "endpoint", "notification", "cnode",
		"frame", "vspace", "pt-l1", "pt-l2", "pt-l3", "irq-control",
		"irq-handler", "ioport", "debug",
	};
	return t < KOZO_OBJ_TYPE_COUNT ? names[t] : "unknown";
}

#endif
