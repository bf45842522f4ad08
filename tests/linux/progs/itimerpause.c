/* An interval timer whose SIGALRM is ignored (or blocked), then pause():
 * on Linux the program waits until a signal that is not ignored comes
 * (Ctrl-C).  Every expiry of the timer must leave the Linux server as it
 * found it: it repeats the parked call and waits again, however many
 * expiries come.  Usage: itimerpause [ignore|block] [interval-us] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "ignore";
	long us = argc > 2 ? atol(argv[2]) : 1000;
	if (strcmp(mode, "block") == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGALRM);
		sigprocmask(SIG_BLOCK, &s, NULL);
	} else {
		signal(SIGALRM, SIG_IGN);
	}
	struct itimerval it = { { us / 1000000, us % 1000000 }, { us / 1000000, us % 1000000 } };
	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		perror("setitimer");
		return 1;
	}
	printf("pausing, SIGALRM %s every %ld us\n", mode, us);
	fflush(stdout);
	pause();
	printf("pause returned\n");
	return 0;
}
