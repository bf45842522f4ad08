/* The Linux server's capabilities: its own CNode (a slot allocator), its
 * Untyped budget from Init, and which Untyped each slot's object came
 * from, so a Revoke frees the slots too (kozo_alloc.c). */
#ifndef KOZO_LINUX_ALLOC_H
#define KOZO_LINUX_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <proc.h>

#define LXS_CNODE KOZO_PROC_CNODE
#define LXS_VSPACE KOZO_PROC_VSPACE
#define LXS_DEPTH KOZO_PROC_DEPTH

void lxs_alloc_init(const struct kozo_startup *st);
/* Retype one object from Untyped ut into a fresh slot; a kozo_error. */
int lxs_retype(uint64_t ut, unsigned type, unsigned size_bits, uint64_t *slot);
/* One object from the budget (its smallest Untyped with room). */
int lxs_alloc(unsigned type, unsigned size_bits, uint64_t *slot);
/* Copy (or mint with a badge) the capability in src into a fresh slot. */
int lxs_copy(uint64_t src, uint64_t badge, bool mint, uint64_t *out);
void lxs_free(uint64_t slot);
/* A budget Untyped of at least 2^min_bits bytes with nothing retyped from
 * it yet, other than `not`; 0 if none. */
uint64_t lxs_find_untyped(unsigned min_bits, uint64_t not);
/* Revoke ut (everything made from it goes) and free those slots. */
int lxs_revoke(uint64_t ut);
/* How many slots of its CNode are free. */
unsigned lxs_slots_free(void);
/* The server's priority, the highest its threads may have. */
extern unsigned lxs_priority;

#endif
