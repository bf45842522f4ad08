/* Fixtures the kernel tests share, on top of the host harness: boot and
 * tear down with the checks every test ends with, and one-line wrappers
 * for the CNode and Untyped invocations Init makes. */
#ifndef KOZO_TEST_KT_H
#define KOZO_TEST_KT_H

#include "check.h"
#include "harness.h"
#include "endpoint.h"
#include "notification.h"

/* Boot a fresh kernel; false (with a FAIL) if that did not work. */
bool kt_boot(struct host_kernel *h);
/* End a test: no panic happened, the capability tree of Init's CNode is
 * consistent, and every invariant of the host port's walker holds
 * (kernel/arch/host/invariants.h); then free everything. */
void kt_end(struct host_kernel *h);

/* CNode invocations on Init's root CNode, capability addresses at depth 64. */
word_t kt_copy(struct host_kernel *h, word_t dst, word_t src, unsigned rights);
word_t kt_mint(struct host_kernel *h, word_t dst, word_t src, unsigned rights, word_t badge);
word_t kt_move(struct host_kernel *h, word_t dst, word_t src);
word_t kt_delete(struct host_kernel *h, word_t slot);
word_t kt_revoke(struct host_kernel *h, word_t slot);
/* Init invokes the capability at cptr (host_invoke without reply). */
word_t kt_invoke(struct host_kernel *h, word_t cptr, word_t label, const word_t *mr, unsigned len,
		 const word_t *caps, unsigned ncaps);
/* Where rx receives a capability: receive_cnode (0: its CSpace root),
 * index and depth in its IPC buffer. */
void kt_receive_slot(struct tcb *rx, word_t cnode, word_t index, word_t depth);
/* One new object of type from Init's largest Untyped in a fresh slot;
 * returns the slot, 0 (with a FAIL) on error. */
word_t kt_new(struct host_kernel *h, unsigned type, unsigned size_bits);
/* A fresh Untyped of 2^bits bytes carved from Init's largest one. */
word_t kt_new_untyped(struct host_kernel *h, unsigned bits);

/* A runnable thread at prio sharing Init's CSpace and VSpace (host_spawn);
 * its TCB cap's slot goes to *slot if not NULL.  NULL (with a FAIL) on
 * error. */
struct tcb *kt_spawn(struct host_kernel *h, unsigned prio, word_t *slot);
/* kt_boot, then kt_spawn: the start of a test about one thread.  NULL
 * (with a FAIL) when either failed; the test then ends with kt_end. */
struct tcb *kt_boot_spawn(struct host_kernel *h, unsigned prio, word_t *slot);
/* t makes a blocking Recv on cptr and must block (on an endpoint or a
 * notification); false (with a FAIL) if it did not. */
bool kt_recv_blocks(struct host_kernel *h, struct tcb *t, word_t cptr);
/* A setup step that must succeed: a FAIL naming it when err is not
 * KOZO_OK, nothing otherwise.  Returns err == KOZO_OK. */
/* A system call that must be accepted: afterwards t is blocked in it, or
 * its error register says KOZO_OK; a FAIL naming the call otherwise.
 * Same arguments and result as host_syscall. */
#define KT_SYS(...) kt_sys(__FILE__, __LINE__, __VA_ARGS__)
word_t kt_sys(const char *file, int line, struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
	      word_t info, const word_t *mr, struct host_regs *out);
#define KT_OK(expr) kt_ok((expr), #expr, __FILE__, __LINE__)
bool kt_ok(word_t err, const char *expr, const char *file, int line);

/* One check named name: every invariant of the host port's walker holds
 * (its first violation is the failure's detail).  Returns whether they do. */
bool kt_check_invariants(struct host_kernel *h, const char *name);
/* Are the n bytes at p all zero? */
bool kt_all_zero(const void *p, size_t n);

/* The last-level page-table entry for vaddr under VSpace root (0 when a
 * table on the way is missing). */
word_t kt_pte(word_t *root, word_t vaddr);

static inline struct slot *kt_slot(struct host_kernel *h, word_t cptr) { return &h->cnode[cptr]; }
/* Is child directly below parent in the derivation tree? */
bool kt_is_child(const struct slot *parent, const struct slot *child);
/* Number of direct children of s. */
unsigned kt_children(const struct slot *s);
/* Check every link of the tree around Init's CNode; why gets the first
 * inconsistency. */
bool kt_cdt_consistent(const struct host_kernel *h, char *why, size_t why_size);
/* Do two kernels booted alike hold the same state: the same memory
 * (pointers compared as offsets into each machine), the same thread
 * running, the same run queues and console output?  why gets the first
 * difference. */
bool kt_same_state(const struct host_kernel *a, const struct host_kernel *b, char *why, size_t why_size);

#endif
