/* Allocate and touch memory until there is none: the Linux server must
 * end it (out of memory) within its own budget, and the rest of the
 * system goes on.  Prints how far it got before each 1 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t total = 0;
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("eatmem: malloc failed after %zu MiB\n", total >> 20);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		total += 1 << 20;
		printf("eatmem: %zu MiB\n", total >> 20);
		fflush(stdout);
	}
}
