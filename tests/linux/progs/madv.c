/* madvise as Linux: MADV_DONTNEED drops private pages (anonymous ones
 * read zeros next, a private file mapping the file's bytes again) and
 * gives their memory back (MemFree goes up); MAP_SHARED anonymous pages
 * keep their bytes; MADV_FREE on a file mapping, an unknown advice and
 * MADV_WIPEONFORK are EINVAL, a range with a hole ENOMEM.  Before,
 * every advice was accepted and ignored.
 * Usage: madv [file] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define PAGES 256

static int bad;

static void expect(const char *what, int ok)
{
	printf("madv: %s: %s\n", what, ok ? "ok" : "BAD");
	bad |= !ok;
}

static long mem_free_kib(void)
{
	char buf[512];
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strstr(buf, "MemFree:");
	return p ? atol(p + 8) : -1;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "/etc/motd";
	size_t len = PAGES * PAGE;
	unsigned char *pr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open(file, O_RDONLY);
	unsigned char *fm = fd < 0 ? MAP_FAILED
				   : mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (pr == MAP_FAILED || sh == MAP_FAILED || fm == MAP_FAILED) {
		perror("madv: mmap");
		return 1;
	}
	unsigned char first = fm[0];
	memset(pr, 0xa5, len);
	sh[0] = 0x5a;
	fm[0] = (unsigned char)(first ^ 0xff);
	long before = mem_free_kib();
	expect("MADV_DONTNEED on private anonymous memory",
	       madvise(pr, len, MADV_DONTNEED) == 0);
	long after = mem_free_kib();
	int zeros = 1;
	for (size_t i = 0; i < len; i += 512)
		zeros &= pr[i] == 0;
	expect("... it reads zeros next", zeros);
	expect("... its memory is free again (MemFree up by at least 3/4 of it)",
	       before >= 0 && after - before >= (long)(len / 1024) * 3 / 4);
	expect("MADV_DONTNEED on MAP_SHARED anonymous memory keeps its bytes",
	       madvise(sh, PAGE, MADV_DONTNEED) == 0 && sh[0] == 0x5a);
	expect("MADV_DONTNEED on a private file mapping: the file's bytes again",
	       madvise(fm, PAGE, MADV_DONTNEED) == 0 && fm[0] == first);
	errno = 0;
	expect("MADV_FREE on a file mapping: EINVAL", madvise(fm, PAGE, MADV_FREE) == -1 && errno == EINVAL);
	errno = 0;
	expect("an unknown advice: EINVAL", madvise(pr, PAGE, 7) == -1 && errno == EINVAL);
	errno = 0;
	expect("MADV_WIPEONFORK: EINVAL (not supported)",
	       madvise(pr, PAGE, 18 /* MADV_WIPEONFORK */) == -1 && errno == EINVAL);
	munmap(pr + PAGE, PAGE);
	errno = 0;
	expect("a range with a hole: ENOMEM", madvise(pr, 3 * PAGE, MADV_DONTNEED) == -1 && errno == ENOMEM);
	memset(pr, 1, PAGE);
	expect("MADV_FREE on private anonymous memory", madvise(pr, PAGE, MADV_FREE) == 0);
	return bad;
}
