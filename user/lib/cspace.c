/* Slot and Untyped allocators (cspace.h). */
#include "cspace.h"
#include "invoke.h"
#include "string.h"

void kozo_cspace_init(struct kozo_cspace *cs, uint64_t root, unsigned depth, uint64_t start,
		      uint64_t end)
{
	memset(cs, 0, sizeof(*cs));
	cs->root = root;
	cs->depth = depth;
	cs->end = end < KOZO_CSPACE_MAX_SLOTS ? end : KOZO_CSPACE_MAX_SLOTS;
	cs->start = start < cs->end ? start : cs->end;
}

bool kozo_cspace_is_used(const struct kozo_cspace *cs, uint64_t slot)
{
	if (slot < cs->start || slot >= cs->end)
		return true;
	return (cs->used[slot / 64] >> (slot % 64)) & 1;
}

void kozo_cspace_mark(struct kozo_cspace *cs, uint64_t slot, bool used)
{
	if (slot < cs->start || slot >= cs->end)
		return;
	if (used)
		cs->used[slot / 64] |= 1ull << (slot % 64);
	else
		cs->used[slot / 64] &= ~(1ull << (slot % 64));
}

uint64_t kozo_cspace_alloc(struct kozo_cspace *cs, unsigned count)
{
	uint64_t run = 0;
	for (uint64_t s = cs->start; s < cs->end && count; s++) {
		run = kozo_cspace_is_used(cs, s) ? 0 : run + 1;
		if (run == count) {
			uint64_t first = s + 1 - count;
			for (uint64_t i = first; i <= s; i++)
				kozo_cspace_mark(cs, i, true);
			return first;
		}
	}
	return 0;
}

int kozo_cspace_delete(struct kozo_cspace *cs, uint64_t slot)
{
	int err = kozo_cnode_delete(cs->root, slot, cs->depth);
	if (!err)
		kozo_cspace_mark(cs, slot, false);
	return err;
}

void kozo_ut_init(struct kozo_ut_alloc *ua, struct kozo_cspace *cs)
{
	memset(ua, 0, sizeof(*ua));
	ua->cs = cs;
}

bool kozo_ut_add(struct kozo_ut_alloc *ua, uint64_t ut)
{
	if (ua->count == KOZO_UT_MAX)
		return false;
	ua->ut[ua->count++] = ut;
	return true;
}

static int retype(struct kozo_ut_alloc *ua, unsigned type, unsigned size_bits, uint64_t root,
		  uint64_t dest)
{
	int err = KOZO_ERR_NOT_ENOUGH_MEMORY;
	for (unsigned i = 0; i < ua->count; i++) {
		err = kozo_untyped_retype(ua->ut[i], type, size_bits, root, 0, 0, dest, 1);
		if (err != KOZO_ERR_NOT_ENOUGH_MEMORY)
			return err;
	}
	return err;
}

int kozo_ut_retype(struct kozo_ut_alloc *ua, unsigned type, unsigned size_bits, uint64_t *slot)
{
	uint64_t s = kozo_cspace_alloc(ua->cs, 1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = retype(ua, type, size_bits, ua->cs->root, s);
	if (err) {
		kozo_cspace_mark(ua->cs, s, false);
		return err;
	}
	*slot = s;
	return KOZO_OK;
}

int kozo_ut_retype_into(struct kozo_ut_alloc *ua, unsigned type, unsigned size_bits,
			uint64_t root, uint64_t dest)
{
	return retype(ua, type, size_bits, root, dest);
}
