/* The UART itself, one driver per architecture in arch/<arch>/serial_hw.c
 * (16550 through an IOPort capability on x86_64, PL011 through a mapped
 * device Frame on aarch64); serial.c does the rest. */
#ifndef KOZO_USER_SERIAL_HW_H
#define KOZO_USER_SERIAL_HW_H

#include <stdbool.h>
#include <stdint.h>

/* Program the UART (8N1, FIFOs on, interrupts off); see serial_init(). */
int serial_hw_init(uint64_t ioport, uint64_t base);
/* Raise the interrupt when received data waits. */
void serial_hw_rx_irq_enable(void);
/* Raise (on) or stop and clear (off) the transmitter's "room for data"
 * interrupt: an idle transmitter raises it at once (serial_irq_roundtrip). */
void serial_hw_tx_irq(bool on);
/* Bytes the transmitter takes now without waiting (0: full). */
unsigned serial_hw_tx_room(void);
void serial_hw_tx(uint8_t c);
bool serial_hw_rx_ready(void);
uint8_t serial_hw_rx(void);

#endif
