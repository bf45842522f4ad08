/* The two 16550 UARTs: COM1 (serial 0) carries the kernel log and, through
 * an IOPort capability, Init's shell; COM2 (serial 1) is reserved for the
 * panic record: only the panic path initialises and writes it.  The kernel
 * writes both by polling, with COM1's interrupts left to Init. */
#include "kernel.h"
#include "port.h"
#include "cpu.h"
#include "x86.h"
#include <hw/uart16550.h>

#define COM1 UART16550_COM1
#define COM2 PANIC_UART_PORT


static void uart_init(uint16_t base)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, 1);       /* 115200 = 115200 / 1 */
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR_14);    /* FIFOs on, cleared, 14-byte trigger */
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
}

void serial_init(void)
{
	uart_init(COM1);
}

static void uart_putc(uint16_t base, char c)
{
	/* Bounded: a missing UART must not hang the kernel. */
	for (unsigned i = 0; i < 100000 && !(inb(base + UART_LSR) & LSR_THR_EMPTY); i++)
		cpu_pause();
	outb(base + UART_THR, (uint8_t)c);
}

void arch_console_putc(char c)
{
	console_log_put(c);
	if (c == '\n')
		uart_putc(COM1, '\r');
	uart_putc(COM1, c);
}


void serial_console_raw(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc(COM1, '\r');
		uart_putc(COM1, *s);
	}
}

void serial_panic_init(void)
{
	uart_init(COM2);
}

void serial_panic_write(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		uart_putc(COM2, (char)buf[i]);
}
