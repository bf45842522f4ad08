/* The test programs' runtime (user/tests/lib, linked into each program of
 * user/tests): startup, the slot mirror's allocator, threads for the IPC
 * tests, the child program copied into fresh address spaces.
 *
 * A test program is a process the shell starts (user/lib/testprog.h).  Its
 * CSpace and VSpace are its own; the KOZO_CAP_INIT_* names used below are
 * its own TCB, CNode, VSpace and IPC buffer frame (proc.h gives processes
 * those slots). */
#ifndef KOZO_TESTS_H
#define KOZO_TESTS_H

#include <stdbool.h>
#include <stdint.h>
#include <kozo/kozo.h>
#include <proc.h>
#include <slots.h>
#include <args.h>

/* A process's CNode addresses a slot by its number at full depth. */
#define INIT_DEPTH 64

/* What the shell gave the program (read-only page, proc.h). */
extern const struct kozo_startup *startup;

/* Each program defines its test_program: its command name, the usage of
 * its arguments and the function to run (argv[0] is the name). */
struct test_program {
	const char *name;
	const char *usage;
	void (*run)(int argc, char **argv);
};
extern const struct test_program test_program;


/* ---- alloc.c: the program's own objects ---- */
/* Choose the Untyped the program carves its own objects from. */
void alloc_init(void);
/* Retype one object for internal use into a fresh slot.  Returns a
 * kozo_error; *slot receives the slot. */
int init_alloc_object(unsigned type, unsigned size_bits, uint64_t *slot);
/* Delete an object made by init_alloc_object (or anything in slot s). */
void init_free_slot(uint64_t s);
/* A non-device Untyped without children of at least 2^min_bits bytes, other
 * than the one init_alloc_object uses; 0 if none. */
uint64_t init_find_idle_untyped(unsigned min_bits);
/* The Untyped init_alloc_object carves from. */
extern uint64_t init_service_untyped;
/* The program's own priority, the highest its threads may have. */
extern unsigned init_priority;

/* The bit the console's interrupt sets on the console server's own
 * notification (ipctest irq asks the console to show it). */
#define CONSOLE_IRQ_BADGE 1

/* ---- forbidden/arch/<arch>/panic_channel.c ---- */
/* Try to reach the UART of the panic channel (serial 1) from user space;
 * returns the error that stopped it (KOZO_OK: it was reachable, a bug) and
 * in *what a description of the attempt. */
int try_panic_channel(const char **what);

/* ---- child.c: the program run in a new address space ---- */
extern const char child_text_start[], child_text_end[];
void child_entry(uint64_t endpoint);
void child_ipc_server(uint64_t endpoint);
#define CHILD_LABEL_ADD 1  /* MR0 + MR1 -> reply MR0 */
#define CHILD_ARG_A 20
#define CHILD_ARG_B 21
#define CHILD_LABEL_ECHO 2 /* the sum again, transformed: the proof */
#define CHILD_LABEL_DONE 3
#define CHILD_LABEL_STAMP 4 /* ipc server: reply MR0, MR1 = receive, reply times */

/* ---- scratch.c: a scratch window for filling frames ---- */
#define SCRATCH_VADDR 0x100000000000ull
/* Map the tables under SCRATCH_VADDR in the program's VSpace (once). */
int init_scratch_window(void);
/* Map three tables (PT_L1..PT_L3 slots) under vaddr; present ones are fine. */
int init_map_tables(uint64_t vspace, uint64_t vaddr, const uint64_t tables[3]);

/* ---- ipcthread.c: threads for the IPC tests ---- */
struct ipc_thread {
	uint64_t tcb;
	int local;            /* the program's address space: its stack/buffer index, else -1 */
	uint64_t objs[12];    /* slots to delete when it stops, in this order */
	unsigned nobjs;
};
/* Start fn(arg) at init_priority.  own_space: in a new address space
 * holding a copy of the child program (fn must be in it), a CSpace whose
 * slot 1 is a copy of the capability `arg` (fn gets cptr 1), and an
 * IPC buffer; otherwise in the program's address space and CSpace, with
 * its own stack and IPC buffer.  fault_ep: an endpoint cptr for its
 * faults, or 0.  Returns a kozo_error. */
int ipc_thread_start(struct ipc_thread *t, void (*fn)(uint64_t), uint64_t arg, bool own_space,
		     uint64_t fault_ep);
/* Delete the thread and everything made for it. */
void ipc_thread_stop(struct ipc_thread *t);
/* The kernel's counters (KOZO_DEBUG_STATS): fast-path hits, slow-path
 * messages, syscalls, faults, interrupts. */
struct kernel_counters { uint64_t fast, slow, syscalls, faults, irqs; };
void read_counters(struct kernel_counters *c);

#endif
