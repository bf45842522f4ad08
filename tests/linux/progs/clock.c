/* The clocks as a program sees them (issue 16, "Time"): the real time
 * (CLOCK_REALTIME, which the server takes from the platform's RTC at
 * boot), and a nanosleep of argv[1] milliseconds (default 1000) measured
 * with CLOCK_MONOTONIC.  The suites compare the real time with the host's
 * and time the sleep from outside, which finds an uncalibrated counter:
 * the program alone could not, as both its clocks tick from it. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long ms_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 1000;
	struct timespec rt, a, b, d = { ms / 1000, ms % 1000 * 1000000 };
	if (clock_gettime(CLOCK_REALTIME, &rt) || clock_gettime(CLOCK_MONOTONIC, &a)) {
		perror("clock: clock_gettime");
		return 1;
	}
	printf("clock: realtime %lld\n", (long long)rt.tv_sec);
	fflush(stdout);
	if (nanosleep(&d, NULL) || clock_gettime(CLOCK_MONOTONIC, &b)) {
		perror("clock: nanosleep");
		return 1;
	}
	printf("clock: slept %lld ms\n", ms_of(&b) - ms_of(&a));
	return 0;
}
