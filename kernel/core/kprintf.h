/* Kernel console output. */
#ifndef KOZO_CORE_KPRINTF_H
#define KOZO_CORE_KPRINTF_H

#include <stdarg.h>
#include "types.h"

/* Supports %s %c %d %u %x %lx %lu %ld %llx %p %%, with width and 0-padding. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Format into buf (always NUL-terminated); returns the length written. */
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
