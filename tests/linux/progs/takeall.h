/* Every byte the Linux server can promise, for the test programs that
 * need it (memroom, tmpfree): writable anonymous mappings of 1 MiB, then
 * halves down to 4 KiB, until mmap says ENOMEM.  A header of static
 * definitions: each program is built on its own (x86_64) or as a part of
 * kozotest with its own copy (aarch64). */
#ifndef TAKEALL_H
#define TAKEALL_H

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#define MAXCH 4096
static char *chunk[MAXCH];
static size_t chunk_len[MAXCH];

/* The mappings in chunk[], chunk_len[]: their count (0 when mmap failed
 * other than with ENOMEM); *total their bytes. */
static unsigned take_all(unsigned long *total)
{
	unsigned n = 0;
	*total = 0;
	for (size_t len = 1ul << 20; len >= 4096 && n < MAXCH;) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			if (errno != ENOMEM)
				return 0;
			len /= 2;
			continue;
		}
		chunk[n] = p;
		chunk_len[n++] = len;
		*total += len;
	}
	return n;
}

#endif
