/* Memory that is given back can be used again: map, touch and unmap a
 * region many times over (a long-running program's large malloc/free
 * does this), far more in total than a process may hold at once.  On
 * Linux it ends with status 0.  Usage: mmapchurn [KiB] [rounds] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long kib = argc > 1 ? atol(argv[1]) : 256, rounds = argc > 2 ? atol(argv[2]) : 1000;
	size_t len = (size_t)kib * 1024;
	for (long r = 0; r < rounds; r++) {
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
					-1, 0);
		if (p == MAP_FAILED) {
			printf("mmapchurn: mmap failed in round %ld\n", r);
			return 1;
		}
		for (size_t i = 0; i < len; i += 4096)
			p[i] = (unsigned char)(r + i);
		if (munmap(p, len) != 0) {
			printf("mmapchurn: munmap failed in round %ld\n", r);
			return 1;
		}
		if ((r + 1) % 100 == 0) {
			printf("round %ld\n", r + 1);
			fflush(stdout);
		}
	}
	printf("mmapchurn: %ld rounds of %ld KiB done\n", rounds, kib);
	return 0;
}
