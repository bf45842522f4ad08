/* MAP_SHARED anonymous memory is shared across fork, as on Linux: what
 * the child writes the parent reads, and the other way round, in pages
 * touched before the fork and in pages nobody had touched; a grandchild
 * shares it too.  MAP_PRIVATE memory stays private (copy on write).
 * Before, MAP_SHARED anonymous memory was copied on write like private
 * memory: the parent never saw the child's writes.
 * Usage: shmanon [pages] */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static int bad;

static void expect(const char *what, int ok)
{
	printf("shmanon: %s: %s\n", what, ok ? "ok" : "BAD");
	bad |= !ok;
}

static int status_of(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Every page of m holds its index plus tag in each word? */
static int holds(const volatile uint64_t *m, long pages, uint64_t tag)
{
	for (long i = 0; i < pages; i++)
		for (long w = 0; w < PAGE / 8; w += 64)
			if (m[i * PAGE / 8 + w] != (uint64_t)i + tag)
				return 0;
	return 1;
}

static void fill(volatile uint64_t *m, long pages, uint64_t tag)
{
	for (long i = 0; i < pages; i++)
		for (long w = 0; w < PAGE / 8; w += 64)
			m[i * PAGE / 8 + w] = (uint64_t)i + tag;
}

int main(int argc, char **argv)
{
	long pages = argc > 1 ? atol(argv[1]) : 64;
	if (pages < 2 || pages > 4096) {
		fprintf(stderr, "usage: shmanon [pages: 2..4096]\n");
		return 2;
	}
	size_t len = (size_t)pages * PAGE;
	volatile uint64_t *sh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *pr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Read-only first and read (the shared zero page, elsewhere), then
	 * writable: its pages must still be this region's own. */
	volatile uint64_t *ro = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pr == MAP_FAILED || ro == MAP_FAILED) {
		perror("shmanon: mmap");
		return 1;
	}
	uint64_t sum = 0;
	for (long i = 0; i < pages; i++)
		sum += ro[i * PAGE / 8];
	if (mprotect((void *)ro, len, PROT_READ | PROT_WRITE) != 0) {
		perror("shmanon: mprotect");
		return 1;
	}
	sh[0] = 1;  /* one page touched before the fork, the rest not */
	pr[0] = 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fill(sh, pages, 1000);
		fill(pr, pages, 2000);
		fill(ro, pages, 3000);
		_exit(0);
	}
	expect("the child ran", status_of(pid) == 0);
	expect("the parent reads the child's writes to MAP_SHARED memory", holds(sh, pages, 1000));
	expect("... and to MAP_SHARED memory read while read-only", holds(ro, pages, 3000) && sum == 0);
	expect("MAP_PRIVATE memory stays the parent's", pr[0] == 1 && pr[PAGE / 8] == 0);

	/* The other way, with a pipe for the order: the parent writes after
	 * the fork, a grandchild reads it, then writes back. */
	int go[2], done[2];
	if (pipe(go) || pipe(done)) {
		perror("shmanon: pipe");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		pid_t g = fork();
		if (g == 0) {
			if (!holds(sh, pages, 5000))
				_exit(4);
			fill(sh, pages, 6000);
			_exit(0);
		}
		int st = status_of(g);
		(void)!write(done[1], "x", 1);
		_exit(st);
	}
	fill(sh, pages, 5000);
	(void)!write(go[1], "x", 1);
	char c;
	(void)!read(done[0], &c, 1);
	int st = status_of(pid);
	expect("a grandchild reads what the parent wrote after the fork", st == 0);
	expect("the parent reads the grandchild's writes", holds(sh, pages, 6000));
	/* Nothing leaked into the zero page other mappings read. */
	volatile uint64_t *fresh = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t z = 0;
	for (long i = 0; fresh != MAP_FAILED && i < pages; i++)
		z |= fresh[i * PAGE / 8];
	expect("fresh read-only memory still reads zeros", fresh != MAP_FAILED && z == 0);
	return bad;
}
