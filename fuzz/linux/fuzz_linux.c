/* fuzz/linux: the Linux server's translation layer (user/linux/lx_*.c), the
 * code the server runs, on arbitrary input.  The first byte picks what:
 *
 *   0 (and default)  a process: the next 256 bytes fill its scratch memory,
 *                    then records of 1 + 2 + 6 x 9 bytes are system calls
 *                    (argument kinds: raw, small, pointer into scratch)
 *   1                the bytes are an ELF file: load it, build a stack
 *   2                the bytes are an archive: build the file system
 *
 * Besides ASan/UBSan's "no crash, nothing read outside a buffer", each step
 * checks that the answer is a Linux result or a valid KOZO operation and
 * that the process state stays consistent (regions sorted, disjoint, page
 * aligned, inside the user range; descriptors name real nodes). */
#include <string.h>

#include "fuzz.h"
#include "lx.h"
#include "testmem.h"

static struct lx_fs fs;
static struct testmem mem;
static struct lx_proc proc;
static uint8_t archive[4096];
static size_t archive_len;

#define SCRATCH 0x10000000ull
#define SCRATCH_PAGES 4

static void add(const char *name, unsigned mode, const char *data)
{
	size_t n = strlen(name) + 1, size = data ? strlen(data) : 0;
	archive_len += (size_t)snprintf((char *)archive + archive_len, sizeof(archive) - archive_len,
					"070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
					1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, n, 0u);
	memcpy(archive + archive_len, name, n);
	archive_len = (archive_len + n + 3) & ~(size_t)3;
	if (size)
		memcpy(archive + archive_len, data, size);
	archive_len = (archive_len + size + 3) & ~(size_t)3;
}

static void console(void *ctx, const char *s, size_t n)
{
	/* Touch every byte: ASan checks they are inside a buffer. */
	volatile char sink = 0;
	for (size_t i = 0; i < n; i++)
		sink ^= s[i];
	(void)sink;
}

static uint64_t clock_now;
static uint64_t clock_ns(void *ctx)
{
	(void)ctx;
	return clock_now;
}

#define COMMIT_LIMIT ((SCRATCH_PAGES + 256) * LX_PAGE)
/* Page tables: no call may take the regions past this many (the server's
 * space_room, with nothing held beyond what the regions need). */
#define TABLE_LIMIT 24

static bool space_room(void *ctx, const struct lx_proc *p, int how, uint64_t start, uint64_t end,
		       uint64_t tables)
{
	(void)ctx;
	struct lx_range r = { start, end };
	if (how == LX_SPACE_GROW)
		tables = lx_space_tables(p, &r, 1, NULL, 0);
	else if (how == LX_SPACE_FORK)
		tables = lx_space_tables(p, NULL, 0, NULL, 0);
	return tables <= TABLE_LIMIT;
}

static void setup(void)
{
	if (!archive_len) {
		add("bin", 040755, NULL);
		add("etc", 040755, NULL);
		add("etc/motd", 0100644, "hello\n");
		add("bin/prog", 0100755, "\177ELF not really");
		add("TRAILER!!!", 0, NULL);
	}
	lx_fs_free_tmp(&fs);  /* the pages of the last run go back */
	REQUIRE(lx_fs_init(&fs, archive, archive_len, NULL) == 0);
	struct lx_pages pages = testmem_pages();
	lx_fs_set_pages(&fs, &pages);
	testmem_reset(&mem);
	struct lx_mem ops = testmem_ops(&mem);
	/* A commit limit: no call may take the writable mappings past it. */
	struct lx_host host = { .console_write = console, .now_ns = clock_ns,
				.commit_limit = COMMIT_LIMIT, .space_room = space_room };
	lx_proc_init(&proc, &fs, &ops, &host, 1);
	mem.p = &proc;
	proc.brk_start = proc.brk = 0x600000;
	struct lx_vma v = { .start = SCRATCH, .end = SCRATCH + SCRATCH_PAGES * LX_PAGE,
			    .prot = LX_PROT_READ | LX_PROT_WRITE };
	REQUIRE(lx_vma_map(&proc, &v) == 0);
}

static void check_state(void)
{
	REQUIRE(proc.nvmas <= LX_MAX_VMAS);
	for (unsigned i = 0; i < proc.nvmas; i++) {
		const struct lx_vma *v = &proc.vmas[i];
		REQUIRE(v->start < v->end && v->start % LX_PAGE == 0 && v->end % LX_PAGE == 0);
		REQUIRE(v->start >= LX_USER_MIN && v->end <= LX_USER_TOP);
		REQUIRE(i == 0 || proc.vmas[i - 1].end <= v->start);
	}
	for (unsigned i = 0; i < LX_MAX_FDS; i++) {
		const struct lx_fd *f = &proc.fds[i];
		REQUIRE(f->kind <= LX_FD_PROC);
		if (f->kind == LX_FD_FILE || f->kind == LX_FD_DIR || f->kind == LX_FD_DEV)
			REQUIRE(f->node >= 0 && (unsigned)f->node < fs.count && fs.nodes[f->node].mode);
	}
	/* /tmp's books: every inode's references are nodes naming it */
	REQUIRE(fs.tmp_pages == testmem_pages_out);
	unsigned refs[LX_TMP_FILES] = { 0 };
	for (unsigned k = 0; k < fs.count; k++) {
		REQUIRE(fs.nodes[k].tmp_slot >= -1 && fs.nodes[k].tmp_slot < LX_TMP_FILES);
		if (fs.nodes[k].mode && fs.nodes[k].tmp_slot >= 0)
			refs[fs.nodes[k].tmp_slot]++;
	}
	for (unsigned i = 0; i < LX_TMP_FILES; i++)
		REQUIRE(refs[i] == fs.tfiles[i].refs && fs.tfiles[i].nlink <= refs[i]);
	REQUIRE(proc.brk >= proc.brk_start && proc.brk - proc.brk_start <= LX_BRK_MAX);
	REQUIRE(lx_proc_commit(&proc) <= COMMIT_LIMIT);
	REQUIRE(proc.in_len <= sizeof(proc.in_buf));
	REQUIRE(proc.cwd >= 0 && (unsigned)proc.cwd < fs.count);
	REQUIRE(fs.count <= LX_FS_MAX_NODES);
}

static void check_action(const struct lx_action *a)
{
	switch (a->kind) {
	case LX_ACT_RETURN:
	case LX_ACT_NEED_INPUT:
		break;
	case LX_ACT_EXIT:
		/* exit(code): code << 8; kill of itself: the signal number */
		REQUIRE((a->status & 0xff) == 0 ? a->status >> 8 <= 255
						: a->status > 0 && a->status <= 64);
		break;
	case LX_ACT_BLOCK:
		REQUIRE(proc.waiting || a->deadline == 0);
		break;
	case LX_ACT_FORK:
		REQUIRE(a->child >= 0 && a->child < LX_MAX_PROCS && a->ret > 0);
		break;
	case LX_ACT_EXEC:
	case LX_ACT_SIGRETURN:
		break;
	case LX_ACT_SET_FS:
		REQUIRE(a->addr < 0x800000000000ull && a->ret == 0);
		break;
	case LX_ACT_UNMAP:
	case LX_ACT_PROTECT:
	case LX_ACT_DISCARD:
		REQUIRE(a->addr % LX_PAGE == 0 && a->len % LX_PAGE == 0 && a->len > 0);
		REQUIRE(a->addr >= LX_USER_MIN && a->addr <= LX_USER_TOP - a->len);
		REQUIRE(a->prot <= 7);
		break;
	default:
		REQUIRE(!"unknown action");
	}
}

/* Paths the fuzzer names by number (kind 4), written at the end of the
 * scratch area: the made-up and writable parts of the tree. */
static const char *const paths[] = {
	"/tmp/a", "/tmp/b", "/tmp/a/c", "/tmp", "/proc", "/proc/self/stat", "/proc/1/cmdline",
	"/proc/meminfo", "/proc/self", "/dev/zero", "/dev/urandom", "/dev/null", "/dev/tty",
	"/etc/motd", "/", "a", "..", "/tmp/../tmp/b/",
};
#define PATHS_AT (SCRATCH + (SCRATCH_PAGES - 1) * LX_PAGE)
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static uint64_t arg(const uint8_t *r)
{
	uint64_t v;
	memcpy(&v, r + 1, 8);
	switch (r[0] % 5) {
	case 0: return v;                                            /* raw */
	case 1: return v % 64;                                       /* small number, fd */
	case 2: return SCRATCH + v % (SCRATCH_PAGES * LX_PAGE + 64); /* near scratch */
	case 3: return (uint64_t)(int64_t)(int8_t)v;                 /* -128..127: AT_FDCWD... */
	default: return PATHS_AT + 32 * (v % NPATHS);                /* a path */
	}
}

#define REC (1 + 2 + 6 * 9)

static void run_process(const uint8_t *data, size_t size)
{
	setup();
	testmem_budget = 64 + (size ? data[0] % 64 : 0);  /* small: the fuzzer reaches ENOSPC */
	size_t fill = size < 256 ? size : 256;
	REQUIRE(proc.mem.write(proc.mem.ctx, SCRATCH, data, fill) == 0);
	for (unsigned i = 0; i < NPATHS; i++)
		REQUIRE(proc.mem.write(proc.mem.ctx, PATHS_AT + 32 * i, paths[i], strlen(paths[i]) + 1) == 0);
	uint64_t now = 1000000000ull;
	data += fill, size -= fill;
	for (unsigned steps = 0; size >= REC && steps < 64; steps++, data += REC, size -= REC) {
		uint64_t nr = (uint64_t)(data[1] | data[2] << 8);
		if (data[0] & 1)
			nr %= 340;  /* mostly real numbers */
		uint64_t a[6];
		for (int i = 0; i < 6; i++)
			a[i] = arg(data + 3 + 9 * i);
		struct lx_action act;
		clock_now = now += (uint64_t)data[0] << 20;  /* time goes on: deadlines pass */
		lx_syscall(&proc, nr, a, &act);
		check_action(&act);
		testmem_apply(&mem, &act);
		check_state();
		REQUIRE(lx_space_tables(&proc, NULL, 0, NULL, 0) <= TABLE_LIMIT);
		/* the server's side of signals: a frame for a pending handler, or
		 * the registers back from wherever the fuzzer's stack pointer is */
		struct lx_regs r = { 0 };
		memcpy(&r, data + 3, sizeof(r) < REC - 3 ? sizeof(r) : REC - 3);
		if (data[0] & 2)
			r.rsp = SCRATCH + (r.rsp % (SCRATCH_PAGES * LX_PAGE + 256));
		if (act.kind == LX_ACT_SIGRETURN) {
			int st = lx_sigreturn(&proc, &r);
			REQUIRE(st == 0 || st == LX_SIGSEGV || (st > 0 && st <= LX_NSIG));
			if (st)
				break;
		}
		if (act.kind == LX_ACT_RETURN && lx_signal_pending(&proc)) {
			r.rax = (uint64_t)act.ret;
			int st = lx_signal_deliver(&proc, &r);
			REQUIRE(st >= -1 && st <= LX_NSIG);
			if (st == 0)
				REQUIRE((r.rsp + 8) % 16 == 0 && r.rsp >= LX_USER_MIN && r.rsp < LX_USER_TOP &&
					r.rax == 0 && r.rdi >= 1 && r.rdi <= LX_NSIG);
			if (st > 0)
				break;
			REQUIRE(r.rax != (uint64_t)-LX_ERESTARTSYS);
		}
		if (act.kind == LX_ACT_EXIT)
			break;
		if (act.kind == LX_ACT_NEED_INPUT)
			lx_feed_input(&proc, (const char *)data, data[0] % 8);
	}
}

static void run_elf(const uint8_t *data, size_t size)
{
	setup();
	/* A copy of exactly size bytes: reading past it is an ASan error. */
	uint8_t *elf = malloc(size ? size : 1);
	REQUIRE(elf);
	memcpy(elf, data, size);
	struct lx_image img;
	const char *why = NULL;
	int r = lx_load_elf(&proc, elf, size, &img, &why);
	REQUIRE(r == 0 || (r == -LX_ENOEXEC && why));
	if (r == 0) {
		static const char *argv[] = { "/bin/prog" }, *envp[] = { "A=B" };
		uint8_t rnd[16] = { 0 };
		uint64_t sp;
		check_state();
		/* what the scan promised the server: the tables of the
		 * segments and the stack (besides the scratch region's) */
		struct lx_range scratch = { SCRATCH, SCRATCH + SCRATCH_PAGES * LX_PAGE };
		if (lx_build_stack(&proc, &img, 1, argv, 1, envp, rnd, &sp) == 0) {
			REQUIRE(sp % 16 == 0);
			REQUIRE(lx_space_tables(&proc, NULL, 0, NULL, 0) <=
				img.tables + lx_space_tables(NULL, &scratch, 1, NULL, 0));
			REQUIRE(lx_space_tables(&proc, NULL, 0, NULL, 0) >= img.tables);
		}
		/* Touch the entry page and every region's first page. */
		for (unsigned i = 0; i < proc.nvmas; i++) {
			uint8_t b;
			proc.mem.read(proc.mem.ctx, proc.vmas[i].start, &b, 1);
		}
		check_state();
	}
	free(elf);
}

static void run_archive(const uint8_t *data, size_t size)
{
	uint8_t *a = malloc(size ? size : 1);
	REQUIRE(a);
	memcpy(a, data, size);
	static struct lx_fs f;
	const char *why = NULL;
	int r = lx_fs_init(&f, a, size, &why);
	REQUIRE(r == 0 || why);
	if (r == 0) {
		REQUIRE(f.count <= LX_FS_MAX_NODES);
		for (unsigned i = 0; i < f.count; i++) {
			const struct lx_node *n = &f.nodes[i];
			REQUIRE(strlen(n->path) < LX_PATH_MAX);
			REQUIRE(n->parent >= 0 && (unsigned)n->parent < f.count);
			if (n->data)
				REQUIRE(n->data >= a && n->data + n->size <= a + size);
		}
	}
	free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0]) {
	case 1: run_elf(data + 1, size - 1); break;
	case 2: run_archive(data + 1, size - 1); break;
	default: run_process(data + 1, size - 1); break;
	}
	return 0;
}
