/* Pages outside the commitments (issue 16): read-only memory and files
 * mapped read-only are not promised, so with every byte the server can
 * promise taken by mmap, reading them must still work.  Children wait;
 * the parent maps writable memory until mmap says ENOMEM; then every
 * process reads 8 MiB of read-only anonymous memory (all zeros) and, twice,
 * a file mapped read-only, whose sum must be what read() gave (pages
 * dropped to make room and faulted in again come from the file again).
 * On KOZO nobody may be killed: clean pages are dropped when room runs out.
 * Usage: roread [children] [file] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ZEROS (8ul << 20)

static unsigned long sum_of(const unsigned char *p, unsigned long n)
{
	unsigned long s = 0;
	for (unsigned long i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

/* 0: all read as they should; else what went wrong. */
static int reader(const char *path, unsigned long want, unsigned long size)
{
	unsigned char *z = mmap(NULL, ZEROS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (z == MAP_FAILED)
		return 10;
	for (unsigned long o = 0; o < ZEROS; o += 4096)
		if (z[o] || z[o + 4095])
			return 11;
	int fd = open(path, O_RDONLY);
	unsigned char *f = fd < 0 ? MAP_FAILED : mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED)
		return 12;
	for (int round = 0; round < 2; round++) {
		if (sum_of(f, size) != want)
			return 13 + round;
		for (unsigned long o = 0; o < ZEROS; o += 4096)  /* the zeros again */
			if (z[o])
				return 15;
	}
	munmap(f, size);
	munmap(z, ZEROS);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	const char *path = argc > 2 ? argv[2] : "/bin/busybox";
	if (n < 0 || n > 30) {
		fprintf(stderr, "usage: roread [children 0-30] [file]\n");
		return 2;
	}
	/* The file's sum by read(), before memory is short. */
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
		perror("roread: open");
		return 1;
	}
	unsigned long want = 0, size = (unsigned long)st.st_size;
	static unsigned char buf[4096];
	ssize_t got;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < got; i++)
			want = want * 31 + buf[i];
	close(fd);
	int go[2];
	if (pipe(go)) {
		perror("roread: pipe");
		return 1;
	}
	for (int c = 0; c < n; c++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("roread: fork");
			return 1;
		}
		if (pid == 0) {
			close(go[1]);
			char b;
			read(go[0], &b, 1);  /* EOF: go */
			_exit(reader(path, want, size));
		}
	}
	close(go[0]);
	/* Every byte the server can promise: writable memory until ENOMEM. */
	unsigned long promised = 0;
	for (unsigned long len = 1ul << 20; len >= 4096; len /= 2)
		while (mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
		       MAP_FAILED)
			promised += len;
	if (errno != ENOMEM) {
		perror("roread: mmap");
		return 1;
	}
	printf("roread: %lu KiB promised, then ENOMEM\n", promised >> 10);
	close(go[1]);
	int mine = reader(path, want, size);
	printf("roread: the parent read: %s (%d)\n", mine ? "WRONG" : "ok", mine);
	int s, ok = 0;
	while (wait(&s) > 0) {
		if (WIFEXITED(s) && WEXITSTATUS(s) == 0)
			ok++;
		else
			printf("roread: a child ended with status 0x%x\n", s);
	}
	printf("roread: %d of %d children read all\n", ok, n);
	return mine || ok != n;
}
