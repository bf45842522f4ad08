/* /tmp gives its pages back (issue 16): files that are removed (last name
 * and last descriptor gone), truncated or renamed over no longer hold
 * memory, so processes (mmap, brk, fork, stacks) and /tmp can use it
 * again, and sysinfo and /proc/meminfo show it free again.
 *   1. four rounds each write half of the free memory to /tmp and give it
 *      back another way (unlink; truncate; rename over; unlink while
 *      open, then close): the free memory drops by the file, then
 *      returns (and not before the last descriptor goes);
 *   2. /tmp written until ENOSPC (it may take about all the memory), then
 *      removed;
 *   3. brk, then a child writing 2 MiB of stack (fork commits the
 *      parent's writable memory again);
 *   4. every byte mmap promises (as much as at the start), touched: fresh
 *      pages read as zeros (some were /tmp's), a /tmp file written
 *      meanwhile, both checked (no frame is used twice);
 *   5. the memory filled with 0xa5 and unmapped, then a sparse /tmp file
 *      on those frames: only the bytes written read as non-zero.
 * Before, /tmp's pages stayed counted until the `linux` command ended:
 * the second round found no room (or /tmp stopped at its own Untyped),
 * fork, brk and mmap got ENOMEM, the free figure never came back.
 * Prints "tmpfree: ok" and exits 0; a failed check prints BAD and exits
 * with its number. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "takeall.h"

#define CHUNK 65536
#define SLACK (512ul << 10)  /* what the program's own pages may take meanwhile */
static unsigned char buf[CHUNK], back[CHUNK];

static unsigned long sys_free(void)
{
	struct sysinfo si;
	if (sysinfo(&si))
		return 0;
	return (unsigned long)si.freeram * si.mem_unit;
}

/* MemFree of /proc/meminfo, in bytes. */
static unsigned long meminfo_free(void)
{
	char text[1024];
	int fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	char *at = strstr(text, "MemFree:");
	return at ? strtoul(at + 8, NULL, 10) << 10 : 0;
}

static int bad(int code, const char *what)
{
	printf("tmpfree: BAD: %s (free %lu KiB)\n", what, sys_free() >> 10);
	return code;
}

/* Chunk i of a file with seed s: every byte (i + s) & 0xff, never 0. */
static void fill(unsigned long i, unsigned s)
{
	memset(buf, (int)((i + s) % 255 + 1), CHUNK);
}

/* Write len bytes (chunks of fill) to fd; the count written. */
static unsigned long write_chunks(int fd, unsigned long len, unsigned s)
{
	unsigned long done = 0;
	for (unsigned long i = 0; done < len; i++) {
		fill(i, s);
		ssize_t w = write(fd, buf, CHUNK);
		if (w <= 0)
			break;
		done += (unsigned long)w;
	}
	return done;
}

/* Chunk i of fd as fill(i, s) wrote it? */
static int chunk_ok(int fd, unsigned long i, unsigned s)
{
	fill(i, s);
	return pread(fd, back, CHUNK, (off_t)(i * CHUNK)) == CHUNK && !memcmp(back, buf, CHUNK);
}

/* Round r: a file of len bytes, then given back by `how`. */
static int round_trip(int r, const char *how, unsigned long len, unsigned long f0)
{
	int fd = open("/tmp/t", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return bad(10, "open /tmp/t");
	unsigned long wrote = write_chunks(fd, len, (unsigned)r);
	unsigned long held = sys_free();
	if (wrote != len) {
		printf("tmpfree: round %d (%s): /tmp took %lu of %lu KiB: %s\n", r, how, wrote >> 10,
		       len >> 10, strerror(errno));
		return bad(11, "a file of half the free memory does not fit in /tmp");
	}
	if (!chunk_ok(fd, 0, (unsigned)r) || !chunk_ok(fd, len / CHUNK - 1, (unsigned)r))
		return bad(12, "the file does not read back");
	if (f0 - held < len - len / 16 || meminfo_free() > held + SLACK)
		return bad(13, "sysinfo or /proc/meminfo do not count the file");
	if (!strcmp(how, "truncate")) {
		if (ftruncate(fd, 0))
			return bad(14, "ftruncate");
	} else if (!strcmp(how, "rename")) {
		int u = open("/tmp/u", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (u < 0 || write(u, "u", 1) != 1 || close(u) || close(fd) ||
		    rename("/tmp/u", "/tmp/t"))
			return bad(15, "rename over /tmp/t");
		fd = -1;
	} else if (!strcmp(how, "close")) {
		if (unlink("/tmp/t"))
			return bad(16, "unlink");
		/* Still open: its pages stay (as Linux's), and it reads. */
		if (sys_free() > held + SLACK || !chunk_ok(fd, len / CHUNK - 1, (unsigned)r))
			return bad(17, "an unlinked file still open lost its pages");
		close(fd);
		fd = -1;
	} else {
		close(fd);
		fd = -1;
		if (unlink("/tmp/t"))
			return bad(18, "unlink");
	}
	unsigned long after = sys_free(), after_mi = meminfo_free();
	printf("tmpfree: round %d (%s): %lu KiB written; free %lu KiB with it, %lu KiB after "
	       "(meminfo %lu KiB)\n",
	       r, how, wrote >> 10, held >> 10, after >> 10, after_mi >> 10);
	if (fd >= 0)
		close(fd);
	unlink("/tmp/t");
	if (after + SLACK < f0 || after_mi + SLACK < f0)
		return bad(19, "the memory of the file did not come back");
	return 0;
}

/* The stack 64 KiB below here, written for 2 MiB in a child. */
static int child_stack(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return bad(40, "fork");
	if (!pid) {
		volatile char here;
		volatile char *sp = (char *)((unsigned long)&here & ~4095ul) - 16 * 4096;
		for (long i = 0; i < 512; i++)
			sp[-i * 4096] = 1;
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return bad(41, "a child writing 2 MiB of stack did not exit 0");
	printf("tmpfree: a child wrote 2 MiB of stack: ok\n");
	return 0;
}

int main(void)
{
	static const char *const how[] = { "unlink", "truncate", "rename", "close" };
	/* The program's own pages in before the first figure. */
	fill(0, 0);
	memset(back, 1, CHUNK);
	meminfo_free();
	unsigned long f0 = sys_free(), m0 = meminfo_free(), promised0;
	/* What mmap promises now (untouched: nothing is taken). */
	unsigned n = take_all(&promised0);
	for (unsigned i = 0; i < n; i++)
		munmap(chunk[i], chunk_len[i]);
	printf("tmpfree: free at the start: %lu KiB (meminfo %lu KiB); mmap promises %lu KiB\n",
	       f0 >> 10, m0 >> 10, promised0 >> 10);
	if (!n || sys_free() + SLACK < f0)
		return bad(9, "mmap without a touch");
	unsigned long half = f0 / 2 / CHUNK * CHUNK;
	for (int r = 0; r < 4; r++) {
		int err = round_trip(r, how[r], half, f0);
		if (err)
			return err;
	}

	/* 2: /tmp until ENOSPC. */
	int fd = open("/tmp/full", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return bad(20, "open /tmp/full");
	unsigned long full = write_chunks(fd, ~0ul, 9);
	int why = errno;
	close(fd);
	unlink("/tmp/full");
	printf("tmpfree: /tmp took %lu KiB, then %s; free after removing it: %lu KiB\n", full >> 10,
	       strerror(why), sys_free() >> 10);
	if (why != ENOSPC || full < half)
		return bad(21, "/tmp did not fill to ENOSPC past half the memory");
	if (sys_free() + SLACK < f0)
		return bad(22, "the memory of the full /tmp did not come back");

	/* 3: brk and a stack, then 4: every byte mmap promises. */
	unsigned long quarter = f0 / 4 / 4096 * 4096;
	/* The system call itself: musl's sbrk only reads the break. */
	unsigned long brk0 = (unsigned long)syscall(SYS_brk, 0);
	if ((unsigned long)syscall(SYS_brk, brk0 + quarter) != brk0 + quarter)
		return bad(30, "brk up by a quarter of the free memory");
	for (unsigned long o = 0; o < quarter; o += 4096)
		((volatile char *)brk0)[o] = 1;
	if ((unsigned long)syscall(SYS_brk, brk0) != brk0)
		return bad(31, "brk back");
	printf("tmpfree: brk took %lu KiB and gave it back: ok\n", quarter >> 10);
	int err = child_stack();
	if (err)
		return err;
	unsigned long total;
	n = take_all(&total);
	printf("tmpfree: mmap promised %lu KiB\n", total >> 10);
	if (!n || total + SLACK < promised0)
		return bad(42, "mmap does not promise what it promised at the start");
	for (unsigned i = 0; i < n; i++) {
		for (size_t o = 0; o < chunk_len[i]; o += 4096) {
			unsigned long *w = (unsigned long *)(chunk[i] + o);
			if (w[0] || w[255] || w[511])
				return bad(43, "a fresh page does not read as zeros");
			w[0] = (unsigned long)(chunk[i] + o) ^ 0x7a3e;
			w[511] = ~w[0];
		}
	}
	fd = open("/tmp/b", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_chunks(fd, 2 * CHUNK, 5) != 2 * CHUNK)
		return bad(44, "128 KiB of /tmp with every byte promised taken");
	for (unsigned i = 0; i < n; i++) {
		for (size_t o = 0; o < chunk_len[i]; o += 4096) {
			unsigned long *w = (unsigned long *)(chunk[i] + o);
			if (w[0] != ((unsigned long)(chunk[i] + o) ^ 0x7a3e) || w[511] != ~w[0])
				return bad(45, "a page of memory changed under a /tmp write");
		}
	}
	if (!chunk_ok(fd, 0, 5) || !chunk_ok(fd, 1, 5))
		return bad(46, "a /tmp file changed under the process's memory");
	close(fd);
	unlink("/tmp/b");
	printf("tmpfree: touched all %lu KiB mmap promised, fresh pages zero, /tmp beside it: ok\n",
	       total >> 10);

	/* 5: the frames full of 0xa5 go back, then a sparse /tmp file. */
	for (unsigned i = 0; i < n; i++) {
		memset(chunk[i], 0xa5, chunk_len[i]);
		munmap(chunk[i], chunk_len[i]);
	}
	fd = open("/tmp/sparse", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return bad(50, "open /tmp/sparse");
	const unsigned long span = 4ul << 20, step = 10007;
	for (unsigned long o = 0; o < span; o += step)
		if (pwrite(fd, "x", 1, (off_t)o) != 1)
			return bad(51, "pwrite");
	if (ftruncate(fd, (off_t)(span + (2ul << 20))))
		return bad(52, "ftruncate up");
	for (unsigned long o = 0; o < span + (2ul << 20); o += CHUNK) {
		if (pread(fd, back, CHUNK, (off_t)o) != CHUNK)
			return bad(53, "pread");
		for (unsigned long k = 0; k < CHUNK; k++)
			if (back[k] != ((o + k) % step == 0 && o + k < span ? 'x' : 0))
				return bad(54, "a /tmp file shows bytes nobody wrote to it");
	}
	if (ftruncate(fd, 5000) || ftruncate(fd, 3 * 4096) || pread(fd, back, 3 * 4096, 0) != 3 * 4096)
		return bad(55, "ftruncate down and up");
	for (unsigned long k = 1; k < 3 * 4096; k++)
		if (back[k])
			return bad(56, "a file cut and grown shows old bytes");
	close(fd);
	unlink("/tmp/sparse");
	printf("tmpfree: a sparse /tmp file on the frames just freed reads only what was written: ok\n");

	unsigned long f1 = sys_free(), m1 = meminfo_free();
	printf("tmpfree: free at the end: %lu KiB (meminfo %lu KiB)\n", f1 >> 10, m1 >> 10);
	if (f1 + SLACK < f0 || m1 + SLACK < m0)
		return bad(60, "the memory did not come back");
	printf("tmpfree: ok\n");
	return 0;
}
