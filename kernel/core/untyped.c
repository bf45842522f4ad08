/* Untyped memory: Retype carves new objects at the watermark. */
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "kernel.h"
#include "lib.h"
#include "notification.h"
#include "objecttype.h"
#include "tcb.h"
#include "vspace.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>

#define RETYPE_MAX_COUNT 256

int untyped_invoke(struct invocation *inv)
{
	struct kernel *k = inv->k;
	struct slot *ut = inv->slot;
	const word_t *mr = inv->mr;

	if (inv->label != KOZO_UNTYPED_RETYPE)
		return KOZO_ERR_ILLEGAL_OPERATION;
	if (inv->len < 6 || inv->extra_count < 1)
		return KOZO_ERR_TRUNCATED_MESSAGE;
	word_t type = mr[0], size_arg = mr[1], index = mr[2], depth = mr[3];
	word_t offset = mr[4], count = mr[5];

	if (type == KOZO_OBJ_NULL || type >= KOZO_OBJ_RETYPABLE_END)
		return KOZO_ERR_INVALID_ARGUMENT;
	unsigned obj_bits = kozo_object_size_bits((unsigned)type, size_arg > 64 ? 0 : (unsigned)size_arg);
	if (obj_bits == 0)
		return KOZO_ERR_RANGE;
	if (count < 1 || count > RETYPE_MAX_COUNT)
		return KOZO_ERR_RANGE;
	if (cap_untyped_is_device(&ut->cap) && !object_type_allowed_from_device((unsigned)type))
		return KOZO_ERR_ILLEGAL_OPERATION;

	/* The destination CNode: the root itself at depth 0, else a lookup. */
	struct cap *root = &inv->extra[0]->cap;
	struct cap *dest = root;
	if (depth != 0) {
		struct slot *ds;
		int err = cspace_lookup(root, index, (unsigned)(depth > 64 ? 65 : depth), true, &ds);
		if (err)
			return err;
		dest = &ds->cap;
	}
	if (dest->type != KOZO_OBJ_CNODE)
		return KOZO_ERR_INVALID_CAPABILITY;
	word_t slots = BIT(cap_cnode_radix(dest));
	if (offset < 1 || offset >= slots || count > slots - offset)
		return KOZO_ERR_RANGE;
	struct slot *dslots = cnode_slots(dest);
	for (word_t i = 0; i < count; i++)
		if (!slot_empty(&dslots[offset + i]))
			return KOZO_ERR_DELETE_FIRST;

	/* Space: an Untyped without children starts over at its base. */
	unsigned ut_bits = cap_untyped_size_bits(&ut->cap);
	word_t base = ut->cap.obj;
	word_t watermark = ut->first_child ? cap_untyped_watermark(&ut->cap) : 0;
	if (obj_bits > ut_bits)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	word_t start = ALIGN_UP(base + watermark, BIT(obj_bits));
	word_t avail = base + BIT(ut_bits) - start;
	if (start > base + BIT(ut_bits) || (avail >> obj_bits) < count)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;
	if (type == KOZO_OBJ_VSPACE && vspace_asids_free(k) < count)
		return KOZO_ERR_NOT_ENOUGH_MEMORY;

	/* --- no failure past this point --- */
	for (word_t i = 0; i < count; i++) {
		void *obj = (void *)(start + (i << obj_bits));
		struct cap c;
		if (cap_untyped_is_device(&ut->cap))
			c = object_create_device((unsigned)type, obj_bits, obj);
		else
			c = object_create(k, (unsigned)type, (unsigned)size_arg, obj);
		cdt_insert(ut, &dslots[offset + i], &c);
		cap_acquire(k, &c);
	}
	cap_untyped_set_watermark(&ut->cap, start + (count << obj_bits) - base);
	return KOZO_OK;
}
