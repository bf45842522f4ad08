/* User faults and unknown system calls: the fault message is recorded in
 * the thread's state (pending_fault, fault_msg) and sent to its fault
 * endpoint (ep_send_fault), as seL4's handleFault. */
#include "endpoint.h"
#include "kernel.h"
#include <kozo/fault.h>

void kernel_user_fault(struct kernel *k, unsigned kind, word_t addr, word_t code, word_t vector,
		       bool exec)
{
	struct tcb *t = k->current;
	word_t *m = t->fault_msg;
	t->pending_fault = (uint8_t)kind;
	m[0] = t->ctx.regs[ARCH_REG_IP];
	if (kind == KOZO_FAULT_VM) {
		m[1] = addr;
		m[2] = exec;
		m[3] = code;
	} else {
		m[1] = t->ctx.regs[ARCH_REG_SP];
		m[2] = t->ctx.regs[ARCH_REG_FLAGS];
		m[3] = vector;
		m[4] = code;
	}
	ep_send_fault(k, t);
	kernel_schedule(k);
}

void fault_unknown_syscall(struct kernel *k, struct tcb *t)
{
	static const unsigned args[6] = { ARCH_REG_ARG0, ARCH_REG_ARG1, ARCH_REG_ARG2,
					  ARCH_REG_ARG3, ARCH_REG_ARG4, ARCH_REG_ARG5 };
	word_t *m = t->fault_msg;
	m[0] = t->ctx.regs[ARCH_REG_SYSNO];
	for (unsigned i = 0; i < 6; i++)
		m[1 + i] = t->ctx.regs[args[i]];
	m[7] = t->ctx.regs[ARCH_REG_IP];
	m[8] = t->ctx.regs[ARCH_REG_SP];
	m[9] = t->ctx.regs[ARCH_REG_FLAGS];
	t->pending_fault = KOZO_FAULT_UNKNOWN_SYSCALL;
	ep_send_fault(k, t);
}
