/* Memory mapped PROT_WRITE only or PROT_EXEC only can be read: x86_64 and
 * arm64 pages cannot be write- or execute-only, and Linux lets the process
 * read them.  Before, KOZO's server killed the first read of such a page
 * (SIGSEGV: bad access) and write(2) from it got EFAULT.
 * Prints what it read; exits 0. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	static const int prots[] = { PROT_WRITE, PROT_EXEC };
	static const char *const names[] = { "write-only", "exec-only" };
	for (int i = 0; i < 2; i++) {
		volatile unsigned char *p = mmap(NULL, 2 * 4096, prots[i], MAP_PRIVATE | MAP_ANONYMOUS,
						 -1, 0);
		if (p == MAP_FAILED) {
			perror("protread: mmap");
			return 1;
		}
		printf("protread: %s page reads %d\n", names[i], p[0]);
		/* the second page's first touch is the system's copy-in */
		int fds[2];
		if (pipe(fds)) {
			perror("protread: pipe");
			return 1;
		}
		long n = write(fds[1], (const void *)(p + 4096), 1);
		printf("protread: write(2) from the %s page: %ld\n", names[i], n);
		close(fds[0]);
		close(fds[1]);
	}
	return 0;
}
