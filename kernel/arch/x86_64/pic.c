/* The legacy 8259 interrupt controllers: remapped to vectors 0xe0-0xef so
 * a stray interrupt cannot look like an exception, then fully masked.  The
 * IOAPIC takes over the ISA interrupts (8259A data sheet, ICW1-ICW4). */
#include "kernel.h"
#include "cpu.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11);               /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, VEC_PIC_BASE);      /* ICW2: vector base */
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 4);                 /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);                 /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);              /* mask everything */
	outb(PIC2_DATA, 0xff);
}
