/* spawn: a process from an ELF image (proc.h gives its layout).
 *
 * Every object of the process (CNode, VSpace, page tables, TCB, image,
 * stack, IPC buffer and startup frames) is retyped from one Untyped, its
 * slice, so that revoking the slice in the parent takes the whole process
 * down and gives its memory back; its Untyped budget is retyped from
 * other Untyped the parent names.  The parent keeps a copy of the TCB and
 * the CNode (to supervise and to list the process's capabilities); the
 * rest lives in the process's own CNode. */
#ifndef KOZO_USER_SPAWN_H
#define KOZO_USER_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cspace.h"
#include "proc.h"

/* A capability of the parent copied (or minted, with a badge) into the
 * process's well-known slot `dest`. */
struct kozo_grant {
	uint64_t src;
	unsigned dest;
	unsigned rights;
	bool mint;
	uint64_t badge;
};

/* An Untyped of 2^size_bits bytes retyped from the parent's Untyped `src`
 * (which must have room) into the process's budget; paddr is where it
 * will lie (src's base when src has no children), for the startup info. */
struct kozo_budget {
	uint64_t src;
	unsigned size_bits;
	uint64_t paddr;
};

struct kozo_spawn_args {
	const char *name;
	uint64_t pid;
	const void *image;
	size_t image_size;
	unsigned cnode_radix;
	unsigned priority;
	uint64_t fault_ep;          /* parent's cptr (the TCB keeps a copy); 0: none */
	const struct kozo_grant *grants;
	unsigned ngrants;
	const struct kozo_budget *budget;
	unsigned nbudget;
	uint64_t device_frame;      /* parent's frame cap mapped at KOZO_PROC_DEVICE_ADDR, moved */
	uint64_t device_paddr;
	uint64_t ntfn;              /* parent's notification copied (read right) to
				     * KOZO_PROC_NTFN and bound to the TCB; 0: none */
	uint64_t arg[4];
	bool suspended;             /* leave the thread stopped: kozo_tcb_resume starts it */
};

/* The parent's side: its CSpace and VSpace, and a virtual address with
 * page tables present (through kozo_scratch_init) for filling frames. */
struct kozo_spawner {
	struct kozo_cspace *cs;
	uint64_t vspace;
	uint64_t scratch;
};

#define KOZO_PROCESS_MAX_HELD 8

struct kozo_process {
	uint64_t slice;    /* the parent's Untyped every object came from */
	uint64_t tcb;      /* the parent's copy of its TCB */
	uint64_t cnode;    /* the parent's capability to its CNode (unguarded) */
	unsigned radix;
	uint64_t entry;
	unsigned frames;   /* image, stack, IPC and startup frames */
	uint64_t image_end; /* its image's slots: KOZO_PROC_FIRST_FREE..image_end-1 */
	uint64_t held[KOZO_PROCESS_MAX_HELD]; /* parent slots of slice objects */
	unsigned nheld;
};

/* Map page tables for `vaddr` in the parent's own VSpace, retyped from ua
 * (they stay in the parent's CSpace).  Returns a kozo_error. */
int kozo_scratch_init(struct kozo_spawner *sp, struct kozo_ut_alloc *ua, uint64_t vaddr);

/* Build and start the process; objects come from `slice` (a parent
 * Untyped cptr).  On error everything made is gone again (the slice is
 * revoked); *why names the step that failed.  Returns a kozo_error. */
int kozo_spawn(struct kozo_spawner *sp, uint64_t slice, const struct kozo_spawn_args *a,
	       struct kozo_process *p, const char **why);

/* What the process's CNode holds, found by trying to copy every slot into
 * a free slot of the parent (the kernel's answer, not the parent's
 * records): a bit per occupied well-known slot 1..KOZO_PROC_FIRST_FREE-1
 * (bits 32-63: an IOPort's range at KOZO_PROC_IOPORT, KOZO_IOPORT_RANGE),
 * and counts of the occupied slots of its image, of its Untyped (which
 * cannot be copied) and of any other.  Returns a kozo_error. */
struct kozo_process_caps {
	uint64_t known, image, untyped, other;
};
int kozo_process_caps(struct kozo_spawner *sp, const struct kozo_process *p,
		      struct kozo_process_caps *out);

/* Stop the process and delete all of it (revoke the slice).  Its budget
 * Untyped are the parent's to revoke.  Returns a kozo_error. */
int kozo_process_destroy(struct kozo_spawner *sp, struct kozo_process *p);

/* The name of a fault message's label ("VM fault"), for a supervisor's
 * reports. */
const char *kozo_fault_name(uint64_t label);

/* A file of a cpio "newc" archive (scripts/mkarchive.py); false if absent
 * or the archive is malformed. */
bool kozo_cpio_find(const void *archive, size_t size, const char *name, const void **data,
		    size_t *len);

#endif
