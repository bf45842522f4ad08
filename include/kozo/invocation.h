/* Invocation labels: the label of a Call on a capability names the method.
 * Arguments travel in message registers (MRn), capabilities in the IPC
 * buffer's caps_or_badges[] (Cn, addressed in the caller's CSpace at depth
 * 64).  The reply's label is a kozo_error; results are in its MRs.
 *
 *   UNTYPED_RETYPE    MR0 type, MR1 size_bits, MR2 index, MR3 depth,
 *                     MR4 offset, MR5 count; C0 destination CNode
 *   CNODE_COPY        MR0 dest index, MR1 dest depth, MR2 src index,
 *                     MR3 src depth, MR4 rights; C0 source CNode
 *   CNODE_MINT        as COPY, MR5 badge; for an IOPort capability MR5 =
 *                     KOZO_IOPORT_RANGE(first, last), the new capability's
 *                     ports, which must lie inside the source's range
 *                     (first <= last; otherwise RANGE)
 *   CNODE_MOVE        MR0 dest index, MR1 dest depth, MR2 src index,
 *                     MR3 src depth; C0 source CNode
 *   CNODE_DELETE      MR0 index, MR1 depth
 *   CNODE_REVOKE      MR0 index, MR1 depth
 *   TCB_CONFIGURE     MR0 fault endpoint cptr (0: none; looked up in the
 *                     caller's CSpace now, a copy kept in the TCB), MR1 priority,
 *                     MR2 IPC buffer address; C0 CSpace root, C1 VSpace root,
 *                     C2 IPC buffer Frame (C1/C2 may be 0 = leave unset)
 *   TCB_WRITE_REGISTERS MR0 resume (0/1), MR1 count, MR2.. registers in
 *                     struct kozo_user_context order
 *   TCB_READ_REGISTERS  MR0 count -> reply MR0.. registers
 *   TCB_RESUME, TCB_SUSPEND
 *   TCB_SET_PRIORITY  MR0 priority (at most the caller's own)
 *   TCB_BIND_NOTIFICATION C0 notification;  TCB_UNBIND_NOTIFICATION
 *   TCB_SET_PERSONALITY MR0 kozo_personality
 *   IRQ_CONTROL_GET   MR0 irq, MR1 index, MR2 depth; C0 destination CNode
 *   IRQ_HANDLER_ACK, IRQ_HANDLER_CLEAR
 *   IRQ_HANDLER_SET_NOTIFICATION C0 notification
 *   IRQ_HANDLER_SET_DEADLINE MR0 deadline (timer line KOZO_IRQ_TIMER only):
 *                     the line fires once, at the first timer tick at
 *                     which the cycle counter (rdtsc, PMCCNTR_EL0: what
 *                     user space reads) is at or past MR0; 0 disarms it;
 *                     a later call replaces the deadline.  Other lines:
 *                     ILLEGAL_OPERATION
 *   IOPORT_IN8/16/32  MR0 port -> reply MR0 value
 *   IOPORT_OUT8/16/32 MR0 port, MR1 value  (ports outside the capability's
 *                     range: RANGE; the kernel's own panic channel, COM2
 *                     0x2f8-0x2ff, and fw_cfg 0x510-0x51b, whatever the
 *                     range: ILLEGAL_OPERATION)
 *   IOPORT_RANGE      -> reply MR0 first port, MR1 last port of the capability
 *   PAGE_TABLE_MAP    MR0 virtual address; C0 VSpace  (PT_L1..PT_L3)
 *   PAGE_TABLE_UNMAP
 *   FRAME_MAP         MR0 virtual address, MR1 rights (READ/WRITE; no
 *                     execute unless MR2 bit 0); C0 VSpace
 *   FRAME_UNMAP
 *   FRAME_GET_ADDRESS -> reply MR0 physical address
 *   DEBUG_PANIC       MR0 address, MR1 user name length; user name bytes in
 *                     the IPC buffer from msg[2] (at most 32 printable
 *                     ASCII bytes): a deliberate test panic with the
 *                     message "Capability violation at %p by user '%s'"
 *   DEBUG_STATS       -> reply MR0 IPC fast-path hits, MR1 messages through
 *                     the general (slow) path (each Send/Call/Reply/fault
 *                     transfer counts once), MR2 system calls, MR3 faults,
 *                     MR4 interrupts: counters since boot; MR5 the
 *                     longest stretch of a general system call in which
 *                     the kernel could not notice an interrupt (entry to
 *                     first preemption check, check to check, last check
 *                     to exit; cycles: instructions under QEMU -icount
 *                     shift=0) since the last DEBUG_STATS, which resets
 *                     it; MR6 operations stopped at a preemption point
 *                     since boot
 *   DEBUG_PREEMPTION  MR0 bit 0 (KOZO_DEBUG_PREEMPT_ON): preemption points
 *                     on (the default; off only so that a benchmark can
 *                     show an operation as one kernel entry); bit 1
 *                     (KOZO_DEBUG_PREEMPT_MEASURE): keep DEBUG_STATS's
 *                     MR5 (off by default: it reads the cycle counter at
 *                     every system call); other bits: INVALID_ARGUMENT
 *   DEBUG_FAULT       no arguments: the kernel takes a deliberate
 *                     kernel-mode page fault, which panics
 */
#ifndef KOZO_INVOCATION_H
#define KOZO_INVOCATION_H

enum kozo_invocation {
	KOZO_INV_NONE = 0,
	KOZO_UNTYPED_RETYPE,
	KOZO_CNODE_COPY,
	KOZO_CNODE_MINT,
	KOZO_CNODE_MOVE,
	KOZO_CNODE_DELETE,
	KOZO_CNODE_REVOKE,
	KOZO_TCB_CONFIGURE,
	KOZO_TCB_WRITE_REGISTERS,
	KOZO_TCB_READ_REGISTERS,
	KOZO_TCB_RESUME,
	KOZO_TCB_SUSPEND,
	KOZO_TCB_SET_PRIORITY,
	KOZO_TCB_BIND_NOTIFICATION,
	KOZO_TCB_UNBIND_NOTIFICATION,
	KOZO_TCB_SET_PERSONALITY,
	KOZO_IRQ_CONTROL_GET,
	KOZO_IRQ_HANDLER_ACK,
	KOZO_IRQ_HANDLER_SET_NOTIFICATION,
	KOZO_IRQ_HANDLER_CLEAR,
	KOZO_IOPORT_IN8,
	KOZO_IOPORT_IN16,
	KOZO_IOPORT_IN32,
	KOZO_IOPORT_OUT8,
	KOZO_IOPORT_OUT16,
	KOZO_IOPORT_OUT32,
	KOZO_PAGE_TABLE_MAP,
	KOZO_PAGE_TABLE_UNMAP,
	KOZO_FRAME_MAP,
	KOZO_FRAME_UNMAP,
	KOZO_FRAME_GET_ADDRESS,
	KOZO_DEBUG_PANIC,
	KOZO_DEBUG_STATS,
	KOZO_DEBUG_FAULT,
	KOZO_DEBUG_PREEMPTION,
	KOZO_IOPORT_RANGE,
	KOZO_IRQ_HANDLER_SET_DEADLINE, /* last: the labels before it keep their numbers */
	KOZO_INVOCATION_COUNT
};

#define KOZO_DEBUG_PREEMPT_ON 1u       /* DEBUG_PREEMPTION's MR0 bits */
#define KOZO_DEBUG_PREEMPT_MEASURE 2u

#define KOZO_PRIORITY_MAX 255

/* The kernel's timer as an interrupt line: IRQControl_Get hands out its
 * one IRQHandler like any line's, and IRQHandler_SetDeadline arms it.  It
 * is past every hardware line (the kernel takes at most 64).  Resolution:
 * the kernel's tick, KOZO_TIMER_TICK_NS (also its preemption period). */
#define KOZO_IRQ_TIMER 64
#define KOZO_TIMER_TICK_NS 10000000ull

/* CNODE_MINT's badge for an IOPort capability: ports first..last
 * (inclusive); bits 32-63 must be 0. */
#define KOZO_IOPORT_RANGE(first, last) \
	((unsigned long long)((first) & 0xffff) | (unsigned long long)((last) & 0xffff) << 16)

enum kozo_personality {
	KOZO_PERSONALITY_NATIVE = 0,
	KOZO_PERSONALITY_LINUX = 1, /* every syscall becomes an UnknownSyscall fault */
};

#endif
