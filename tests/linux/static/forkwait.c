/* The static-program suite (aarch64): fork (glibc's clone with SIGCHLD
 * and CLONE_CHILD_SETTID), the child's own memory, exit statuses through
 * waitpid, a child killed by a signal, and execve of another program. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int shared = 1;
	pid_t parent = getpid();
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			shared = 100 + i;  /* the child's copy only */
			_exit(getppid() == parent ? 10 + i : 99);
		}
		if (pid < 0) {
			printf("fork: %s\n", strerror(errno));
			return 1;
		}
		int st;
		pid_t w = waitpid(pid, &st, 0);
		printf("child %d: waited %s, exited %d, status %d\n", i, w == pid ? "ok" : "wrong",
		       WIFEXITED(st), WEXITSTATUS(st));
	}
	printf("parent's variable: %d\n", shared);

	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	printf("kill SIGTERM: %d\n", kill(pid, SIGTERM));
	int st;
	waitpid(pid, &st, 0);
	printf("killed child: signaled %d, signal %d\n", WIFSIGNALED(st), WTERMSIG(st));

	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/bin/hello", "from", "exec", NULL };
		execv("/bin/hello", argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	printf("exec'd child: status %d\n", WEXITSTATUS(st));
	pid = waitpid(-1, &st, 0);
	printf("waitpid with no children: %d (%s)\n", (int)pid, strerror(errno));
	return 3;
}
