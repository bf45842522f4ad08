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

void fault_syscall_record(struct tcb *t)
{
	word_t *m = t->fault_msg;
	m[0] = t->ctx.regs[ARCH_REG_SYSNO];
	m[1] = t->ctx.regs[ARCH_REG_ARG0];
	m[2] = t->ctx.regs[ARCH_REG_ARG1];
	m[3] = t->ctx.regs[ARCH_REG_ARG2];
	m[4] = t->ctx.regs[ARCH_REG_ARG3];
	m[5] = t->ctx.regs[ARCH_REG_ARG4];
	m[6] = t->ctx.regs[ARCH_REG_ARG5];
	m[7] = t->ctx.regs[ARCH_REG_IP];
	m[8] = t->ctx.regs[ARCH_REG_SP];
	m[9] = t->ctx.regs[ARCH_REG_FLAGS];
	t->pending_fault = KOZO_FAULT_UNKNOWN_SYSCALL;
}

void fault_unknown_syscall(struct kernel *k, struct tcb *t)
{
	fault_syscall_record(t);
	ep_send_fault(k, t);
}
