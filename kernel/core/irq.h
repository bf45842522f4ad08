/* IRQControl and IRQHandler: interrupts delivered as notification signals. */
#ifndef KOZO_CORE_IRQ_H
#define KOZO_CORE_IRQ_H

#include "cap.h"

struct kernel;
void irq_handler_release(struct kernel *k, word_t irq);
/* At each preemption timer tick: the timer line fires when its deadline
 * has come. */
void irq_timer_tick(struct kernel *k);

#endif
