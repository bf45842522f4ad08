/* System-register access and barriers (Arm ARM, DDI 0487).  GICv3 CPU
 * interface registers go by their encodings, which every assembler takes. */
#ifndef KOZO_AARCH64_CPU_H
#define KOZO_AARCH64_CPU_H

#include <stdint.h>

#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR0_EL1 S3_0_C12_C8_0
#define ICC_EOIR0_EL1 S3_0_C12_C8_1
#define ICC_BPR0_EL1 S3_0_C12_C8_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN0_EL1 S3_0_C12_C12_6
/* One level of indirection so the encodings above are expanded. */
#define read_sysreg_s(r) read_sysreg(r)
#define write_sysreg_s(r, v) write_sysreg(r, v)

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }

static inline void irq_disable(void) { __asm__ volatile("msr daifset, #3" ::: "memory"); }

/* Sleep until an interrupt is pending, then take it: WFI wakes on a
 * pending interrupt even while it is masked, so no wake-up is lost
 * between the check of the caller's condition and the WFI. */
static inline void cpu_idle_once(void)
{
	__asm__ volatile("wfi\n\tmsr daifclr, #3\n\tisb\n\tmsr daifset, #3" ::: "memory");
}

static inline _Noreturn void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n\twfi");
}

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

#endif
