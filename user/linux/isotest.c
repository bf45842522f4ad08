/* The isolation test (make LINUX_ISOTEST=1 only; off by default): the
 * Linux server acts as if a Linux program had taken it over and tries
 * what its capabilities must not allow.  Each attempt prints its result;
 * every one must be an error.  Serial 1, the panic channel, is COM2 on
 * x86_64 and the secure PL011 on aarch64.  The last reads memory the server does not
 * map (where Init keeps its scratch window): a VM fault, which Init
 * reports, and Init restarts the server. */
#include "kozo_alloc.h"
#include "server.h"
#include <invoke.h>
#include <printf.h>
#include <syscall.h>

#ifdef KOZO_LINUX_ISOTEST
#ifdef __aarch64__
#define PANIC_UART_PADDR 0x09040000ull

/* A Frame of the secure PL011 needs an Untyped covering it: look in the
 * budget, and if one does, make the Frame, map it and write. */
static int write_panic_uart(const struct kozo_startup *st)
{
	for (uint64_t i = 0; i < st->untyped_count; i++) {
		const struct kozo_untyped_desc *d = &st->untyped_list[i];
		if (PANIC_UART_PADDR < d->paddr || PANIC_UART_PADDR - d->paddr >= 1ull << d->size_bits)
			continue;
		uint64_t f;
		int err = lxs_retype(st->untyped.start + i, KOZO_OBJ_FRAME, 0, &f);
		if (!err)
			err = kozo_frame_map(f, LXS_VSPACE, 0x300000001000ull,
					     KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false);
		if (!err)
			*(volatile uint32_t *)0x300000001000ull = '!';
		return err;
	}
	return KOZO_ERR_FAILED_LOOKUP;
}
#endif

static void report(const char *what, int err)
{
	printf("linuxattack: %s: %s\n", what,
	       err ? kozo_error_name((unsigned)err) : "SUCCEEDED (an isolation bug)");
}

bool linux_isotest(const struct kozo_startup *st)
{
	uint64_t out = 0;
	/* Capabilities it was not given: Init's slots of the same numbers. */
	report("IRQControl (Init's slot 4; here the timer line's handler): take the serial IRQ",
	       kozo_irq_control_get(4, (unsigned)4, LXS_CNODE, st->empty.end - 1, LXS_DEPTH));
#ifdef __aarch64__
	report("PL011 frame (the console's slot 13): map it",
	       kozo_frame_map(KOZO_PROC_DEVICE, LXS_VSPACE, 0x300000000000ull,
			      KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
	report("serial 1 (the secure PL011, the panic channel): a Frame from its budget",
	       write_panic_uart(st));
#else
	report("IOPort (Init's slot 5): write COM1", kozo_ioport_out8(5, 0x3f8, '!'));
	report("IOPort: write serial 1 (COM2, the panic channel)",
	       kozo_ioport_out8(5, 0x2f8, '!'));
#endif
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
