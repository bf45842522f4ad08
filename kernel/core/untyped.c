/* Untyped memory: Retype carves new objects at the watermark. */
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "kernel.h"
#include "lib.h"
#include "notification.h"
#include "objecttype.h"
#include "preempt.h"
#include "tcb.h"
#include "vspace.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

#define RETYPE_MAX_COUNT 256
/* Bytes a Retype may clear in one go, without preemption points: 16 Frames
 * (docs/PERFORMANCE.md, "Issue 14: preemption points"). */
#define RETYPE_ZERO_AT_ONCE (16u << KOZO_PAGE_SIZE_BITS)

/* Retype, checked: count objects of obj_bits bytes each at start, their
 * capabilities into dslots[0..count). */
struct untyped_retype {
	unsigned type, size_arg, obj_bits;
	word_t start, count;
	struct slot *dslots;
};

static int decode_untyped_retype(const struct invocation *inv, struct untyped_retype *a)
{
	struct kernel *k = inv->k;
	const struct slot *ut = inv->slot;
	const word_t *mr = inv->mr;

	if (inv->len < 6 || inv->extra_count < 1)
		return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
			      "retype: %u message registers and %u capabilities, needs 6 and 1",
			      inv->len, inv->extra_count);
	word_t type = mr[0], size_arg = mr[1], index = mr[2], depth = mr[3];
	word_t offset = mr[4], count = mr[5];

	if (type == KOZO_OBJ_NULL || type >= KOZO_OBJ_RETYPABLE_END)
		return refuse(KOZO_ERR_INVALID_ARGUMENT, "retype: type %lu cannot be made by Retype",
			      (unsigned long)type);
	unsigned obj_bits = kozo_object_size_bits((unsigned)type, size_arg > 64 ? 0 : (unsigned)size_arg);
	if (obj_bits == 0)
		return refuse(KOZO_ERR_RANGE, "retype: size %lu out of range for a %s",
			      (unsigned long)size_arg, kozo_object_name((unsigned)type));
	if (count < 1 || count > RETYPE_MAX_COUNT)
		return refuse(KOZO_ERR_RANGE, "retype: count %lu not in 1..%u", (unsigned long)count,
			      RETYPE_MAX_COUNT);
	if (cap_untyped_is_device(&ut->cap) && !object_type_allowed_from_device((unsigned)type))
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "retype: a %s from device memory",
			      kozo_object_name((unsigned)type));

	/* The destination CNode: the root itself at depth 0, else a lookup. */
	struct cap *root = &inv->extra[0]->cap;
	struct cap *dest = root;
	if (depth != 0) {
		struct slot *ds;
		int err = cspace_lookup(root, index, (unsigned)(depth > 64 ? 65 : depth), true, &ds);
		if (err)
			return refuse(err, "retype: destination CNode 0x%lx at depth %lu not found",
				      (unsigned long)index, (unsigned long)depth);
		dest = &ds->cap;
	}
	if (dest->type != KOZO_OBJ_CNODE)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "retype: destination is a %s, not a CNode",
			      kozo_object_name(dest->type));
	word_t slots = BIT(cap_cnode_radix(dest));
	if (offset < 1 || offset >= slots || count > slots - offset)
		return refuse(KOZO_ERR_RANGE, "retype: slots %lu..%lu not in 1..%lu",
			      (unsigned long)offset, (unsigned long)(offset + count - 1),
			      (unsigned long)(slots - 1));
	struct slot *dslots = cnode_slots(dest);
	for (word_t i = 0; i < count; i++)
		if (!slot_empty(&dslots[offset + i]))
			return refuse(KOZO_ERR_DELETE_FIRST, "retype: slot %lu not empty",
				      (unsigned long)(offset + i));

	/* Space: an Untyped without children starts over at its base. */
	unsigned ut_bits = cap_untyped_size_bits(&ut->cap);
	word_t base = ut->cap.obj;
	word_t watermark = cap_untyped_watermark(&ut->cap);   /* 0 when childless (cnode.c) */
	if (obj_bits > ut_bits)
		return refuse(KOZO_ERR_NOT_ENOUGH_MEMORY, "retype: a 2^%u-byte object from a 2^%u-byte untyped",
			      obj_bits, ut_bits);
	word_t start = ALIGN_UP(base + watermark, BIT(obj_bits));
	word_t avail = base + BIT(ut_bits) - start;
	if (start > base + BIT(ut_bits) || (avail >> obj_bits) < count)
		return refuse(KOZO_ERR_NOT_ENOUGH_MEMORY,
			      "retype: %lu objects of 2^%u bytes, untyped has room for %lu",
			      (unsigned long)count, obj_bits,
			      (unsigned long)(start > base + BIT(ut_bits) ? 0 : avail >> obj_bits));
	if (type == KOZO_OBJ_VSPACE && vspace_asids_free(k) < count)
		return refuse(KOZO_ERR_NOT_ENOUGH_MEMORY, "retype: %lu VSpaces, %u ASIDs free",
			      (unsigned long)count, vspace_asids_free(k));

	*a = (struct untyped_retype){ .type = (unsigned)type, .size_arg = (unsigned)size_arg,
				      .obj_bits = obj_bits, .start = start, .count = count,
				      .dslots = &dslots[offset] };
	return KOZO_OK;
}

/* Zero [watermark, end) of ut's region (end: a byte offset), preemptibly,
 * from where an earlier, preempted call got to.  The zeroing progress in
 * the capability (cap_untyped_zeroed) only ever covers zero bytes above
 * the watermark: nothing is made or written there before this returns, and
 * an Untyped that loses its last child forgets it (cnode.c).  Until the
 * objects exist, no capability names this memory, so user space sees
 * nothing of a half-zeroed region. */
static int untyped_zero(struct kernel *k, struct slot *ut, word_t end)
{
	word_t from = cap_untyped_watermark(&ut->cap);
	if (cap_untyped_zeroed(&ut->cap) > from)
		from = cap_untyped_zeroed(&ut->cap);
	uint8_t *base = (uint8_t *)ut->cap.obj;
	while (from < end) {
		word_t next = ALIGN_UP(from + 1, PREEMPT_ZERO_CHUNK);
		if (next > end)
			next = end;
		memset(base + from, 0, next - from);
		from = next;
		if (IS_ALIGNED(from, KOZO_PAGE_SIZE_BITS))
			cap_untyped_set_zeroed(&ut->cap, from);
		if (from < end && preemption_point(k, PREEMPT_BUDGET))
			return KERNEL_PREEMPTED;
	}
	return KOZO_OK;
}

/* Clear what the objects need zero (object_create's contract), then make
 * them.  More than RETYPE_ZERO_AT_ONCE bytes: zero [watermark, end) first,
 * preemptibly (KERNEL_PREEMPTED leaves no object made, and the same call
 * resumes); less: at once, one memset over the objects, or for TCBs each
 * one's struct (the single objects and small batches of docs/PERFORMANCE.md
 * cost what they did before the preemption points).  Device memory and
 * Untypeds are never cleared.  From the objects on it cannot fail or stop. */
static int perform_untyped_retype(struct kernel *k, struct slot *ut, const struct untyped_retype *a)
{
	word_t bytes = a->count << a->obj_bits;
	word_t end = a->start + bytes - ut->cap.obj;
	if (unlikely(cap_untyped_is_device(&ut->cap))) {
		for (word_t i = 0; i < a->count; i++) {
			struct cap c = object_create_device(a->type, a->obj_bits,
							    (void *)(a->start + (i << a->obj_bits)));
			cdt_insert(ut, &a->dslots[i], &c);
			cap_acquire(k, &c);
		}
		cap_untyped_set_watermark(&ut->cap, end);
		return KOZO_OK;
	}
	if (a->type != KOZO_OBJ_UNTYPED) {
		if (unlikely(end - cap_untyped_watermark(&ut->cap) > RETYPE_ZERO_AT_ONCE)) {
			int err = untyped_zero(k, ut, end);
			if (err)
				return err;
		} else if (a->type != KOZO_OBJ_TCB) {
			memset((void *)a->start, 0, bytes);
		} else {
			for (word_t i = 0; i < a->count; i++)
				memset((void *)(a->start + (i << a->obj_bits)), 0, sizeof(struct tcb));
		}
	}
	for (word_t i = 0; i < a->count; i++) {
		struct cap c = object_create(k, a->type, a->size_arg, (void *)(a->start + (i << a->obj_bits)));
		cdt_insert(ut, &a->dslots[i], &c);
		cap_acquire(k, &c);
	}
	cap_untyped_set_watermark(&ut->cap, end);
	return KOZO_OK;
}

int untyped_invoke(struct invocation *inv)
{
	if (inv->label != KOZO_UNTYPED_RETYPE)
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "untyped: no method %lu",
			      (unsigned long)inv->label);
	struct untyped_retype a;
	int err = decode_untyped_retype(inv, &a);
	if (err)
		return err;
	return perform_untyped_retype(inv->k, inv->slot, &a);
}
