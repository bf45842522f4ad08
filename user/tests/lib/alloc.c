/* Objects the shell makes for itself (selftest threads, scratch tables):
 * carved from one "service" Untyped, so the others stay whole for the
 * shell's user. */
#include "tests.h"
#include "invoke.h"

uint64_t init_service_untyped;
unsigned init_priority;

uint64_t init_find_idle_untyped(unsigned min_bits)
{
	return slots_find_idle_untyped(startup->untyped, min_bits, init_service_untyped);
}

/* The highest priority the shell may give: its own, which Init wrote in
 * the startup page (probing with SetPriority from the top would make the
 * kernel refuse, and say so on serial 0 in debug builds, at every boot). */
static unsigned probe_priority(void)
{
	return (unsigned)startup->priority;
}

void alloc_init(void)
{
	init_priority = probe_priority();
	/* 1 MiB is plenty for a few threads and their tables. */
	init_service_untyped = init_find_idle_untyped(20);
	if (!init_service_untyped)
		init_service_untyped = init_find_idle_untyped(12);
}

int init_alloc_object(unsigned type, unsigned size_bits, uint64_t *slot)
{
	int err = KOZO_ERR_NOT_ENOUGH_MEMORY;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!init_service_untyped)
			break;
		err = slots_retype_one(init_service_untyped, type, size_bits, slot);
		if (err != KOZO_ERR_NOT_ENOUGH_MEMORY)
			break;
		/* Full: move on to a fresh Untyped. */
		init_service_untyped = init_find_idle_untyped(20);
	}
	return err;
}

void init_free_slot(uint64_t s)
{
	if (s && kozo_cnode_delete(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH) == KOZO_OK)
		slots_forget(s);
}
