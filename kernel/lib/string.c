/* The C library functions the kernel uses (declared in kernel/core/lib.h),
 * for freestanding kernels only: the host build uses libc's.  Plain C for
 * every architecture; word-sized loops where both sides are aligned, since
 * the kernel clears and copies whole pages (objects, Init's image). */
#include "lib.h"

typedef uint64_t word_alias __attribute__((may_alias));
#define WORD sizeof(word_alias)

static bool aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	if (aligned(p)) {
		word_alias w = 0x0101010101010101ull * (unsigned char)c;
		for (; n >= WORD; n -= WORD, p += WORD)
			*(word_alias *)p = w;
	}
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (aligned(dp) && aligned(sp))
		for (; n >= WORD; n -= WORD, dp += WORD, sp += WORD)
			*(word_alias *)dp = *(const word_alias *)sp;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp <= sp || dp >= sp + n) {  /* forward copy reads before it writes */
		for (size_t i = 0; i < n; i++)
			dp[i] = sp[i];
	} else {                         /* d overlaps the end of s: backwards */
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}
