/* The generic timer's EL1 virtual timer (CNTV) drives preemption: a
 * one-shot count-down re-armed at every tick (Arm ARM D11.2).  Without EL2
 * the virtual count equals the physical count.  The timer is PPI 11,
 * INTID 27, enabled in the redistributor by gic.c. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

#define CNTV_CTL_ENABLE 1u

static uint64_t period_ticks;

void timer_start(unsigned period_us)
{
	uint64_t hz = read_sysreg(cntfrq_el0);

	period_ticks = hz * period_us / 1000000;
	kprintf("timer: %lu Hz, tick every %u us\n", (unsigned long)hz, period_us);
	timer_rearm();
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void timer_rearm(void)
{
	write_sysreg(cntv_tval_el0, period_ticks);
	isb();
}
