/* Linux system-call figures for `make bench` (scripts/bench/linux.sh): the
 * round trip of a trivial call (getppid: fault to the Linux server, its
 * dispatch, the reply) and fork + execve + wait of `busybox true`.  Times
 * are cycle-counter differences: rdtsc on x86_64, which under QEMU
 * -icount shift=0 counts guest instructions; elsewhere CLOCK_MONOTONIC
 * nanoseconds.  Prints "lxbench: <what> min N median N max N".
 * Usage: lxbench [rounds] [forks] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 100000

static uint64_t now(void)
{
#ifdef __x86_64__
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("lxbench: %-22s min %llu median %llu max %llu (%d rounds)\n", what,
	       (unsigned long long)v[0], (unsigned long long)v[n / 2],
	       (unsigned long long)v[n - 1], n);
}

static int arg(int argc, char **argv, int i, int dflt, int max)
{
	int v = argc > i ? atoi(argv[i]) : dflt;
	if (v < 1 || v > max) {
		fprintf(stderr, "lxbench: argument %d must be 1..%d\n", i, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static uint64_t t[MAX_ROUNDS];
	int rounds = arg(argc, argv, 1, 1000, MAX_ROUNDS), forks = arg(argc, argv, 2, 10, 1000);

	for (int i = 0; i < rounds; i++) {
		uint64_t a = now();
		t[i] = now() - a;
	}
	report("clock (nothing timed)", t, rounds);
	for (int i = 0; i < rounds; i++) {
		uint64_t a = now();
		syscall(SYS_getppid);
		t[i] = now() - a;
	}
	report("getppid round trip", t, rounds);
	for (int i = 0; i < forks; i++) {
		uint64_t a = now();
		pid_t pid = fork();
		if (pid < 0) {
			perror("lxbench: fork");
			return 1;
		}
		if (pid == 0) {
			execl("/bin/busybox", "true", (char *)NULL);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "lxbench: busybox true did not exit 0 (status 0x%x)\n", st);
			return 1;
		}
		t[i] = now() - a;
	}
	report("fork+exec+wait true", t, forks);
	return 0;
}
