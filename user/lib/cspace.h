/* A slot allocator over one CNode, and an Untyped allocator carving
 * objects into it: libkozo's, for any program, given its CNode and
 * Untyped capabilities (the root task's and each process's alike). */
#ifndef KOZO_USER_CSPACE_H
#define KOZO_USER_CSPACE_H

#include <stdbool.h>
#include <stdint.h>

#define KOZO_CSPACE_MAX_SLOTS 32768  /* radix 15: the Linux server's CNode */

/* Slots [start, end) of the CNode `root` (a cptr resolving at `depth`),
 * one bit each: set = in use. */
struct kozo_cspace {
	uint64_t root;
	unsigned depth;
	uint64_t start, end;
	uint64_t used[KOZO_CSPACE_MAX_SLOTS / 64];
};

/* Manage slots start..end-1 of root (end is clipped to the bitmap). */
void kozo_cspace_init(struct kozo_cspace *cs, uint64_t root, unsigned depth, uint64_t start,
		      uint64_t end);
/* The first of `count` consecutive free slots, marked used; 0 if none. */
uint64_t kozo_cspace_alloc(struct kozo_cspace *cs, unsigned count);
/* Mark a slot used (the kernel filled it) or free (it was emptied). */
void kozo_cspace_mark(struct kozo_cspace *cs, uint64_t slot, bool used);
bool kozo_cspace_is_used(const struct kozo_cspace *cs, uint64_t slot);
/* Delete the capability in slot and free the slot; returns a kozo_error. */
int kozo_cspace_delete(struct kozo_cspace *cs, uint64_t slot);

/* Untyped capabilities (cptrs in the same CSpace) that objects are carved
 * from, in order: when one is full the next is tried. */
#define KOZO_UT_MAX 32
struct kozo_ut_alloc {
	struct kozo_cspace *cs;
	uint64_t ut[KOZO_UT_MAX];
	unsigned count;
};

void kozo_ut_init(struct kozo_ut_alloc *ua, struct kozo_cspace *cs);
/* Add an Untyped; returns false when the list is full. */
bool kozo_ut_add(struct kozo_ut_alloc *ua, uint64_t ut);
/* Retype one object into a fresh slot; *slot gets it.  Returns a
 * kozo_error (KOZO_ERR_NOT_ENOUGH_MEMORY when no Untyped has room,
 * KOZO_ERR_RANGE when no slot is free). */
int kozo_ut_retype(struct kozo_ut_alloc *ua, unsigned type, unsigned size_bits, uint64_t *slot);
/* The same into slot `dest` of another CNode (cptr `root`, addressed at
 * depth 0, i.e. the CNode itself); no slot of cs is used. */
int kozo_ut_retype_into(struct kozo_ut_alloc *ua, unsigned type, unsigned size_bits,
			uint64_t root, uint64_t dest);

#endif
