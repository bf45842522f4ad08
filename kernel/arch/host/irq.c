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
