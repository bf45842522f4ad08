/* The static-program suite (aarch64): pipe2 between a parent and a forked
 * child, dup2 onto standard output, end of file when the writer closes,
 * and EPIPE when the reader is gone (SIGPIPE ignored). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	if (pipe(p) != 0) {
		printf("pipe: %s\n", strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		for (int i = 1; i <= 3; i++)
			printf("message %d from the child\n", i);
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	char buf[256];
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	printf("parent read %zu bytes:\n%s", got, buf);
	printf("read at end of file: %zd\n", read(p[0], buf, 1));
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	printf("child status %d\n", WEXITSTATUS(st));

	signal(SIGPIPE, SIG_IGN);
	pipe(p);
	close(p[0]);
	n = write(p[1], "x", 1);
	printf("write with no reader: %zd (%s)\n", n, strerror(errno));
	return 0;
}
