/* The UART itself, one driver per architecture in user/console/arch/<arch>/serial_hw.c
 * (16550 through an IOPort capability on x86_64, PL011 through a mapped
 * device Frame on aarch64); the console server (main.c) does the rest. */
#ifndef KOZO_USER_SERIAL_HW_H
#define KOZO_USER_SERIAL_HW_H

#include <stdbool.h>
#include <stdint.h>

/* Program the UART (8N1, FIFOs on, interrupts off).  base is its first
 * I/O port, reached through the IOPort capability `ioport` (x86_64), or
 * the virtual address its registers are mapped at (aarch64).  Returns a
 * kozo_error. */
#define SERIAL_COM1 0x3f8
int serial_hw_init(uint64_t ioport, uint64_t base);
/* Raise (on) or not (off) the interrupt when received data waits. */
void serial_hw_rx_irq(bool on);
/* Raise (on) or stop and clear (off) the transmitter's "room for data"
 * interrupt: an idle transmitter raises it at once (serial_irq_roundtrip). */
void serial_hw_tx_irq(bool on);
/* Bytes the transmitter takes now without waiting (0: full). */
unsigned serial_hw_tx_room(void);
void serial_hw_tx(uint8_t c);
bool serial_hw_rx_ready(void);
uint8_t serial_hw_rx(void);

#endif
