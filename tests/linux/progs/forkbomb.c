/* fork until fork fails: every child waits (pause) until the parent,
 * whose fork failed, ends them with SIGTERM and waits for them all.  The
 * Linux server must refuse forks past its limits (EAGAIN or ENOMEM)
 * within its own budget, killing nobody: every child must end by the
 * parent's SIGTERM.  Prints how many children were alive at once. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KIDS 4096

static pid_t kids[MAX_KIDS];

int main(void)
{
	int children = 0, err = 0;
	while (children < MAX_KIDS) {
		pid_t pid = fork();
		if (pid == 0) {
			for (;;)
				pause();
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		kids[children++] = pid;
	}
	if (!err) {
		printf("forkbomb: %d children and fork never failed\n", children);
		return 1;
	}
	printf("forkbomb: fork failed after %d children: %s\n", children, strerror(err));
	for (int i = 0; i < children; i++)
		kill(kids[i], SIGTERM);
	int termed = 0, other = 0, status;
	while (wait(&status) > 0) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)
			termed++;
		else
			other++;
	}
	printf("forkbomb: %d children alive at once, %d ended by SIGTERM, %d otherwise\n",
	       children, termed, other);
	return termed == children && other == 0 ? 0 : 1;
}
