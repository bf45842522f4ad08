/* Host unit tests of the Linux translation layer (user/linux/lx_*.c), with
 * sanitizers.  Each test prints "PASS name" or "FAIL name: why".
 *
 *   test_lx [program.elf]   the ELF (e.g. the musl hello) exercises the loader */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lx.h"
#include "testmem.h"

static int failures, passes;
static const char *current;
static bool current_failed;

static void fail(const char *fmt, ...)
{
	va_list ap;
	if (current_failed)
		return;
	current_failed = true;
	printf("FAIL %s: ", current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(cond, ...)                    \
	do {                                \
		if (!(cond))                \
			fail(__VA_ARGS__);  \
	} while (0)
#define EQ(a, b) CHECK((int64_t)(a) == (int64_t)(b), "line %d: %s = %lld, want %lld", __LINE__, #a, \
		       (long long)(a), (long long)(b))

/* ---- a tiny archive writer (newc) ---- */
static uint8_t arc[8192];
static size_t arc_len;

/* A cpio newc entry of `size` bytes at buf + *len. */
static void cpio_put(uint8_t *buf, size_t *len, const char *name, unsigned mode,
		     const void *data, size_t size)
{
	size_t n = strlen(name) + 1;
	*len += (size_t)sprintf((char *)buf + *len,
				"070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1u,
				mode, 0u, 0u, 1u, 1700000000u, size, 0u, 0u, 0u, 0u, n, 0u);
	memcpy(buf + *len, name, n);
	*len = (*len + n + 3) & ~(size_t)3;
	if (size)
		memcpy(buf + *len, data, size);
	*len = (*len + size + 3) & ~(size_t)3;
}

static void arc_add(const char *name, unsigned mode, const char *data)
{
	cpio_put(arc, &arc_len, name, mode, data, data ? strlen(data) : 0);
}

static void arc_build(void)
{
	arc_len = 0;
	memset(arc, 0, sizeof(arc));
	arc_add("bin", 040755, NULL);
	arc_add("etc", 040755, NULL);
	arc_add("etc/motd", 0100644, "hello from the archive\n");
	arc_add("etc/words", 0100644, "pear\napple\nfig\n");
	arc_add("TRAILER!!!", 0, NULL);
}

/* ---- a process with a scratch area for arguments ---- */
static struct lx_fs fs;
static struct testmem mem;
static struct lx_proc proc;
static char out[4096];
static size_t out_len;
static uint64_t logged_nr[16];
static unsigned logged;

#define SCRATCH 0x10000000ull
#define SCRATCH_LEN (4 * LX_PAGE)
#define RO_PAGE 0x20000000ull

static void console(void *ctx, const char *s, size_t n)
{
	if (n > sizeof(out) - out_len)
		n = sizeof(out) - out_len;
	memcpy(out + out_len, s, n);
	out_len += n;
}

static void log_nr(void *ctx, uint64_t nr, const char *name)
{
	if (logged < 16)
		logged_nr[logged] = nr;
	logged++;
}

static uint64_t clock_now = 1500000000ull;
static uint64_t clock_ns(void *ctx)
{
	return clock_now;
}

static void mem_figures(void *ctx, uint64_t *total, uint64_t *free)
{
	*total = 64ull << 20;
	*free = 48ull << 20;
}

static void setup(void)
{
	lx_fs_free_tmp(&fs);  /* the pages of the last run go back */
	arc_build();
	const char *why = NULL;
	if (lx_fs_init(&fs, arc, arc_len, &why))
		fail("archive: %s", why);
	struct lx_pages pages = testmem_pages();
	lx_fs_set_pages(&fs, &pages);
	testmem_reset(&mem);
	struct lx_mem ops = testmem_ops(&mem);
	struct lx_host host = { .console_write = console, .log_unsupported = log_nr,
				.now_ns = clock_ns, .mem_info = mem_figures };
	clock_now = 1500000000ull;
	testmem_budget = 1u << 14;
	lx_proc_init(&proc, &fs, &ops, &host, 42);
	mem.p = &proc;
	struct lx_vma v = { .start = SCRATCH, .end = SCRATCH + SCRATCH_LEN,
			    .prot = LX_PROT_READ | LX_PROT_WRITE };
	lx_vma_map(&proc, &v);
	struct lx_vma ro = { .start = RO_PAGE, .end = RO_PAGE + LX_PAGE, .prot = LX_PROT_READ };
	lx_vma_map(&proc, &ro);
	out_len = 0;
	logged = 0;
}

static int64_t sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		   uint64_t a5, struct lx_action *act)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	struct lx_action local;
	if (!act)
		act = &local;
	lx_syscall(&proc, nr, a, act);
	testmem_apply(&mem, act);
	return act->ret;
}
#define SYS(nr, ...) sys(LX_NR_##nr, __VA_ARGS__)

static uint64_t put_str(uint64_t at, const char *s)
{
	if (proc.mem.write(proc.mem.ctx, at, s, strlen(s) + 1))
		fail("put_str");
	return at;
}

static void get(uint64_t at, void *buf, size_t n)
{
	if (proc.mem.read(proc.mem.ctx, at, buf, n))
		fail("get at %llx", (unsigned long long)at);
}

/* ---- tests ---- */

static void test_write_console(void)
{
	uint64_t s = put_str(SCRATCH, "hi there\n");
	EQ(SYS(write, 1, s, 9, 0, 0, 0, NULL), 9);
	CHECK(out_len == 9 && memcmp(out, "hi there\n", 9) == 0, "console got '%.*s'", (int)out_len, out);
	EQ(SYS(write, 1, 0x1234, 5, 0, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(write, 9, s, 1, 0, 0, 0, NULL), -LX_EBADF);
	EQ(SYS(write, 0, s, 1, 0, 0, 0, NULL), -LX_EBADF);
	EQ(SYS(write, 1, s, 0, 0, 0, 0, NULL), 0);
}

static void test_writev(void)
{
	uint64_t a = put_str(SCRATCH + 100, "hello, "), b = put_str(SCRATCH + 200, "printf\n");
	uint8_t iov[32];
	uint64_t v[4] = { a, 7, b, 7 };
	memcpy(iov, v, sizeof(iov));
	proc.mem.write(proc.mem.ctx, SCRATCH, iov, sizeof(iov));
	EQ(SYS(writev, 1, SCRATCH, 2, 0, 0, 0, NULL), 14);
	CHECK(out_len == 14 && memcmp(out, "hello, printf\n", 14) == 0, "writev output");
	EQ(SYS(writev, 1, 0x999, 2, 0, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(writev, 1, SCRATCH, 5000, 0, 0, 0, NULL), -LX_EINVAL);
}

static void test_open_read_close(void)
{
	uint64_t path = put_str(SCRATCH, "/etc/motd"), buf = SCRATCH + 1024;
	int64_t fd = SYS(openat, (uint64_t)LX_AT_FDCWD, path, LX_O_RDONLY, 0, 0, 0, NULL);
	EQ(fd, 3);
	char got[64] = { 0 };
	EQ(SYS(read, fd, buf, 5, 0, 0, 0, NULL), 5);
	EQ(SYS(read, fd, buf + 5, 100, 0, 0, 0, NULL), 18);
	get(buf, got, 23);
	CHECK(memcmp(got, "hello from the archive\n", 23) == 0, "read content '%s'", got);
	EQ(SYS(read, fd, buf, 100, 0, 0, 0, NULL), 0);
	EQ(SYS(lseek, fd, 6, 0, 0, 0, 0, NULL), 6);
	EQ(SYS(read, fd, RO_PAGE, 4, 0, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(close, fd, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(close, fd, 0, 0, 0, 0, 0, NULL), -LX_EBADF);
	put_str(SCRATCH, "/etc/nope");
	EQ(SYS(open, SCRATCH, 0, 0, 0, 0, 0, NULL), -LX_ENOENT);
	put_str(SCRATCH, "/etc/motd");
	EQ(SYS(open, SCRATCH, LX_O_WRONLY, 0, 0, 0, 0, NULL), -LX_EROFS);
	EQ(SYS(open, 0xdead0000, 0, 0, 0, 0, 0, NULL), -LX_EFAULT);
	put_str(SCRATCH, "etc/../etc/./motd");
	EQ(SYS(open, SCRATCH, 0, 0, 0, 0, 0, NULL), 3);
}

static void test_sendfile_cat(void)
{
	uint64_t path = put_str(SCRATCH, "/etc/words");
	int64_t fd = SYS(open, path, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(sendfile, 1, fd, 0, 1 << 20, 0, 0, NULL), 15);
	CHECK(out_len == 15 && memcmp(out, "pear\napple\nfig\n", 15) == 0, "sendfile output");
	EQ(SYS(sendfile, 1, fd, 0, 100, 0, 0, NULL), 0);
	EQ(SYS(sendfile, 1, 0, 0, 100, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(sendfile, 1, 9, 0, 100, 0, 0, NULL), -LX_EBADF);
}

static void test_stat(void)
{
	uint8_t st[LX_STAT_SIZE];
	uint64_t path = put_str(SCRATCH, "/etc/motd"), buf = SCRATCH + 2048;
	EQ(SYS(newfstatat, (uint64_t)LX_AT_FDCWD, path, buf, 0, 0, 0, NULL), 0);
	get(buf, st, sizeof(st));
	uint32_t mode;
	uint64_t size, mtime;
	memcpy(&mode, st + LX_ST_MODE, 4);
	memcpy(&size, st + LX_ST_SIZE, 8);
	memcpy(&mtime, st + LX_ST_MTIME, 8);
	EQ(mode, LX_S_IFREG | 0644);
	EQ(size, 23);
	EQ(mtime, 1700000000);
	put_str(SCRATCH, "/");
	EQ(SYS(stat, SCRATCH, buf, 0, 0, 0, 0, NULL), 0);
	get(buf, st, sizeof(st));
	memcpy(&mode, st + LX_ST_MODE, 4);
	EQ(mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(SYS(fstat, 1, buf, 0, 0, 0, 0, NULL), 0);
	put_str(SCRATCH, "");
	EQ(SYS(newfstatat, 1, SCRATCH, buf, LX_AT_EMPTY_PATH, 0, 0, NULL), 0);
	get(buf, st, sizeof(st));
	memcpy(&mode, st + LX_ST_MODE, 4);
	EQ(mode & LX_S_IFMT, LX_S_IFCHR);
	EQ(SYS(fstat, 1, RO_PAGE, 0, 0, 0, 0, NULL), -LX_EFAULT);
}

/* ls /: getdents64 lists ".", "..", then the archive's top level. */
static void test_getdents(void)
{
	uint64_t path = put_str(SCRATCH, "/");
	int64_t fd = SYS(openat, (uint64_t)LX_AT_FDCWD, path, LX_O_RDONLY | LX_O_DIRECTORY, 0, 0, 0, NULL);
	EQ(fd, 3);
	uint64_t buf = SCRATCH + LX_PAGE;
	int64_t n = SYS(getdents64, fd, buf, 2 * LX_PAGE, 0, 0, 0, NULL);
	CHECK(n > 0, "getdents64 returned %lld", (long long)n);
	uint8_t d[2 * LX_PAGE];
	get(buf, d, (size_t)n);
	char names[256] = "";
	for (int64_t off = 0; off < n;) {
		uint16_t reclen = (uint16_t)(d[off + 16] | d[off + 17] << 8);
		strcat(names, (char *)d + off + 19);
		strcat(names, " ");
		if (reclen == 0)
			break;
		off += reclen;
	}
	CHECK(strcmp(names, ". .. bin etc tmp proc dev ") == 0, "names '%s'", names);
	EQ(SYS(getdents64, fd, buf, LX_PAGE, 0, 0, 0, NULL), 0);
	EQ(SYS(lseek, fd, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(getdents64, fd, buf, 10, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(getdents64, 1, buf, LX_PAGE, 0, 0, 0, NULL), -LX_ENOTDIR);
}

static void test_tmp(void)
{
	uint64_t path = put_str(SCRATCH, "/tmp/x"), data = put_str(SCRATCH + 100, "abc");
	int64_t fd = SYS(open, path, LX_O_CREAT | LX_O_RDWR, 0644, 0, 0, 0, NULL);
	EQ(fd, 3);
	EQ(SYS(write, fd, data, 3, 0, 0, 0, NULL), 3);
	EQ(SYS(lseek, fd, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(read, fd, SCRATCH + 200, 10, 0, 0, 0, NULL), 3);
	EQ(SYS(open, path, LX_O_CREAT | LX_O_EXCL, 0, 0, 0, 0, NULL), -LX_EEXIST);
	EQ(SYS(unlink, path, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(unlink, path, 0, 0, 0, 0, 0, NULL), -LX_ENOENT);
	put_str(SCRATCH, "/etc/new");
	EQ(SYS(open, SCRATCH, LX_O_CREAT | LX_O_WRONLY, 0644, 0, 0, 0, NULL), -LX_EROFS);
	put_str(SCRATCH, "/tmp/d");
	EQ(SYS(mkdir, SCRATCH, 0755, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(rmdir, SCRATCH, 0, 0, 0, 0, 0, NULL), 0);
}

static void test_stdin(void)
{
	struct lx_action act;
	EQ(SYS(read, 0, SCRATCH, 100, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_NEED_INPUT);
	lx_feed_input(&proc, "line\n", 5);
	EQ(SYS(read, 0, SCRATCH, 100, 0, 0, 0, &act), 5);
	EQ(act.kind, LX_ACT_RETURN);
	lx_feed_input(&proc, "", 0);
	EQ(SYS(read, 0, SCRATCH, 100, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	SYS(read, 0, SCRATCH, 100, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_NEED_INPUT);
	lx_feed_input(&proc, "x", 1);
	EQ(SYS(read, 0, RO_PAGE, 100, 0, 0, 0, &act), -LX_EFAULT);
}

static void test_startup_calls(void)
{
	struct lx_action act;
	EQ(SYS(arch_prctl, LX_ARCH_SET_FS, 0x5000, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_SET_FS);
	EQ(act.addr, 0x5000);
	EQ(SYS(arch_prctl, LX_ARCH_SET_FS, 1ull << 63, 0, 0, 0, 0, NULL), -LX_EPERM);
	EQ(SYS(arch_prctl, 0x3001, 0, 0, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(set_tid_address, SCRATCH, 0, 0, 0, 0, 0, NULL), proc.pid);
	EQ(SYS(set_robust_list, SCRATCH, 24, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(rseq, SCRATCH, 32, 0, 0, 0, 0, NULL), -LX_ENOSYS);
	EQ(SYS(ioctl, 1, LX_TIOCGWINSZ, SCRATCH, 0, 0, 0, NULL), -LX_ENOTTY);
	EQ(SYS(ioctl, 7, LX_TIOCGWINSZ, SCRATCH, 0, 0, 0, NULL), -LX_EBADF);
	EQ(SYS(prlimit64, 0, LX_RLIMIT_STACK, 0, SCRATCH, 0, 0, NULL), 0);
	uint64_t lim[2];
	get(SCRATCH, lim, 16);
	EQ(lim[0], 8 << 20);
	EQ(SYS(prlimit64, 0, LX_RLIMIT_STACK, SCRATCH, 0, 0, 0, NULL), -LX_EPERM);
	memcpy(proc.exe, "/bin/busybox", 13);
	uint64_t path = put_str(SCRATCH, "/proc/self/exe");
	EQ(SYS(readlink, path, SCRATCH + 100, 4096, 0, 0, 0, NULL), 12);
	char got[16] = { 0 };
	get(SCRATCH + 100, got, 12);
	CHECK(strcmp(got, "/bin/busybox") == 0, "readlink '%s'", got);
	EQ(SYS(getrandom, SCRATCH, 8, 1, 0, 0, 0, NULL), 8);
	EQ(SYS(getrandom, RO_PAGE, 8, 1, 0, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(uname, SCRATCH, 0, 0, 0, 0, 0, NULL), 0);
	char uts[LX_UTS_SIZE];
	get(SCRATCH, uts, sizeof(uts));
	CHECK(strcmp(uts, "Linux") == 0 && strcmp(uts + 65, "kozo") == 0 &&
	      strcmp(uts + 4 * 65, "x86_64") == 0, "uname fields");
	EQ(SYS(uname, RO_PAGE, 0, 0, 0, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(getuid, 0, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(exit_group, 3, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_EXIT);
	EQ(act.status, 3 << 8);
}

/* The commit limit: writable mappings past it are ENOMEM from mmap,
 * mprotect and brk (a failed brk returns the old break). */
static void test_commit_limit(void)
{
	const uint64_t rw = LX_PROT_READ | LX_PROT_WRITE, anon = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
	uint64_t base = 0;
	for (unsigned i = 0; i < proc.nvmas; i++)
		if (proc.vmas[i].prot & LX_PROT_WRITE && !(proc.vmas[i].flags & LX_VMA_STACK))
			base += proc.vmas[i].end - proc.vmas[i].start;
	proc.host.commit_limit = base + 8 * LX_PAGE;
	int64_t m = SYS(mmap, 0, 6 * LX_PAGE, rw, anon, (uint64_t)-1, 0, NULL);
	CHECK(m > 0, "6 of 8 pages: %lld", (long long)m);
	EQ(SYS(mmap, 0, 3 * LX_PAGE, rw, anon, (uint64_t)-1, 0, NULL), -LX_ENOMEM);
	int64_t r = SYS(mmap, 0, 3 * LX_PAGE, LX_PROT_READ, anon, (uint64_t)-1, 0, NULL);
	CHECK(r > 0, "read-only mappings do not count: %lld", (long long)r);
	EQ(SYS(mprotect, (uint64_t)r, 3 * LX_PAGE, rw, 0, 0, 0, NULL), -LX_ENOMEM);
	EQ(SYS(mprotect, (uint64_t)r, 2 * LX_PAGE, rw, 0, 0, 0, NULL), 0);
	EQ(SYS(mprotect, (uint64_t)r, 2 * LX_PAGE, rw, 0, 0, 0, NULL), 0);  /* already counted */
	proc.brk_start = proc.brk = 0x600000;
	EQ(SYS(brk, 0x601000, 0, 0, 0, 0, 0, NULL), 0x600000);
	EQ(SYS(munmap, (uint64_t)m, 6 * LX_PAGE, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(brk, 0x601000, 0, 0, 0, 0, 0, NULL), 0x601000);
	/* MAP_FIXED over its own writable pages replaces them: no more. */
	EQ(SYS(mmap, (uint64_t)r, 2 * LX_PAGE, rw, anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL), r);
	proc.host.commit_limit = 0;
	CHECK(SYS(mmap, 0, 64 * LX_PAGE, rw, anon, (uint64_t)-1, 0, NULL) > 0, "no limit");
}

/* Page tables (issue 16): the count an address space needs, and the
 * server's answer consulted by mmap, brk, fork and execve. */
static void test_space_tables(void)
{
	const uint64_t G = 1ull << 30, T = 1ull << 39, M2 = 2ull << 20;
	struct lx_range r[4] = { { 0x400000, 0x401000 } };
	EQ(lx_space_tables(NULL, r, 1, NULL, 0), 3);             /* one page: one per level */
	r[0].end = 0x400000 + M2;
	EQ(lx_space_tables(NULL, r, 1, NULL, 0), 3);             /* one 2 MiB */
	r[0].end += LX_PAGE;
	EQ(lx_space_tables(NULL, r, 1, NULL, 0), 4);             /* into the next 2 MiB */
	r[0] = (struct lx_range){ G, 2 * G };
	EQ(lx_space_tables(NULL, r, 1, NULL, 0), 1 + 1 + 512);   /* a whole GiB */
	r[0] = (struct lx_range){ 2 * T, 2 * T + LX_PAGE };
	r[1] = (struct lx_range){ 3 * T, 3 * T + LX_PAGE };
	r[2] = (struct lx_range){ 2 * T + LX_PAGE, 2 * T + 2 * LX_PAGE };  /* shares all three */
	EQ(lx_space_tables(NULL, r, 3, NULL, 0), 6);             /* 512 GiB apart: none shared */
	r[3] = (struct lx_range){ 2 * T, 3 * T + LX_PAGE };      /* overlapping the others */
	EQ(lx_space_tables(NULL, r, 4, NULL, 0), 2 + 512 + 1 + 512 * 512 + 1);
	/* tables held: counted once, whether a range needs them or not */
	uint64_t have[3] = { 1ull << 56 | 2, 3ull << 56 | (2 * T) >> 21, 3ull << 56 | (5 * T) >> 21 };
	EQ(lx_space_tables(NULL, r, 1, have, 3), 3 + 1);
	EQ(lx_space_tables(NULL, r, 0, have, 3), 3);
	/* a process's regions with an extra range */
	setup();
	uint64_t own = lx_space_tables(&proc, NULL, 0, NULL, 0);
	CHECK(own >= 3 && own < 64, "the test process's regions need %llu", (unsigned long long)own);
	r[0] = (struct lx_range){ 7 * T, 7 * T + LX_PAGE };
	EQ(lx_space_tables(&proc, r, 1, NULL, 0), own + 3);
	r[0] = (struct lx_range){ SCRATCH, SCRATCH + LX_PAGE };  /* inside a region */
	EQ(lx_space_tables(&proc, r, 1, NULL, 0), own);
}

/* A server with room for `space_left` tables more per process. */
static uint64_t space_left, space_asked;
static int space_how;
static bool space_of(void *ctx, const struct lx_proc *p, int how, uint64_t start, uint64_t end,
		     uint64_t tables)
{
	(void)ctx;
	struct lx_range r = { start, end };
	space_how = how;
	if (how == LX_SPACE_GROW)
		tables = lx_space_tables(p, &r, 1, NULL, 0) - lx_space_tables(p, NULL, 0, NULL, 0);
	else if (how == LX_SPACE_FORK)
		tables = lx_space_tables(p, NULL, 0, NULL, 0);
	space_asked = tables;
	return tables <= space_left;
}

static void test_space_room(void)
{
	const uint64_t rw = LX_PROT_READ | LX_PROT_WRITE, anon = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
	const uint64_t T = 1ull << 39;
	proc.host.space_room = space_of;
	space_left = 2;
	/* a page 512 GiB from everything needs 3: ENOMEM, nothing mapped */
	EQ(SYS(mmap, 9 * T, LX_PAGE, rw, anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL), -LX_ENOMEM);
	EQ(space_how, LX_SPACE_GROW);
	EQ(space_asked, 3);
	CHECK(!lx_vma_find(&proc, 9 * T), "nothing mapped after ENOMEM");
	/* read-only mappings need tables too */
	EQ(SYS(mmap, 9 * T, LX_PAGE, LX_PROT_READ, anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL),
	   -LX_ENOMEM);
	space_left = 3;
	EQ(SYS(mmap, 9 * T, LX_PAGE, rw, anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL), (int64_t)(9 * T));
	/* brk into a new 2 MiB: one table */
	proc.brk_start = proc.brk = 0x600000;
	space_left = 0;
	EQ(SYS(brk, 0x600000 + (4ull << 20), 0, 0, 0, 0, 0, NULL), 0x600000);
	space_left = 3;
	EQ(SYS(brk, 0x600000 + (4ull << 20), 0, 0, 0, 0, 0, NULL), 0x600000 + (4 << 20));
	proc.host.space_room = NULL;
}

/* A region mapped PROT_WRITE or PROT_EXEC only can be read, as on Linux
 * (x86_64 and arm64 pages cannot be write- or execute-only): the first
 * touch by a read, and a system call's copy-in.  Before, a read of a
 * write-only page was refused (SIGSEGV, EFAULT). */
static void test_prot_read(void)
{
	setup();
	const uint64_t anon = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, at = 0x50000000;
	static uint8_t page[LX_PAGE];
	static const unsigned prots[] = { LX_PROT_WRITE, LX_PROT_EXEC };
	for (unsigned i = 0; i < 2; i++) {
		uint64_t a = at + i * 0x100000;
		EQ(SYS(mmap, a, 2 * LX_PAGE, prots[i], anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL),
		   (int64_t)a);
		EQ(lx_page_fill(&proc, a, false, page), (int)prots[i]);
		uint8_t b = 1;
		EQ(proc.mem.read(proc.mem.ctx, a + LX_PAGE, &b, 1), 0);
		EQ(b, 0);
	}
	EQ(lx_page_fill(&proc, at + 0x100000, true, page), -1);  /* exec-only: no write */
	EQ(SYS(mmap, at, LX_PAGE, 0 /* PROT_NONE */, anon | LX_MAP_FIXED, (uint64_t)-1, 0, NULL),
	   (int64_t)at);
	EQ(lx_page_fill(&proc, at, false, page), -1);  /* PROT_NONE: nothing */
}

static void test_brk_mmap(void)
{
	struct lx_action act;
	proc.brk_start = proc.brk = 0x600000;
	EQ(SYS(brk, 0, 0, 0, 0, 0, 0, NULL), 0x600000);
	EQ(SYS(brk, 0x602100, 0, 0, 0, 0, 0, NULL), 0x602100);
	uint64_t v = 0x1122334455667788ull;
	CHECK(proc.mem.write(proc.mem.ctx, 0x602000, &v, 8) == 0, "write to the heap");
	EQ(SYS(brk, 0x601000, 0, 0, 0, 0, 0, &act), 0x601000);
	EQ(act.kind, LX_ACT_UNMAP);
	CHECK(proc.mem.write(proc.mem.ctx, 0x602000, &v, 8) != 0, "heap page gone after shrink");
	EQ(SYS(brk, 0x100, 0, 0, 0, 0, 0, NULL), 0x601000);
	int64_t m = SYS(mmap, 0, 3 * LX_PAGE, LX_PROT_READ | LX_PROT_WRITE,
			LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0, NULL);
	CHECK(m > 0 && m % LX_PAGE == 0, "mmap returned %llx", (long long)m);
	CHECK(proc.mem.write(proc.mem.ctx, (uint64_t)m + LX_PAGE, &v, 8) == 0, "write mmapped");
	EQ(SYS(mprotect, (uint64_t)m, LX_PAGE, LX_PROT_READ, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_PROTECT);
	CHECK(proc.mem.write(proc.mem.ctx, (uint64_t)m, &v, 8) != 0, "read-only after mprotect");
	CHECK(proc.mem.write(proc.mem.ctx, (uint64_t)m + LX_PAGE, &v, 8) == 0, "rest still writable");
	EQ(SYS(munmap, (uint64_t)m + LX_PAGE, LX_PAGE, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_UNMAP);
	CHECK(proc.mem.read(proc.mem.ctx, (uint64_t)m + LX_PAGE, &v, 8) != 0, "hole after munmap");
	CHECK(proc.mem.read(proc.mem.ctx, (uint64_t)m + 2 * LX_PAGE, &v, 8) == 0, "after the hole");
	/* madvise: DONTNEED drops the pages (zeros next), errors as Linux's. */
	CHECK(proc.mem.write(proc.mem.ctx, (uint64_t)m + 2 * LX_PAGE, &v, 8) == 0, "write before madvise");
	EQ(SYS(madvise, (uint64_t)m + 2 * LX_PAGE, LX_PAGE, 4 /* DONTNEED */, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_DISCARD);
	testmem_apply(&mem, &act);
	uint64_t after = 1;
	CHECK(proc.mem.read(proc.mem.ctx, (uint64_t)m + 2 * LX_PAGE, &after, 8) == 0 && after == 0,
	      "zeros after MADV_DONTNEED");
	EQ(SYS(madvise, (uint64_t)m, 3 * LX_PAGE, 4, 0, 0, 0, &act), -LX_ENOMEM);  /* the hole */
	EQ(act.kind, LX_ACT_DISCARD);
	EQ(SYS(madvise, (uint64_t)m + 1, LX_PAGE, 4, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(madvise, (uint64_t)m, LX_PAGE, 5, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(madvise, (uint64_t)m, LX_PAGE, 18 /* WIPEONFORK */, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(madvise, (uint64_t)m, LX_PAGE, 9 /* REMOVE */, 0, 0, 0, NULL), -LX_EOPNOTSUPP);
	EQ(SYS(madvise, (uint64_t)m, LX_PAGE, 3 /* WILLNEED */, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	EQ(SYS(mmap, 0, 0, 3, 0x22, (uint64_t)-1, 0, NULL), -LX_EINVAL);
	EQ(SYS(mmap, 0, LX_PAGE, 3, 0x20, (uint64_t)-1, 0, NULL), -LX_EINVAL);
	EQ(SYS(mmap, 0, ~0ull, 3, 0x22, (uint64_t)-1, 0, NULL), -LX_EINVAL);
	EQ(SYS(mmap, 0x1001, LX_PAGE, 3, 0x32, (uint64_t)-1, 0, NULL), -LX_EINVAL);
	EQ(SYS(munmap, 0x1001, LX_PAGE, 0, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(mprotect, 0x70000000, LX_PAGE, 1, 0, 0, 0, NULL), -LX_ENOMEM);
	/* A file mapping shows the file's bytes. */
	uint64_t path = put_str(SCRATCH, "/etc/words");
	int64_t fd = SYS(open, path, 0, 0, 0, 0, 0, NULL);
	int64_t f = SYS(mmap, 0, LX_PAGE, LX_PROT_READ, LX_MAP_PRIVATE, (uint64_t)fd, 0, NULL);
	char w[6] = { 0 };
	get((uint64_t)f, w, 5);
	CHECK(strcmp(w, "pear\n") == 0, "file mapping shows '%s'", w);
}

static void test_table(void)
{
	/* Every number the table calls supported or partial has a handler
	 * (nothing logged), every errno entry returns its errno, unknown
	 * numbers give ENOSYS and are logged once. */
	unsigned bad = 0;
	for (uint64_t nr = 0; nr < LX_NR_MAX; nr++) {
		unsigned err, st = lx_syscall_status(nr, &err);
		setup();
		int64_t r = sys(nr, 0, 0, 0, 0, 0, 0, NULL);
		if ((st == LX_ST_SUPPORTED || st == LX_ST_PARTIAL) && logged) {
			if (bad++ < 5)
				fail("%s (%llu) is in the table but has no handler", lx_syscall_name(nr),
				     (unsigned long long)nr);
		}
		if (st == LX_ST_ERRNO && r != -(int64_t)err && bad++ < 5)
			fail("%s returns %lld, table says -%u", lx_syscall_name(nr), (long long)r, err);
		if (st == LX_ST_UNKNOWN && (r != -LX_ENOSYS || logged != 1) && bad++ < 5)
			fail("unknown %llu: %lld, logged %u", (unsigned long long)nr, (long long)r, logged);
	}
	setup();
	sys(999, 0, 0, 0, 0, 0, 0, NULL);
	sys(999, 0, 0, 0, 0, 0, 0, NULL);
	sys(1u << 20, 0, 0, 0, 0, 0, 0, NULL);
	EQ(logged, 2);
	EQ(SYS(rseq, 0, 0, 0, 0, 0, 0, NULL), -LX_ENOSYS);
	EQ(SYS(rseq, 0, 0, 0, 0, 0, 0, NULL), -LX_ENOSYS);
	EQ(logged, 3);
}

static void test_paths(void)
{
	char abs[LX_PATH_MAX];
	EQ(lx_fs_resolve(&fs, 0, "a//b/./c/../d/", abs), 0);
	CHECK(strcmp(abs, "/a/b/d") == 0, "resolve '%s'", abs);
	EQ(lx_fs_resolve(&fs, 0, "../../..", abs), 0);
	CHECK(strcmp(abs, "/") == 0, "resolve .. past root '%s'", abs);
	char longp[600];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	EQ(lx_fs_resolve(&fs, 0, longp, abs), -LX_ENAMETOOLONG);
	uint64_t p = SCRATCH + LX_PAGE - 3;
	proc.mem.write(proc.mem.ctx, p, "abc", 3);  /* no NUL before the end of the area */
	uint64_t end = SCRATCH + SCRATCH_LEN - 3;
	proc.mem.write(proc.mem.ctx, end, "abc", 3);
	EQ(SYS(open, end, 0, 0, 0, 0, 0, NULL), -LX_EFAULT);
	put_str(SCRATCH, "/tmp");
	EQ(SYS(chdir, SCRATCH, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(getcwd, SCRATCH, 100, 0, 0, 0, 0, NULL), 5);
	EQ(SYS(getcwd, SCRATCH, 2, 0, 0, 0, 0, NULL), -LX_ERANGE);
}

static void test_bad_archives(void)
{
	const char *why = NULL;
	static struct lx_fs f2;
	EQ(lx_fs_init(&f2, (const uint8_t *)"junk", 4, &why), -LX_EINVAL);
	arc_build();
	EQ(lx_fs_init(&f2, arc, arc_len - 20, &why), -LX_EINVAL);
	CHECK(why != NULL, "a reason");
	uint8_t bad[8192];
	memcpy(bad, arc, arc_len);
	memcpy(bad + 94, "FFFFFFFF", 8);  /* namesize of the first entry */
	EQ(lx_fs_init(&f2, bad, arc_len, &why), -LX_EINVAL);
	/* A symbolic link in the archive with no target is refused. */
	arc_len -= 124;  /* the trailer */
	arc_add("bin/empty", 0120777, NULL);
	arc_add("TRAILER!!!", 0, NULL);
	EQ(lx_fs_init(&f2, arc, arc_len, &why), -LX_EINVAL);
	CHECK(why && strcmp(why, "bad symbolic link target") == 0, "reason '%s'", why);
}

/* Symbolic links in the archive (aarch64's test programs): followed by
 * lx_fs_walk, relative and absolute, read by readlink. */
static void test_archive_links(void)
{
	static struct lx_fs f2;
	const char *why = NULL;
	char abs[LX_PATH_MAX];
	arc_build();
	arc_len -= 124;
	arc_add("etc/greeting", 0120777, "motd");
	arc_add("bin/motd", 0120777, "/etc/greeting");
	arc_add("TRAILER!!!", 0, NULL);
	EQ(lx_fs_init(&f2, arc, arc_len, &why), 0);
	EQ(lx_fs_walk(&f2, 0, "/bin/motd", true, abs), 0);
	CHECK(strcmp(abs, "/etc/motd") == 0, "walked to '%s'", abs);
	EQ(lx_fs_walk(&f2, 0, "/bin/motd", false, abs), 0);
	CHECK(strcmp(abs, "/bin/motd") == 0, "not followed: '%s'", abs);
	int node = lx_fs_lookup(&f2, "/etc/greeting");
	CHECK(node >= 0 && lx_fs_is_link(&f2, node), "a link node");
	char target[16] = { 0 };
	EQ(lx_fs_read(&f2, node, 0, target, sizeof(target) - 1), 4);
	CHECK(strcmp(target, "motd") == 0, "target '%s'", target);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static uint8_t buf[1 << 22];
	*len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return buf;
}

/* A fresh process whose file system holds elf as /bin/prog, with
 * execve's path at SCRATCH and argv (empty) at SCRATCH + 64, envp at
 * SCRATCH + 72.  Returns the path's address. */
static uint64_t exec_setup(const uint8_t *elf, size_t len)
{
	static uint8_t a[(1 << 22) + 4096];
	static struct lx_fs efs;
	const char *why = NULL;
	size_t alen = 0;
	cpio_put(a, &alen, "bin", 040755, NULL, 0);
	cpio_put(a, &alen, "bin/prog", 0100755, elf, len);
	cpio_put(a, &alen, "TRAILER!!!", 0, NULL, 0);
	EQ(lx_fs_init(&efs, a, alen, &why), 0);
	setup();
	proc.fs = &efs;
	uint64_t upath = put_str(SCRATCH, "/bin/prog"), args[2] = { upath, 0 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 64, args, sizeof(args));
	return upath;
}

static void test_elf(const char *path)
{
	const char *why = NULL;
	struct lx_image img;
	uint8_t junk[200] = "\177ELF";
	EQ(lx_load_elf(&proc, junk, sizeof(junk), &img, &why), -LX_ENOEXEC);
	EQ(lx_load_elf(&proc, junk, 3, &img, &why), -LX_ENOEXEC);
	CHECK(why && strcmp(why, "not an ELF file") == 0, "reason '%s'", why);
	size_t len;
	uint8_t *elf = path ? read_file(path, &len) : NULL;
	if (!elf) {
		fail("cannot read the test program %s", path ? path : "(none given)");
		return;
	}
	EQ(lx_load_elf(&proc, elf, len, &img, &why), 0);
	/* what execve commits: the pages of its writable segments, as mapped */
	struct lx_image scan;
	EQ(lx_scan_elf(elf, len, &scan), 0);
	uint64_t writable = 0;
	for (unsigned i = 0; i < proc.nvmas; i++)
		if (proc.vmas[i].prot & LX_PROT_WRITE && proc.vmas[i].file)
			writable += proc.vmas[i].end - proc.vmas[i].start;
	CHECK(scan.commit > 0 && scan.commit == writable, "commit %llu, writable segments %llu",
	      (unsigned long long)scan.commit, (unsigned long long)writable);
	static const char *argv[] = { "/bin/hello", "a" }, *envp[] = { "HOME=/" };
	uint8_t rnd[16] = { 1, 2, 3 };
	uint64_t sp;
	EQ(lx_build_stack(&proc, &img, 2, argv, 1, envp, rnd, &sp), 0);
	EQ(sp % 16, 0);
	uint64_t w[4];
	get(sp, w, sizeof(w));
	EQ(w[0], 2);
	char s[16] = { 0 };
	get(w[1], s, 11);
	CHECK(strcmp(s, "/bin/hello") == 0, "argv[0] '%s'", s);
	EQ(w[3], 0);
	/* The entry point's page holds the program's bytes. */
	uint8_t code[16];
	get(img.entry, code, sizeof(code));
	uint64_t off = 0;
	CHECK(lx_vma_find(&proc, img.entry) != NULL, "entry mapped");
	(void)off;
	/* Corruptions are refused, each with a reason. */
	static uint8_t c[1 << 22];
	size_t pos[] = { 4, 18, 32, 54, 56 };
	for (unsigned i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		memcpy(c, elf, len);
		c[pos[i]] ^= 0x40;
		setup();
		why = NULL;
		CHECK(lx_load_elf(&proc, c, len, &img, &why) == -LX_ENOEXEC && why,
		      "corruption at %zu accepted", pos[i]);
	}
	memcpy(c, elf, len);
	setup();
	CHECK(lx_load_elf(&proc, c, 100, &img, &why) == -LX_ENOEXEC, "truncated file accepted");
	/* Writable segments the server cannot back: refused at load, with a
	 * reason (fuzz/linux found them accepted and committed past it). */
	setup();
	proc.nvmas = 0;
	proc.host.commit_limit = scan.commit - LX_PAGE;
	why = NULL;
	EQ(lx_load_elf(&proc, elf, len, &img, &why), -LX_ENOEXEC);
	CHECK(why && strstr(why, "writable segments"), "reason '%s'", why ? why : "(none)");
	EQ(proc.nvmas, 0);
	proc.host.commit_limit = scan.commit;
	EQ(lx_load_elf(&proc, elf, len, &img, &why), 0);
	proc.host.commit_limit = 0;
	/* execve commits the new image's writable segments in place of the
	 * whole old address space: ENOMEM, before its point of no return,
	 * when they do not fit. */
	uint64_t upath = exec_setup(elf, len);
	struct lx_action act;
	proc.host.commit_limit = scan.commit - LX_PAGE;
	EQ(SYS(execve, upath, SCRATCH + 64, SCRATCH + 72, 0, 0, 0, &act), -LX_ENOMEM);
	EQ(act.kind, LX_ACT_RETURN);
	proc.host.commit_limit = scan.commit;  /* the old space's commitment goes */
	proc.host.space_room = space_of;
	space_left = scan.tables - 1;
	EQ(SYS(execve, upath, SCRATCH + 64, SCRATCH + 72, 0, 0, 0, &act), -LX_ENOMEM);
	EQ(space_how, LX_SPACE_EXEC);
	space_left = scan.tables;
	proc.host.space_room = NULL;
	EQ(SYS(execve, upath, SCRATCH + 64, SCRATCH + 72, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_EXEC);
	proc.fs = &fs;
}


/* An ELF of 1 + extra PT_LOADs: a code page at 0x400000 and `extra` small
 * read-only segments on pages of their own (file-backed: they never
 * merge).  Returns its size. */
static size_t many_segments(uint8_t *e, unsigned extra)
{
	unsigned phnum = 1 + extra;
	size_t code = (64 + 56 * phnum + 15) & ~15ul, size = code + 16;
	memset(e, 0, size);
	memcpy(e, "\177ELF\2\1\1", 7);
	uint64_t h[][2] = { { 16, 2 }, { 18, LX_ELF_MACHINE }, { 20, 1 } };
	for (unsigned i = 0; i < 3; i++)
		memcpy(e + h[i][0], &h[i][1], 2);
	uint64_t entry = 0x400000 + code, phoff = 64;
	memcpy(e + 24, &entry, 8);
	memcpy(e + 32, &phoff, 8);
	uint16_t ehsize = 64, phent = 56, n = (uint16_t)phnum;
	memcpy(e + 52, &ehsize, 2);
	memcpy(e + 54, &phent, 2);
	memcpy(e + 56, &n, 2);
	for (unsigned i = 0; i < phnum; i++) {
		uint8_t *ph = e + 64 + 56 * i;
		uint32_t type = 1, flags = i ? 4 : 5;
		uint64_t f[6] = { 0, i ? 0x10000000 + i * 0x2000ull : 0x400000, 0,
				  i ? 16 : size, i ? 16 : size, 0x1000 };
		f[2] = f[1];
		memcpy(ph, &type, 4);
		memcpy(ph + 4, &flags, 4);
		memcpy(ph + 8, f, sizeof(f));
	}
	return size;
}

/* A region table holds LX_MAX_VMAS regions: an ELF whose segments, stack
 * (and trampoline) need more is refused by the scan, so that execve
 * answers ENOEXEC rather than killing the process past its point of no
 * return (a red team's 63-segment ELF: "execve failed past its point of no
 * return", SIGKILL). */
static void test_elf_regions(void)
{
	static uint8_t e[8192];
	const char *why = NULL;
	struct lx_image img;
	unsigned fit = LX_MAX_VMAS - 1 - 1 - LX_AARCH64;  /* segments that fit beside the stack */
	size_t len = many_segments(e, fit - 1);
	setup();
	proc.nvmas = 0;
	EQ(lx_load_elf(&proc, e, len, &img, &why), 0);
	uint64_t sp;
	static const char *argv[] = { "/bin/prog" };
	uint8_t rnd[16] = { 0 };
	EQ(lx_build_stack(&proc, &img, 1, argv, 0, NULL, rnd, &sp), 0);
	EQ(proc.nvmas, fit + 1 + LX_AARCH64);
	len = many_segments(e, fit);
	why = NULL;
	EQ(lx_check_elf(e, len, &why), -LX_ENOEXEC);
	CHECK(why && strcmp(why, "too many segments") == 0, "reason '%s'", why ? why : "none");
	/* execve of it: ENOEXEC, the caller goes on */
	uint64_t upath = exec_setup(e, len);
	struct lx_action act;
	EQ(SYS(execve, upath, SCRATCH + 64, SCRATCH + 72, 0, 0, 0, &act), -LX_ENOEXEC);
	EQ(act.kind, LX_ACT_RETURN);
	proc.fs = &fs;
}

static uint32_t st_mode(uint64_t buf)
{
	uint8_t st[LX_STAT_SIZE];
	get(buf, st, sizeof(st));
	return (uint32_t)(st[LX_ST_MODE] | st[LX_ST_MODE + 1] << 8 | st[LX_ST_MODE + 2] << 16 |
			  (uint32_t)st[LX_ST_MODE + 3] << 24);
}

static uint64_t st_u64(uint64_t buf, unsigned off)
{
	uint64_t v;
	get(buf + off, &v, 8);
	return v;
}

/* /tmp grows page by page from the budget: 5000 numbers (23,893 bytes) and
 * a 3 MiB file, read back; a spent budget gives ENOSPC, unlink gives the
 * pages back. */
static void test_tmp_grows(void)
{
	uint64_t path = put_str(SCRATCH, "/tmp/s"), buf = SCRATCH + 256;
	int64_t fd = SYS(open, path, LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644, 0, 0, 0, NULL);
	EQ(fd, 3);
	uint64_t total = 0;
	for (int i = 1; i <= 5000; i++) {
		char line[16];
		int n = sprintf(line, "%d\n", i);
		proc.mem.write(proc.mem.ctx, buf, line, (size_t)n);
		EQ(SYS(write, fd, buf, n, 0, 0, 0, NULL), n);
		total += (uint64_t)n;
	}
	EQ(total, 23893);
	EQ(SYS(close, fd, 0, 0, 0, 0, 0, NULL), 0);
	fd = SYS(open, path, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	uint64_t lines = 0, got = 0;
	for (;;) {
		int64_t n = SYS(read, fd, SCRATCH + LX_PAGE, 3000, 0, 0, 0, NULL);
		if (n <= 0)
			break;
		char b[3000];
		get(SCRATCH + LX_PAGE, b, (size_t)n);
		for (int64_t i = 0; i < n; i++)
			lines += b[i] == '\n';
		got += (uint64_t)n;
	}
	EQ(got, 23893);
	EQ(lines, 5000);
	EQ(SYS(lseek, fd, -6, 2, 0, 0, 0, NULL), 23887);
	char last[7] = { 0 };
	EQ(SYS(read, fd, SCRATCH + LX_PAGE, 6, 0, 0, 0, NULL), 6);
	get(SCRATCH + LX_PAGE, last, 6);
	CHECK(strcmp(last, "\n5000\n") == 0, "tail '%s'", last);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	/* big: past the old 16 KiB cap by far, through sparse writes */
	put_str(SCRATCH, "/tmp/big");
	fd = SYS(open, SCRATCH, LX_O_CREAT | LX_O_RDWR, 0644, 0, 0, 0, NULL);
	put_str(buf, "end");
	EQ(SYS(pwrite64, fd, buf, 3, 3 << 20, 0, 0, NULL), 3);
	uint8_t st[LX_STAT_SIZE];
	EQ(SYS(fstat, fd, SCRATCH + LX_PAGE, 0, 0, 0, 0, NULL), 0);
	get(SCRATCH + LX_PAGE, st, sizeof(st));
	EQ(st_u64(SCRATCH + LX_PAGE, LX_ST_SIZE), (3 << 20) + 3);
	EQ(SYS(pread64, fd, SCRATCH + LX_PAGE, 4, (3 << 20) - 1, 0, 0, NULL), 4);
	char b4[5] = { 0 };
	get(SCRATCH + LX_PAGE, b4, 4);
	CHECK(b4[0] == 0 && memcmp(b4 + 1, "end", 3) == 0, "a hole reads as zeros");
	/* the budget spent: ENOSPC, and a partial write is a short count */
	unsigned before = testmem_pages_out;
	testmem_budget = testmem_pages_out;
	EQ(SYS(pwrite64, fd, buf, 3, 8 << 20, 0, 0, NULL), -LX_ENOSPC);
	testmem_budget = testmem_pages_out + 2;  /* an index page and one data page */
	EQ(SYS(pwrite64, fd, buf, 3, 5 << 20, 0, 0, NULL), 3);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(unlink, SCRATCH, 0, 0, 0, 0, 0, NULL), 0);
	CHECK(testmem_pages_out < before, "unlink gave the pages back (%u, was %u)", testmem_pages_out, before);
	/* truncate frees, and a regrown tail reads as zeros */
	put_str(SCRATCH, "/tmp/s");
	fd = SYS(open, path, LX_O_RDWR, 0, 0, 0, 0, NULL);
	EQ(SYS(ftruncate, fd, 2, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(ftruncate, fd, 6, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(pread64, fd, SCRATCH + LX_PAGE, 10, 0, 0, 0, NULL), 6);
	get(SCRATCH + LX_PAGE, last, 6);
	CHECK(memcmp(last, "1\n\0\0\0\0", 6) == 0, "truncate then grow");
	EQ(SYS(ftruncate, fd, -1, 0, 0, 0, 0, NULL), -LX_EINVAL);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(unlink, path, 0, 0, 0, 0, 0, NULL), 0);
	EQ(testmem_pages_out, 0);
	EQ(fs.tmp_pages, 0);
}

/* A /tmp file at path (in the scratch page) holding `pages` pages of 'x'. */
static void tmp_file(const char *path, unsigned pages)
{
	uint64_t p = put_str(SCRATCH, path), buf = SCRATCH + LX_PAGE;
	static char page[LX_PAGE];
	memset(page, 'x', sizeof(page));
	proc.mem.write(proc.mem.ctx, buf, page, sizeof(page));
	int64_t fd = SYS(open, p, LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644, 0, 0, 0, NULL);
	for (unsigned i = 0; i < pages; i++)
		EQ(SYS(write, fd, buf, LX_PAGE, 0, 0, 0, NULL), LX_PAGE);
	EQ(SYS(close, fd, 0, 0, 0, 0, 0, NULL), 0);
}

/* /tmp gives pages back when a file's last name and last descriptor go:
 * renamed over, and unlinked while open (at the close); the budget's
 * count and the layer's (fs.tmp_pages, /proc/meminfo's Shmem) agree. */
static void test_tmp_gives_back(void)
{
	tmp_file("/tmp/r1", 8);  /* 8 data pages, 2 index pages */
	tmp_file("/tmp/r2", 1);
	EQ(testmem_pages_out, 13);
	uint64_t a = put_str(SCRATCH, "/tmp/r2"), b = put_str(SCRATCH + 256, "/tmp/r1");
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), 0);
	EQ(testmem_pages_out, 3);  /* r1's went with its last name */
	int64_t fd = SYS(open, b, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	EQ(SYS(unlink, b, 0, 0, 0, 0, 0, NULL), 0);
	EQ(testmem_pages_out, 3);  /* still open: still readable */
	EQ(SYS(read, fd, SCRATCH + 512, 2, 0, 0, 0, NULL), 2);
	EQ(SYS(close, fd, 0, 0, 0, 0, 0, NULL), 0);
	EQ(testmem_pages_out, 0);
	EQ(fs.tmp_pages, 0);
}

/* Names in /tmp: mkdir errors in Linux's order, rename (files, directories
 * with their contents), hard and symbolic links, chmod, times. */
static void test_tmp_names(void)
{
	uint64_t a = SCRATCH, b = SCRATCH + 256, st = SCRATCH + 1024;
	put_str(a, "/tmp");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), -LX_EEXIST);  /* mkdir -p /tmp/x */
	put_str(a, "/");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), -LX_EEXIST);
	put_str(a, "/etc");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), -LX_EEXIST);
	put_str(a, "/newdir");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), -LX_EROFS);
	put_str(a, "/nope/x");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), -LX_ENOENT);
	put_str(a, "/tmp/d");
	EQ(SYS(mkdir, a, 0755, 0, 0, 0, 0, NULL), 0);
	put_str(a, "/tmp/d/f");
	int64_t fd = SYS(open, a, LX_O_CREAT | LX_O_WRONLY, 0600, 0, 0, 0, NULL);
	put_str(b, "data");
	EQ(SYS(write, fd, b, 4, 0, 0, 0, NULL), 4);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	/* rename a directory: its file moves with it */
	put_str(a, "/tmp/d");
	put_str(b, "/tmp/e");
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), 0);
	put_str(a, "/tmp/e/f");
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_SIZE), 4);
	put_str(a, "/tmp/d/f");
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), -LX_ENOENT);
	put_str(a, "/tmp/e");
	put_str(b, "/tmp/e/inside");
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), -LX_EINVAL);
	put_str(a, "/etc/motd");
	put_str(b, "/tmp/m");
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), -LX_EROFS);
	put_str(a, "/tmp/none");
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), -LX_ENOENT);
	/* renameat2 NOREPLACE; a rename over a file replaces it */
	put_str(a, "/tmp/e/f");
	put_str(b, "/tmp/g");
	EQ(SYS(renameat2, (uint64_t)LX_AT_FDCWD, a, (uint64_t)LX_AT_FDCWD, b, 0, 0, NULL), 0);
	fd = SYS(open, a, LX_O_CREAT | LX_O_WRONLY, 0600, 0, 0, 0, NULL);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(renameat2, (uint64_t)LX_AT_FDCWD, a, (uint64_t)LX_AT_FDCWD, b, LX_RENAME_NOREPLACE, 0, NULL), -LX_EEXIST);
	EQ(SYS(renameat2, (uint64_t)LX_AT_FDCWD, a, (uint64_t)LX_AT_FDCWD, b, 8, 0, NULL), -LX_EINVAL);
	EQ(SYS(rename, a, b, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_SIZE), 0);
	/* hard link: one inode, two names */
	put_str(a, "/tmp/h");
	EQ(SYS(link, b, a, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(link, b, a, 0, 0, 0, 0, NULL), -LX_EEXIST);
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_NLINK), 2);
	uint64_t ino = st_u64(st, LX_ST_INO);
	EQ(SYS(stat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_INO), ino);
	fd = SYS(open, a, LX_O_WRONLY, 0, 0, 0, 0, NULL);
	put_str(SCRATCH + 512, "xy");
	EQ(SYS(write, fd, SCRATCH + 512, 2, 0, 0, 0, NULL), 2);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(stat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_SIZE), 2);
	EQ(SYS(unlink, b, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_NLINK), 1);
	put_str(SCRATCH + 512, "/etc/motd");
	EQ(SYS(link, SCRATCH + 512, b, 0, 0, 0, 0, NULL), -LX_EXDEV);
	/* symbolic links: readlink, followed by open and stat, not by lstat */
	put_str(SCRATCH + 512, "h");
	put_str(b, "/tmp/l");
	EQ(SYS(symlink, SCRATCH + 512, b, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(symlink, SCRATCH + 512, b, 0, 0, 0, 0, NULL), -LX_EEXIST);
	EQ(SYS(readlink, b, SCRATCH + 2048, 100, 0, 0, 0, NULL), 1);
	EQ(SYS(stat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_mode(st) & LX_S_IFMT, LX_S_IFREG);
	EQ(st_u64(st, LX_ST_SIZE), 2);
	EQ(SYS(lstat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_mode(st) & LX_S_IFMT, LX_S_IFLNK);
	EQ(SYS(open, b, LX_O_RDONLY | LX_O_NOFOLLOW, 0, 0, 0, 0, NULL), -LX_ELOOP);
	fd = SYS(open, b, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	EQ(SYS(read, fd, SCRATCH + 2048, 10, 0, 0, 0, NULL), 2);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	put_str(SCRATCH + 512, "/tmp/loop");
	EQ(SYS(symlink, SCRATCH + 512, SCRATCH + 512, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, SCRATCH + 512, st, 0, 0, 0, 0, NULL), -LX_ELOOP);
	put_str(SCRATCH + 512, "/etc");
	put_str(b, "/tmp/etc");
	EQ(SYS(symlink, SCRATCH + 512, b, 0, 0, 0, 0, NULL), 0);
	put_str(b, "/tmp/etc/motd");
	EQ(SYS(stat, b, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_SIZE), 23);
	EQ(SYS(unlink, b, 0, 0, 0, 0, 0, NULL), -LX_EROFS);
	/* chmod, chown, utimensat */
	EQ(SYS(chmod, a, 0751, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_mode(st), LX_S_IFREG | 0751);
	put_str(SCRATCH + 512, "/etc/motd");
	EQ(SYS(chmod, SCRATCH + 512, 0777, 0, 0, 0, 0, NULL), -LX_EROFS);
	EQ(SYS(chown, a, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(chown, a, 5, 0, 0, 0, 0, NULL), -LX_EPERM);
	uint64_t ts[4] = { 1000, 5, 2000, 7 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 3000, ts, 32);
	EQ(SYS(utimensat, (uint64_t)LX_AT_FDCWD, a, SCRATCH + 3000, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_ATIME), 1000);
	EQ(st_u64(st, LX_ST_MTIME), 2000);
	EQ(st_u64(st, LX_ST_MTIME + 8), 7);
	ts[1] = 2000000000;
	proc.mem.write(proc.mem.ctx, SCRATCH + 3000, ts, 32);
	EQ(SYS(utimensat, (uint64_t)LX_AT_FDCWD, a, SCRATCH + 3000, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(utimensat, (uint64_t)LX_AT_FDCWD, a, 0, 0, 0, 0, NULL), 0);  /* touch: now */
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), 0);
	EQ(st_u64(st, LX_ST_MTIME), 1700000000 + 1);  /* archive time + 1.5 s since boot */
	EQ(SYS(utimensat, (uint64_t)LX_AT_FDCWD, SCRATCH + 512, 0, 0, 0, 0, NULL), -LX_EROFS);
	/* an open file outlives its name */
	fd = SYS(open, a, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	EQ(SYS(unlink, a, 0, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(stat, a, st, 0, 0, 0, 0, NULL), -LX_ENOENT);
	EQ(SYS(read, fd, SCRATCH + 2048, 10, 0, 0, 0, NULL), 2);
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
}

static void test_dev(void)
{
	uint64_t path = put_str(SCRATCH, "/dev/null"), buf = SCRATCH + 1024;
	int64_t fd = SYS(open, path, LX_O_RDWR, 0, 0, 0, 0, NULL);
	EQ(fd, 3);
	EQ(SYS(write, fd, buf, 100, 0, 0, 0, NULL), 100);
	EQ(SYS(read, fd, buf, 100, 0, 0, 0, NULL), 0);
	EQ(SYS(fstat, fd, buf, 0, 0, 0, 0, NULL), 0);
	EQ(st_mode(buf) & LX_S_IFMT, LX_S_IFCHR);
	EQ(st_u64(buf, LX_ST_RDEV), 1 << 8 | 3);
	put_str(SCRATCH, "/dev/zero");
	int64_t z = SYS(open, SCRATCH, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	put_str(buf, "xxxxxxxx");
	EQ(SYS(read, z, buf, 8, 0, 0, 0, NULL), 8);
	uint64_t v = 1;
	get(buf, &v, 8);
	EQ(v, 0);
	EQ(SYS(read, z, RO_PAGE, 8, 0, 0, 0, NULL), -LX_EFAULT);
	put_str(SCRATCH, "/dev/urandom");
	int64_t u = SYS(open, SCRATCH, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	uint64_t r1 = 0, r2 = 0;
	EQ(SYS(read, u, buf, 8, 0, 0, 0, NULL), 8);
	get(buf, &r1, 8);
	EQ(SYS(read, u, buf, 8, 0, 0, 0, NULL), 8);
	get(buf, &r2, 8);
	CHECK(r1 != r2 && r1 != 0, "urandom gives different words");
	/* ChaCha20's known answer (RFC 8439 2.3.2 has another nonce; the
	 * all-zero key and counter 0 give 76 b8 e0 ad...) */
	memset(proc.rng_key, 0, sizeof(proc.rng_key));
	proc.rng_ctr = 0;
	EQ(SYS(getrandom, buf, 4, 0, 0, 0, 0, NULL), 4);
	uint8_t k[4];
	get(buf, k, 4);
	CHECK(k[0] == 0x76 && k[1] == 0xb8 && k[2] == 0xe0 && k[3] == 0xad, "chacha20 %02x%02x%02x%02x",
	      k[0], k[1], k[2], k[3]);
	put_str(SCRATCH, "/dev/tty");
	int64_t t = SYS(open, SCRATCH, LX_O_WRONLY, 0, 0, 0, 0, NULL);
	put_str(buf, "tty!");
	EQ(SYS(write, t, buf, 4, 0, 0, 0, NULL), 4);
	CHECK(out_len == 4 && memcmp(out, "tty!", 4) == 0, "/dev/tty is the console");
	put_str(SCRATCH, "/dev/null");
	EQ(SYS(unlink, SCRATCH, 0, 0, 0, 0, 0, NULL), -LX_EROFS);
	put_str(SCRATCH, "/dev");
	EQ(SYS(mkdir, SCRATCH, 0755, 0, 0, 0, 0, NULL), -LX_EEXIST);
}

static int64_t read_all(const char *path, char *dst, size_t cap)
{
	put_str(SCRATCH, path);
	int64_t fd = SYS(open, SCRATCH, LX_O_RDONLY, 0, 0, 0, 0, NULL);
	if (fd < 0)
		return fd;
	int64_t total = 0;
	for (;;) {
		int64_t n = SYS(read, fd, SCRATCH + 1024, 100, 0, 0, 0, NULL);
		if (n <= 0 || (size_t)(total + n) >= cap)
			break;
		get(SCRATCH + 1024, dst + total, (size_t)n);
		total += n;
	}
	dst[total] = '\0';
	SYS(close, fd, 0, 0, 0, 0, 0, NULL);
	return total;
}

static void test_proc(void)
{
	char t[2048];
	memcpy(proc.comm, "busybox", 8);
	memcpy(proc.cmdline, "ps\0-o\0pid", 10);
	proc.cmdline_len = 10;
	CHECK(read_all("/proc/self/stat", t, sizeof(t)) > 0, "read stat");
	CHECK(strncmp(t, "1 (busybox) R 0 1 1 ", 20) == 0, "stat '%.40s'", t);
	EQ(read_all("/proc/1/cmdline", t, sizeof(t)), 10);
	CHECK(read_all("/proc/meminfo", t, sizeof(t)) > 0 && strstr(t, "MemTotal:          65536 kB\n") &&
	      strstr(t, "MemFree:           49152 kB\n"), "meminfo '%s'", t);
	CHECK(read_all("/proc/uptime", t, sizeof(t)) > 0 && strcmp(t, "1.50 1.50\n") == 0, "uptime '%s'", t);
	CHECK(read_all("/proc/cpuinfo", t, sizeof(t)) > 0 && strncmp(t, "processor\t: 0\n", 14) == 0, "cpuinfo");
	EQ(read_all("/proc/2/stat", t, sizeof(t)), -LX_ENOENT);
	EQ(read_all("/proc/nothing", t, sizeof(t)), -LX_ENOENT);
	EQ(read_all("/proc/self/stat/x", t, sizeof(t)), -LX_ENOTDIR);
	uint64_t path = put_str(SCRATCH, "/proc/self");
	EQ(SYS(readlink, path, SCRATCH + 512, 100, 0, 0, 0, NULL), 1);
	put_str(SCRATCH, "/proc/meminfo");
	EQ(SYS(open, SCRATCH, LX_O_WRONLY, 0, 0, 0, 0, NULL), -LX_EACCES);
	EQ(SYS(stat, SCRATCH, SCRATCH + 512, 0, 0, 0, 0, NULL), 0);
	EQ(st_mode(SCRATCH + 512), LX_S_IFREG | 0444);
	/* ls /proc: the files, then one directory per process */
	put_str(SCRATCH, "/proc");
	int64_t fd = SYS(open, SCRATCH, LX_O_RDONLY | LX_O_DIRECTORY, 0, 0, 0, 0, NULL);
	EQ(fd, 3);
	int64_t n = SYS(getdents64, fd, SCRATCH + LX_PAGE, LX_PAGE, 0, 0, 0, NULL);
	uint8_t d[LX_PAGE];
	get(SCRATCH + LX_PAGE, d, (size_t)n);
	char names[256] = "";
	for (int64_t off = 0; off < n;) {
		strcat(names, (char *)d + off + 19);
		strcat(names, " ");
		off += d[off + 16];
	}
	CHECK(strcmp(names, ". .. cpuinfo loadavg meminfo mounts self uptime version 1 ") == 0,
	      "names '%s'", names);
	EQ(SYS(getdents64, fd, SCRATCH + LX_PAGE, LX_PAGE, 0, 0, 0, NULL), 0);
	/* sysinfo */
	EQ(SYS(sysinfo, SCRATCH, 0, 0, 0, 0, 0, NULL), 0);
	uint64_t si[14];
	get(SCRATCH, si, sizeof(si));
	EQ(si[0], 1);
	EQ(si[4], 64ull << 20);
	EQ(si[5], 48ull << 20);
	EQ(SYS(sysinfo, RO_PAGE, 0, 0, 0, 0, 0, NULL), -LX_EFAULT);
}

static void test_poll_sleep(void)
{
	struct lx_action act;
	/* stdout writable, stdin empty: poll with no timeout waits for input */
	uint8_t pfd[16] = { 0 };
	pfd[0] = 0, pfd[4] = 1;           /* fd 0, POLLIN */
	pfd[8] = 1, pfd[12] = 4;          /* fd 1, POLLOUT */
	proc.mem.write(proc.mem.ctx, SCRATCH, pfd, 16);
	EQ(SYS(poll, SCRATCH, 2, (uint64_t)-1, 0, 0, 0, &act), 1);
	get(SCRATCH, pfd, 16);
	EQ(pfd[6], 0);
	EQ(pfd[14], 4);
	EQ(SYS(poll, SCRATCH, 1, (uint64_t)-1, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_NEED_INPUT);
	lx_feed_input(&proc, "x\n", 2);
	EQ(SYS(poll, SCRATCH, 1, (uint64_t)-1, 0, 0, 0, &act), 1);
	get(SCRATCH, pfd, 8);
	EQ(pfd[6], 1);
	proc.in_len = 0;
	/* a timeout: BLOCK until the deadline, then 0 */
	EQ(SYS(poll, SCRATCH, 1, 200, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, 1500000000ull + 200000000ull);
	clock_now += 100000000ull;
	EQ(SYS(poll, SCRATCH, 1, 200, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, 1700000000ull);  /* the first try's deadline */
	clock_now += 100000000ull;
	EQ(SYS(poll, SCRATCH, 1, 200, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	EQ(SYS(poll, SCRATCH, 1, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	/* a bad descriptor: POLLNVAL; bad pointers */
	pfd[0] = 9;
	proc.mem.write(proc.mem.ctx, SCRATCH, pfd, 8);
	EQ(SYS(poll, SCRATCH, 1, 0, 0, 0, 0, &act), 1);
	get(SCRATCH, pfd, 8);
	EQ(pfd[6], 0x20);
	EQ(SYS(poll, 0x1234, 1, 0, 0, 0, 0, &act), -LX_EFAULT);
	EQ(SYS(poll, SCRATCH, 100000, 0, 0, 0, 0, &act), -LX_EINVAL);
	/* select: stdout is writable at once */
	uint64_t set = 1ull << 1;
	proc.mem.write(proc.mem.ctx, SCRATCH + 64, &set, 8);
	EQ(SYS(select, 2, 0, SCRATCH + 64, 0, 0, 0, &act), 1);
	uint64_t tv[2] = { 0, 2000000 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 128, tv, 16);
	EQ(SYS(select, 2, 0, SCRATCH + 64, 0, SCRATCH + 128, 0, &act), -LX_EINVAL);
	set = 1ull << 20;
	proc.mem.write(proc.mem.ctx, SCRATCH + 64, &set, 8);
	EQ(SYS(select, 21, SCRATCH + 64, 0, 0, 0, 0, &act), -LX_EBADF);
	/* nanosleep: 50 ms */
	uint64_t ts[2] = { 0, 50000000 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 128, ts, 16);
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, clock_now + 50000000ull);
	clock_now += 60000000ull;
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	ts[1] = 1000000000;
	proc.mem.write(proc.mem.ctx, SCRATCH + 128, ts, 16);
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), -LX_EINVAL);
	EQ(SYS(clock_nanosleep, 99, 0, SCRATCH + 128, 0, 0, 0, &act), -LX_EINVAL);
	EQ(SYS(nanosleep, RO_PAGE - 8, 0, 0, 0, 0, 0, &act), -LX_EFAULT);
}


/* Install handler h for sig with flags (SA_RESTORER and restorer 0x401000 added). */
static int64_t handle(int sig, uint64_t h, uint64_t flags, uint64_t mask)
{
	uint64_t sa[4] = { h, flags | 0x04000000, 0x401000, mask };
	proc.mem.write(proc.mem.ctx, SCRATCH + 3500, sa, 32);
	return SYS(rt_sigaction, (uint64_t)sig, SCRATCH + 3500, 0, 8, 0, 0, NULL);
}

static void test_signals(void)
{
	struct lx_action act;
	const uint64_t top = SCRATCH + SCRATCH_LEN;  /* the stack: the scratch area's top */
	struct lx_regs r = { .rax = 0, .rsp = top - 64, .rip = 0x402002, .eflags = 0x602,
			     .rbx = 0x1111, .r15 = 0x1515 };
	/* a handler with SA_RESTORER: its frame on the stack, regs to enter it */
	EQ(handle(10, 0x403000, 0, 1ull << 1), 0);
	EQ(SYS(kill, 1, 10, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	CHECK(lx_signal_pending(&proc), "SIGUSR1 pending");
	struct lx_regs h = r;
	EQ(lx_signal_deliver(&proc, &h), 0);
	EQ(h.rip, 0x403000);
	EQ(h.rdi, 10);
	EQ((h.rsp + 8) % 16, 0);
	CHECK(h.rsp < r.rsp - 128, "below the red zone");
	EQ(h.rsi, h.rsp + 8 + 304);
	EQ(h.rdx, h.rsp + 8);
	uint64_t w[2];
	get(h.rsp, w, 8);
	EQ(w[0], 0x401000);  /* returns to the restorer */
	get(h.rdx + 40 + 8 * 16, w, 8);  /* uc_mcontext.rip */
	EQ(w[0], 0x402002);
	uint32_t signo;
	get(h.rsi, &signo, 4);
	EQ(signo, 10);
	EQ(proc.sigmask, (1ull << 9) | (1ull << 1));  /* itself and sa_mask while it runs */
	/* the handler returns: rt_sigreturn restores every register and the mask */
	h.rsp += 8;
	h.rbx = 0xdead;
	EQ(SYS(rt_sigreturn, 0, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_SIGRETURN);
	EQ(lx_sigreturn(&proc, &h), 0);
	CHECK(memcmp(&h, &r, sizeof(r)) == 0, "registers back (rip %llx rbx %llx)",
	      (unsigned long long)h.rip, (unsigned long long)h.rbx);
	EQ(proc.sigmask, 0);
	EQ(lx_signal_deliver(&proc, &h), -1);  /* nothing left */
	/* a bad frame address: SIGSEGV */
	h = r;
	h.rsp = 0x8000;
	EQ(lx_sigreturn(&proc, &h), LX_SIGSEGV);
	SYS(kill, 0, 10, 0, 0, 0, 0, NULL);
	h.rsp = 0x5000;
	EQ(lx_signal_deliver(&proc, &h), LX_SIGSEGV);
	/* without SA_RESTORER: SIGSEGV, as on x86_64 Linux */
	uint64_t sa[4] = { 0x403000, 0, 0, 0 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 3500, sa, 32);
	EQ(SYS(rt_sigaction, 12, SCRATCH + 3500, 0, 8, 0, 0, NULL), 0);
	SYS(kill, 1, 12, 0, 0, 0, 0, NULL);
	h = r;
	EQ(lx_signal_deliver(&proc, &h), LX_SIGSEGV);
	/* bad arguments */
	EQ(SYS(rt_sigaction, 9, SCRATCH + 3500, 0, 8, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(rt_sigaction, 65, 0, 0, 8, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(rt_sigaction, 10, 0x1234, 0, 8, 0, 0, NULL), -LX_EFAULT);
	EQ(SYS(kill, 1, 99, 0, 0, 0, 0, NULL), -LX_EINVAL);
	EQ(SYS(kill, 77, 0, 0, 0, 0, 0, NULL), -LX_ESRCH);
}

static void test_signal_defaults(void)
{
	struct lx_action act;
	/* ignored by default: nothing happens */
	EQ(SYS(kill, 1, LX_SIGCHLD, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	CHECK(!lx_signal_pending(&proc), "SIGCHLD dropped");
	/* blocked SIGTERM waits; unblocking it ends the process */
	uint64_t set = 1ull << 14;
	proc.mem.write(proc.mem.ctx, SCRATCH, &set, 8);
	EQ(SYS(rt_sigprocmask, 0, SCRATCH, 0, 8, 0, 0, NULL), 0);
	EQ(SYS(kill, 1, LX_SIGTERM, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	EQ(SYS(rt_sigpending, SCRATCH + 8, 8, 0, 0, 0, 0, NULL), 0);
	uint64_t pend;
	get(SCRATCH + 8, &pend, 8);
	EQ(pend, 1ull << 14);
	EQ(SYS(rt_sigprocmask, 1, SCRATCH, 0, 8, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_EXIT);
	EQ(act.status, LX_SIGTERM);
	/* SIGKILL cannot be blocked, caught or ignored */
	setup();
	set = ~0ull;
	proc.mem.write(proc.mem.ctx, SCRATCH, &set, 8);
	EQ(SYS(rt_sigprocmask, 2, SCRATCH, 0, 8, 0, 0, NULL), 0);
	CHECK(!(proc.sigmask & (1ull << 8)), "SIGKILL not in the mask");
	SYS(kill, 1, LX_SIGKILL, 0, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_EXIT);
	EQ(act.status, LX_SIGKILL);
	/* SIGPIPE on a write to a pipe with no reader is not reachable alone;
	 * SIG_IGN drops a pending signal */
	setup();
	EQ(handle(10, 0x403000, 0, 0), 0);
	set = 1ull << 9;
	proc.mem.write(proc.mem.ctx, SCRATCH, &set, 8);
	SYS(rt_sigprocmask, 0, SCRATCH, 0, 8, 0, 0, NULL);
	SYS(kill, 1, 10, 0, 0, 0, 0, NULL);
	EQ(handle(10, 1, 0, 0), 0);
	EQ(proc.sigpending, 0);
	/* alarm: SIGALRM when due, its default ends the process */
	setup();
	EQ(SYS(alarm, 2, 0, 0, 0, 0, 0, NULL), 0);
	clock_now += 1000000000ull;
	EQ(SYS(alarm, 2, 0, 0, 0, 0, 0, NULL), 1);  /* one second was left */
	clock_now += 2100000000ull;
	SYS(getpid, 0, 0, 0, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_EXIT);
	EQ(act.status, LX_SIGALRM);
	/* a wait with an alarm set wakes for it */
	setup();
	SYS(alarm, 5, 0, 0, 0, 0, 0, NULL);
	SYS(pause, 0, 0, 0, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, clock_now + 5000000000ull);
	/* ...and only wakes it: with SIGALRM ignored, a sleep repeated
	 * after the alarm keeps its own deadline (it once took the alarm's
	 * and ended early, as did pause() on aarch64, a ppoll) */
	setup();
	EQ(handle(LX_SIGALRM, 1 /* SIG_IGN */, 0, 0), 0);
	SYS(alarm, 1, 0, 0, 0, 0, 0, NULL);
	uint64_t two[2] = { 2, 0 };
	proc.mem.write(proc.mem.ctx, SCRATCH + 128, two, 16);
	uint64_t woke = clock_now + 1000000000ull, end = clock_now + 2000000000ull;
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, woke);
	clock_now = woke;
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, end);
	EQ(proc.sigpending, 0);
	clock_now = end;
	EQ(SYS(nanosleep, SCRATCH + 128, 0, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_RETURN);
	SYS(alarm, 1, 0, 0, 0, 0, 0, NULL);
	EQ(SYS(ppoll, 0, 0, 0, 0, 8, 0, &act), 0);   /* no timeout: waits */
	EQ(act.kind, LX_ACT_BLOCK);
	clock_now += 1000000000ull;
	EQ(SYS(ppoll, 0, 0, 0, 0, 8, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(act.deadline, ~0ull);
	/* setitimer ITIMER_REAL with an interval; getitimer reads it */
	setup();
	uint64_t it[4] = { 0, 500000, 1, 0 };
	proc.mem.write(proc.mem.ctx, SCRATCH, it, 32);
	EQ(SYS(setitimer, 0, SCRATCH, 0, 0, 0, 0, NULL), 0);
	EQ(SYS(getitimer, 0, SCRATCH + 64, 0, 0, 0, 0, NULL), 0);
	get(SCRATCH + 64, it, 32);
	EQ(it[1], 500000);
	EQ(it[2], 1);
	EQ(SYS(setitimer, 5, SCRATCH, 0, 0, 0, 0, NULL), -LX_EINVAL);
}

/* A wait a handler interrupts: EINTR, or the call again with SA_RESTART. */
static void test_signal_waits(void)
{
	struct lx_action act;
	const uint64_t top = SCRATCH + SCRATCH_LEN;
	struct lx_regs r = { .rsp = top - 64, .rip = 0x402002 };
	/* a console read with SA_RESTART: back over the syscall instruction */
	EQ(handle(10, 0x403000, 0x10000000, 0), 0);
	SYS(read, 0, SCRATCH, 10, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_NEED_INPUT);
	lx_signal_send(&proc, 10, 0, 5, 0, 0);
	EQ(SYS(read, 0, SCRATCH, 10, 0, 0, 0, &act), -LX_ERESTARTSYS);
	EQ(act.kind, LX_ACT_RETURN);
	struct lx_regs h = r;
	h.rax = (uint64_t)act.ret;
	EQ(lx_signal_deliver(&proc, &h), 0);
	uint64_t saved[2];
	get(h.rdx + 40 + 8 * 13, saved, 8);  /* saved rax: the call's number (read, 0) */
	EQ(saved[0], 0);
	get(h.rdx + 40 + 8 * 16, saved, 8);  /* saved rip: the syscall instruction */
	EQ(saved[0], 0x402000);
	/* without SA_RESTART: EINTR */
	setup();
	EQ(handle(10, 0x403000, 0, 0), 0);
	SYS(read, 0, SCRATCH, 10, 0, 0, 0, &act);
	lx_signal_send(&proc, 10, 0, 5, 0, 0);
	h = r;
	h.rax = (uint64_t)SYS(read, 0, SCRATCH, 10, 0, 0, 0, &act);
	EQ(lx_signal_deliver(&proc, &h), 0);
	get(h.rdx + 40 + 8 * 13, saved, 8);
	EQ(saved[0], (uint64_t)-LX_EINTR);
	/* rt_sigsuspend: waits with the given mask; the handler's frame keeps
	 * the caller's mask, which rt_sigreturn puts back */
	setup();
	EQ(handle(10, 0x403000, 0, 0), 0);
	uint64_t m = 1ull << 11;
	proc.sigmask = 1ull << 9;  /* SIGUSR1 blocked until the wait */
	proc.mem.write(proc.mem.ctx, SCRATCH, &m, 8);
	EQ(SYS(rt_sigsuspend, SCRATCH, 8, 0, 0, 0, 0, &act), 0);
	EQ(act.kind, LX_ACT_BLOCK);
	EQ(proc.sigmask, 1ull << 11);
	lx_signal_send(&proc, 10, 0, 5, 0, 0);
	EQ(SYS(rt_sigsuspend, SCRATCH, 8, 0, 0, 0, 0, &act), -LX_EINTR);
	h = r;
	h.rax = (uint64_t)-LX_EINTR;
	EQ(lx_signal_deliver(&proc, &h), 0);
	get(h.rdx + 296, saved, 8);
	EQ(saved[0], 1ull << 9);  /* uc_sigmask: the mask before rt_sigsuspend */
	h.rsp += 8;
	EQ(lx_sigreturn(&proc, &h), 0);
	EQ(proc.sigmask, 1ull << 9);
	/* nanosleep interrupted: EINTR and the time left */
	setup();
	EQ(handle(10, 0x403000, 0, 0), 0);
	uint64_t ts[2] = { 2, 0 };
	proc.mem.write(proc.mem.ctx, SCRATCH, ts, 16);
	SYS(nanosleep, SCRATCH, SCRATCH + 16, 0, 0, 0, 0, &act);
	EQ(act.kind, LX_ACT_BLOCK);
	clock_now += 500000000ull;
	lx_signal_send(&proc, 10, 0, 5, 0, 0);
	EQ(SYS(nanosleep, SCRATCH, SCRATCH + 16, 0, 0, 0, 0, &act), -LX_EINTR);
	get(SCRATCH + 16, ts, 16);
	EQ(ts[0], 1);
	EQ(ts[1], 500000000);
	/* a fault goes to a handler when one is installed and not blocked */
	setup();
	CHECK(!lx_signal_fault(&proc, LX_SIGSEGV, 1, 0x8), "no handler: the process ends");
	EQ(handle(LX_SIGSEGV, 0x403000, 0, 0), 0);
	CHECK(lx_signal_fault(&proc, LX_SIGSEGV, 1, 0x8), "to the handler");
	h = r;
	EQ(lx_signal_deliver(&proc, &h), 0);
	uint64_t addr;
	get(h.rsi + 16, &addr, 8);
	EQ(addr, 0x8);
}

/* Processes: SIGCHLD and zombies (no cap of 8 on children waited for
 * later), process groups and sessions, kill of a group, the console's
 * Ctrl-C to the foreground group. */
static struct lx_world world;
/* The world's process table (lx_host.procs_grow): entries up to
 * procs_room, as a host whose memory ends there. */
static struct lx_proc procs_table[LX_MAX_PROCS];
static unsigned procs_room = LX_MAX_PROCS, procs_backed;
static struct lx_proc *procs_of(void *ctx, unsigned n)
{
	(void)ctx;
	if (n > procs_room)
		return NULL;
	procs_backed = n > procs_backed ? n : procs_backed;
	return procs_table;
}
/* Commitments are server-wide (issue 16's one page pool): every live
 * process's writable mappings count against host.commit_room(); a fork
 * commits the parent's again (ENOMEM when it does not fit), and an ended
 * process's commitment is free again. */
static uint64_t room_bytes;
static uint64_t room_of(void *ctx)
{
	(void)ctx;
	return room_bytes;
}

static void test_world_commit(void)
{
	const uint64_t rw = LX_PROT_READ | LX_PROT_WRITE, anon = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
	struct lx_mem ops = testmem_ops(&mem);
	struct lx_host host = { .console_write = console, .log_unsupported = log_nr,
				.now_ns = clock_ns, .commit_room = room_of, .procs_grow = procs_of };
	struct lx_proc *p = lx_world_init(&world, &fs, &ops, &host, 7);
	mem.p = p;
	struct lx_vma v = { .start = SCRATCH, .end = SCRATCH + SCRATCH_LEN,
			    .prot = LX_PROT_READ | LX_PROT_WRITE };
	lx_vma_map(p, &v);
	struct lx_action act;
	uint64_t a[6] = { 0 };
	room_bytes = SCRATCH_LEN + 10 * LX_PAGE;
	EQ(lx_proc_commit(p), SCRATCH_LEN);
	uint64_t m[6] = { 0, 4 * LX_PAGE, rw, anon, (uint64_t)-1, 0 };
	lx_syscall(p, LX_NR_mmap, m, &act);
	CHECK(act.ret > 0, "4 of 10 pages: %lld", (long long)act.ret);
	/* the child would commit SCRATCH_LEN + 4 pages more: no room */
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_RETURN);
	EQ(act.ret, -LX_ENOMEM);
	room_bytes = 2 * SCRATCH_LEN + 10 * LX_PAGE;
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_FORK);
	struct lx_proc *c = &world.procs[act.child];
	EQ(lx_world_commit(p), 2 * (SCRATCH_LEN + 4 * LX_PAGE));
	/* 2 pages left for both: the child takes them, the parent gets ENOMEM */
	uint64_t m2[6] = { 0, 2 * LX_PAGE, rw, anon, (uint64_t)-1, 0 };
	lx_syscall(c, LX_NR_mmap, m2, &act);
	CHECK(act.ret > 0, "the child's 2 pages: %lld", (long long)act.ret);
	lx_syscall(p, LX_NR_mmap, m2, &act);
	EQ(act.ret, -LX_ENOMEM);
	uint64_t b[6] = { 0 };
	p->brk_start = p->brk = 0x600000;
	b[0] = 0x601000;
	lx_syscall(p, LX_NR_brk, b, &act);
	EQ(act.ret, 0x600000);  /* a failed brk returns the old break */
	/* the child ends: its commitment is free, the parent's mmap fits */
	lx_proc_exit(c, 0);
	lx_syscall(p, LX_NR_mmap, m2, &act);
	CHECK(act.ret > 0, "after the child ended: %lld", (long long)act.ret);
	EQ(lx_world_commit(p), SCRATCH_LEN + 6 * LX_PAGE);
	uint64_t w[6] = { (uint64_t)-1, 0, 0 };
	lx_syscall(p, LX_NR_wait4, w, &act);
	CHECK(act.ret > 0, "reaped: %lld", (long long)act.ret);
}

static void test_world(void)
{
	struct lx_mem ops = testmem_ops(&mem);
	struct lx_host host = { .console_write = console, .log_unsupported = log_nr,
				.now_ns = clock_ns, .procs_grow = procs_of };
	procs_room = LX_MAX_PROCS;
	struct lx_proc *p = lx_world_init(&world, &fs, &ops, &host, 7);
	mem.p = p;
	struct lx_vma v = { .start = SCRATCH, .end = SCRATCH + SCRATCH_LEN,
			    .prot = LX_PROT_READ | LX_PROT_WRITE };
	lx_vma_map(p, &v);
	struct lx_action act;
	uint64_t a[6] = { 0 };
	/* 50 children that end at once, waited for after all of them */
	for (int i = 0; i < 50; i++) {
		lx_syscall(p, LX_NR_fork, a, &act);
		if (act.kind != LX_ACT_FORK) {
			fail("fork %d: kind %u ret %lld", i, act.kind, (long long)act.ret);
			return;
		}
		lx_proc_exit(&world.procs[act.child], 0);
	}
	int reaped = 0;
	for (;;) {
		uint64_t w[6] = { (uint64_t)-1, 0, 1 /* WNOHANG */ };
		lx_syscall(p, LX_NR_wait4, w, &act);
		if (act.ret <= 0)
			break;
		reaped++;
	}
	EQ(reaped, 50);
	uint64_t w1[6] = { (uint64_t)-1, 0, 0 };
	lx_syscall(p, LX_NR_wait4, w1, &act);
	EQ(act.ret, -LX_ECHILD);
	/* SIGCHLD reaches a handler; SIG_IGN reaps at once */
	uint64_t sa[4] = { 0x403000, 0x04000000, 0x401000, 0 };
	p->mem.write(p->mem.ctx, SCRATCH, sa, 32);
	uint64_t sarg[6] = { LX_SIGCHLD, SCRATCH, 0, 8 };
	lx_syscall(p, LX_NR_rt_sigaction, sarg, &act);
	lx_syscall(p, LX_NR_fork, a, &act);
	int child = act.child, cpid = (int)act.ret;
	/* set_tid_address gives the caller's thread id (the libc's own for
	 * raise), the child's pid: not 1 */
	uint64_t tida[6] = { SCRATCH };
	lx_syscall(&world.procs[child], LX_NR_set_tid_address, tida, &act);
	EQ(act.ret, cpid);
	EQ(cpid != 1, 1);
	/* the child makes its own group, then a session */
	uint64_t sp[6] = { 0, 0 };
	lx_syscall(&world.procs[child], LX_NR_setpgid, sp, &act);
	EQ(act.ret, 0);
	EQ(world.procs[child].pgid, cpid);
	lx_syscall(&world.procs[child], LX_NR_setsid, sp, &act);
	EQ(act.ret, -LX_EPERM);  /* a group leader */
	uint64_t g[6] = { (uint64_t)cpid };
	lx_syscall(p, LX_NR_getpgid, g, &act);
	EQ(act.ret, cpid);
	/* the parent hands the console to the child's group */
	uint32_t pg = (uint32_t)cpid;
	p->mem.write(p->mem.ctx, SCRATCH + 64, &pg, 4);
	uint64_t io[6] = { 0, 0x5410 /* TIOCSPGRP */, SCRATCH + 64 };
	lx_syscall(p, LX_NR_ioctl, io, &act);
	EQ(act.ret, 0);
	EQ(world.fg_pgrp, cpid);
	pg = 999;
	p->mem.write(p->mem.ctx, SCRATCH + 64, &pg, 4);
	lx_syscall(p, LX_NR_ioctl, io, &act);
	EQ(act.ret, -LX_EPERM);
	/* Ctrl-C: the foreground group only */
	lx_console_signal(&world, LX_SIGINT);
	EQ(world.procs[child].killed, LX_SIGINT);
	EQ(p->killed, 0);
	lx_proc_exit(&world.procs[child], LX_SIGINT);
	CHECK(p->sigpending & (1ull << 16), "SIGCHLD pending for the parent");
	EQ(p->siginfo[LX_SIGCHLD - 1].pid, cpid);
	EQ(p->siginfo[LX_SIGCHLD - 1].code, 2);  /* CLD_KILLED */
	uint64_t st = 0;
	uint64_t w2[6] = { (uint64_t)cpid, SCRATCH + 128, 0 };
	lx_syscall(p, LX_NR_wait4, w2, &act);
	EQ(act.ret, cpid);
	p->mem.read(p->mem.ctx, SCRATCH + 128, &st, 4);
	EQ(st, LX_SIGINT);
	sa[0] = 1;  /* SIG_IGN */
	p->mem.write(p->mem.ctx, SCRATCH, sa, 32);
	lx_syscall(p, LX_NR_rt_sigaction, sarg, &act);
	lx_syscall(p, LX_NR_fork, a, &act);
	lx_proc_exit(&world.procs[act.child], 0);
	lx_syscall(p, LX_NR_wait4, w1, &act);
	EQ(act.ret, -LX_ECHILD);
	/* every entry taken: fork waits while another process runs, and
	 * fails with EAGAIN when all the others wait for events */
	int kids[LX_MAX_PROCS];
	int nkids = 0;
	for (;;) {
		lx_syscall(p, LX_NR_fork, a, &act);
		if (act.kind != LX_ACT_FORK)
			break;
		kids[nkids++] = act.child;
	}
	EQ(nkids, LX_MAX_PROCS - 1);
	EQ(act.kind, LX_ACT_BLOCK);  /* the children run */
	for (int i = 0; i < nkids; i++)
		world.procs[kids[i]].waiting = true, world.procs[kids[i]].wait_deadline = ~0ull;
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_RETURN);
	EQ(act.ret, -LX_EAGAIN);
	world.procs[kids[0]].wait_deadline = 5;  /* one sleeps: it will end */
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_BLOCK);
	for (int i = 0; i < nkids; i++)
		lx_proc_exit(&world.procs[kids[i]], 0);
	lx_syscall(p, LX_NR_fork, a, &act);  /* the repeat: an entry is free */
	EQ(act.kind, LX_ACT_FORK);
	lx_proc_exit(&world.procs[act.child], 0);
	/* kill(0, sig): the caller's group, itself included */
	lx_syscall(p, LX_NR_fork, a, &act);
	child = act.child;
	uint64_t k[6] = { 0, LX_SIGTERM };
	lx_syscall(p, LX_NR_kill, k, &act);
	EQ(act.kind, LX_ACT_EXIT);
	EQ(world.procs[child].killed, LX_SIGTERM);
}

/* The process table grows as forks need entries, only then, and a fork
 * the host has no memory for gets ENOMEM (nothing is killed); an entry
 * freed is used again before the table grows. */
static void test_world_grow(void)
{
	struct lx_mem ops = testmem_ops(&mem);
	struct lx_host host = { .console_write = console, .log_unsupported = log_nr,
				.now_ns = clock_ns, .procs_grow = procs_of };
	procs_room = 0;
	EQ(lx_world_init(&world, &fs, &ops, &host, 7) == NULL, true);
	procs_room = 3;
	procs_backed = 0;
	struct lx_proc *p = lx_world_init(&world, &fs, &ops, &host, 7);
	mem.p = p;
	EQ(procs_backed, 1u);
	EQ(world.nprocs, 1u);
	uint64_t a[6] = { LX_SIGCHLD };
	struct lx_action act;
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_FORK);
	EQ(act.child, 1);
	EQ(procs_backed, 2u);
	lx_syscall(p, LX_NR_fork, a, &act);
	EQ(act.kind, LX_ACT_FORK);
	EQ(act.child, 2);
	lx_syscall(p, LX_NR_fork, a, &act);  /* the host has no more */
	EQ(act.kind, LX_ACT_RETURN);
	EQ(act.ret, -LX_ENOMEM);
	EQ(world.nprocs, 3u);
	EQ(world.procs[1].state, LX_PROC_LIVE);
	EQ(world.procs[2].state, LX_PROC_LIVE);
	int pid1 = world.procs[1].pid;
	lx_proc_exit(&world.procs[1], 0);
	uint64_t w1[6] = { (uint64_t)-1, 0, 0, 0 };
	lx_syscall(p, LX_NR_wait4, w1, &act);
	EQ(act.ret, pid1);
	lx_syscall(p, LX_NR_fork, a, &act);  /* entry 1 again, no growth */
	EQ(act.kind, LX_ACT_FORK);
	EQ(act.child, 1);
	EQ(world.nprocs, 3u);
	procs_room = LX_MAX_PROCS;
}

#define RUN(fn, ...)                                                     \
	do {                                                             \
		current = #fn;                                           \
		current_failed = false;                                  \
		setup();                                                 \
		fn(__VA_ARGS__);                                         \
		if (current_failed)                                      \
			failures++;                                      \
		else {                                                   \
			printf("PASS %s\n", #fn);                        \
			passes++;                                        \
		}                                                        \
	} while (0)

int main(int argc, char **argv)
{
	RUN(test_write_console);
	RUN(test_writev);
	RUN(test_open_read_close);
	RUN(test_sendfile_cat);
	RUN(test_stat);
	RUN(test_getdents);
	RUN(test_tmp);
	RUN(test_tmp_grows);
	RUN(test_tmp_gives_back);
	RUN(test_tmp_names);
	RUN(test_dev);
	RUN(test_proc);
	RUN(test_poll_sleep);
	RUN(test_signals);
	RUN(test_signal_defaults);
	RUN(test_signal_waits);
	RUN(test_world);
	RUN(test_world_grow);
	RUN(test_world_commit);
	RUN(test_stdin);
	RUN(test_startup_calls);
	RUN(test_prot_read);
	RUN(test_brk_mmap);
	RUN(test_commit_limit);
	RUN(test_space_tables);
	RUN(test_space_room);
	RUN(test_table);
	RUN(test_paths);
	RUN(test_bad_archives);
	RUN(test_archive_links);
	RUN(test_elf, argc > 1 ? argv[1] : NULL);
	RUN(test_elf_regions);
	return failures ? 1 : 0;
}
