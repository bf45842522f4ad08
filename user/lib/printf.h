/* Formatted output: %s %c %d %i %u %x %X %p %%, the l/ll/z length
 * modifiers, a width (or *), and the '-' and '0' flags. */
#ifndef KOZO_USER_PRINTF_H
#define KOZO_USER_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Where printf writes; the console driver installs itself here.  The
 * default is the kernel's debug putchar. */
typedef void (*kozo_output_fn)(const char *s, size_t n);
void kozo_set_output(kozo_output_fn fn);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
/* Returns the length the full output would have, like C99. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Write s as is (no formatting). */
void puts_raw(const char *s);

#endif
