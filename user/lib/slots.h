/* A mirror of a process's own CNode (libkozo, linked by the programs that
 * use it: the shell and the test programs, mk/user.mk), kept by the process
 * because it is the only one changing its CNode: the type, rights and badge
 * of each capability, its parent in the derivation tree (for revoke), and
 * for Untyped the region and the watermark (the process is the only one
 * retyping from its Untyped, so its copy is exact).  Slots are numbers at
 * depth 64 (proc.h); slots_init fills it from the startup info. */
#ifndef KOZO_USER_SLOTS_H
#define KOZO_USER_SLOTS_H

#include <stdbool.h>
#include <stdint.h>
#include <kozo/kozo.h>
#include "proc.h"

enum slot_flags {
	SLOT_FIXED = 1,  /* one of the capabilities its parent gave */
	SLOT_DEVICE = 2, /* device (MMIO) untyped */
	SLOT_IMAGE = 4,  /* a frame or table of its own image */
};

struct slot_info {
	uint8_t type;      /* kozo_object_type; KOZO_OBJ_NULL = empty */
	uint8_t rights;
	uint8_t size_bits; /* Untyped: region size; CNode: radix */
	uint8_t flags;
	uint16_t parent;   /* derivation-tree parent slot, 0 = none */
	uint16_t pad;
	uint64_t badge;
	uint64_t paddr;    /* Untyped: base; others: where Retype put them */
	uint64_t watermark; /* Untyped: bytes in use while it has children */
};

#define SLOT_COUNT (1u << KOZO_INIT_CNODE_RADIX)

void slots_init(const struct kozo_startup *st);
/* The entry for slot s, or NULL when s is outside the mirror. */
struct slot_info *slot_get(uint64_t s);
/* Find `count` consecutive empty slots in the startup info's empty range; returns
 * the first, or 0 when there is no such run. */
uint64_t slots_alloc(unsigned count);
/* Record a capability that the kernel just put in slot s. */
void slots_record(uint64_t s, unsigned type, unsigned rights, uint64_t badge, uint64_t parent,
		  uint64_t paddr, unsigned size_bits);
/* Record a successful Retype of `count` objects from untyped ut into
 * dest..dest+count-1; updates the watermark. */
void slots_record_retype(uint64_t ut, unsigned type, unsigned size_bits, uint64_t dest,
			 unsigned count);
/* The kernel deleted slot s: its children move up to its parent. */
void slots_forget(uint64_t s);
/* The kernel moved src to the empty dest, tree position and all. */
void slots_move(uint64_t src, uint64_t dest);
/* The kernel revoked slot s: every descendant is gone. */
void slots_forget_children(uint64_t s);
bool slot_has_children(uint64_t s);
/* Free bytes of an Untyped as the kernel will count them. */
uint64_t untyped_free_bytes(uint64_t s);
/* The smallest idle (no children), non-device Untyped of at least
 * 2^min_bits bytes among slots r.start..r.end-1, other than `except` (0:
 * none); 0 if there is none. */
uint64_t slots_find_idle_untyped(struct kozo_slot_range r, unsigned min_bits, uint64_t except);
/* Retype one object of `type` (size_bits as Retype takes it) from the
 * Untyped in slot ut into a fresh slot of the process's own CNode, and
 * record it; *slot receives the slot.  Returns a kozo_error
 * (KOZO_ERR_RANGE when no slot is free, else the kernel's). */
int slots_retype_one(uint64_t ut, unsigned type, unsigned size_bits, uint64_t *slot);
/* A short description of the fixed slots ("shell tcb": the process's
 * name from the startup info), or "". */
const char *slot_note(uint64_t s);

#endif
