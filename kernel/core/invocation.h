/* One invocation of a capability, gathered by the syscall layer before any
 * object code runs: the decode_* steps read only this, check everything and
 * have no side effect; the invoke_* steps that follow cannot fail. */
#ifndef KOZO_CORE_INVOCATION_H
#define KOZO_CORE_INVOCATION_H

#include "arch.h"
#include "cap.h"
#include <kozo/message.h>

/* Enough for TCB_WriteRegisters / ReadRegisters of a whole register file
 * (aarch64: 35 registers, plus resume flag and count). */
#define INVOCATION_MAX_MRS 40
#define INVOCATION_MAX_OUT 40
_Static_assert(INVOCATION_MAX_MRS >= ARCH_REG_COUNT + 2, "WriteRegisters takes every register");
_Static_assert(INVOCATION_MAX_OUT >= ARCH_REG_COUNT, "ReadRegisters returns every register");

struct kernel;
struct tcb;

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

#endif
