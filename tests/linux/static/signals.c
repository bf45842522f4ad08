/* The static-program suite (aarch64): signal handlers run on the aarch64
 * rt_sigframe and return through rt_sigreturn (glibc sets no
 * SA_RESTORER: the server's trampoline page), the interrupted code's
 * registers come back, masks, pending signals, sigsuspend, SIGALRM, and a
 * SIGSEGV handler that leaves with siglongjmp. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got, last;
static sigjmp_buf env;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got++;
	last = sig;
	if (si->si_signo != sig)
		last = -1;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);  /* the last signal ends it: no buffer left behind */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	/* Values the interrupted code holds in registers across the handler. */
	volatile long a = 6, b = 7;
	long before = a * b;
	kill(getpid(), SIGUSR1);
	long after = a * b;
	printf("SIGUSR1: handler ran %d time(s), signal %d, values %ld %ld\n", (int)got, (int)last,
	       before, after);

	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	kill(getpid(), SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("blocked: handler ran %d time(s), pending %d\n", (int)got, sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: handler ran %d time(s)\n", (int)got);

	sigprocmask(SIG_BLOCK, &block, &old);
	alarm(1);
	sigset_t wait_mask;
	sigemptyset(&wait_mask);
	int r = sigsuspend(&wait_mask);
	printf("sigsuspend: %d (%s), last signal %d\n", r, strerror(errno), (int)last);
	sigprocmask(SIG_SETMASK, &old, NULL);

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(env, 1) == 0) {
		*(volatile int *)8 = 1;
		printf("SIGSEGV: no fault?\n");
	} else {
		printf("SIGSEGV: handler left with siglongjmp\n");
	}

	signal(SIGUSR2, SIG_IGN);
	kill(getpid(), SIGUSR2);
	printf("ignored SIGUSR2: still here\n");
	signal(SIGUSR2, SIG_DFL);
	kill(getpid(), SIGUSR2);
	printf("never printed\n");
	return 0;
}
