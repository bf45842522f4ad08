/* The console UART: a 16550 through an IOPort capability (x86_64) or a
 * PL011 through its mapped registers (aarch64).  Output polls the UART;
 * input is interrupt-driven: the UART's IRQ signals a Notification, the
 * reader drains the receive FIFO and acknowledges. */
#ifndef KOZO_USER_SERIAL_H
#define KOZO_USER_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM1 0x3f8   /* UART16550_COM1, include/hw/uart16550.h */

/* Program the UART (8N1, FIFOs on, interrupts off).  base is its first
 * I/O port, reached through the IOPort capability `ioport` (x86_64), or
 * the virtual address its registers are mapped at (aarch64; ioport is
 * unused).  Returns a kozo_error. */
int serial_init(uint64_t ioport, uint64_t base);

/* Route receive interrupts: irq_handler must already signal ntfn (see
 * kozo_irq_handler_set_notification).  Without this, input is polled. */
int serial_enable_rx_irq(uint64_t irq_handler, uint64_t ntfn);

/* Write n bytes, "\n" as "\r\n".  Usable as a kozo_output_fn. */
void serial_write(const char *s, size_t n);

/* Raise the UART's transmitter-empty interrupt once and return the bits
 * it signalled on the input notification (0 when none came), proving the
 * IRQ -> Notification path.  Call it between reads only. */
uint64_t serial_irq_roundtrip(void);

/* The next received byte; blocks (on the notification) until one comes. */
int serial_getc(void);

#endif
