/* PL011 UART (QEMU virt's UART0), user space, through its registers mapped
 * from a device Frame (PrimeCell UART PL011 TRM, DDI 0183). */
#include "serial_hw.h"
#include <hw/pl011.h>
#include <kozo/errors.h>

static volatile uint32_t *regs;
static uint32_t imsc_rx;

static uint32_t reg(unsigned off) { return regs[off / 4]; }
static void reg_set(unsigned off, uint32_t v) { regs[off / 4] = v; }

/* base is the virtual address the registers are mapped at; ioport is
 * unused. */
int serial_hw_init(uint64_t ioport, uint64_t base)
{
	(void)ioport;
	if (!base)
		return KOZO_ERR_INVALID_ARGUMENT;
	regs = (volatile uint32_t *)base;
	reg_set(UART_CR, 0);
	reg_set(UART_IMSC, 0);
	reg_set(UART_ICR, 0x7ff);
	reg_set(UART_IBRD, 13); /* 115200 baud from 24 MHz */
	reg_set(UART_FBRD, 1);
	reg_set(UART_LCR_H, LCR_H_8N1_FIFO);
	reg_set(UART_CR, CR_UARTEN_TXE_RXE);
	return KOZO_OK;
}

void serial_hw_rx_irq(bool on)
{
	imsc_rx = on ? IMSC_RX_RT : 0;
	reg_set(UART_IMSC, imsc_rx);
}

/* Register reads cost no system call here: one byte at a time. */
/* QEMU's PL011 keeps its transmit interrupt raised after every byte sent
 * until ICR clears it, so after the prompt unmasking it fires at once. */
void serial_hw_tx_irq(bool on)
{
	reg_set(UART_IMSC, imsc_rx | (on ? IMSC_TX : 0));
	if (!on)
		reg_set(UART_ICR, IMSC_TX);
}

unsigned serial_hw_tx_room(void)
{
	return reg(UART_FR) & FR_TXFF ? 0 : 1;
}

void serial_hw_tx(uint8_t c)
{
	reg_set(UART_DR, c);
}

bool serial_hw_rx_ready(void)
{
	return !(reg(UART_FR) & FR_RXFE);
}

uint8_t serial_hw_rx(void)
{
	return (uint8_t)reg(UART_DR);
}
