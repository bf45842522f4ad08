/* 16550 UART driver (COM1 on x86_64), user space, via IOPort invocations. */
#include "serial.h"
#include "invoke.h"
#include "syscall.h"
#include <stdbool.h>

/* Register offsets and bits. */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_DLL 0 /* divisor, with LCR.DLAB */
#define UART_DLM 1
#define IER_RX_AVAILABLE 0x01
#define IER_THR_EMPTY 0x02
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* FIFOs on, both cleared, RX trigger 1 byte */
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PCs */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define UART_FIFO_SIZE 16

static struct {
	uint64_t ioport;
	uint16_t base;
	uint64_t irq_handler, ntfn; /* 0: poll for input */
	char ring[256];
	unsigned head, tail;        /* bytes ring[tail..head) are unread */
} uart;

static uint8_t reg_in(unsigned reg)
{
	uint8_t v = 0;
	kozo_ioport_in8(uart.ioport, (uint16_t)(uart.base + reg), &v);
	return v;
}

static void reg_out(unsigned reg, uint8_t v)
{
	kozo_ioport_out8(uart.ioport, (uint16_t)(uart.base + reg), v);
}

int serial_init(uint64_t ioport, uint16_t base)
{
	uart.ioport = ioport;
	uart.base = base;
	uint8_t probe;
	int err = kozo_ioport_in8(ioport, (uint16_t)(base + UART_LSR), &probe);
	if (err)
		return err;
	reg_out(UART_IER, 0);
	reg_out(UART_LCR, LCR_DLAB);
	reg_out(UART_DLL, 1); /* 115200 baud */
	reg_out(UART_DLM, 0);
	reg_out(UART_LCR, LCR_8N1);
	reg_out(UART_FCR, FCR_ENABLE_CLEAR);
	reg_out(UART_MCR, MCR_DTR_RTS_OUT2);
	return 0;
}

int serial_enable_rx_irq(uint64_t irq_handler, uint64_t ntfn)
{
	uart.irq_handler = irq_handler;
	uart.ntfn = ntfn;
	reg_out(UART_IER, IER_RX_AVAILABLE);
	/* An edge may have come before the handler was set: start unmasked. */
	kozo_irq_handler_ack(irq_handler);
	return 0;
}

/* Write up to a FIFO's worth each time the transmitter reports empty, so
 * output costs about one status read per 16 bytes. */
static void put_byte(uint8_t c, unsigned *room)
{
	while (*room == 0) {
		if (reg_in(UART_LSR) & LSR_THR_EMPTY)
			*room = UART_FIFO_SIZE;
		else
			kozo_arch_relax();
	}
	reg_out(UART_THR, c);
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
	while (reg_in(UART_LSR) & LSR_DATA_READY) {
		uint8_t c = reg_in(UART_RBR);
		if (uart.head - uart.tail < sizeof(uart.ring))
			uart.ring[uart.head++ % sizeof(uart.ring)] = (char)c;
	}
}

int serial_getc(void)
{
	drain();
	while (uart.head == uart.tail) {
		if (uart.ntfn) {
			kozo_wait(uart.ntfn);
			drain();
			kozo_irq_handler_ack(uart.irq_handler);
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
	uint64_t word = 0;
	/* The transmitter is idle, so enabling its interrupt raises one. */
	reg_out(UART_IER, IER_RX_AVAILABLE | IER_THR_EMPTY);
	for (unsigned i = 0; i < 1000 && !word; i++)
		word |= kozo_poll(uart.ntfn);
	reg_out(UART_IER, IER_RX_AVAILABLE);
	(void)reg_in(UART_IIR);
	kozo_irq_handler_ack(uart.irq_handler);
	drain();
	return word;
}
