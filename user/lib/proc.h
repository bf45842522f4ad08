/* Processes: the layout every KOZO-native program is started with, its
 * well-known capability slots, and the startup-info page telling it what
 * it was given (user/lib/spawn.c makes all of it; docs/SERVERS.md).
 *
 * Virtual layout (the same addresses as Init's, so code moves between the
 * root task and a process unchanged):
 *   0x400000                the ELF's PT_LOAD segments
 *   KOZO_PROC_STARTUP_ADDR  this page, read-only (where Init has BootInfo)
 *   KOZO_PROC_IPC_ADDR      the IPC buffer frame (first thread's at +0)
 *   stack                   KOZO_PROC_STACK_PAGES below KOZO_PROC_STACK_TOP
 *   KOZO_PROC_DEVICE_ADDR   a device frame, when one is granted
 *
 * CSpace: one CNode of 2^radix slots behind a guard of 64 - radix bits, so
 * a cptr is the slot number at depth 64, as in Init's root CNode. */
#ifndef KOZO_USER_PROC_H
#define KOZO_USER_PROC_H

#include <stdint.h>
#include <kozo/kozo.h>

#define KOZO_PROC_STARTUP_ADDR KOZO_BOOTINFO_ADDR
#define KOZO_PROC_IPC_ADDR KOZO_INIT_IPC_BUFFER_ADDR
#define KOZO_PROC_STACK_TOP KOZO_INIT_STACK_TOP
#define KOZO_PROC_STACK_PAGES KOZO_INIT_STACK_PAGES
#define KOZO_PROC_DEVICE_ADDR 0x200000000000ull
#define KOZO_PROC_DEPTH 64

/* Well-known slots of a process's CNode.  1..3 and 6..8 are the slots
 * Init's own capabilities of the same kind have (bootinfo.h), so code
 * written against KOZO_CAP_INIT_* names the process's own. */
enum kozo_proc_slot {
	KOZO_PROC_TCB = 1,         /* its own TCB (first thread) */
	KOZO_PROC_CNODE = 2,       /* its own CNode (guarded, as its CSpace root) */
	KOZO_PROC_VSPACE = 3,      /* its own VSpace */
	KOZO_PROC_IRQ_HANDLER = 4, /* console: the UART's IRQHandler; Linux
				    * server: the kernel's timer line's */
	KOZO_PROC_IOPORT = 5,      /* console (x86_64): COM1's ports 0x3f8-0x3ff only */
	KOZO_PROC_IPC_FRAME = 6,   /* the frame of its IPC buffers */
	KOZO_PROC_BOOTINFO = 7,    /* shell: BootInfo, read-only (informative) */
	KOZO_PROC_DEBUG = 8,       /* shell: debug (counters, test panics) */
	KOZO_PROC_CONSOLE = 9,     /* an endpoint of the console server (badged) */
	KOZO_PROC_NTFN = 10,       /* its own notification (console: bound, IRQ) */
	KOZO_PROC_SUPERVISOR = 11, /* Init's endpoint, badged with its process id */
	KOZO_PROC_SERVICE = 12,    /* the endpoint it serves on (console) */
	KOZO_PROC_DEVICE = 13,     /* console (aarch64): the UART's frame */
	KOZO_PROC_CONSOLE_FG = 14, /* console: the foreground client's notification,
				    * badge CONSOLE_SIG_INPUT */
	KOZO_PROC_CONSOLE_FG_INTR = 15, /* the same, badge CONSOLE_SIG_INTR */
	KOZO_PROC_LINUX = 16,      /* shell: the Linux server's endpoint (badged) */
	KOZO_PROC_CONSOLE_LX = 17, /* console: the Linux server's notification,
				    * badge CONSOLE_SIG_INPUT */
	KOZO_PROC_CONSOLE_LX_INTR = 18, /* the same, badge CONSOLE_SIG_INTR */
	KOZO_PROC_FIRST_FREE = 32, /* image frames, Untyped, then empty slots */
};

#define KOZO_STARTUP_MAGIC 0x5055545241545348ull /* "HSTARTUP" */
#define KOZO_STARTUP_MAX_UNTYPED 32

struct kozo_startup {
	uint64_t magic;
	uint64_t pid;               /* Init's number for the process */
	char name[16];
	uint64_t cnode_radix;
	uint64_t priority;          /* its TCB's, the highest it may give */
	uint64_t caps;              /* bit n: slot n holds what enum kozo_proc_slot says */
	struct kozo_slot_range image;   /* frames and tables of its image */
	struct kozo_slot_range untyped; /* one slot per untyped_list entry */
	struct kozo_slot_range empty;   /* free for it to use */
	uint64_t untyped_count;
	struct kozo_untyped_desc untyped_list[KOZO_STARTUP_MAX_UNTYPED];
	uint64_t device_paddr;      /* the frame at KOZO_PROC_DEVICE_ADDR, 0: none */
	uint64_t arg[4];            /* per program (console: the IRQ number) */
};
_Static_assert(sizeof(struct kozo_startup) <= 4096, "startup info fits a page");

static inline int kozo_startup_has(const struct kozo_startup *s, unsigned slot)
{
	return slot < 64 && (s->caps >> slot) & 1;
}

#endif
