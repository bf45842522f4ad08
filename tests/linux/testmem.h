/* A process memory for host tests and the fuzzer: pages filled on first
 * touch with lx_page_fill, the way the server does it, kept in a small
 * table.  Implements struct lx_mem and applies UNMAP/PROTECT actions. */
#ifndef KOZO_TESTS_LINUX_TESTMEM_H
#define KOZO_TESTS_LINUX_TESTMEM_H

#include "lx.h"

#define TESTMEM_PAGES 64

struct testmem {
	struct lx_proc *p;
	unsigned n;
	uint64_t va[TESTMEM_PAGES];
	int prot[TESTMEM_PAGES];
	uint8_t data[TESTMEM_PAGES][LX_PAGE];
	unsigned faults;       /* accesses refused with -EFAULT */
};

/* The lx_mem that reads and writes m (m->p set by the caller). */
struct lx_mem testmem_ops(struct testmem *m);
/* Apply what an action asks of the memory (UNMAP, PROTECT). */
void testmem_apply(struct testmem *m, const struct lx_action *a);
/* Forget every page. */
void testmem_reset(struct testmem *m);

/* /tmp's memory budget for tests and the fuzzer: malloc'd pages, at most
 * testmem_budget out at a time (then alloc gives NULL, as a spent budget). */
extern unsigned testmem_budget, testmem_pages_out;
struct lx_pages testmem_pages(void);

#endif
