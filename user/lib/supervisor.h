/* Init's supervisor endpoint, as processes see it (KOZO_PROC_SUPERVISOR,
 * badged by Init with the caller's process id).  Init answers with a
 * Reply and never waits on the caller.
 *
 *   SUPERVISOR_PS      -> MR0 count, then per process 4 words from MR1:
 *                         pid | priority << 16 | state << 32 | restarts << 40,
 *                         faults, and the name (16 bytes, NUL-padded)
 *
 *   SUPERVISOR_CAPS    MR0 pid -> what that process's CNode holds, found by
 *                         trying to copy every slot (the kernel's answer, not
 *                         Init's records): MR0 a bit per occupied slot 1..31
 *                         (the well-known ones, proc.h) and, when slot
 *                         KOZO_PROC_IOPORT holds an IOPort capability, its
 *                         range in bits 32-63 (the kernel's IOPORT_RANGE
 *                         answer, as KOZO_IOPORT_RANGE(first, last)),
 *                         MR1 occupied slots of
 *                         its image, MR2 Untyped, MR3 any other occupied slot
 *
 * Fault messages arrive on the same endpoint under the badge
 * SUPERVISOR_FAULT_BADGE(pid). */
#ifndef KOZO_USER_SUPERVISOR_H
#define KOZO_USER_SUPERVISOR_H

enum supervisor_label {
	SUPERVISOR_PS = 1,
	SUPERVISOR_CAPS = 2,
};

enum supervisor_state {
	PROC_RUNNING = 1,
	PROC_STOPPED = 2,  /* faulted, left stopped by the restart policy */
};

#define SUPERVISOR_FAULT_BIT (1ull << 32)
#define SUPERVISOR_FAULT_BADGE(pid) (SUPERVISOR_FAULT_BIT | (pid))
#define SUPERVISOR_MAX_PROCS 8

#endif
