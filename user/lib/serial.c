/* The console UART, user space: polled output, interrupt-driven input.
 * The UART's IRQ signals a Notification; the reader drains the receive
 * FIFO into a ring and acknowledges.  The hardware itself is in
 * arch/<arch>/serial_hw.c. */
#include "serial.h"
#include "serial_hw.h"
#include "invoke.h"
#include "syscall.h"

static struct {
	uint64_t irq_handler, ntfn; /* 0: poll for input */
	char ring[256];
	unsigned head, tail;        /* bytes ring[tail..head) are unread */
} uart;

int serial_init(uint64_t ioport, uint64_t base)
{
	return serial_hw_init(ioport, base);
}

int serial_enable_rx_irq(uint64_t irq_handler, uint64_t ntfn)
{
	uart.irq_handler = irq_handler;
	uart.ntfn = ntfn;
	serial_hw_rx_irq_enable();
	/* An edge may have come before the handler was set: start unmasked. */
	kozo_irq_handler_ack(irq_handler);
	return 0;
}

static void put_byte(uint8_t c, unsigned *room)
{
	while (*room == 0) {
		*room = serial_hw_tx_room();
		if (*room == 0)
			kozo_arch_relax();
	}
	serial_hw_tx(c);
	(*room)--;
}

void serial_write(const char *s, size_t n)
{
	unsigned room = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_byte('\r', &room);
		put_byte((uint8_t)s[i], &room);
	}
}

/* Move every byte the UART holds into the ring (dropping on overflow). */
static void drain(void)
{
	while (serial_hw_rx_ready()) {
		uint8_t c = serial_hw_rx();
		if (uart.head - uart.tail < sizeof(uart.ring))
			uart.ring[uart.head++ % sizeof(uart.ring)] = (char)c;
	}
}

int serial_getc(void)
{
	drain();
	while (uart.head == uart.tail) {
		if (uart.ntfn) {
			/* Acknowledge before draining: the kernel masked the line
			 * when the interrupt came, and a byte arriving while it
			 * was masked raised no edge the IOAPIC kept.  Drained
			 * after the unmask, that byte is read now, and the next
			 * one raises a fresh edge. */
			kozo_wait(uart.ntfn);
			kozo_irq_handler_ack(uart.irq_handler);
			drain();
		} else {
			kozo_yield();
			drain();
		}
	}
	return (unsigned char)uart.ring[uart.tail++ % sizeof(uart.ring)];
}

uint64_t serial_irq_roundtrip(void)
{
	if (!uart.ntfn)
		return 0;
	/* A signal can be pending from input serial_getc() drained without
	 * waiting (its interrupt then stays masked until an ack): consume it
	 * and unmask, so that only a new interrupt counts below. */
	drain();
	(void)kozo_poll(uart.ntfn);
	kozo_irq_handler_ack(uart.irq_handler);
	uint64_t word = 0;
	/* The transmitter is idle, so enabling its interrupt raises one. */
	serial_hw_tx_irq(true);
	for (unsigned i = 0; i < 1000 && !word; i++)
		word |= kozo_poll(uart.ntfn);
	serial_hw_tx_irq(false);
	kozo_irq_handler_ack(uart.irq_handler);
	drain();
	return word;
}
