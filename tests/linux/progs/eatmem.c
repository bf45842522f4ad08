/* Allocate and touch memory until there is none: malloc fails with
 * ENOMEM where the server has a commit limit (aarch64) and the program
 * exits on its own, else the server ends it (out of memory); either way
 * within the server's budget, and the rest of the system goes on.
 * Prints how far it got before each 1 MiB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	size_t total = 0;
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("eatmem: malloc failed after %zu MiB: %s\n", total >> 20,
			       errno == ENOMEM ? "ENOMEM" : "not ENOMEM");
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		total += 1 << 20;
		printf("eatmem: %zu MiB\n", total >> 20);
		fflush(stdout);
	}
}
