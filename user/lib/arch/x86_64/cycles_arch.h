/* The cycle counter benchmarks read.  Under QEMU with -icount shift=0 the
 * TSC advances by one per guest instruction, so differences are exact
 * instruction counts (docs/PERFORMANCE.md). */
#ifndef KOZO_USER_CYCLES_ARCH_H
#define KOZO_USER_CYCLES_ARCH_H

#include <stdint.h>

/* What the benchmarks say they count. */
#define KOZO_ARCH_CYCLES_NAME "rdtsc"

static inline __attribute__((always_inline)) uint64_t kozo_arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
