/* Everything that depends on a capability's type, in one place (after
 * seL4's objecttype.c): create, derive (copy, mint, the rights mask),
 * acquire and finalise (reference counts, the last one destroys), same
 * object, and invocation dispatch.  Per-type files (tcb.c, endpoint.c, ...)
 * hold the objects' own operations; the choice of which one applies to a
 * capability is made here.  Arch-only objects (IOPort) reach their port
 * through one arch hook per decision (arch.h). */
#ifndef KOZO_CORE_OBJECTTYPE_H
#define KOZO_CORE_OBJECTTYPE_H

#include "cap.h"

struct kernel;
struct invocation;

/* Initialise the object at base as type (size_bits: an Untyped's size or a
 * CNode's radix) and return its first capability.  The memory must be zero
 * already, up to object_clear_bytes (Retype clears it, at once or
 * preemptibly, untyped.c; boot_alloc too); an Untyped's memory is not
 * touched.  Cannot fail: Retype's decode checked the size, alignment and
 * (VSpace) a free ASID. */
struct cap object_create(struct kernel *k, unsigned type, unsigned size_bits, void *base);
/* The same from device memory (an Untyped with is_device): only Frames and
 * smaller Untyped, never zeroed. */
struct cap object_create_device(unsigned type, unsigned size_bits, void *base);
/* Can this type come from a device Untyped? */
bool object_type_allowed_from_device(unsigned type);
/* A capability for a fresh untyped region. */
struct cap untyped_cap(void *base, unsigned size_bits, bool device);

/* May Copy, Mint or an IPC transfer make another capability of this type? */
bool cap_type_is_copyable(unsigned type);
/* The capability a copy of src starts as: the same object, rights and
 * badge, but a copy of a mapping capability (Frame, page table) starts
 * unmapped.  The one place of that rule: CNode Copy/Mint, IPC transfer,
 * TCB_Configure and boot all copy through here. */
struct cap cap_copy(const struct cap *src);
/* Rights of c reduced to `rights` (never added). */
struct cap cap_mask_rights(struct cap c, unsigned rights);
/* The capability Copy (mint false) or Mint makes from src: cap_copy, rights
 * masked, and for Mint the badge (Endpoint, Notification), guard (CNode:
 * badge = guard_bits | guard << 6) or port range (IOPort: badge =
 * KOZO_IOPORT_RANGE(first, last), ioport.c).  Returns a kozo_error: a
 * badged capability cannot be rebadged, a guard must fit, a port range
 * must lie inside the source's. */
int cap_derive(const struct cap *src, unsigned rights, bool mint, word_t badge, struct cap *out);

/* Account a new capability to its object (reference counts). */
void cap_acquire(struct kernel *k, const struct cap *c);
/* Drop c's reference to its object; the last one finalises it (a CNode is
 * queued on k->dying for cnode_drain, never emptied here: no recursion). */
void cap_release(struct kernel *k, struct cap *c);
/* True when two capabilities name the same object. */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* Dispatch an invocation on the invoked capability's type; returns a
 * kozo_error. */
int invoke_capability(struct invocation *inv);

#endif
