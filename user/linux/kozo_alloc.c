/* The Linux server's slot and Untyped bookkeeping (kozo_alloc.h). */
#include "kozo_alloc.h"
#include <cspace.h>
#include <invoke.h>
#include <string.h>

static struct kozo_cspace cs;
static struct kozo_ut_alloc budget;
static const struct kozo_startup *startup;
/* For each slot: the Untyped (slot) its object came from, 0 unknown. */
static uint16_t origin[KOZO_CSPACE_MAX_SLOTS];
static bool used_ut[KOZO_CSPACE_MAX_SLOTS];
unsigned lxs_priority;

void lxs_alloc_init(const struct kozo_startup *st)
{
	startup = st;
	lxs_priority = (unsigned)st->priority;
	kozo_cspace_init(&cs, LXS_CNODE, LXS_DEPTH, st->empty.start, st->empty.end);
	kozo_ut_init(&budget, &cs);
	/* Smallest first, so the big ones stay whole for processes; those
	 * of 2^22 or more (the processes' pool: lxs_find_untyped) are not
	 * for small objects at all, unless nothing else is there. */
	bool small = false;
	for (uint64_t i = 0; i < st->untyped_count; i++)
		small |= st->untyped_list[i].size_bits < 22;
	for (unsigned bits = 4; bits < (small ? 22 : 48); bits++)
		for (uint64_t i = 0; i < st->untyped_count; i++)
			if (st->untyped_list[i].size_bits == bits)
				kozo_ut_add(&budget, st->untyped.start + i);
}

/* 1 + the highest slot that ever held an object of ours: lxs_revoke's
 * scan stops there. */
static uint64_t slot_hi;

static void note(uint64_t slot, uint64_t from)
{
	if (slot >= slot_hi)
		slot_hi = slot + 1;
	if (slot < KOZO_CSPACE_MAX_SLOTS)
		origin[slot] = (uint16_t)(from < KOZO_CSPACE_MAX_SLOTS ? from : 0);
}

int lxs_retype(uint64_t ut, unsigned type, unsigned size_bits, uint64_t *slot)
{
	uint64_t s = kozo_cspace_alloc(&cs, 1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = kozo_untyped_retype(ut, type, size_bits, cs.root, 0, 0, s, 1);
	if (err) {
		kozo_cspace_mark(&cs, s, false);
		return err;
	}
	note(s, ut);
	if (ut < KOZO_CSPACE_MAX_SLOTS)
		used_ut[ut] = true;
	*slot = s;
	return KOZO_OK;
}

int lxs_alloc(unsigned type, unsigned size_bits, uint64_t *slot)
{
	int err = kozo_ut_retype(&budget, type, size_bits, slot);
	if (!err)
		note(*slot, 0);
	return err;
}

int lxs_copy(uint64_t src, uint64_t badge, bool mint, uint64_t *out)
{
	uint64_t s = kozo_cspace_alloc(&cs, 1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = mint ? kozo_cnode_mint(cs.root, s, cs.depth, cs.root, src, cs.depth,
					 KOZO_RIGHTS_ALL, badge)
		       : kozo_cnode_copy(cs.root, s, cs.depth, cs.root, src, cs.depth,
					 KOZO_RIGHTS_ALL);
	if (err) {
		kozo_cspace_mark(&cs, s, false);
		return err;
	}
	note(s, src < KOZO_CSPACE_MAX_SLOTS ? origin[src] : 0);
	*out = s;
	return KOZO_OK;
}

void lxs_free(uint64_t slot)
{
	if (slot && kozo_cspace_delete(&cs, slot) == KOZO_OK)
		note(slot, 0);
}

uint64_t lxs_find_untyped(unsigned min_bits, uint64_t not)
{
	uint64_t best = 0;
	unsigned best_bits = 64;
	for (uint64_t i = 0; i < startup->untyped_count; i++) {
		uint64_t s = startup->untyped.start + i;
		unsigned bits = startup->untyped_list[i].size_bits;
		if (s == not || bits < min_bits || used_ut[s] || bits >= best_bits)
			continue;
		best = s;
		best_bits = bits;
	}
	return best;
}

int lxs_revoke(uint64_t ut)
{
	int err = kozo_cnode_revoke(cs.root, ut, cs.depth);
	if (err)
		return err;
	for (uint64_t s = cs.start; s < slot_hi && s < cs.end; s++) {
		if (origin[s] == ut) {
			kozo_cspace_mark(&cs, s, false);
			origin[s] = 0;
		}
	}
	return KOZO_OK;
}

unsigned lxs_slots_free(void)
{
	unsigned n = 0;
	for (uint64_t s = cs.start; s < cs.end; s++)
		n += !kozo_cspace_is_used(&cs, s);
	return n;
}
