/* raise() in a program that is not process 1: musl sends the signal to
 * the thread id set_tid_address gave at startup.  The parent runs itself
 * again (fork, execve); the new program handles SIGUSR1 it raises.
 * Before, set_tid_address gave every program 1, so the new program's
 * raise() killed process 1, the parent.  Usage: tidraise */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	caught = sig;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		signal(SIGUSR1, on_usr1);
		raise(SIGUSR1);
		printf("tidraise: the new program caught its own signal: %s\n",
		       caught == SIGUSR1 ? "yes" : "no");
		return caught != SIGUSR1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", NULL };
		execv(argv[0], args);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("tidraise: fork or wait failed\n");
		return 1;
	}
	printf("tidraise: the parent is still here; the new program's status %d\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return !WIFEXITED(st) || WEXITSTATUS(st);
}
