/* A kernel on the host, booted the way the real one boots Init, and the
 * means to let its threads make system calls.  Used by tests/kernel and by
 * the fuzzers; it knows no test framework.
 *
 *   struct host_kernel h;
 *   if (host_kernel_boot(&h, NULL) == KOZO_OK) {
 *           word_t mr[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, slot, 1 };
 *           word_t caps[1] = { KOZO_CAP_INIT_CNODE };
 *           host_invoke(&h, h.init, h.untyped, KOZO_UNTYPED_RETYPE, mr, 6, caps, 1, NULL, 0);
 *   }
 *   host_kernel_free(&h);
 *
 * Every kernel entry runs with a panic trap armed: a kernel panic returns
 * HOST_PANICKED and leaves the message in h.m->panic_msg; the kernel state
 * is then abandoned (no further entries), but can still be freed.  All
 * kernel objects live in the machine's RAM, so host_kernel_free releases
 * everything whatever state the kernel is in. */
#ifndef KOZO_HOST_HARNESS_H
#define KOZO_HOST_HARNESS_H

#include "kernel.h"
#include "machine.h"
#include <kozo/kozo.h>

#define HOST_DEFAULT_RAM (16u << 20)
#define HOST_INIT_ENTRY 0x400000ull       /* Init's synthetic image: text here */
#define HOST_INIT_DATA 0x401000ull        /* ...then data and bss */
#define HOST_INIT_DATA_FILESZ 16u
#define HOST_INIT_DATA_MEMSZ 0x2000u
#define HOST_INIT_DATA_BYTES "kozo host init!" /* 16 bytes with the NUL */

/* Results that are not kozo_errors: outside the enum on purpose. */
#define HOST_PANICKED ((word_t)-1)        /* the kernel panicked */
#define HOST_NOT_RUNNABLE ((word_t)-2)    /* the thread could not have trapped */
#define HOST_NO_BUFFER ((word_t)-3)       /* message needs an IPC buffer */
#define HOST_PREEMPTED ((word_t)-4)       /* stopped at a preemption point:
					   * the thread's IP is back on its
					   * system call, which the same
					   * host_syscall again continues */

struct host_boot_options {
	size_t ram_size;       /* 0: HOST_DEFAULT_RAM; a power of two */
	bool console_echo;     /* copy serial 0 to stderr as well */
	const uint8_t *init_elf;   /* NULL: the synthetic Init image */
	size_t init_elf_size;
	size_t device_bytes;   /* the top device_bytes of RAM are given to the
				* kernel as a device region (MMIO), not as free
				* RAM; a power of two, at most half the RAM */
};

struct host_kernel {
	struct host_machine *m;
	struct kernel *k;
	struct tcb *init;               /* Init's thread */
	struct slot *cnode;             /* Init's root CNode: cnode[cptr] */
	struct kozo_bootinfo *bootinfo; /* as Init sees it */
	word_t untyped;                 /* cptr of Init's largest Untyped */
	word_t next_free;               /* next slot host_slot_alloc gives */
	bool dead;                      /* panicked: no more kernel entries */
	/* Set: a preempted system call is not returned as HOST_PREEMPTED
	 * but made again at once, after on_preempt(h) (fuzz/ipc runs the
	 * walker there), as the CPU would once the interrupt is handled. */
	void (*on_preempt)(struct host_kernel *h);
	/* Set: system calls skip the IPC fast path (fastpath_syscall) and
	 * take the general one, so that a test can compare the two. */
	bool general_only;
};

/* What a thread sees in its registers after a system call. */
struct host_regs {
	word_t error;   /* ARCH_REG_SYSNO: kozo_error of the call */
	word_t badge;   /* ARCH_REG_CAP */
	word_t info;    /* ARCH_REG_INFO: message info */
	word_t mr[KOZO_FASTPATH_MRS];
};

/* A message as user space writes and reads it. */
struct host_msg {
	word_t label;
	unsigned len;
	word_t mr[KOZO_MSG_MAX_LENGTH];
	unsigned extra_caps;
	word_t caps[KOZO_MSG_MAX_EXTRA_CAPS];   /* cptrs out, badges in */
};

/* Boot a fresh kernel on a fresh machine (options may be NULL), with a
 * synthetic Init image.  Returns kernel_boot's kozo_error, HOST_PANICKED,
 * or KOZO_ERR_NOT_ENOUGH_MEMORY when the host is short of memory.  Call
 * host_kernel_free in every case. */
word_t host_kernel_boot(struct host_kernel *h, const struct host_boot_options *opt);
void host_kernel_free(struct host_kernel *h);

/* Let t enter the kernel through the syscall trap: sysno, the cap
 * register, the message info and MR0..MR3 (mr may be NULL: zeros).  t
 * becomes current first, as only the current thread traps.  Returns the
 * error register after the call (also in out->error, if out != NULL), or
 * HOST_PANICKED / HOST_NOT_RUNNABLE (t is not runnable, or h is dead) /
 * HOST_PREEMPTED (the kernel rewound t to its system call instruction: an
 * interrupt is pending, see machine.h's preempt_every). */
word_t host_syscall(struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
		    word_t info, const word_t *mr, struct host_regs *out);

/* t takes a fault (kernel_user_fault's arguments) while current. */
word_t host_fault(struct host_kernel *h, struct tcb *t, unsigned kind, word_t addr,
		  word_t code, word_t vector, bool exec);
/* Device interrupt irq arrives (the port masks the line first, as the
 * real ones do); false if the kernel panicked. */
bool host_irq(struct host_kernel *h, word_t irq);

/* The preemption timer fires (kernel_timer_tick); false if the kernel
 * panicked. */
bool host_timer_tick(struct host_kernel *h);

/* Write msg into t's registers and IPC buffer and make system call sysno
 * on cptr.  HOST_NO_BUFFER when msg needs t's IPC buffer and t has none. */
word_t host_send_msg(struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
		     const struct host_msg *msg, struct host_regs *out);
/* The message t last received (from its registers and IPC buffer). */
void host_read_msg(const struct tcb *t, struct host_msg *msg);

/* Call the kernel object at cptr: label, len message registers, ncaps
 * extra capabilities.  Copies up to reply_max reply MRs into reply.
 * Returns the invocation's kozo_error (or a HOST_* value). */
word_t host_invoke(struct host_kernel *h, struct tcb *t, word_t cptr, word_t label,
		   const word_t *mr, unsigned len, const word_t *caps, unsigned ncaps,
		   word_t *reply, unsigned reply_max);

/* count consecutive empty slots of Init's CNode, never used before by
 * this helper; 0 when the CNode is full. */
word_t host_slot_alloc(struct host_kernel *h, unsigned count);
/* Retype count objects from the Untyped at ut into Init's CNode at slot. */
word_t host_retype(struct host_kernel *h, word_t ut, unsigned type, unsigned size_bits,
		   word_t slot, unsigned count);
/* A new runnable thread at priority prio sharing Init's CSpace and VSpace,
 * with its own IPC buffer Frame; its TCB cap goes to *tcb_slot. */
word_t host_spawn(struct host_kernel *h, unsigned prio, word_t *tcb_slot, struct tcb **out);

/* The kernel object a slot of Init's CNode names (NULL when empty). */
void *host_object(const struct host_kernel *h, word_t cptr);

#endif
