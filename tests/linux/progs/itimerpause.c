/* An interval timer whose SIGALRM is ignored (or blocked), then pause():
 * on Linux the program waits until a signal that is not ignored comes
 * (Ctrl-C).  Every expiry of the timer must leave the Linux server as it
 * found it: it repeats the parked call and waits again, however many
 * expiries come.  With "sleep" it sleeps one second instead of pause(), and
 * the expiries must not cut the sleep short.
 * Usage: itimerpause [ignore|block] [interval-us] [pause|sleep] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
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
	if (argc > 3 && strcmp(argv[3], "sleep") == 0) {
		struct timespec a, b, one = { 1, 0 };
		clock_gettime(CLOCK_MONOTONIC, &a);
		int r = nanosleep(&one, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		printf("nanosleep(1 s) = %d after %s\n", r, ms >= 1000 ? "1 s or more" : "less than 1 s");
		return 0;
	}
	printf("pausing, SIGALRM %s every %ld us\n", mode, us);
	fflush(stdout);
	pause();
	printf("pause returned\n");
	return 0;
}
