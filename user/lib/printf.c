/* printf family over one formatter that emits into a sink. */
#include "printf.h"
#include "string.h"
#include "syscall.h"
#include <stdbool.h>
#include <stdint.h>

/* The formatter's output: a bounded buffer that may be flushed. */
struct sink {
	char *buf;
	size_t size, used;   /* bytes in buf */
	size_t total;        /* bytes produced overall */
	kozo_output_fn flush; /* NULL: snprintf, keep only what fits */
};

static void debug_output(const char *s, size_t n)
{
	while (n--)
		kozo_debug_putchar(*s++);
}

static kozo_output_fn output = debug_output;

void kozo_set_output(kozo_output_fn fn)
{
	output = fn ? fn : debug_output;
}

static void put(struct sink *k, char c)
{
	k->total++;
	if (k->flush) {
		if (k->used == k->size) {
			k->flush(k->buf, k->used);
			k->used = 0;
		}
		k->buf[k->used++] = c;
	} else if (k->used + 1 < k->size) {
		k->buf[k->used++] = c;
	}
}

static void put_padded(struct sink *k, const char *s, size_t len, unsigned width, bool left,
		       char pad)
{
	size_t fill = width > len ? width - len : 0;
	/* Zero padding goes after a sign. */
	if (pad == '0' && len && s[0] == '-') {
		put(k, '-');
		s++, len--;
	}
	if (!left)
		while (fill--)
			put(k, pad);
	while (len--)
		put(k, *s++);
	if (left)
		while (fill--)
			put(k, ' ');
}

/* Digits of v in base into tmp (at least 24 bytes); returns the length. */
static size_t format_number(char *tmp, uint64_t v, unsigned base, bool upper, bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, len = 0;
	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		tmp[len++] = '-';
	while (n)
		tmp[len++] = rev[--n];
	return len;
}

static void format(struct sink *k, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(k, *fmt);
			continue;
		}
		fmt++;
		bool left = false;
		char pad = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		unsigned width = 0;
		if (*fmt == '*') {
			int w = va_arg(ap, int);
			if (w < 0) {
				left = true;
				w = -w;
			}
			width = (unsigned)w;
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (unsigned)(*fmt - '0');
		if (left)
			pad = ' ';
		unsigned longs = 0;
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;

		char tmp[24];
		size_t len;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put_padded(k, s, strlen(s), width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(k, tmp, 1, width, left, ' ');
			break;
		case 'd':
		case 'i': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			len = format_number(tmp, mag, 10, false, v < 0);
			put_padded(k, tmp, len, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			len = format_number(tmp, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false);
			put_padded(k, tmp, len, width, left, pad);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			tmp[0] = '0';
			tmp[1] = 'x';
			len = 2 + format_number(tmp + 2, v, 16, false, false);
			put_padded(k, tmp, len, width, left, ' ');
			break;
		}
		case '%':
			put(k, '%');
			break;
		case '\0':
			return;
		default:   /* unknown conversion: show it */
			put(k, '%');
			put(k, *fmt);
			break;
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink k = { .buf = buf, .size = size };
	format(&k, fmt, ap);
	if (size)
		buf[k.used] = '\0';
	return (int)k.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[128];
	struct sink k = { .buf = buf, .size = sizeof(buf), .flush = output };
	format(&k, fmt, ap);
	if (k.used)
		output(buf, k.used);
	return (int)k.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void puts_raw(const char *s)
{
	output(s, strlen(s));
}
