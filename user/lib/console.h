/* The console server's protocol (user/console) and its client side.
 *
 * Clients Call the console endpoint (KOZO_PROC_CONSOLE, badged per client
 * by Init).  Bytes travel packed eight to a message register.
 *
 *   WRITE   MR0 n (<= CONSOLE_MAX_BYTES), MR1.. the bytes -> label 0
 *           ("\n" goes out as "\r\n")
 *   READ    MR0 max -> MR0 n, MR1.. the bytes; never blocks.  n = 0: the
 *           console signals the reader's notification (badge
 *           CONSOLE_SIG_INPUT) when input comes.  Readers: the shell and
 *           the Linux server (each has a notification the console holds);
 *           the last one to READ is the foreground one.  Others get
 *           KOZO_ERR_ILLEGAL_OPERATION
 *   IRQTEST the UART's transmitter interrupt raised once -> MR0 the bits
 *           it signalled, MR1 1 (the IRQ -> notification path works)
 *   FOREGROUND  the caller (a reader) becomes the foreground one -> label 0
 *   TAKE_INTR   unread input up to and including the last interrupt
 *           character (Ctrl-C, Ctrl-\, Ctrl-]) is discarded, as a terminal
 *           flushes its input on an interrupt -> MR0 the CONSOLE_INTR_*
 *           bits of the characters found (0: none, nothing discarded);
 *           readers only
 *
 * Input is never dropped: when the console's buffer is full it stops
 * reading the UART and masks its receive interrupt, so QEMU (or the
 * line) holds further bytes back until a READ makes room.  Ctrl-C, Ctrl-\
 * and Ctrl-] are signalled to the foreground reader as CONSOLE_SIG_INTR
 * on the same notification, even while nobody reads; the bytes stay in the
 * input, for READ or TAKE_INTR. */
#ifndef KOZO_USER_CONSOLE_H
#define KOZO_USER_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

enum console_label {
	CONSOLE_WRITE = 1,
	CONSOLE_READ = 2,
	CONSOLE_IRQTEST = 3,
	CONSOLE_FOREGROUND = 4,
	CONSOLE_TAKE_INTR = 5,
};

/* The badges Init mints the console endpoint with, one per client. */
#define KOZO_CONSOLE_BADGE_INIT 1
#define KOZO_CONSOLE_BADGE_FG 2    /* the shell: the one that reads */
#define KOZO_CONSOLE_BADGE_LINUX 3

#define CONSOLE_MAX_BYTES (8 * 119)
#define CONSOLE_SIG_INPUT 1
#define CONSOLE_SIG_INTR 2

/* The interrupt characters, and their bits in TAKE_INTR's answer. */
#define CONSOLE_CHAR_INTR 0x03   /* Ctrl-C */
#define CONSOLE_CHAR_QUIT 0x1c   /* Ctrl-\ */
#define CONSOLE_CHAR_ESCAPE 0x1d /* Ctrl-]: the Linux server's session escape */
#define CONSOLE_INTR_INTR 1
#define CONSOLE_INTR_QUIT 2
#define CONSOLE_INTR_ESCAPE 4
/* The CONSOLE_INTR_* bit of byte c, 0 for any other byte. */
static inline unsigned console_intr_bit(uint8_t c)
{
	return c == CONSOLE_CHAR_INTR ? CONSOLE_INTR_INTR
	     : c == CONSOLE_CHAR_QUIT ? CONSOLE_INTR_QUIT
	     : c == CONSOLE_CHAR_ESCAPE ? CONSOLE_INTR_ESCAPE : 0;
}

/* Use endpoint ep (a cptr) for console_write and printf; notification
 * ntfn (0: none) for console_getc. */
void console_client_init(uint64_t ep, uint64_t ntfn);
/* Write n bytes; a kozo_output_fn. */
void console_write(const char *s, size_t n);
/* The next input byte; waits on the notification while there is none.
 * Returns -1 if the console refuses (no console, not foreground). */
int console_getc(void);
/* Bits that came on the notification besides input (CONSOLE_SIG_INTR),
 * collected while console_getc waited; cleared by the call. */
uint64_t console_take_signals(void);
/* Each READ asks for at most max bytes (0: as many as fit).  1: this
 * client never holds input it has not consumed, so what it leaves unread
 * stays with the console for the next reader. */
void console_read_max(unsigned max);
/* Make this client the foreground reader (Ctrl-C is signalled to it).
 * 0, or the console's error. */
int console_foreground(void);
/* Input through the last interrupt character waiting (in this client's
 * buffer or the console's) is discarded; returns the CONSOLE_INTR_* bits of
 * the interrupt characters in it, 0 (nothing discarded) when none waits. */
unsigned console_take_intr(void);
/* The IRQTEST request: the signalled bits, or 0. */
uint64_t console_irqtest(void);

#endif
