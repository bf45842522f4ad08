/* The PL011 UART's registers (PrimeCell UART PL011 TRM, ARM DDI 0183):
 * byte offsets from its base, and the bits KOZO uses.  Hardware facts, not
 * KOZO's ABI: the aarch64 kernel (serial 0 and the panic channel) and
 * Init's console driver both drive a PL011. */
#ifndef KOZO_HW_PL011_H
#define KOZO_HW_PL011_H

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCR_H 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCR_H_8N1_FIFO 0x70    /* WLEN 8 bits, FIFOs enabled */
#define CR_UARTEN_TXE_RXE 0x301
#define IMSC_RX_RT ((1u << 4) | (1u << 6)) /* receive, receive timeout */
#define IMSC_TX (1u << 5)

#endif
