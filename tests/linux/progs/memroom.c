/* Written pages outside the commitments against clean ones (issue 16, a
 * red team's finding): stacks and /tmp must leave room for the clean
 * pages (text) that the server drops and faults in again.
 * memroom stack [pages]: a child reads `pages` never-written stack pages
 *   (the shared zero frame, clean), the parent maps writable memory until
 *   mmap says ENOMEM, the child writes its stack pages (past the room its
 *   stack may be refused: SIGSEGV, as Linux's stack that cannot grow),
 *   then the parent touches every byte it was promised.  Before, the
 *   child's writes took room nobody had checked, and the parent was killed
 *   touching promised memory.
 * memroom tmp: write /tmp until it says ENOSPC, then run on.  Before,
 *   /tmp took the room of every dropped text page, and the writer was
 *   killed at its next instruction fetch. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "takeall.h"

static int stack_mode(unsigned pages)
{
	int go[2], done[2];
	if (pipe(go) || pipe(done))
		return 2;
	printf("memroom: a child reads %u stack pages\n", pages);  /* write()'s text in before fork */
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 3;
	if (!pid) {
		close(go[1]);
		close(done[0]);
		volatile char here;
		char *sp = (char *)((unsigned long)&here & ~4095ul) - 16 * 4096, c;
		unsigned long sum = 0;
		for (unsigned i = 0; i < pages; i++)
			sum += ((volatile char *)sp)[-(long)i * 4096];
		write(done[1], "r", 1);
		read(go[0], &c, 1);
		for (unsigned i = 0; i < pages; i++)
			((volatile char *)sp)[-(long)i * 4096] = 1;
		write(done[1], "w", 1);
		read(go[0], &c, 1);
		_exit(sum != 0);
	}
	close(go[0]);
	close(done[1]);
	signal(SIGPIPE, SIG_IGN);  /* the child may be gone */
	char c;
	if (read(done[0], &c, 1) != 1)
		return 4;
	unsigned long total;
	unsigned n = take_all(&total);
	if (!n)
		return 5;
	write(go[1], "g", 1);
	int wrote = read(done[0], &c, 1) == 1;  /* 0: the child's stack was refused */
	for (unsigned i = 0; i < n; i++)
		for (size_t o = 0; o < chunk_len[i]; o += 4096)
			chunk[i][o] = 1;
	printf("memroom: the parent touched all %lu KiB it was promised: ok\n", total >> 10);
	write(go[1], "g", 1);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 6;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && wrote)
		printf("memroom: the child wrote its stack pages\n");
	else if (WIFSIGNALED(st) && WTERMSIG(st) == 11 && !wrote)
		printf("memroom: the child's stack was refused (SIGSEGV)\n");
	else
		return 7;
	return 0;
}

static int tmp_mode(void)
{
	static char buf[65536];
	memset(buf, 7, sizeof(buf));
	printf("memroom: filling /tmp\n");  /* printf's text in before */
	fflush(stdout);
	int fd = open("/tmp/memroom", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 2;
	unsigned long total = 0;
	ssize_t w;
	while ((w = write(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long)w;
	if (w == 0 || errno != ENOSPC)
		return 3;
	printf("memroom: /tmp took %lu KiB, then ENOSPC\n", total >> 10);
	close(fd);
	unlink("/tmp/memroom");
	printf("memroom: still running after /tmp was full: ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "stack"))
		return stack_mode(argc > 2 ? (unsigned)atoi(argv[2]) : 1500);
	if (argc > 1 && !strcmp(argv[1], "tmp"))
		return tmp_mode();
	fprintf(stderr, "usage: memroom stack [pages] | memroom tmp\n");
	return 2;
}
