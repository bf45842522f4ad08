/* Interrupt descriptor table: all 256 vectors go to the stubs of entry.S
 * (16 bytes apart), which push the vector and enter traps.c.  Interrupt
 * gates clear IF, so the kernel always runs with interrupts masked. */
#include "kernel.h"
#include "x86.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate (SDM Vol. 3A, 7.14.1)");

#define GATE_INTERRUPT_DPL0 0x8e
#define GATE_INTERRUPT_DPL3 0xee   /* reachable by `int n` from user mode */
#define TRAP_STUB_SIZE 16

extern char trap_stubs[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void idt_set(unsigned vec, uint8_t type, uint8_t ist)
{
	uint64_t a = (uint64_t)(trap_stubs + vec * TRAP_STUB_SIZE);

	idt[vec] = (struct idt_gate){
		.offset_lo = a & 0xffff,
		.selector = SEL_KERNEL_CS,
		.ist = ist,
		.type = type,
		.offset_mid = (a >> 16) & 0xffff,
		.offset_hi = a >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set(v, GATE_INTERRUPT_DPL0, 0);
	/* int3 and into are meant for user programs; any other `int n` from
	 * user mode is a #GP, so user space cannot fake an IRQ or a fault. */
	idt_set(3, GATE_INTERRUPT_DPL3, 0);
	idt_set(4, GATE_INTERRUPT_DPL3, 0);
	/* Double fault, NMI and machine check on their own stacks (TSS IST). */
	idt_set(8, GATE_INTERRUPT_DPL0, 1);
	idt_set(2, GATE_INTERRUPT_DPL0, 2);
	idt_set(18, GATE_INTERRUPT_DPL0, 3);

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}
