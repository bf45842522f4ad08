/* The isolation test (make LINUX_ISOTEST=1 only; off by default): the
 * Linux server acts as if a Linux program had taken it over and tries
 * what its capabilities must not allow.  Each attempt prints its result;
 * every one must be an error.  The last reads memory the server does not
 * map (where Init keeps its scratch window): a VM fault, which Init
 * reports, and Init restarts the server. */
#include "kozo_alloc.h"
#include "server.h"
#include <invoke.h>
#include <printf.h>
#include <syscall.h>

#ifdef KOZO_LINUX_ISOTEST
static void report(const char *what, int err)
{
	printf("linuxattack: %s: %s\n", what,
	       err ? kozo_error_name((unsigned)err) : "SUCCEEDED (an isolation bug)");
}

bool linux_isotest(const struct kozo_startup *st)
{
	uint64_t out = 0;
	/* Capabilities it was not given: Init's slots of the same numbers. */
	report("IRQControl (Init's slot 4): take the serial IRQ",
	       kozo_irq_control_get(4, (unsigned)4, LXS_CNODE, st->empty.end - 1, LXS_DEPTH));
	report("IOPort (Init's slot 5): write COM1", kozo_ioport_out8(5, 0x3f8, '!'));
	report("IOPort: write serial 1 (COM2, the panic channel)",
	       kozo_ioport_out8(5, 0x2f8, '!'));
	report("BootInfo frame (Init's slot 7): map it",
	       kozo_frame_map(7, LXS_VSPACE, 0x300000000000ull, KOZO_RIGHT_READ, false));
	uint64_t none[2] = { 0xdead, 0 };
	report("debug (Init's slot 8): a test panic",
	       kozo_invoke(8, KOZO_DEBUG_PANIC, none, 2, NULL, 0, NULL, 0));
	/* Retype outside its budget: from every slot that is no Untyped of
	 * its budget (its own TCB, CNode, VSpace, IPC frame, image frames and
	 * tables, and the empty ones; not its endpoints and notifications,
	 * where the same call is a message), and more than its budget holds. */
	unsigned tried = 0, refused = 0;
	int first = KOZO_OK;
	for (uint64_t s = 1; s < st->untyped.start; s++) {
		if (s >= KOZO_PROC_CONSOLE && s < KOZO_PROC_FIRST_FREE)
			continue;
		int e = kozo_untyped_retype(s, KOZO_OBJ_FRAME, 0, LXS_CNODE, 0, 0,
					    st->empty.end - 1, 1);
		tried++;
		if (e) {
			refused++;
			first = first ? first : e;
		}
	}
	if (refused == tried)
		printf("linuxattack: retype from %u slots holding no Untyped of its budget: "
		       "all refused (first: %s)\n", tried, kozo_error_name((unsigned)first));
	else
		printf("linuxattack: retype from %u slots holding no Untyped of its budget: "
		       "%u SUCCEEDED (an isolation bug)\n", tried, tried - refused);
	int err = KOZO_OK;
	for (uint64_t u = st->untyped.start; u < st->untyped.end && !err; u++)
		err = kozo_untyped_retype(u, KOZO_OBJ_UNTYPED, 40, LXS_CNODE, 0, 0, st->empty.end - 1, 1);
	report("retype 1 TiB from its budget", err);
	(void)out;
	/* Init's memory: not mapped here, so a VM fault ends the server. */
	printf("linuxattack: reading Init's scratch window at 0x100000000000\n");
	volatile const uint64_t *initmem = (const uint64_t *)0x100000000000ull;
	printf("linuxattack: read 0x%lx: SUCCEEDED (an isolation bug)\n", *initmem);
	return true;
}
#else
bool linux_isotest(const struct kozo_startup *st)
{
	(void)st;
	return false;
}
#endif
