/* The cycle counter benchmarks read.  Under QEMU -icount shift=0 the TSC
 * advances by one per guest instruction, so differences are instruction
 * counts; elsewhere they follow wall-clock time.  lfence keeps earlier
 * instructions from being counted after the read on real hardware. */
#ifndef KOZO_USER_CYCLES_ARCH_H
#define KOZO_USER_CYCLES_ARCH_H

#include <stdint.h>

static inline uint64_t kozo_arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

#endif
