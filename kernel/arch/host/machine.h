/* The simulated machine under a host kernel: RAM, console, interrupt lines,
 * I/O ports, and what the core did to them, for tests to inspect.
 *
 * The arch contract has no machine parameter (arch_phys_to_kernel(p) ...),
 * so the port serves one active machine at a time, host_machine_active.
 * Tests and fuzzers normally reach it through harness.h.
 *
 *   host address   ram ............................ ram + ram_size
 *   physical       HOST_RAM_BASE .................. HOST_RAM_BASE + ram_size
 *
 * RAM is one host allocation aligned to its own (power-of-two) size, and
 * HOST_RAM_BASE is aligned to any size allowed, so kernel pointers and
 * physical addresses have the same alignment, as on real hardware. */
#ifndef KOZO_HOST_MACHINE_H
#define KOZO_HOST_MACHINE_H

#include <setjmp.h>
#include "types.h"

#define HOST_RAM_BASE 0x40000000ull          /* 1 GiB: physical address of ram[0] */
#define HOST_RAM_MAX (1ull << 30)
#define HOST_RAM_POISON 0xa5                 /* fresh RAM: objects must be zeroed */
#define HOST_CONSOLE_SIZE 65536
#define HOST_IRQ_LINES 24                    /* as an IOAPIC's pins */
#define HOST_IOPORT_COUNT 65536
#define HOST_PANIC_MSG_SIZE 256
#define HOST_TLB_ENTRIES 32                  /* modelled TLB, round robin */
#define HOST_ASID_BITS 16

/* One cached translation, tagged by ASID as aarch64's are (x86_64 without
 * PCIDs forgets on every CR3 load, a subset of what this keeps). */
struct host_tlb_entry {
	bool valid;
	word_t asid, vaddr;      /* vaddr: page aligned */
	paddr_t frame;
	bool write;
};

struct host_machine {
	uint8_t *ram;
	size_t ram_size;

	/* Serial 0: the first HOST_CONSOLE_SIZE - 1 bytes, NUL-terminated;
	 * console_total counts every byte, kept or not. */
	char console[HOST_CONSOLE_SIZE];
	size_t console_len, console_total;
	bool console_echo;                   /* also copy to stderr */

	uint64_t tlb_flushes;                /* page flushes */
	word_t *last_flush_root;
	word_t last_flush_vaddr;
	uint64_t tlb_asid_flushes;           /* whole address space flushes */
	/* The TLB: filled only by host_tlb_fill (a thread's access, as the
	 * walker would do it), emptied only by the flushes the core asks. */
	struct host_tlb_entry tlb[HOST_TLB_ENTRIES];
	unsigned tlb_next;
	uint64_t vspaces_initialized, vspaces_retired;
	uint64_t contexts_sanitized, contexts_retired;
	uint64_t fastpath_exits;             /* arch_fastpath_exit calls */

	/* Preemption points (kernel/core/preempt.h): the kernel asks whether
	 * an interrupt is pending; the answer is yes at every
	 * preempt_every-th question (0: never). */
	uint64_t preempt_every;
	uint64_t preempt_checks;

	bool irq_masked[HOST_IRQ_LINES];     /* every line starts masked */
	uint64_t irq_mask_calls, irq_unmask_calls;

	uint8_t ioports[HOST_IOPORT_COUNT];  /* byte-wide port space, little-endian */
	uint64_t ioport_writes;

	/* panic(): the message; with panic_trap set, panic longjmps there
	 * (value 1) instead of aborting the process. */
	unsigned panics;
	char panic_msg[HOST_PANIC_MSG_SIZE];
	jmp_buf *panic_trap;
};

extern struct host_machine *host_machine_active;

/* A machine with ram_size bytes of RAM (a power of two, 64 KiB to
 * HOST_RAM_MAX), filled with HOST_RAM_POISON; it becomes the active one.
 * NULL when ram_size is unusable or memory is short. */
struct host_machine *host_machine_create(size_t ram_size);
/* Free the machine and its RAM; it stops being active. */
void host_machine_destroy(struct host_machine *m);
/* True when [p, p + len) lies in the active machine's RAM. */
bool host_phys_in_ram(paddr_t p, size_t len);
/* A user access at vaddr in the address space root (ASID asid): walk the
 * tables as the MMU does and cache the translation.  False when nothing is
 * mapped there. */
bool host_tlb_fill(word_t *root, word_t asid, word_t vaddr);
/* Forget the console output so far. */
void host_console_clear(struct host_machine *m);

#endif
