/* The page cache (issue 16) against writes: a frame filled from a file
 * for a read-only mapping is shared by every mapping of the same bytes,
 * so no way of writing a page (mprotect then a store, read(2) into it,
 * a private writable mapping, fork, the program's own image, the aarch64
 * signal trampoline's page) may show in another mapping, another process
 * or a later program.  Each check prints "pcattack: <what>: ok" or
 * "... BAD"; a new program of the same file (fork, execve) checks what it
 * sees.  Usage: pcattack [file] [verify|image|signal] */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static const char *path;
static int fd;
static off_t size;
static int bad;

static void report(const char *name, int ok)
{
	printf("pcattack: %s: %s\n", name, ok ? "ok" : "BAD");
	fflush(stdout);
	bad |= !ok;
}

/* The mapping m of len bytes from off shows the file (zeros past its end). */
static int same_as_file(const unsigned char *m, off_t off, size_t len)
{
	static unsigned char buf[PG];
	for (size_t i = 0; i < len; i += PG) {
		size_t n = len - i < PG ? len - i : PG;
		memset(buf, 0, sizeof(buf));
		if (pread(fd, buf, n, off + (off_t)i) < 0)
			return 0;
		if (memcmp(buf, m + i, n))
			return 0;
	}
	return 1;
}

static unsigned char *map_ro(off_t off, size_t len)
{
	unsigned char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
	if (m == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return m;
}

static volatile unsigned char sink;

/* Read-only data of the program's image (cached like its text). */
static const char marker[] = "pcattack: the image's read-only data";
extern const char __executable_start[];

static int image_intact(void)
{
	return strcmp(marker, "pcattack: the image's read-only data") == 0 &&
	       memcmp(__executable_start, "\177ELF", 4) == 0;
}

static const char *self;  /* argv[0] */

/* This program again (fork, execve) with file and mode: it exited 0? */
static int run_again(const char *file, const char *mode)
{
	int ws;
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { (char *)self, (char *)file, (char *)mode, NULL };
		execv(self, args);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws);
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	caught = sig;
}

/* A signal handled and returned from (on aarch64 through the server's
 * trampoline page, which every process shares). */
static int signal_returns(void)
{
	caught = 0;
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	return caught == SIGUSR1;
}

static void xprotect(void *m, size_t len, int prot)
{
	if (mprotect(m, len, prot)) {
		perror("mprotect");
		exit(3);
	}
}

int main(int argc, char **argv)
{
	self = argv[0];
	path = argc > 1 ? argv[1] : "/bin/busybox";
	fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return 2;
	}
	size = st.st_size;
	if (argc > 2 && !strcmp(argv[2], "image")) {
		report("a new program's image (ELF header, read-only data)", image_intact());
		return bad;
	}
	if (argc > 2 && !strcmp(argv[2], "signal")) {
		report("a new program returns from a signal handler", signal_returns());
		return bad;
	}
	if (argc > 2 && !strcmp(argv[2], "verify")) {
		unsigned char *m = map_ro(0, (size_t)size);
		report("a new program reads the file as pread does", same_as_file(m, 0, (size_t)size));
		return bad;
	}

	/* 1: two mappings share a cached frame; one is made writable, written. */
	unsigned char *a = map_ro(0, PG), *b = map_ro(0, PG);
	sink = a[0];
	sink = b[0];
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	memset(a, 'X', PG);
	report("mprotect+write of one of two mappings leaves the other", same_as_file(b, 0, PG));
	munmap(a, PG);
	munmap(b, PG);

	/* 2: the only holder of a cached frame makes it writable and writes;
	 * a new mapping must come from the file again. */
	a = map_ro(PG, PG);
	sink = a[0];
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	memset(a, 'Y', PG);
	b = map_ro(PG, PG);
	report("written after mprotect, a new mapping shows the file", same_as_file(b, PG, PG));
	munmap(b, PG);
	/* ... and unmapped: the frame is freed and reused */
	munmap(a, PG);
	b = map_ro(PG, PG);
	report("after munmap of the written page, a new mapping shows the file", same_as_file(b, PG, PG));
	munmap(b, PG);

	/* 3: read(2) into a made-writable mapping that shares its frame. */
	a = map_ro(2 * PG, PG);
	b = map_ro(2 * PG, PG);
	sink = a[0];
	sink = b[0];
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	int fd2 = open(path, O_RDONLY);
	if (pread(fd2, a, PG, 0) != PG)
		report("pread into the mapping", 0);
	report("pread into a made-writable shared page leaves the other", same_as_file(b, 2 * PG, PG));
	munmap(b, PG);
	b = map_ro(2 * PG, PG);
	report("pread into it, a new mapping shows the file", same_as_file(b, 2 * PG, PG));
	munmap(a, PG);
	munmap(b, PG);
	/* the only holder, read(2) into it */
	a = map_ro(3 * PG, PG);
	sink = a[0];
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	if (pread(fd2, a, PG, 0) != PG)
		report("pread into the only mapping", 0);
	b = map_ro(3 * PG, PG);
	report("pread into the only holder, a new mapping shows the file", same_as_file(b, 3 * PG, PG));
	munmap(a, PG);
	munmap(b, PG);

	/* 4: fork; the child makes the shared page writable and writes. */
	a = map_ro(4 * PG, PG);
	sink = a[0];
	pid_t pid = fork();
	if (pid == 0) {
		xprotect(a, PG, PROT_READ | PROT_WRITE);
		memset(a, 'Z', PG);
		unsigned char *c = map_ro(4 * PG, PG);
		_exit(!same_as_file(c, 4 * PG, PG));
	}
	int ws;
	waitpid(pid, &ws, 0);
	report("a child writing its copy: its new mapping shows the file", WIFEXITED(ws) && !WEXITSTATUS(ws));
	report("a child writing its copy leaves the parent's", same_as_file(a, 4 * PG, PG));
	/* the parent (sole holder after the child's exit) writes, child maps */
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	memset(a, 'W', PG);
	pid = fork();
	if (pid == 0) {
		unsigned char *c = map_ro(4 * PG, PG);
		_exit(!same_as_file(c, 4 * PG, PG));
	}
	waitpid(pid, &ws, 0);
	report("the parent written: a child's new mapping shows the file", WIFEXITED(ws) && !WEXITSTATUS(ws));
	munmap(a, PG);

	/* 5: the file's last (partial) page: the zeros past the end. */
	off_t last = (size - 1) / PG * PG;
	a = map_ro(last, PG);
	sink = a[0];
	b = map_ro(last, PG);
	sink = b[size - last - 1];
	xprotect(a, PG, PROT_READ | PROT_WRITE);
	memset(a, 'V', PG);
	report("the last page, written in another mapping: ends in zeros", same_as_file(b, last, PG));
	munmap(a, PG);
	munmap(b, PG);

	/* 6: MAP_PRIVATE writable mappings of the same bytes, read first. */
	a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 5 * PG);
	b = map_ro(5 * PG, PG);
	sink = b[0];
	sink = a[0];
	memset(a, 'U', PG);
	report("a writable private mapping written: the read-only one", same_as_file(b, 5 * PG, PG));
	munmap(a, PG);
	munmap(b, PG);

	/* 7: the program's own file: its text mapped read-only, written. */
	int me = open(self, O_RDONLY);
	if (me >= 0) {
		unsigned char *t = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, me, 0);
		for (int i = 0; i < 4; i++)
			sink = t[i * PG];
		xprotect(t, 4 * PG, PROT_READ | PROT_WRITE);
		memset(t, 0xcc, 4 * PG);
		munmap(t, 4 * PG);
	}

	/* 8: a new program maps the whole file (and runs its own text). */
	a = map_ro(0, (size_t)size);
	for (off_t i = 0; i < size; i += PG)
		sink = a[i];
	xprotect(a, (size_t)size, PROT_READ | PROT_WRITE);
	for (off_t i = 0; i < size; i += PG)
		a[i] ^= 0x55;
	report("a new program after all of it was written", run_again(path, "verify"));
	munmap(a, (size_t)size);
	report("a new program maps its own file", run_again(self, "verify"));

	/* 10: the program's own image: its ELF header page and its read-only
	 * data (code may share them: they stay executable) made writable and
	 * written, once while a child shares them and
	 * once alone; a new program of the same file must see the file. */
	for (int round = 0; round < 2; round++) {
		unsigned char *pages[2] = {
			(unsigned char *)((unsigned long)__executable_start & ~(unsigned long)(PG - 1)),
			(unsigned char *)((unsigned long)marker & ~(unsigned long)(PG - 1)) };
		int hold[2] = { -1, -1 };
		pid_t holder = -1;
		if (round == 0 && pipe(hold) == 0 && (holder = fork()) == 0) {
			char c;
			sink = pages[0][0] + pages[1][0];
			close(hold[1]);
			read(hold[0], &c, 1);  /* until the parent is done */
			_exit(image_intact() ? 0 : 1);
		}
		for (int i = 0; i < 2; i++) {
			xprotect(pages[i], PG, PROT_READ | PROT_WRITE | PROT_EXEC);
			pages[i][i ? (unsigned long)marker % PG : 0] ^= 0xff;
		}
		report(round ? "the image written alone: a new program's image"
			     : "the image written while shared: a new program's image",
		       run_again(path, "image"));
		if (holder > 0) {
			close(hold[1]);
			waitpid(holder, &ws, 0);
			report("the image written: the child sharing it before", WIFEXITED(ws) && !WEXITSTATUS(ws));
		}
		for (int i = 0; i < 2; i++)
			pages[i][i ? (unsigned long)marker % PG : 0] ^= 0xff;  /* back */
	}

	/* 9: the signal trampoline's page (aarch64), written by a child. */
#ifdef __aarch64__
	unsigned char *tr = (unsigned char *)0x3ff000100000ull;
	sink = tr[0];
	pid = fork();
	if (pid == 0) {
		xprotect(tr, PG, PROT_READ | PROT_WRITE);
		memset(tr, 0, PG);
		_exit(0);
	}
	waitpid(pid, &ws, 0);
	report("a child wrote its trampoline page: the parent's signal returns", signal_returns());
	xprotect(tr, PG, PROT_READ | PROT_WRITE);
	memset(tr, 0, PG);
#endif
	report("a new program's signal after the trampoline was written", run_again(path, "signal"));
	return bad;
}
