/* The shell, a process of its own (Init starts it): shared state and the
 * pieces of the shell.  Its CSpace and VSpace are its own; the KOZO_CAP_INIT_*
 * names below are its own TCB, CNode, VSpace and IPC buffer frame (proc.h
 * gives processes those slots). */
#ifndef KOZO_SHELL_H
#define KOZO_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <kozo/kozo.h>
#include <proc.h>

/* The shell's CNode addresses a slot by its number at full depth. */
#define INIT_DEPTH 64

/* What Init gave the shell (read-only page, proc.h). */
extern const struct kozo_startup *startup;
/* BootInfo, mapped read-only on first use (for `bootinfo`); NULL when the
 * shell holds no capability to it. */
const struct kozo_bootinfo *shell_bootinfo(void);

/* ---- slots.c: what the shell knows about its own CNode ----
 *
 * A mirror of the shell's CNode, kept by the shell because it is the only
 * one changing it: the type, rights and badge of each capability, its parent in
 * the derivation tree (for revoke), and for Untyped the region and the
 * watermark (Init is the only one retyping, so its copy is exact). */
enum slot_flags {
	SLOT_FIXED = 1,  /* one of the capabilities Init gave */
	SLOT_DEVICE = 2, /* device (MMIO) untyped */
	SLOT_IMAGE = 4,  /* a frame or table of the shell's own image */
};

struct slot_info {
	uint8_t type;      /* kozo_object_type; KOZO_OBJ_NULL = empty */
	uint8_t rights;
	uint8_t size_bits; /* Untyped: region size; CNode: radix */
	uint8_t flags;
	uint16_t parent;   /* derivation-tree parent slot, 0 = none */
	uint16_t pad;
	uint64_t badge;
	uint64_t paddr;    /* Untyped: base; others: where Retype put them */
	uint64_t watermark; /* Untyped: bytes in use while it has children */
};

#define SLOT_COUNT (1u << KOZO_INIT_CNODE_RADIX)

void slots_init(const struct kozo_startup *st);
/* The entry for slot s, or NULL when s is outside Init's CNode. */
struct slot_info *slot_get(uint64_t s);
/* Find `count` consecutive empty slots in BootInfo's empty range; returns
 * the first, or 0 when there is no such run. */
uint64_t slots_alloc(unsigned count);
/* Record a capability that the kernel just put in slot s. */
void slots_record(uint64_t s, unsigned type, unsigned rights, uint64_t badge, uint64_t parent,
		  uint64_t paddr, unsigned size_bits);
/* Record a successful Retype of `count` objects from untyped ut into
 * dest..dest+count-1; updates the watermark. */
void slots_record_retype(uint64_t ut, unsigned type, unsigned size_bits, uint64_t dest,
			 unsigned count);
/* The kernel deleted slot s: its children move up to its parent. */
void slots_forget(uint64_t s);
/* The kernel moved src to the empty dest, tree position and all. */
void slots_move(uint64_t src, uint64_t dest);
/* The kernel revoked slot s: every descendant is gone. */
void slots_forget_children(uint64_t s);
bool slot_has_children(uint64_t s);
/* Free bytes of an Untyped as the kernel will count them. */
uint64_t untyped_free_bytes(uint64_t s);
/* A short description of the fixed slots ("init tcb"), or "". */
const char *slot_note(uint64_t s);

/* ---- alloc.c: Init's own objects ---- */
/* Choose the Untyped Init carves its own objects from. */
void alloc_init(void);
/* Retype one object for Init's internal use into a fresh slot.  Returns a
 * kozo_error; *slot receives the slot. */
int init_alloc_object(unsigned type, unsigned size_bits, uint64_t *slot);
/* Retype one object from Untyped ut into a fresh slot of Init's CNode,
 * keeping the slot mirror in step.  Returns a kozo_error. */
int init_retype_one(uint64_t ut, unsigned type, unsigned size_bits, uint64_t *slot);
/* Delete an object made by init_alloc_object (or anything in slot s). */
void init_free_slot(uint64_t s);
/* A non-device Untyped without children of at least 2^min_bits bytes, other
 * than the one init_alloc_object uses; 0 if none. */
uint64_t init_find_idle_untyped(unsigned min_bits);
/* The Untyped init_alloc_object carves from. */
extern uint64_t init_service_untyped;
/* Init's own priority, the highest its threads may have. */
extern unsigned init_priority;

/* The bit the console's interrupt sets on the console server's own
 * notification (ipctest irq asks the console to show it). */
#define CONSOLE_IRQ_BADGE 1

/* ---- shell.c ---- */
_Noreturn void shell_run(void);
/* Commands: argv[0] is the command name. */
typedef void (*command_fn)(int argc, char **argv);
struct command {
	const char *name;
	const char *usage;  /* arguments, for "usage: name <usage>" */
	const char *help;
	command_fn fn;      /* NULL: not on this architecture */
};
extern const struct command commands[];
extern const unsigned command_count;
void print_usage(const char *name);
/* Parse a number argument; prints the usage of cmd and returns false on error. */
bool parse_arg(const char *cmd, const char *arg, uint64_t *out);

void cmd_help(int argc, char **argv);
void cmd_bootinfo(int argc, char **argv);
void cmd_version(int argc, char **argv);
void cmd_untyped(int argc, char **argv);
void cmd_caps(int argc, char **argv);
void cmd_echo(int argc, char **argv);
void cmd_retype(int argc, char **argv);
void cmd_mint(int argc, char **argv);
void cmd_copy(int argc, char **argv);
void cmd_move(int argc, char **argv);
void cmd_delete(int argc, char **argv);
void cmd_revoke(int argc, char **argv);
void cmd_selftest(int argc, char **argv);
void cmd_forbidden(int argc, char **argv);
void cmd_isolation(int argc, char **argv);   /* isolation.c */
void cmd_retypebench(int argc, char **argv);
void cmd_panic(int argc, char **argv);
void cmd_ps(int argc, char **argv);
/* caps <server>: what Init finds in that process's CNode. */
void cmd_server_caps(const char *server);
/* commands_linux.c: requests to the Linux server (both architectures). */
void cmd_linux(int argc, char **argv);
void cmd_linuxmem(int argc, char **argv);
void cmd_linuxattack(int argc, char **argv);

/* ---- arch/<arch>/panic_channel.c ---- */
/* Try to reach the UART of the panic channel (serial 1) from user space;
 * returns the error that stopped it (KOZO_OK: it was reachable, a bug) and
 * in *what a description of the attempt. */
int try_panic_channel(const char **what);

/* ---- child.c: the program selftest runs in a new address space ---- */
extern const char child_text_start[], child_text_end[];
void child_entry(uint64_t endpoint);
void child_ipc_server(uint64_t endpoint);
#define CHILD_LABEL_ADD 1  /* MR0 + MR1 -> reply MR0 */
#define CHILD_ARG_A 20
#define CHILD_ARG_B 21
#define CHILD_LABEL_ECHO 2 /* the sum again, transformed: the proof */
#define CHILD_LABEL_DONE 3
#define CHILD_LABEL_STAMP 4 /* ipc server: reply MR0, MR1 = receive, reply times */

/* ---- selftest.c: Init's scratch window for filling frames ---- */
#define SCRATCH_VADDR 0x100000000000ull
/* Map the tables under SCRATCH_VADDR in Init's VSpace (once). */
int init_scratch_window(void);
/* Map three tables (PT_L1..PT_L3 slots) under vaddr; present ones are fine. */
int init_map_tables(uint64_t vspace, uint64_t vaddr, const uint64_t tables[3]);

/* ---- ipcthread.c: threads for the IPC commands ---- */
struct ipc_thread {
	uint64_t tcb;
	int local;            /* Init's address space: its stack/buffer index, else -1 */
	uint64_t objs[12];    /* slots to delete when it stops, in this order */
	unsigned nobjs;
};
/* Start fn(arg) at init_priority.  own_space: in a new address space
 * holding a copy of the child program (fn must be in it), a CSpace whose
 * slot 1 is a copy of Init's capability `arg` (fn gets cptr 1), and an
 * IPC buffer; otherwise in Init's address space and CSpace, with its own
 * stack and IPC buffer.  fault_ep: Init's endpoint cptr for its faults, or
 * 0.  Returns a kozo_error. */
int ipc_thread_start(struct ipc_thread *t, void (*fn)(uint64_t), uint64_t arg, bool own_space,
		     uint64_t fault_ep);
/* Delete the thread and everything made for it. */
void ipc_thread_stop(struct ipc_thread *t);
/* The kernel's counters (KOZO_DEBUG_STATS): fast-path hits, slow-path
 * messages, syscalls, faults, interrupts. */
struct kernel_counters { uint64_t fast, slow, syscalls, faults, irqs; };
void read_counters(struct kernel_counters *c);

void cmd_ipcbench(int argc, char **argv);
void cmd_ipctest(int argc, char **argv);

#endif
