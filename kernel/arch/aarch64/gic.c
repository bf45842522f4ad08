/* GICv3: distributor, this CPU's redistributor and the ICC system-register
 * CPU interface (GICv3/v4 architecture specification, IHI 0069).
 *
 * The kernel runs in Secure state, so it sets GICD_CTLR.DS: the GIC then
 * has a single security state and the kernel owns all of it.  Every
 * interrupt is Group 0, which the GIC signals as FIQ; the vectors treat
 * IRQ and FIQ alike.  The core's IRQ n is SPI n (INTID 32 + n): the PL011
 * is IRQ 1.  SPIs start disabled; the core enables one when an IRQHandler
 * gets a notification and again at each IRQHandler_Ack, and gic_handle()
 * disables it as it arrives, so a level-triggered device interrupt is
 * taken once until its driver has quietened the device. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR(n) (0x0080 + 4 * (n))
#define GICD_ISENABLER(n) (0x0100 + 4 * (n))
#define GICD_ICENABLER(n) (0x0180 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x0400 + 4 * (n))
#define GICD_ICFGR(n) (0x0c00 + 4 * (n))
#define GICD_IROUTER(n) (0x6000 + 8 * (n))
#define CTLR_ENABLE_G0 (1u << 0)
#define CTLR_ARE (1u << 4)
#define CTLR_DS (1u << 6)
#define CTLR_RWP (1u << 31)

#define GICR_WAKER 0x0014
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_SGI 0x10000               /* SGI_base frame */
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR(n) (GICR_SGI + 0x0400 + 4 * (n))

#define PRIORITY 0xa0u                 /* all alike: no preemption */
#define PRIORITY_X4 (PRIORITY * 0x01010101u)

static uintptr_t gicd, gicr;
static unsigned spi_count;

static void gicd_wait(void)
{
	for (unsigned i = 0; i < 1000000 && (mmio_read32(gicd + GICD_CTLR) & CTLR_RWP); i++)
		;
}

static void distributor_init(void)
{
	unsigned lines = ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;

	spi_count = lines - INTID_SPI_BASE;
	if (spi_count > IRQ_COUNT)
		spi_count = IRQ_COUNT;
	mmio_write32(gicd + GICD_CTLR, CTLR_DS);
	gicd_wait();
	mmio_write32(gicd + GICD_CTLR, CTLR_DS | CTLR_ARE);
	gicd_wait();
	for (unsigned n = INTID_SPI_BASE / 32; n < lines / 32; n++) {
		mmio_write32(gicd + GICD_ICENABLER(n), ~0u);
		mmio_write32(gicd + GICD_IGROUPR(n), 0);
	}
	for (unsigned n = INTID_SPI_BASE / 4; n < lines / 4; n++)
		mmio_write32(gicd + GICD_IPRIORITYR(n), PRIORITY_X4);
	/* Level-sensitive (virt's devices are), routed to CPU 0 (affinity 0). */
	for (unsigned n = INTID_SPI_BASE / 16; n < lines / 16; n++)
		mmio_write32(gicd + GICD_ICFGR(n), 0);
	for (unsigned i = INTID_SPI_BASE; i < lines; i++)
		mmio_write64(gicd + GICD_IROUTER(i), 0);
	gicd_wait();
	mmio_write32(gicd + GICD_CTLR, CTLR_DS | CTLR_ARE | CTLR_ENABLE_G0);
	gicd_wait();
}

static void redistributor_init(void)
{
	mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
	for (unsigned i = 0; i < 1000000 && (mmio_read32(gicr + GICR_WAKER) & WAKER_CHILDREN_ASLEEP); i++)
		;
	mmio_write32(gicr + GICR_ICENABLER0, ~0u);
	mmio_write32(gicr + GICR_IGROUPR0, 0);
	for (unsigned n = 0; n < 8; n++)
		mmio_write32(gicr + GICR_IPRIORITYR(n), PRIORITY_X4);
	mmio_write32(gicr + GICR_ISENABLER0, 1u << INTID_VTIMER);
}

static void cpu_interface_init(void)
{
	write_sysreg_s(ICC_SRE_EL1, read_sysreg_s(ICC_SRE_EL1) | 1);  /* SRE */
	isb();
	write_sysreg_s(ICC_PMR_EL1, 0xff);
	write_sysreg_s(ICC_BPR0_EL1, 0);
	write_sysreg_s(ICC_CTLR_EL1, 0);          /* EOI drops priority and deactivates */
	write_sysreg_s(ICC_IGRPEN0_EL1, 1);
	isb();
}

void gic_init(void)
{
	gicd = (uintptr_t)arch_phys_to_kernel(VIRT_GICD);
	gicr = (uintptr_t)arch_phys_to_kernel(VIRT_GICR);
	distributor_init();
	redistributor_init();
	cpu_interface_init();
	kprintf("gic: GICv3, %u SPIs usable, timer INTID %u, Group 0 (FIQ)\n", spi_count,
		INTID_VTIMER);
}

void gic_handle(void)
{
	uint32_t intid = (uint32_t)read_sysreg_s(ICC_IAR0_EL1) & 0xffffff;

	if (intid >= INTID_SPURIOUS)
		return;
	if (intid == INTID_VTIMER) {
		timer_rearm();
		write_sysreg_s(ICC_EOIR0_EL1, intid);
		kernel_timer_tick(&kernel);
	} else if (intid >= INTID_SPI_BASE && intid - INTID_SPI_BASE < spi_count) {
		word_t irq = intid - INTID_SPI_BASE;

		/* Disabled until the driver acknowledges it (IRQHandler_Ack). */
		arch_irq_mask(irq);
		write_sysreg_s(ICC_EOIR0_EL1, intid);
		kernel_irq(&kernel, irq);
	} else {
		write_sysreg_s(ICC_EOIR0_EL1, intid);
		kprintf("gic: unexpected INTID %u ignored\n", intid);
	}
}

/* The crash UART's interrupt is never handed out: nothing but the panic
 * path touches that UART. */
bool arch_irq_valid(word_t irq)
{
	return irq < spi_count && irq != VIRT_SECURE_UART_SPI;
}

void arch_irq_mask(word_t irq)
{
	if (irq < spi_count) {
		unsigned intid = (unsigned)irq + INTID_SPI_BASE;
		mmio_write32(gicd + GICD_ICENABLER(intid / 32), 1u << (intid % 32));
		gicd_wait();
	}
}

void arch_irq_unmask(word_t irq)
{
	if (irq < spi_count) {
		unsigned intid = (unsigned)irq + INTID_SPI_BASE;
		mmio_write32(gicd + GICD_ISENABLER(intid / 32), 1u << (intid % 32));
	}
}

/* A preemption point's question (kernel/core/preempt.h): is an IRQ or FIQ
 * pending at this PE, masked by PSTATE.I in the kernel?  ISR_EL1.I and .F
 * (Arm ARM D17.2.85) show what the GIC's CPU interface signals. */
#define ISR_F (1u << 6)
#define ISR_I (1u << 7)

bool arch_preemption_pending(void)
{
	return read_sysreg(isr_el1) & (ISR_I | ISR_F);
}
