/* Interrupt lines on the host: HOST_IRQ_LINES of them, a mask bit each. */
#include "machine.h"
#include "kernel.h"

bool arch_irq_valid(word_t irq)
{
	return irq < HOST_IRQ_LINES;
}

void arch_irq_mask(word_t irq)
{
	struct host_machine *m = host_machine_active;
	m->irq_mask_calls++;
	if (irq < HOST_IRQ_LINES)
		m->irq_masked[irq] = true;
}

void arch_irq_unmask(word_t irq)
{
	struct host_machine *m = host_machine_active;
	m->irq_unmask_calls++;
	if (irq < HOST_IRQ_LINES)
		m->irq_masked[irq] = false;
}

/* The preemption switch (machine.h): pending at every preempt_every-th
 * check, so a test or fuzzer decides where an operation stops. */
bool arch_preemption_pending(void)
{
	struct host_machine *m = host_machine_active;
	m->preempt_checks++;
	return m->preempt_every && m->preempt_checks % m->preempt_every == 0;
}

/* The host port plays x86_64: SYSCALL is two bytes (host_syscall sees
 * the rewind and reports HOST_PREEMPTED). */
void arch_syscall_restart(struct arch_context *c)
{
	c->regs[ARCH_REG_IP] -= 2;
}

/* No clock worth the name on the host: the preemption checks so far. */
uint64_t arch_cycles(void)
{
	return host_machine_active->preempt_checks;
}
