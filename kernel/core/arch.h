/* The arch contract: every function the portable core calls on a port.
 * Each port (x86_64, aarch64, host) implements all of them, and provides
 * <arch_defs.h> (found through -Ikernel/arch/<port>) with struct
 * arch_context and the ARCH_REG_* register indexes:
 *
 *   ARCH_REG_COUNT            registers in arch_context.regs[]
 *   ARCH_REG_IP, ARCH_REG_SP  program counter and stack pointer
 *   ARCH_REG_SYSNO            syscall number on entry
 *   ARCH_REG_CAP, ARCH_REG_INFO, ARCH_REG_MR0..ARCH_REG_MR3
 *                             KOZO syscall arguments and results
 *   ARCH_REG_ARG0..ARCH_REG_ARG5, ARCH_REG_RET
 *                             the Linux syscall argument / result registers
 *   ARCH_USER_TOP             first virtual address user space cannot map
 */
#ifndef KOZO_CORE_ARCH_H
#define KOZO_CORE_ARCH_H

#include "types.h"
#include "panic.h"
#include <arch_defs.h>

struct kernel;
struct tcb;
struct slot;
struct trap_frame;

/* Memory: all RAM is reachable from the kernel through one mapping. */
void *arch_phys_to_kernel(paddr_t p);
paddr_t arch_kernel_to_phys(const void *v);

/* Console (serial 0), polled; also feeds the log kept for panic records. */
void arch_console_putc(char c);
/* That log, a ring: the oldest bytes are in a[0..alen), the rest in
 * b[0..blen). */
void arch_console_log(const char **a, size_t *alen, const char **b, size_t *blen);

/* Paging: four levels of 512 eight-byte entries, 4 KiB pages. */
word_t arch_pte_table(paddr_t table);   /* entry naming a next-level table */
word_t arch_pte_page(paddr_t frame, unsigned rights, bool executable);
bool arch_pte_present(word_t pte);
paddr_t arch_pte_addr(word_t pte);
void arch_vspace_init(word_t *root);    /* install the kernel's half */
/* root (ASID asid) is being destroyed: the port stops using it and forgets
 * every translation cached for asid, which a new address space may get. */
void arch_vspace_retire(word_t *root, word_t asid);
/* TLB discipline (docs/KERNEL.md, "Address spaces"): after a Frame's entry
 * is cleared, its page in that address space; after a page table leaves an
 * address space, every translation of the address space. */
void arch_tlb_flush_page(word_t *root, word_t asid, word_t vaddr);
void arch_tlb_flush_asid(word_t *root, word_t asid);
/* ASIDs the hardware tags translations with: the core hands out only
 * ASIDs below 2^arch_asid_bits() (aarch64: 8 or 16, ID_AA64MMFR0_EL1). */
unsigned arch_asid_bits(void);

/* Thread context. */
void arch_context_init(struct arch_context *c);      /* fresh user thread */
void arch_context_sanitize(struct arch_context *c);  /* after WriteRegisters */
/* The thread is being destroyed and its memory may become any object: the
 * port drops every reference it keeps to it (e.g. the lazy FP/SIMD owner). */
void arch_context_retire(struct arch_context *c);
/* The IPC fast path has just made t current (k->current == t): t blocked
 * in a Call or ReplyRecv, has an address space, and gets its message in
 * registers.  A port may resume t here by a shorter way than its general
 * return to user mode, with the same result, and not return; a port that
 * returns leaves t to be resumed the usual way. */
void arch_fastpath_exit(struct tcb *t);

/* Preemption (kernel/core/preempt.h).  arch_preemption_pending: is an
 * interrupt waiting to be taken, with interrupts masked as they are in the
 * kernel?  (x86_64: the local APIC's IRR; aarch64: ISR_EL1; host: the
 * machine's switch, machine.h.)  arch_syscall_restart: c made a system call
 * that was preempted; rewind its program counter to the system call
 * instruction, so that returning to c makes the same call again with the
 * same registers.  arch_cycles: a cycle counter (an instruction counter
 * under QEMU -icount shift=0) for the longest kernel entry's figure. */
bool arch_preemption_pending(void);
void arch_syscall_restart(struct arch_context *c);
uint64_t arch_cycles(void);

/* Interrupts routed to user space through IRQHandler capabilities. */
bool arch_irq_valid(word_t irq);
void arch_irq_mask(word_t irq);
void arch_irq_unmask(word_t irq);

/* I/O ports (IOPort capabilities), on a port whose arch_defs.h sets
 * ARCH_HAS_IOPORTS to 1: one access of width 1, 2 or 4 bytes at port,
 * already checked against the capability (kernel/core/ioport.c).  A port
 * without them (ARCH_HAS_IOPORTS 0) never sees an IOPort capability. */
#if ARCH_HAS_IOPORTS
word_t arch_ioport_in(uint16_t port, unsigned width);
void arch_ioport_out(uint16_t port, unsigned width, word_t value);
#endif

/* The port's part of panic_report() (panic.c), which the port's panic.S
 * calls on the panic stack once the registers are saved; f is a kernel
 * fault's trap frame, or NULL for panic() itself.  Called in this order:
 * arch_panic_state fills in rep the architecture, build ID and registers
 * (f's when there is one, then also printed on serial 0), and
 * in *walk, *pc and *fp where the frame walk may look and starts;
 * arch_panic_uptime gives the counter ticks since boot and the counter's
 * frequency in *hz (0 if unknown); arch_panic_write writes the record to serial
 * 1 by polling and returns the ticks since the panic entry, of the counter
 * it names in *counter; arch_halt stops the CPU for good. */
void arch_panic_state(const struct trap_frame *f, struct panic_report *rep,
		      struct panic_walk *walk, uint64_t *pc, uint64_t *fp);
uint64_t arch_panic_uptime(uint64_t *hz);
uint64_t arch_panic_write(const uint8_t *rec, size_t len, const char **counter);
_Noreturn void arch_halt(void);

/* A broken kernel invariant: panic_typed() (panic.h) reports and stops.
 * A deliberate kernel-mode fault, for the debug capability's test of the
 * kernel-fault panic path: the port's exception handler panics. */
_Noreturn void arch_debug_fault(void);

#endif
