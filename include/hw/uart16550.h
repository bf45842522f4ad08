/* The 16550 UART's registers (National PC16550D data sheet): offsets from
 * its base I/O port, and the bits KOZO uses; and where a PC has its first
 * two.  Hardware facts, not KOZO's ABI: the x86_64 kernel (serial 0, and
 * the panic channel on COM2, which no IOPort capability reaches) and
 * Init's console driver both drive a 16550. */
#ifndef KOZO_HW_UART16550_H
#define KOZO_HW_UART16550_H

#define UART16550_COM1 0x3f8   /* serial 0: kernel log, Init's console */
#define UART16550_COM2 0x2f8   /* serial 1: the kernel's panic channel */
#define UART16550_PORTS 8      /* I/O ports of one UART */

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
#define FCR_ENABLE_CLEAR 0x07  /* FIFOs on, both cleared, RX trigger 1 byte */
#define FCR_ENABLE_CLEAR_14 0xc7 /* the same, RX trigger 14 bytes */
#define MCR_DTR_RTS_OUT2 0x0b  /* OUT2 gates the IRQ line on PCs */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define UART_FIFO_SIZE 16

#endif
