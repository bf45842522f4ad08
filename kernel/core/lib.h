/* The few libc functions the kernel needs, without libc. */
#ifndef KOZO_CORE_LIB_H
#define KOZO_CORE_LIB_H

#include "types.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
