/* IOAPIC: device interrupts for user-space drivers.  Pin n raises vector
 * 0x20 + n on this CPU.  Every pin starts masked; the core unmasks one when
 * an IRQHandler gets a notification and again at each IRQHandler_Ack, and
 * traps.c masks it as the interrupt arrives (82093AA IOAPIC data sheet). */
#include "kernel.h"
#include "kprintf.h"
#include "x86.h"

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)
/* ISA interrupts (pins 0-15) are edge-triggered, active high; the PCI
 * interrupts q35 routes to pins 16-23 are level-triggered, active low. */
#define ISA_PINS 16

static volatile uint32_t *ioapic;
static unsigned pin_count;

static uint32_t ioapic_read(unsigned reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

void ioapic_init(void)
{
	ioapic = paging_map_device(IOAPIC_PHYS);
	pin_count = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	if (pin_count > IOAPIC_MAX_PINS)
		pin_count = IOAPIC_MAX_PINS;
	for (unsigned pin = 0; pin < pin_count; pin++) {
		uint32_t lo = RTE_MASKED | (VEC_IRQ_BASE + pin);

		if (pin >= ISA_PINS)
			lo |= RTE_LEVEL | RTE_ACTIVE_LOW;
		/* Physical destination mode, fixed delivery, this CPU. */
		ioapic_write(IOAPIC_REDTBL(pin) + 1, lapic_id() << 24);
		ioapic_write(IOAPIC_REDTBL(pin), lo);
	}
	kprintf("ioapic: %u pins, vectors 0x%x..0x%x\n", pin_count, VEC_IRQ_BASE,
		VEC_IRQ_BASE + pin_count - 1);
}

unsigned ioapic_pins(void)
{
	return pin_count;
}

bool arch_irq_valid(word_t irq)
{
	return irq < pin_count;
}

void arch_irq_mask(word_t irq)
{
	if (irq < pin_count)
		ioapic_write(IOAPIC_REDTBL(irq), ioapic_read(IOAPIC_REDTBL(irq)) | RTE_MASKED);
}

void arch_irq_unmask(word_t irq)
{
	if (irq < pin_count)
		ioapic_write(IOAPIC_REDTBL(irq), ioapic_read(IOAPIC_REDTBL(irq)) & ~RTE_MASKED);
}
