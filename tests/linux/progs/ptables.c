/* Page tables are memory too (issue 16).  Children map one page every
 * 512 GiB, each needing three page tables of its own, until mmap says
 * ENOMEM; then the parent touches the memory it mapped before them.  On
 * KOZO every process must live to end by itself: a mapping the server
 * cannot back with tables is refused, never a kill at the first touch.
 * Usage: ptables [children] [mappings per child] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MINE (256 * 1024)  /* small: 24 glibc children commit it again */

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 24, per = argc > 2 ? atoi(argv[2]) : 60;
	if (n < 1 || n > 60 || per < 1 || per > 120) {
		fprintf(stderr, "usage: ptables [children 1-60] [mappings 1-120]\n");
		return 2;
	}
	unsigned char *mine = mmap(NULL, MINE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
	int go[2], report[2], end[2];
	if (mine == MAP_FAILED || pipe(go) || pipe(report) || pipe(end)) {
		perror("ptables: setup");
		return 1;
	}
	for (int c = 0; c < n; c++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("ptables: fork");
			return 1;
		}
		if (pid)
			continue;
		close(go[1]);
		close(end[1]);
		char b;
		read(go[0], &b, 1);  /* EOF: go */
		int ok = 0, refused = 0;
		for (int k = 0; k < per; k++) {
			unsigned char *a = (unsigned char *)(((unsigned long)k + 2) << 39 |
							     (unsigned long)c << 30);
			void *r = mmap(a, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (r == MAP_FAILED) {
				if (errno != ENOMEM) {
					perror("ptables: mmap");
					_exit(3);
				}
				refused = 1;
				break;
			}
			*a = 1;
			ok++;
		}
		int msg[2] = { ok, refused };
		write(report[1], msg, sizeof(msg));
		read(end[0], &b, 1);  /* EOF: the end */
		_exit(0);
	}
	close(go[1]);
	close(report[1]);
	close(end[0]);
	printf("ptables: %d children forked\n", n);
	int mapped = 0, refused = 0, msg[2];
	for (int c = 0; c < n && read(report[0], msg, sizeof(msg)) == sizeof(msg); c++) {
		mapped += msg[0];
		refused += msg[1];
	}
	for (int i = 0; i < MINE; i += 4096)
		mine[i] = (unsigned char)i;
	printf("ptables: the parent touched its %d KiB\n", MINE / 1024);
	close(end[1]);
	int st, by_themselves = 0;
	while (wait(&st) > 0)
		by_themselves += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("ptables: %d children ended by themselves\n", by_themselves);
	fprintf(stderr, "ptables: %d pages mapped, %d children refused a mapping\n", mapped, refused);
	return by_themselves == n ? 0 : 1;
}
