/* Allocate and touch memory until there is none: malloc must return NULL
 * with ENOMEM (the Linux server's commit limit: never a kill), then a
 * large mmap and brk must fail with ENOMEM too; everything is freed and
 * memory comes back (a new allocation works), and the program exits 0.
 * Exit 1 on anything else.  Prints how far it got every 8 MiB. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK (1 << 20)

int main(void)
{
	static void *chunks[65536];
	size_t n = 0;
	for (;;) {
		void *p = n < sizeof(chunks) / sizeof(chunks[0]) ? malloc(CHUNK) : NULL;
		if (!p)
			break;
		memset(p, 0x5a, CHUNK);
		chunks[n++] = p;
		if (n % 8 == 0) {
			printf("eatmem: %zu MiB\n", n);
			fflush(stdout);
		}
	}
	int malloc_errno = errno;
	printf("eatmem: malloc failed after %zu MiB: %s\n", n,
	       malloc_errno == ENOMEM ? "ENOMEM" : "not ENOMEM");
	errno = 0;
	void *m = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int mmap_errno = errno;
	printf("eatmem: mmap of 64 MiB: %s\n",
	       m != MAP_FAILED ? "mapped" : mmap_errno == ENOMEM ? "ENOMEM" : "not ENOMEM");
	errno = 0;
	void *old = sbrk(0), *b = sbrk(64 << 20);
	int brk_errno = errno;
	printf("eatmem: sbrk of 64 MiB: %s, break %s\n",
	       b != (void *)-1 ? "moved" : brk_errno == ENOMEM ? "ENOMEM" : "not ENOMEM",
	       sbrk(0) == old ? "unchanged" : "moved");
	for (size_t i = 0; i < n; i++)
		free(chunks[i]);
	void *again = malloc(8 * CHUNK);
	if (again)
		memset(again, 0x5a, 8 * CHUNK);
	printf("eatmem: freed; 8 MiB again: %s\n", again ? "ok" : "failed");
	free(again);
	bool ok = n > 0 && malloc_errno == ENOMEM && m == MAP_FAILED && mmap_errno == ENOMEM &&
		  b == (void *)-1 && sbrk(0) == old && again;
	return ok ? 0 : 1;
}
