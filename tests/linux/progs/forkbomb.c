/* fork until fork fails: every child stays (making system calls) until
 * the parent ends, which ends them all.  The Linux server must refuse
 * forks past its limits (EAGAIN or ENOMEM) within its own budget. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int children = 0;
	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			for (;;)
				getppid();
		}
		if (pid < 0) {
			printf("forkbomb: fork failed after %d children: %s\n", children,
			       strerror(errno));
			return 0;
		}
		children++;
	}
}
