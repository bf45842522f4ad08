/* The cycle counter benchmarks read: PMCCNTR_EL0, which the kernel lets
 * EL0 read (PMUSERENR_EL0).  Under QEMU -icount shift=0 it advances by one
 * per guest instruction, so differences are instruction counts; elsewhere
 * it follows wall-clock time.  The ISB keeps earlier instructions from
 * being counted after the read. */
#ifndef KOZO_USER_CYCLES_ARCH_H
#define KOZO_USER_CYCLES_ARCH_H

#include <stdint.h>

/* What the benchmarks say they count. */
#define KOZO_ARCH_CYCLES_NAME "PMCCNTR_EL0"

static inline uint64_t kozo_arch_cycles(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v)::"memory");
	return v;
}

#endif
