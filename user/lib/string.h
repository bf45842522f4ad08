/* The small libc subset user space needs: memory and string functions and
 * number parsing.  Freestanding: the compiler may also call memcpy/memset
 * itself for struct copies, so these are real functions. */
#ifndef KOZO_USER_STRING_H
#define KOZO_USER_STRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Parse an unsigned number, decimal or 0x-prefixed hex, like strtoul with
 * base 0 minus octal.  *end (when not NULL) is set past the last digit.
 * Returns false (and *out untouched) if there is no digit or it overflows. */
bool kozo_parse_u64(const char *s, uint64_t *out, const char **end);
/* The whole string must be a number. */
bool kozo_parse_u64_all(const char *s, uint64_t *out);

#endif
