/* The two PL011 UARTs (PrimeCell UART PL011 TRM, DDI 0183): UART0 at
 * 0x09000000 (serial 0) carries the kernel log and, through a device
 * Frame Init maps, Init's shell; the secure UART at 0x09040000 (serial 1,
 * present with secure=on) is reserved for the panic record.  The kernel
 * writes both by polling; UART0's receive interrupt is Init's. */
#include "kernel.h"
#include "port.h"
#include "aarch64.h"
#include "cpu.h"
#include <hw/pl011.h>


static uintptr_t uart0, panic_uart;

/* 115200 baud from virt's 24 MHz UART clock: 24e6 / (16 * 115200) = 13.02
 * (IBRD 13, FBRD 1).  QEMU ignores the rate; real PL011s do not. */
static void uart_init(uintptr_t base)
{
	mmio_write32(base + UART_CR, 0);
	mmio_write32(base + UART_IMSC, 0);
	mmio_write32(base + UART_IBRD, 13);
	mmio_write32(base + UART_FBRD, 1);
	mmio_write32(base + UART_LCR_H, LCR_H_8N1_FIFO);
	mmio_write32(base + UART_CR, CR_UARTEN_TXE_RXE);
}

/* Runs on boot.S's early tables, which map the devices' first GiB. */
void serial_init(void)
{
	uart0 = (uintptr_t)arch_phys_to_kernel(VIRT_UART0);
	uart_init(uart0);
}

static void uart_putc(uintptr_t base, char c)
{
	/* Bounded: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && (mmio_read32(base + UART_FR) & FR_TXFF); i++)
		;
	mmio_write32(base + UART_DR, (uint8_t)c);
}

void arch_console_putc(char c)
{
	console_log_put(c);
	if (!uart0)
		return;
	if (c == '\n')
		uart_putc(uart0, '\r');
	uart_putc(uart0, c);
}

void serial_console_raw(const char *s)
{
	for (; uart0 && *s; s++) {
		if (*s == '\n')
			uart_putc(uart0, '\r');
		uart_putc(uart0, *s);
	}
}

/* Both the early tables and paging.c map the UARTs' block. */
void serial_panic_init(void)
{
	panic_uart = (uintptr_t)arch_phys_to_kernel(VIRT_SECURE_UART);
	uart_init(panic_uart);
}

void serial_panic_write(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_putc(panic_uart, (char)buf[i]);
}

