/* The console server: owns the UART (its I/O ports on x86_64, its mapped
 * registers on aarch64, its IRQHandler) and serves output and input to
 * clients over IPC (user/lib/console.h has the protocol).
 *
 * One thread.  The UART's interrupt signals the notification bound to
 * it, so a Recv on the service endpoint returns either a client's message
 * or the interrupt's bits (message info 0, every request has a label).
 *
 * No input byte is dropped: the receive ring only takes bytes while it
 * has room.  When it is full the server stops reading the UART and masks
 * its receive interrupt; the UART's FIFO fills and QEMU stops taking input
 * from its side.  A READ that makes room reads the UART again and
 * unmasks. */
#include <console.h>
#include <invoke.h>
#include <printf.h>
#include <proc.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>
#include "serial_hw.h"

#define IRQ_BADGE 1          /* the IRQ's bit on the bound notification */
/* The input ring: 256 KiB, a power of two (head and tail wrap at 2^32).
 * Typed-ahead input waits here for its reader; an interrupt key can only
 * be seen once the bytes typed before it are in, so the ring is sized far
 * beyond what a person types or pastes ahead of a busy program (with 8 KiB,
 * Ctrl-] after a 9,000-byte paste never got through). */
#define RING_SIZE (256u * 1024)

static struct {
	uint8_t ring[RING_SIZE];
	unsigned head, tail;     /* bytes ring[tail..head) are unread */
	bool held;               /* full: the UART is not read, RX masked */
	bool reader_waits;       /* a READ found nothing: signal on input */
} in;

/* The readers: their badge and the slots of their notification. */
static const struct reader {
	uint64_t badge;
	unsigned input, intr;
} readers[] = {
	{ KOZO_CONSOLE_BADGE_FG, KOZO_PROC_CONSOLE_FG, KOZO_PROC_CONSOLE_FG_INTR },
	{ KOZO_CONSOLE_BADGE_LINUX, KOZO_PROC_CONSOLE_LX, KOZO_PROC_CONSOLE_LX_INTR },
};
static const struct kozo_startup *startup;
static const struct reader *fg; /* the last to READ; Ctrl-C goes to it */

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

static void uart_write(const char *s, size_t n)
{
	unsigned room = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_byte('\r', &room);
		put_byte((uint8_t)s[i], &room);
	}
}

/* Move what the UART holds into the ring while it has room; when it has
 * none, leave the rest in the UART and mask the receive interrupt. */
static void drain(void)
{
	bool got = false, intr = false;
	while (in.head - in.tail < RING_SIZE) {
		if (!serial_hw_rx_ready())
			break;
		uint8_t c = serial_hw_rx();
		in.ring[in.head++ % RING_SIZE] = c;
		got = true;
		intr = intr || console_intr_bit(c);
	}
	bool full = in.head - in.tail == RING_SIZE;
	if (full != in.held) {
		in.held = full;
		serial_hw_rx_irq(!full);
	}
	if (fg && ((got && in.reader_waits) || intr)) {
		in.reader_waits = false;
		kozo_signal(intr ? fg->intr : fg->input);
	}
}

static void on_irq(void)
{
	/* Acknowledge first: a byte arriving after the drain raises a fresh
	 * interrupt rather than none. */
	kozo_irq_handler_ack(KOZO_PROC_IRQ_HANDLER);
	drain();
}

/* MR1.. of the current message as bytes. */
static void unpack(uint8_t *dst, size_t n, const uint64_t mr[4])
{
	uint64_t words[120];
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	for (unsigned i = 0; i < (n + 7) / 8; i++)
		words[i] = i + 1 < 4 ? mr[i + 1] : ipc->msg[i + 1];
	memcpy(dst, words, n);
}

static uint64_t do_write(uint64_t len, uint64_t mr[4])
{
	static uint8_t buf[CONSOLE_MAX_BYTES];
	uint64_t n = mr[0];
	if (n > CONSOLE_MAX_BYTES || (n + 7) / 8 + 1 > len)
		return kozo_msginfo(KOZO_ERR_INVALID_ARGUMENT, 0, 0, 0);
	unpack(buf, n, mr);
	uart_write((const char *)buf, n);
	return kozo_msginfo(KOZO_OK, 0, 0, 0);
}

/* The reader with this badge, or NULL: only readers READ. */
static const struct reader *reader_of(uint64_t badge)
{
	for (unsigned i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (readers[i].badge == badge && kozo_startup_has(startup, readers[i].input) &&
		    kozo_startup_has(startup, readers[i].intr))
			return &readers[i];
	return NULL;
}

/* Discard the unread input through its last interrupt character; MR0 the
 * CONSOLE_INTR_* bits of the interrupt characters discarded. */
static uint64_t do_take_intr(uint64_t badge, uint64_t mr[4])
{
	if (!reader_of(badge))
		return kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0);
	unsigned upto = in.tail, bits = 0;
	for (unsigned i = in.tail; i != in.head; i++)
		if (console_intr_bit(in.ring[i % RING_SIZE]))
			upto = i + 1;
	for (; in.tail != upto; in.tail++)
		bits |= console_intr_bit(in.ring[in.tail % RING_SIZE]);
	if (in.held)
		drain(); /* room again */
	mr[0] = bits;
	return kozo_msginfo(KOZO_OK, 0, 0, 1);
}

static uint64_t do_foreground(uint64_t badge)
{
	const struct reader *r = reader_of(badge);
	if (!r)
		return kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0);
	fg = r;
	return kozo_msginfo(KOZO_OK, 0, 0, 0);
}

static uint64_t do_read(uint64_t badge, uint64_t mr[4])
{
	const struct reader *r = reader_of(badge);
	if (!r)
		return kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0);
	fg = r;
	uint64_t max = mr[0] < CONSOLE_MAX_BYTES ? mr[0] : CONSOLE_MAX_BYTES;
	uint64_t words[120] = { 0 };
	uint8_t *bytes = (uint8_t *)words;
	uint64_t n = 0;
	while (n < max && in.tail != in.head)
		bytes[n++] = in.ring[in.tail++ % RING_SIZE];
	if (in.held)
		drain(); /* room again: read the UART, unmask */
	if (n == 0)
		in.reader_waits = true;
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	mr[0] = n;
	unsigned words_n = (unsigned)(n + 7) / 8;
	for (unsigned i = 0; i < words_n; i++) {
		if (i + 1 < 4)
			mr[i + 1] = words[i];
		else
			ipc->msg[i + 1] = words[i];
	}
	return kozo_msginfo(KOZO_OK, 0, 0, 1 + words_n);
}

/* Raise the transmitter-empty interrupt once and report what came on the
 * notification: the IRQ -> Notification path, for ipctest. */
static uint64_t do_irqtest(uint64_t mr[4])
{
	drain();
	(void)kozo_poll(KOZO_PROC_NTFN);
	kozo_irq_handler_ack(KOZO_PROC_IRQ_HANDLER);
	uint64_t word = 0;
	serial_hw_tx_irq(true);
	for (unsigned i = 0; i < 1000 && !word; i++)
		word |= kozo_poll(KOZO_PROC_NTFN);
	serial_hw_tx_irq(false);
	kozo_irq_handler_ack(KOZO_PROC_IRQ_HANDLER);
	drain();
	mr[0] = word;
	mr[1] = 1;
	return kozo_msginfo(KOZO_OK, 0, 0, 2);
}

_Noreturn void kozo_main(const struct kozo_startup *st);

_Noreturn void kozo_main(const struct kozo_startup *st)
{
	uint64_t base = st->device_paddr ? KOZO_PROC_DEVICE_ADDR : SERIAL_COM1;
	if (st->magic != KOZO_STARTUP_MAGIC || serial_hw_init(KOZO_PROC_IOPORT, base) != KOZO_OK) {
		/* Nothing to print with; stopping raises a fault Init reports. */
		for (;;)
			__asm__ volatile(KOZO_ARCH_UNDEFINED_INSN);
	}
	startup = st;
	serial_hw_rx_irq(true);
	kozo_irq_handler_ack(KOZO_PROC_IRQ_HANDLER); /* an edge before we were set up */
	drain();

	uint64_t mr[4] = { 0, 0, 0, 0 }, badge;
	uint64_t info = kozo_recv(KOZO_PROC_SERVICE, &badge, mr);
	for (;;) {
		uint64_t reply;
		if (info == 0) { /* the bound notification: the UART's interrupt */
			if (badge & IRQ_BADGE)
				on_irq();
			info = kozo_recv(KOZO_PROC_SERVICE, &badge, mr);
			continue;
		}
		switch (kozo_msginfo_label(info)) {
		case CONSOLE_WRITE: reply = do_write(kozo_msginfo_length(info), mr); break;
		case CONSOLE_READ: reply = do_read(badge, mr); break;
		case CONSOLE_IRQTEST: reply = do_irqtest(mr); break;
		case CONSOLE_FOREGROUND: reply = do_foreground(badge); break;
		case CONSOLE_TAKE_INTR: reply = do_take_intr(badge, mr); break;
		default: reply = kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0); break;
		}
		info = kozo_reply_recv(KOZO_PROC_SERVICE, reply, mr, &badge);
	}
}
