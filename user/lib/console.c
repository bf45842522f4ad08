/* The console server's client side (console.h). */
#include "console.h"
#include "syscall.h"
#include "string.h"
#include <kozo/errors.h>

static uint64_t console_ep, console_ntfn, signals, read_max = CONSOLE_MAX_BYTES;
static uint8_t inbuf[CONSOLE_MAX_BYTES];
static unsigned in_len, in_pos;

void console_client_init(uint64_t ep, uint64_t ntfn)
{
	console_ep = ep;
	console_ntfn = ntfn;
}

static void pack(const uint8_t *src, size_t n, struct kozo_ipc_buffer *ipc, uint64_t mr[4])
{
	uint64_t words[120] = { 0 };
	memcpy(words, src, n);
	for (unsigned i = 0; i < (n + 7) / 8; i++) {
		if (i + 1 < 4)
			mr[i + 1] = words[i];
		else
			ipc->msg[i + 1] = words[i];
	}
}

void console_write(const char *s, size_t n)
{
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	while (n && console_ep) {
		size_t chunk = n > CONSOLE_MAX_BYTES ? CONSOLE_MAX_BYTES : n;
		uint64_t mr[4] = { chunk, 0, 0, 0 };
		pack((const uint8_t *)s, chunk, ipc, mr);
		kozo_call(console_ep, kozo_msginfo(CONSOLE_WRITE, 0, 0, 1 + (unsigned)(chunk + 7) / 8),
			  mr);
		s += chunk;
		n -= chunk;
	}
}

/* One READ; the bytes land in inbuf.  Returns their number, -1 on refusal. */
static int read_some(void)
{
	uint64_t mr[4] = { read_max, 0, 0, 0 };
	uint64_t info = kozo_msginfo(CONSOLE_READ, 0, 0, 1);
	if (kozo_call_status(console_ep, &info, mr) || kozo_msginfo_label(info) != KOZO_OK)
		return -1;
	unsigned len = kozo_msginfo_length(info);
	uint64_t n = mr[0];
	if (n > sizeof(inbuf) || (n + 7) / 8 + 1 > len)
		return -1;
	uint64_t words[120];
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	for (unsigned i = 0; i < (n + 7) / 8; i++)
		words[i] = i + 1 < 4 ? mr[i + 1] : ipc->msg[i + 1];
	memcpy(inbuf, words, n);
	in_len = (unsigned)n;
	in_pos = 0;
	return (int)n;
}

int console_getc(void)
{
	while (in_pos == in_len) {
		int n = read_some();
		if (n < 0)
			return -1;
		if (n == 0) {
			if (!console_ntfn)
				kozo_yield();
			else
				signals |= kozo_wait(console_ntfn) & ~(uint64_t)CONSOLE_SIG_INPUT;
		}
	}
	return inbuf[in_pos++];
}

uint64_t console_take_signals(void)
{
	uint64_t s = signals;
	signals = 0;
	return s;
}

void console_read_max(unsigned max)
{
	read_max = max == 0 || max > CONSOLE_MAX_BYTES ? CONSOLE_MAX_BYTES : max;
}

int console_foreground(void)
{
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(CONSOLE_FOREGROUND, 0, 0, 0);
	int err = kozo_call_status(console_ep, &info, mr);
	return err ? err : (int)kozo_msginfo_label(info);
}

unsigned console_take_intr(void)
{
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(CONSOLE_TAKE_INTR, 0, 0, 0);
	unsigned bits = 0, upto = in_pos; /* inbuf[in_pos, upto) is discarded */
	for (unsigned i = in_pos; i < in_len; i++)
		if (console_intr_bit(inbuf[i]))
			upto = i + 1;
	if (kozo_call_status(console_ep, &info, mr) == KOZO_OK && kozo_msginfo_label(info) == KOZO_OK &&
	    mr[0]) {
		bits = (unsigned)mr[0] & (CONSOLE_INTR_INTR | CONSOLE_INTR_QUIT | CONSOLE_INTR_ESCAPE);
		upto = in_len; /* what this client holds came before it */
	}
	for (unsigned i = in_pos; i < upto; i++)
		bits |= console_intr_bit(inbuf[i]);
	in_pos = upto;
	return bits;
}

uint64_t console_irqtest(void)
{
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(CONSOLE_IRQTEST, 0, 0, 0);
	if (kozo_call_status(console_ep, &info, mr) || kozo_msginfo_label(info) != KOZO_OK)
		return 0;
	return mr[0];
}
