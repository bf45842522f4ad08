/* 16550 UART (COM1 on x86_64), user space, via IOPort invocations. */
#include "serial_hw.h"
#include "invoke.h"
#include <hw/uart16550.h>

/* Register offsets and bits: include/hw/uart16550.h. */

static uint64_t ioport_cap;
static uint8_t ier_rx;
static uint16_t port_base;

static uint8_t reg_in(unsigned reg)
{
	uint8_t v = 0;
	kozo_ioport_in8(ioport_cap, (uint16_t)(port_base + reg), &v);
	return v;
}

static void reg_out(unsigned reg, uint8_t v)
{
	kozo_ioport_out8(ioport_cap, (uint16_t)(port_base + reg), v);
}

/* base is the UART's first I/O port. */
int serial_hw_init(uint64_t ioport, uint64_t base)
{
	ioport_cap = ioport;
	port_base = (uint16_t)base;
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

void serial_hw_rx_irq(bool on)
{
	ier_rx = on ? IER_RX_AVAILABLE : 0;
	reg_out(UART_IER, ier_rx);
}

/* A FIFO's worth each time the transmitter reports empty, so output costs
 * about one status read (one invocation) per 16 bytes. */
unsigned serial_hw_tx_room(void)
{
	return reg_in(UART_LSR) & LSR_THR_EMPTY ? UART_FIFO_SIZE : 0;
}

void serial_hw_tx_irq(bool on)
{
	reg_out(UART_IER, ier_rx | (on ? IER_THR_EMPTY : 0));
	if (!on)
		(void)reg_in(UART_IIR);   /* reading IIR clears a pending THRE */
}

void serial_hw_tx(uint8_t c)
{
	reg_out(UART_THR, c);
}

bool serial_hw_rx_ready(void)
{
	return reg_in(UART_LSR) & LSR_DATA_READY;
}

uint8_t serial_hw_rx(void)
{
	return reg_in(UART_RBR);
}
