/* A program that faults: "segv" writes through a bad pointer, "ill" runs
 * an undefined instruction.  The server must kill it with the Linux-style
 * status (128 + signal) and go on. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("about to crash\n");
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "ill") == 0) {
#ifdef __aarch64__
		__asm__ volatile("udf #0");
#else
		__asm__ volatile("ud2");
#endif
	}
	*(volatile int *)8 = 1;
	return 0;
}
