/* A fork that fails takes no memory.  A sibling holds every byte the
 * server can promise but 3 MiB; the parent maps 16 MiB of read-only
 * MAP_SHARED anonymous memory (which costs nothing until touched) and
 * forks: ENOMEM, as the region's pages would not fit, and no more than
 * the process table's new entry (a few pages) taken.  Then the sibling
 * writes 64 KiB of new stack (pages outside the commitments) and must not
 * be killed for it.  Before, the failed fork had made the region's pages
 * one by one until the room ran out, and kept them: MemFree fell by the
 * 3 MiB and the sibling got SIGSEGV ("no memory left for a page not
 * committed").  (red team rt10) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static int bad;

static void expect(const char *what, int ok)
{
	printf("shfail: %s: %s\n", what, ok ? "ok" : "BAD");
	fflush(stdout);
	bad |= !ok;
}

static unsigned long free_kib(void)
{
	struct sysinfo si;
	return sysinfo(&si) ? 0 : si.freeram * si.mem_unit >> 10;
}

/* The sibling: holds all but 3 MiB (1 MiB mappings, then halves down to
 * 4 KiB, until ENOMEM; not takeall.h, whose arrays would grow every
 * process of aarch64's multi-call kozotest), says so, then grows its
 * stack. */
#define MIB (1ul << 20)
static char *mib[512];

static int sibling(int ready, int go)
{
	unsigned n = 0;
	for (size_t len = MIB; len >= 4096;) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			if (errno != ENOMEM)
				return 2;
			len /= 2;
			continue;
		}
		memset(p, 0x5a, len);
		if (len == MIB && n < 512)
			mib[n++] = p;
	}
	if (n < 4)
		return 2;
	for (unsigned i = 0; i < 3; i++)
		munmap(mib[i], MIB);
	char c = 'x';
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 3;
	volatile char big[64 * 1024];
	memset((char *)big, 1, sizeof(big));
	for (unsigned i = 3; i < n; i++)
		if (mib[i][0] != 0x5a || mib[i][MIB - 1] != 0x5a)
			return 4;
	return big[100] == 1 ? 0 : 5;
}

int main(void)
{
	int ready[2], go[2];
	if (pipe(ready) || pipe(go)) {
		perror("shfail: pipe");
		return 1;
	}
	fflush(stdout);
	pid_t h = fork();
	if (h == 0)
		_exit(sibling(ready[1], go[0]));
	char c;
	if (h < 0 || read(ready[0], &c, 1) != 1) {
		perror("shfail: sibling");
		return 1;
	}
	size_t len = 16ul << 20;
	char *r = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	expect("16 MiB of read-only MAP_SHARED memory mapped", r != MAP_FAILED);
	unsigned long before = free_kib();
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	unsigned long after = free_kib();
	printf("shfail: fork %s, free %lu KiB before, %lu KiB after\n",
	       pid < 0 ? "failed" : "succeeded", before, after);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* (The process table may have grown by an entry: a few pages.) */
	expect("a failed fork takes no memory (its table entry aside)", pid > 0 || after + 128 >= before);
	(void)!write(go[1], "x", 1);
	int st;
	expect("the sibling grows its stack and keeps its memory",
	       waitpid(h, &st, 0) == h && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return bad;
}
