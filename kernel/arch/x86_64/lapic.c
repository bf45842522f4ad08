/* Local APIC: x2APIC through MSRs when CPUID.1:ECX[21] reports it (QEMU
 * with KVM), else xAPIC through its MMIO page (QEMU 7.2 TCG has no x2APIC).
 * Register numbers are the xAPIC offsets; in x2APIC mode register r is MSR
 * 0x800 + r/16 (SDM Vol. 3A, 12.12.1.2).  The timer drives preemption. */
#include "kernel.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_DIV 0x3e0

#define APIC_BASE_EXTD (1ull << 10)   /* IA32_APIC_BASE: x2APIC mode */
#define APIC_BASE_EN (1ull << 11)     /* IA32_APIC_BASE: APIC enabled */
#define APIC_BASE_ADDR 0xfffff000ull
#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_NMI (4u << 8)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3

/* QEMU's APIC timer counts at 1 GHz before the divider, under TCG and KVM
 * alike (its APIC bus cycle is 1 ns). */
#define APIC_TIMER_HZ 1000000000ull

static volatile uint32_t *xapic;  /* MMIO page, NULL in x2APIC mode */

static uint32_t lapic_read(unsigned reg)
{
	if (!xapic)
		return (uint32_t)rdmsr(0x800 + reg / 16);
	return xapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	if (!xapic)
		wrmsr(0x800 + reg / 16, v);
	else
		xapic[reg / 4] = v;
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (cpu_features.x2apic) {
		/* xAPIC -> x2APIC needs EN set first, then EXTD (SDM 12.12.5). */
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
		xapic = NULL;
	} else {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
		xapic = paging_map_device(base & APIC_BASE_ADDR);
	}
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED);   /* the 8259s are off */
	lapic_write(APIC_LVT_LINT1, LVT_NMI);
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	/* The error status register is cleared by a write (SDM 12.5.3). */
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_EOI, 0);

	uint32_t id = lapic_read(APIC_ID);
	kprintf("lapic: %s, id %u, version %x\n",
		xapic ? "xAPIC (MMIO)" : "x2APIC (MSR)",
		xapic ? id >> 24 : id, lapic_read(APIC_VERSION) & 0xff);
}

unsigned lapic_id(void)
{
	uint32_t id = lapic_read(APIC_ID);

	return xapic ? id >> 24 : id;
}

void lapic_timer_start(unsigned period_us)
{
	lapic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(APIC_TIMER_INIT, (uint32_t)(APIC_TIMER_HZ / 16 * period_us / 1000000));
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

/* A preemption point's question (kernel/core/preempt.h): has the local
 * APIC accepted an interrupt the CPU has not taken yet?  With RFLAGS.IF
 * clear in the kernel, an arriving interrupt waits in the IRR (SDM 12.8.4,
 * "Interrupt Acceptance for Fixed Interrupts"), 32 vectors per register.
 * The kernel's are the IOAPIC's 0x20.. and the timer's 0x40 (x86.h): the
 * second and third registers hold them all. */
#define APIC_IRR 0x200
_Static_assert(VEC_IRQ_BASE >= 0x20 && VEC_IRQ_BASE + 24 <= 0x60 && VEC_TIMER >= 0x20 &&
	       VEC_TIMER < 0x60, "every interrupt vector the kernel takes is in IRR 1 or 2");

bool arch_preemption_pending(void)
{
	return lapic_read(APIC_IRR + 0x10) | lapic_read(APIC_IRR + 0x20);
}
