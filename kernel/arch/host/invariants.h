/* The kernel's invariants, checked by walking its state from the outside.
 * Used by fuzz/ipc after every step and by tests that want the same
 * assurance; it reads kernel/core's structures and never changes them.
 *
 * What is checked, from Init's CSpace and every thread, CNode, endpoint and
 * notification reachable from it:
 *   - the capability derivation tree: parent, child and sibling links agree;
 *   - rights only shrink from a capability to a copy of it, and a badge,
 *     once set, stays;
 *   - every object lies inside the Untyped it was retyped from, below that
 *     Untyped's watermark, and no two objects overlap;
 *   - an Untyped's watermark stays within its region, and is 0 when it has
 *     no children; what a preempted Retype recorded as zeroed above the
 *     watermark is zero;
 *   - a dying CNode (queued for emptying, cnode.c) has no reference and
 *     no capability, every slot below its emptying progress is empty,
 *     its other slots are checked as any CNode's, and its memory overlaps
 *     no object;
 *   - no object has fewer references than capabilities seen naming it;
 *   - endpoint and notification queues are well linked, every thread in
 *     one blocks on that very object in the matching state, and the run
 *     queues hold only runnable threads;
 *   - a fault exists only in a thread blocked sending it or waiting for
 *     its reply; an IPC buffer capability is a writable Frame of RAM;
 *   - isolation: every present entry in every live address space's tables
 *     (and so every user translation) names a page table or Frame whose
 *     live capability records exactly that mapping (ASID, address); no
 *     table is reachable from two places; no entry points outside RAM, so
 *     none into freed memory or another object (objects do not overlap);
 *     and every entry of the modelled TLB (machine.h) is what a walk of a
 *     live address space finds now.
 *   - no notification binding or reply link names a deleted thread;
 *   - an interrupt line without IRQHandler capabilities is masked and has
 *     no notification. */
#ifndef KOZO_HOST_INVARIANTS_H
#define KOZO_HOST_INVARIANTS_H

#include <stddef.h>
#include "harness.h"

#define INVARIANT_MSG_SIZE 256

/* True when every invariant holds; otherwise false with the first broken
 * one described in msg. */
bool kernel_invariants_hold(const struct host_kernel *h, char msg[INVARIANT_MSG_SIZE]);

#endif
