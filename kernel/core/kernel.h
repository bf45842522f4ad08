/* The kernel's state and the entry points the ports call.
 *
 * The kernel runs on one stack with interrupts masked, each entry to
 * completion or to a preemption point (preempt.h: the system call is then
 * made again later): an entry point is called with k->current's user
 * registers saved in its TCB, and returns with k->current naming the
 * thread to resume (NULL: idle until the next interrupt).  Nothing in kernel/core keeps global state; a test or
 * fuzzer builds a struct kernel and calls these directly. */
#ifndef KOZO_CORE_KERNEL_H
#define KOZO_CORE_KERNEL_H

#include "cap.h"
#include "cnode.h"
#include "sched.h"
#include "tcb.h"
#include "vspace.h"

#define IRQ_COUNT 64                /* hardware lines a port may report */
#define IRQ_TIMER IRQ_COUNT         /* the kernel's timer line (KOZO_IRQ_TIMER) */
#define IRQ_LINES (IRQ_COUNT + 1)   /* lines an IRQHandler can name */

/* Each system call counts once: as a fast-path hit or in general_syscalls
 * (their sum is the total DEBUG_STATS reports). */
struct kernel_stats {
	uint64_t general_syscalls;
	uint64_t fastpath_hits;
	uint64_t slowpath_ipc;
	uint64_t faults;
	uint64_t irqs;
	uint64_t preemptions;       /* operations stopped at a preemption point */
	/* The longest stretch of a general system call in which the kernel
	 * could not notice an interrupt: entry to its first preemption
	 * check, check to check, last check to exit (preempt.h); cycles,
	 * since the last DEBUG_STATS. */
	uint64_t masked_max_cycles;
};

struct kernel {
	struct tcb *current;
	struct sched sched;
	struct asid_entry asids[ASID_COUNT];
	word_t next_asid;
	struct slot irq_ntfn[IRQ_LINES];   /* notification each IRQ signals */
	uint32_t irq_refs[IRQ_LINES];       /* IRQHandler caps per IRQ */
	uint64_t timer_deadline;            /* the timer line's (arch_cycles), 0: none */
	struct cnode_header *dying;         /* CNodes being emptied (cnode.c) */
	unsigned preempt_work;              /* units since the last check (preempt.h) */
	uint64_t last_chance;               /* arch_cycles() at entry or last check */
	bool preempt_off;                   /* only for figures (DEBUG_PREEMPTION) */
	bool measure_masked;                /* keep stats.masked_max_cycles (same) */
	uint64_t next_thread_id;
	struct kernel_stats stats;
	const char *build_id;
};

/* The current thread made a system call (registers saved in its TCB).  A
 * port's entry first calls fastpath_syscall() (fastpath.h), which may
 * resume the next thread itself through arch_fastpath_exit() and never
 * return; when it returns false, this. */
void kernel_syscall(struct kernel *k);
/* The current thread faulted: kind is KOZO_FAULT_VM or _USER_EXCEPTION. */
void kernel_user_fault(struct kernel *k, unsigned kind, word_t addr, word_t code,
		       word_t vector, bool exec);
/* A device interrupt arrived (the port has masked it). */
void kernel_irq(struct kernel *k, word_t irq);
/* The preemption timer fired. */
void kernel_timer_tick(struct kernel *k);
/* Pick the thread to run next into k->current (schedule.c). */
void kernel_schedule(struct kernel *k);
/* t made a system call KOZO does not know (or t runs the Linux
 * personality): a KOZO_FAULT_UNKNOWN_SYSCALL to its handler (fault.c). */
void fault_unknown_syscall(struct kernel *k, struct tcb *t);
/* Its first half: the fault message (number, six arguments, IP, SP,
 * flags) in t->fault_msg, and the fault pending (the IPC fast path sends
 * it itself when the handler waits). */
void fault_syscall_record(struct tcb *t);

/* Boot: memory the port hands to the core, and what to load as Init. */
struct boot_region { paddr_t start, end; };

struct boot_info_in {
	struct boot_region free[64];    /* RAM the kernel does not use */
	unsigned free_count;
	const uint8_t *init_elf;        /* Init's ELF image, in kernel memory */
	size_t init_elf_size;
	word_t arch_id;
	word_t serial_irq;
	paddr_t serial_paddr;           /* console UART registers, 0: none (I/O ports) */
	struct boot_region device[4];   /* device registers Init may map */
	unsigned device_count;
	bool has_ioports;
	paddr_t kernel_start, kernel_end;
};

/* Ports fill in->free with this: [start, end) trimmed to whole pages (a
 * full list drops the range with a log line). */
void boot_add_free(struct boot_info_in *in, paddr_t start, paddr_t end);
/* Log the free list's size ("mem: N free regions, K KiB"). */
void boot_log_free(const struct boot_info_in *in);

/* Build Init (CSpace, VSpace, image, IPC buffer, BootInfo, stack), give it
 * all remaining memory as Untyped, make it current.  Returns a kozo_error. */
int kernel_boot(struct kernel *k, struct boot_info_in *in);

#endif
