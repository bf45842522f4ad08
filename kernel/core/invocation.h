/* One invocation of a capability, gathered by the syscall layer before any
 * object code runs.  Every method is two steps (after seL4's decode/invoke):
 * decode_<object>_<method>() reads only this, checks everything, has no
 * side effect and fills a small argument struct; perform_<object>_<method>()
 * takes that struct and cannot fail.  <object>_invoke() picks the method. */
#ifndef KOZO_CORE_INVOCATION_H
#define KOZO_CORE_INVOCATION_H

#include "arch.h"
#include "cap.h"
#include "kprintf.h"
#include <kozo/message.h>

/* Enough for TCB_WriteRegisters / ReadRegisters of a whole register file
 * (aarch64: 35 registers, plus resume flag and count). */
#define INVOCATION_MAX_MRS 40
#define INVOCATION_MAX_OUT 40
_Static_assert(INVOCATION_MAX_MRS >= ARCH_REG_COUNT + 2, "WriteRegisters takes every register");
_Static_assert(INVOCATION_MAX_OUT >= ARCH_REG_COUNT, "ReadRegisters returns every register");

struct kernel;
struct tcb;

/* return refuse(err, fmt, ...): a decode step refuses the invocation with
 * err.  Debug builds (KOZO_DEBUG, CONFIG=debug) also print the reason as
 * one line on serial 0, "kozo: <object>: <what failed>", so a user learns
 * which check it was (as seL4's userError); release builds only return. */
#ifdef KOZO_DEBUG
#define refuse(err, ...) (kprintf("kozo: " __VA_ARGS__), kprintf("\n"), (err))
#else
#define refuse(err, ...) (err)
#endif

struct invocation {
	struct kernel *k;
	struct tcb *caller;
	struct slot *slot;          /* the invoked capability */
	word_t label;
	unsigned len;               /* message registers present */
	word_t mr[INVOCATION_MAX_MRS];
	unsigned extra_count;       /* extra capabilities that resolved */
	struct slot *extra[KOZO_MSG_MAX_EXTRA_CAPS];
	unsigned out_len;           /* reply message registers */
	word_t out[INVOCATION_MAX_OUT];
};

/* The object invocations invoke_capability (objecttype.c) dispatches to. */
int untyped_invoke(struct invocation *inv);
int cnode_invoke(struct invocation *inv);
int tcb_invoke(struct invocation *inv);
int irq_control_invoke(struct invocation *inv);
int irq_handler_invoke(struct invocation *inv);
int frame_invoke(struct invocation *inv);
int page_table_invoke(struct invocation *inv);
int debug_invoke(struct invocation *inv);
int ioport_invoke(struct invocation *inv);
/* Mint of an IOPort capability: out is c (src's copy, rights masked) with
 * the range range = KOZO_IOPORT_RANGE(first, last), which must lie inside
 * src's range; otherwise KOZO_ERR_RANGE and out is untouched. */
int ioport_derive(const struct cap *src, word_t range, struct cap c, struct cap *out);

#endif
