/* Timers and signals reach a process that runs user code and makes no
 * system call (issue 16, "Time"): the Linux server learns of a deadline
 * from the kernel's timer line, not from the next call of the process.
 * Before the line, each of these spun for ever.
 *   alarm    a SIGALRM handler, an interval timer of 100 ms, a spin in
 *            user code until the handler has run 3 times
 *   default  alarm(1) with SIGALRM's default action, a spin: the process
 *            ends killed by SIGALRM (run in a child; the parent reports)
 *   kill     a child spins; the parent sleeps 200 ms, sends SIGTERM,
 *            reaps it
 *   chld     the parent SIGKILLs a paused child, then spins until its
 *            SIGCHLD handler has run (the signal its own call caused:
 *            taken at the next call, or 100 ms later while it spins)
 *   sleep N  nanosleep N ms (the suites time it from outside)
 * Usage: timerspin alarm|default|kill|chld|sleep [ms] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A spin with no system call in it: only a signal ends it. */
static void spin_until(volatile sig_atomic_t *v, int n)
{
	while (*v < n)
		;
}

static int run_alarm(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 100000 }, { 0, 100000 } };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		perror("timerspin: setitimer");
		return 1;
	}
	spin_until(&alarms, 3);
	long ms = ms_since(&t0);
	printf("timerspin: 3 alarms reached the spinning process after %ld ms: %s\n", ms,
	       ms >= 290 ? "ok" : "too soon");
	return ms < 290;
}

static int child_status(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static int run_default(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		static volatile sig_atomic_t never;
		alarm(1);
		spin_until(&never, 1);
		_exit(0);
	}
	int st = child_status(pid);
	printf("timerspin: alarm(1) in a spinning child: status %d (%s)\n", st,
	       st == 128 + SIGALRM ? "killed by SIGALRM: ok" : "wrong");
	return st != 128 + SIGALRM;
}

static int run_kill(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		static volatile sig_atomic_t never;
		spin_until(&never, 1);
		_exit(0);
	}
	struct timespec d = { 0, 200000000 };
	nanosleep(&d, NULL);
	kill(pid, SIGTERM);
	int st = child_status(pid);
	printf("timerspin: SIGTERM to a spinning child after a 200 ms sleep: status %d (%s)\n", st,
	       st == 128 + SIGTERM ? "ok" : "wrong");
	return st != 128 + SIGTERM;
}

static volatile sig_atomic_t chlds;

static void on_chld(int sig)
{
	(void)sig;
	chlds++;
}

static int run_chld(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	struct timespec d = { 0, 50000000 };
	nanosleep(&d, NULL);  /* (the child is in pause() by now) */
	kill(pid, SIGKILL);
	spin_until(&chlds, 1);
	int st = child_status(pid);
	printf("timerspin: SIGCHLD of a child its own kill ended reached the spinning parent: status %d (%s)\n",
	       st, st == 128 + SIGKILL ? "ok" : "wrong");
	return st != 128 + SIGKILL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "alarm") == 0)
		return run_alarm();
	if (strcmp(mode, "default") == 0)
		return run_default();
	if (strcmp(mode, "kill") == 0)
		return run_kill();
	if (strcmp(mode, "chld") == 0)
		return run_chld();
	if (strcmp(mode, "sleep") == 0) {
		long ms = argc > 2 ? atol(argv[2]) : 1000;
		struct timespec d = { ms / 1000, ms % 1000 * 1000000 }, t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		nanosleep(&d, NULL);
		printf("timerspin: slept %ld ms\n", ms_since(&t0));
		return 0;
	}
	fprintf(stderr, "usage: timerspin alarm|default|kill|chld|sleep [ms]\n");
	return 2;
}
