/* BootInfo: what the kernel tells Init at boot.  The page is mapped
 * read-only into Init at KOZO_BOOTINFO_ADDR; its address is also in Init's
 * first argument register.  Init's root CNode has 2^KOZO_INIT_CNODE_RADIX
 * slots; slot 0 is never usable (it holds the CNode's header). */
#ifndef KOZO_BOOTINFO_H
#define KOZO_BOOTINFO_H

#include <stdint.h>

#define KOZO_BOOTINFO_MAGIC 0x4f464e49544f4f42ull /* "BOOTINFO" */
#define KOZO_BOOTINFO_VERSION 1
#define KOZO_BOOTINFO_MAX_UNTYPED 192
#define KOZO_INIT_CNODE_RADIX 12

/* Fixed slots of Init's root CNode. */
enum kozo_init_slot {
	KOZO_CAP_NULL = 0,
	KOZO_CAP_INIT_TCB = 1,
	KOZO_CAP_INIT_CNODE = 2,
	KOZO_CAP_INIT_VSPACE = 3,
	KOZO_CAP_IRQ_CONTROL = 4,
	KOZO_CAP_IOPORT = 5,          /* all x86 I/O ports; null on aarch64 */
	KOZO_CAP_INIT_IPC_BUFFER = 6, /* the Frame holding Init's IPC buffer */
	KOZO_CAP_BOOTINFO_FRAME = 7,
	KOZO_CAP_DEBUG = 8,           /* test panics; only Init holds it */
	KOZO_CAP_FIRST_FREE_FIXED = 16,
};

struct kozo_slot_range {
	uint64_t start; /* first slot */
	uint64_t end;   /* one past the last */
};

struct kozo_untyped_desc {
	uint64_t paddr;
	uint8_t size_bits;
	uint8_t is_device; /* MMIO: only Frames may be made from it */
	uint8_t pad[6];
};

struct kozo_bootinfo {
	uint64_t magic;
	uint64_t version;
	uint64_t arch;                   /* 1 x86_64, 2 aarch64 */
	uint64_t cnode_radix;
	uint64_t ipc_buffer;             /* Init's IPC buffer address */
	struct kozo_slot_range image_frames;  /* Frames of Init's own image */
	struct kozo_slot_range image_tables;  /* Init's paging structures */
	struct kozo_slot_range untyped;       /* one slot per untyped[] entry */
	struct kozo_slot_range empty;         /* free for Init to use */
	uint64_t untyped_count;
	struct kozo_untyped_desc untyped_list[KOZO_BOOTINFO_MAX_UNTYPED];
	char build_id[32];
	uint64_t kernel_phys_start, kernel_phys_end; /* informative */
	uint64_t serial_irq;             /* the console UART's IRQ number */
	uint64_t serial_paddr;           /* its registers (a device Untyped lists
					  * them), 0: none (x86_64 uses I/O ports) */
};
_Static_assert(sizeof(struct kozo_bootinfo) <= 4096, "BootInfo fits a page");

/* Init's fixed virtual layout. */
#define KOZO_BOOTINFO_ADDR 0x7fff0000000ull
#define KOZO_INIT_IPC_BUFFER_ADDR 0x7fff0001000ull
#define KOZO_INIT_STACK_TOP 0x7fff0100000ull
#define KOZO_INIT_STACK_PAGES 16

#endif
