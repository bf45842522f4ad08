/* Preemption points (after seL4's preemptionPoint): the kernel runs with
 * interrupts masked, so an operation whose work grows with its input
 * (Revoke of a large derivation tree, emptying a deleted CNode, zeroing a
 * large object at Retype) counts its work in units and, every
 * PREEMPT_BUDGET units, asks the port whether an interrupt is pending.  If
 * one is, the operation stops in a consistent state that records how far
 * it got and returns KERNEL_PREEMPTED; the system call layer then rewinds
 * the caller to its system call instruction (arch_syscall_restart) and
 * returns to user mode, where the interrupt is taken at once.  When the
 * thread runs again it makes the same call, which continues where the last
 * one stopped.  docs/KERNEL.md, "Preemption points".
 *
 * What one unit is (chosen so that a budget costs about the same in each):
 * one slot of a dying CNode looked at, one child moved up the tree, a
 * quarter of a capability deleted, 256 bytes zeroed. */
#ifndef KOZO_CORE_PREEMPT_H
#define KOZO_CORE_PREEMPT_H

#include "arch.h"
#include "kernel.h"

/* An internal result, never a kozo_error and never seen by user space. */
#define KERNEL_PREEMPTED (-1)

/* Units between two checks (KOZO_PREEMPT_BUDGET overrides it for experiments
 * on the host port: 1 stops at every unit). */
#ifdef KOZO_PREEMPT_BUDGET
#define PREEMPT_BUDGET KOZO_PREEMPT_BUDGET
#else
#define PREEMPT_BUDGET 64u
#endif
#define PREEMPT_UNIT_SLOT 1u        /* a dying CNode's slot looked at */
#define PREEMPT_UNIT_LIFT 4u        /* a child moved up the tree */
#define PREEMPT_UNIT_DELETE 16u     /* a capability deleted (and released) */
#define PREEMPT_ZERO_CHUNK 4096u    /* bytes zeroed per check (a whole budget) */

/* A chance to notice an interrupt (a check, or the kernel's exit): the
 * stretch since the last one may be the longest (kernel.h's
 * masked_max_cycles, the figure docs/PERFORMANCE.md publishes; kept only
 * while DEBUG_PREEMPTION asks for it, as it reads the cycle counter). */
static inline void preempt_note(struct kernel *k)
{
	uint64_t now = arch_cycles();
	if (now - k->last_chance > k->stats.masked_max_cycles)
		k->stats.masked_max_cycles = now - k->last_chance;
	k->last_chance = now;
}

/* Account `units` of work; true when the caller must stop now (an
 * interrupt is pending and preemption is on).  A kernel entry starts with
 * a full budget (kernel_syscall), so every call of a restarted operation
 * makes progress before its first check: no livelock. */
static inline bool preemption_point(struct kernel *k, unsigned units)
{
	k->preempt_work += units;
	if (k->preempt_work < PREEMPT_BUDGET)
		return false;
	k->preempt_work = 0;
	if (k->preempt_off)
		return false;
	if (unlikely(k->measure_masked))
		preempt_note(k);
	if (!arch_preemption_pending())
		return false;
	k->stats.preemptions++;
	return true;
}

#endif
