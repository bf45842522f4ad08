/* The Linux compatibility server: the shell's `linux <path> [args...]`,
 * asked over IPC (user/lib/linux_proto.h; main.c has the server loop).
 * The server is a process of its own: its CSpace, its Untyped budget (from
 * Init), an endpoint for its Linux processes' faults and a console client
 * capability.  One program runs at a time; the shell waits for it.
 *
 *   Untyped (one idle region, revoked at exit: everything below goes)
 *     TCB (Linux personality, fault endpoint = ep badged LINUX_BADGE)
 *     VSpace + tables   the process:  page va        (rights from its region)
 *     tables            server:       LX_WINDOW + va (read-write)
 *     per page: Frame (mapped in the server's window) + a copy (mapped in the process)
 *
 * Pages are made on first touch: a VM fault, or the translation layer
 * copying in or out.  Every syscall arrives as an UnknownSyscall fault
 * message; lx_syscall (lx_*.c, host-tested and fuzzed) turns it into an
 * action that this file carries out with KOZO invocations. */
#include "kozo_alloc.h"
#include "invoke.h"
#include "lx.h"
#include "server.h"
#include "server_arch.h"
#include <cycles_arch.h>
#include <printf.h>
#include <console.h>
#include <proc.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>

#define LX_WINDOW 0x400000000000ull
#define WINDOW_SPAN (1ull << 40) /* the server's addresses for one process's pages */
#define LINUX_BADGE 0x11         /* + the process's index */
#define LINUX_RADIX 1
#define PROC_UT_BITS 23          /* each process: an 8 MiB Untyped */
#define MAX_PAGES 1024           /* per process: hash size; 3/4 may be used */
/* Writable memory (but the stack) a process may map: the usable pages but
 * 192 for its image's pages, its stack and page tables' sake.  Past it
 * mmap/brk answer ENOMEM (lx_host.commit_limit) rather than a first touch
 * finding no page (which ends the process: out of memory).  Where the
 * architecture's programs rely on overcommit with this small budget it is
 * 0, no limit (server_arch.h, lxa_commit_limit). */
#define COMMIT_LIMIT ((MAX_PAGES * 3 / 4 - 192) * LX_PAGE)
#define MAX_TABLES 48
#define DEBUG_LX 0

extern const uint8_t linux_archive_start[], linux_archive_end[];

struct page {
	uint64_t va;          /* 0: empty */
	uint64_t win;         /* where the server sees it */
	uint64_t frame, copy; /* the server's window mapping, the process's mapping */
	int prot;             /* as mapped in the process; 0: not mapped there */
};

/* One process's KOZO side; world.procs[i] is its Linux side. */
struct sproc {
	bool live;            /* has an address space and a thread */
	bool blocked;         /* parked: its call nr/args is repeated later */
	uint64_t nr, args[6];
	uint64_t deadline;    /* parked: repeat the call by then (monotonic ns; ~0 none) */
	uint64_t tcb, vspace, cnode, cspace;
	struct page pages[MAX_PAGES];
	unsigned npages;
	uint64_t win_next;
	uint64_t tables[2][MAX_TABLES]; /* [0] process, [1] server window: level<<56 | base */
	unsigned ntables[2];
	/* Frames of pages the process gave back (munmap), still in the
	 * server's window: the next pages are made from them.  The process's
	 * Untyped never has room again while it lives (its watermark only
	 * goes up), nor does the window: without these a process that maps
	 * and unmaps over and over ran out after 8 MiB in all. */
	struct spare {
		uint64_t frame, win;
	} spare[MAX_PAGES];
	unsigned nspare;
	bool out_of_memory;
};

/* Made once and kept: the endpoint, per process an Untyped (revoked when
 * the process ends, so it is whole again) and a badged fault endpoint. */
static struct {
	bool ready;
	uint64_t ep, ut[LX_MAX_PROCS], fault_ep[LX_MAX_PROCS];
} pool;

static struct sproc sp[LX_MAX_PROCS];
static struct lx_fs fs;
static struct lx_world world;

/* ---- capabilities ---- */

static int copy_cap(uint64_t src, uint64_t badge, bool mint, uint64_t *out)
{
	return lxs_copy(src, badge, mint, out);
}

static unsigned index_of(const struct sproc *s)
{
	return (unsigned)(s - sp);
}

/* The paging structures above va in vspace (which = 0 process, 1 the server). */
static int ensure_tables(struct sproc *s, unsigned which, uint64_t vspace, uint64_t va)
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	static const unsigned shift[3] = { 39, 30, 21 };
	for (unsigned l = 0; l < 3; l++) {
		uint64_t key = (uint64_t)(l + 1) << 56 | va >> shift[l];
		bool have = false;
		for (unsigned i = 0; i < s->ntables[which] && !have; i++)
			have = s->tables[which][i] == key;
		if (have)
			continue;
		if (s->ntables[which] == MAX_TABLES)
			return KOZO_ERR_RANGE;
		uint64_t pt;
		int err = lxs_retype(pool.ut[index_of(s)], types[l], 0, &pt);
		if (!err)
			err = kozo_page_table_map(pt, vspace, va);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return err;
		s->tables[which][s->ntables[which]++] = key;
	}
	return KOZO_OK;
}

/* ---- pages ---- */

static struct page *page_find(struct sproc *s, uint64_t va)
{
	unsigned h = (unsigned)(va >> 12) % MAX_PAGES;
	for (unsigned n = 0; n < MAX_PAGES; n++, h = (h + 1) % MAX_PAGES) {
		if (s->pages[h].va == va)
			return &s->pages[h];
		if (s->pages[h].va == 0)
			return NULL;
	}
	return NULL;
}

static unsigned rights_of(int prot)
{
	return KOZO_RIGHT_READ | (prot & LX_PROT_WRITE ? KOZO_RIGHT_WRITE : 0);
}

static int map_in_process(struct sproc *s, struct page *pg, int prot)
{
	if (pg->prot)
		kozo_frame_unmap(pg->copy);
	pg->prot = 0;
	if (!(prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
		return KOZO_OK;
	int err = kozo_frame_map(pg->copy, s->vspace, pg->va, rights_of(prot), prot & LX_PROT_EXEC);
	if (!err)
		pg->prot = prot;
	return err;
}

/* A new page at va holding `fill`, mapped with prot; NULL when memory or
 * capability slots ran out (s->out_of_memory). */
static struct page *page_make(struct sproc *s, uint64_t va, const uint8_t *fill, int prot)
{
	uint64_t ut = pool.ut[index_of(s)];
	uint64_t win = LX_WINDOW + index_of(s) * WINDOW_SPAN + s->win_next * LX_PAGE;
	if (s->npages >= MAX_PAGES * 3 / 4 ||
	    (!s->nspare && s->win_next >= WINDOW_SPAN / LX_PAGE)) {
		s->out_of_memory = true;
		return NULL;
	}
	uint64_t frame, copy;
	int err = KOZO_OK;
	if (s->nspare) {
		/* A page given back: whole overwritten by fill below. */
		s->nspare--;
		frame = s->spare[s->nspare].frame;
		win = s->spare[s->nspare].win;
	} else {
		err = lxs_retype(ut, KOZO_OBJ_FRAME, 0, &frame);
		if (!err)
			err = ensure_tables(s, 1, LXS_VSPACE, win);
		if (!err)
			err = kozo_frame_map(frame, LXS_VSPACE, win,
					     KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false);
		if (!err)
			s->win_next++;
	}
	if (!err) {
		memcpy((void *)win, fill, LX_PAGE);
		err = copy_cap(frame, 0, false, &copy);
	}
	if (!err)
		err = ensure_tables(s, 0, s->vspace, va);
	if (err) {
		s->out_of_memory = true;
		return NULL;
	}
	unsigned h = (unsigned)(va >> 12) % MAX_PAGES;
	while (s->pages[h].va)
		h = (h + 1) % MAX_PAGES;
	struct page *pg = &s->pages[h];
	*pg = (struct page){ .va = va, .win = win, .frame = frame, .copy = copy };
	s->npages++;
	if (map_in_process(s, pg, prot)) {
		s->out_of_memory = true;
		return NULL;
	}
	return pg;
}

/* Make the page at va (page aligned) for an access; NULL when the region
 * does not allow it or memory ran out. */
static struct page *page_in(struct sproc *s, uint64_t va, bool write)
{
	struct lx_proc *p = &world.procs[index_of(s)];
	struct page *pg = page_find(s, va);
	if (pg) {
		/* Present: the region's protection may have changed (mprotect). */
		const struct lx_vma *v = lx_vma_find(p, va);
		int need = write ? LX_PROT_WRITE : LX_PROT_READ | LX_PROT_EXEC;
		if (!v || !((int)v->prot & need))
			return NULL;
		if (pg->prot != (int)v->prot && map_in_process(s, pg, (int)v->prot))
			return NULL;
		return pg;
	}
	static uint8_t fill[LX_PAGE];
	int prot = lx_page_fill(p, va, write, fill);
	if (prot < 0)
		return NULL;
	return page_make(s, va, fill, prot);
}

/* Drop every present page in [start, start + len): the process's
 * capability (deleting it unmaps the page there), the frame kept as a
 * spare for the next page_make; then rebuild the hash without them. */
static void drop_pages(struct sproc *s, uint64_t start, uint64_t len)
{
	static struct page keep[MAX_PAGES];
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_PAGES; i++) {
		struct page *pg = &s->pages[i];
		if (!pg->va)
			continue;
		if (pg->va >= start && pg->va - start < len) {
			lxs_free(pg->copy);
			if (s->nspare < MAX_PAGES)
				s->spare[s->nspare++] = (struct spare){ pg->frame, pg->win };
			else
				lxs_free(pg->frame);
		} else {
			keep[n++] = *pg;
		}
	}
	memset(s->pages, 0, sizeof(s->pages));
	s->npages = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned h = (unsigned)(keep[i].va >> 12) % MAX_PAGES;
		while (s->pages[h].va)
			h = (h + 1) % MAX_PAGES;
		s->pages[h] = keep[i];
		s->npages++;
	}
}

static void protect_pages(struct sproc *s, uint64_t start, uint64_t len, int prot)
{
	for (unsigned i = 0; i < MAX_PAGES; i++) {
		struct page *pg = &s->pages[i];
		if (pg->va && pg->va >= start && pg->va - start < len)
			map_in_process(s, pg, prot);
	}
}

/* ---- struct lx_mem: the process's memory through the server's window ---- */

static int mem_copy(struct sproc *s, uint64_t addr, uint8_t *buf, size_t n, bool write)
{
	if (addr >= LX_USER_TOP || n > LX_USER_TOP - addr)
		return -LX_EFAULT;
	while (n) {
		uint64_t va = LX_PAGE_DOWN(addr), off = addr - va;
		size_t k = LX_PAGE - off < n ? (size_t)(LX_PAGE - off) : n;
		struct page *pg = page_in(s, va, write);
		if (!pg)
			return -LX_EFAULT;
		uint8_t *w = (uint8_t *)(pg->win + off);
		if (write)
			memcpy(w, buf, k);
		else
			memcpy(buf, w, k);
		addr += k, buf += k, n -= k;
	}
	return 0;
}

static int mem_read(void *ctx, uint64_t addr, void *dst, size_t n)
{
	return mem_copy(ctx, addr, dst, n, false);
}

static int mem_write(void *ctx, uint64_t addr, const void *src, size_t n)
{
	return mem_copy(ctx, addr, (uint8_t *)(uintptr_t)src, n, true);
}

/* ---- struct lx_host ---- */

static void host_console_write(void *ctx, const char *s, size_t n)
{
	console_write(s, n);
}

/* ==== issue 16, translation layer: what the server gives the layer ====
 * /tmp's memory budget (struct lx_pages), the memory figures, the clocks
 * (TSC calibrated against the CMOS RTC, which also gives the real time
 * once), and the server's debug log (`linux --log`). */

/* The server's debug log: unsupported calls, once each; never the
 * program's output.  A ring of the last LOG_SIZE bytes. */
#define LOG_SIZE 4096
static char dlog[LOG_SIZE];
static uint64_t dlog_len;

static void log_unsupported(void *ctx, uint64_t nr, const char *name)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "unsupported syscall %lu (%s): ENOSYS\n", lxa_arch_nr(nr),
			 name);
	for (int i = 0; i < n && i < (int)sizeof(line) - 1; i++)
		dlog[dlog_len++ % LOG_SIZE] = line[i];
}

static void log_print(void)
{
	uint64_t start = dlog_len > LOG_SIZE ? dlog_len - LOG_SIZE : 0;
	for (uint64_t i = start; i < dlog_len; i++)
		console_write(&dlog[i % LOG_SIZE], 1);
}

/* /tmp's pages: Frames retyped one by one from an Untyped of their own
 * (a child of one of the server's budget Untyped),
 * seen by the server at TMP_WINDOW (after the processes' windows); freed
 * pages are kept on a list, and everything goes back with one Revoke when
 * the `linux` command ends.  Issue 13's server plugs its own budget here. */
#define TMP_WINDOW (LX_WINDOW + LX_MAX_PROCS * WINDOW_SPAN)
static struct {
	uint64_t ut, bits, next, pages;  /* next: pages handed out of the window */
	void *free;                      /* a freed page holds the next one's address */
} tmp;

static void *tmp_alloc(void *ctx)
{
	if (tmp.free) {
		void *pg = tmp.free;
		tmp.free = *(void **)pg;
		return pg;
	}
	if (!tmp.ut) {
		/* The budget's Untyped for /tmp (Init gives one of 2^22 or
		 * more), which nothing else retypes from, so that its Revoke
		 * takes /tmp's pages and nothing else. */
		for (unsigned bits = 30; bits >= 22 && !tmp.ut; bits--)
			if ((tmp.ut = lxs_find_untyped(bits, 0)))
				tmp.bits = bits;
		if (!tmp.ut)
			return NULL;
	}
	uint64_t va = TMP_WINDOW + tmp.next * LX_PAGE, obj;
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	static const unsigned shift[3] = { 39, 30, 21 };
	for (unsigned l = 0; l < 3; l++) {
		if (va % (1ull << shift[l]))
			continue;  /* this level's table is there already */
		int err = lxs_retype(tmp.ut, types[l], 0, &obj);
		if (!err)
			err = kozo_page_table_map(obj, LXS_VSPACE, va);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return NULL;
	}
	if (lxs_retype(tmp.ut, KOZO_OBJ_FRAME, 0, &obj) ||
	    kozo_frame_map(obj, LXS_VSPACE, va, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false))
		return NULL;
	tmp.next++;
	tmp.pages++;
	return (void *)va;
}

static void tmp_free(void *ctx, void *pg)
{
	*(void **)pg = tmp.free;
	tmp.free = pg;
}

static void tmp_release(void)
{
	/* The Untyped stays the server's for the next command (deleting it
	 * would leave its parent's watermark where it is); its Revoke takes
	 * every page and table made from it and resets it. */
	uint64_t ut = tmp.ut, bits = tmp.bits;
	if (ut && lxs_revoke(ut) != KOZO_OK)
		ut = 0;
	memset(&tmp, 0, sizeof(tmp));
	tmp.ut = ut;
	tmp.bits = ut ? bits : 0;
}

/* Memory for /proc/meminfo and sysinfo: the processes' Untyped pool and
 * /tmp's budget; free is what their pages have not taken. */
static void mem_info(void *ctx, uint64_t *total, uint64_t *free)
{
	uint64_t used = tmp.pages;
	for (unsigned i = 0; i < LX_MAX_PROCS; i++)
		used += sp[i].npages;
	*total = (LX_MAX_PROCS << PROC_UT_BITS) + (tmp.ut ? 1ull << tmp.bits : 0);
	used *= LX_PAGE;
	*free = used < *total ? *total - used : 0;
}

/* The real time: Init reads the platform's RTC (CMOS on x86_64, PL031 on
 * aarch64) when it starts the server (this process holds no device
 * capability) and passes the seconds since the epoch with the cycle
 * counter at that read, and the counter's rate (startup arg[0], arg[1],
 * arg[2]; linux_set_clock).  x86_64's rate is the TSC's, which Init
 * calibrates against the PIT; 0 (aarch64, or no PIT) keeps the nominal
 * 1 GHz of QEMU's aarch64 cycle counter (docs/LINUX-ABI.md, "Time"). */
static uint64_t cycles_per_s = 1000000000ull, boot_epoch_ns, rtc_s, rtc_cycles;

void linux_set_clock(uint64_t epoch_s, uint64_t cycles, uint64_t cycles_hz)
{
	rtc_s = epoch_s;
	rtc_cycles = cycles;
	/* A rate outside 1 MHz..10 GHz is a failed calibration (and would
	 * overflow now_ns). */
	if (cycles_hz >= 1000000ull && cycles_hz <= 10000000000ull)
		cycles_per_s = cycles_hz;
}

static void clock_init(void)
{
	if (!rtc_s)
		return;
	uint64_t since_boot = rtc_cycles / cycles_per_s;
	boot_epoch_ns = rtc_s > since_boot ? (rtc_s - since_boot) * 1000000000ull : 0;
}

static uint64_t now_ns(void *ctx)
{
	uint64_t c = kozo_arch_cycles();
	return c / cycles_per_s * 1000000000ull + c % cycles_per_s * 1000000000ull / cycles_per_s;
}
/* ==== end of issue 16's server support ==== */

static void session_escape(void);

/* A canonical-mode line from the console for p: echo, backspace, Enter
 * ends the line (delivered with its "\n"), Ctrl-D delivers what is typed,
 * or EOF on an empty line.  The other processes wait meanwhile. */
static void read_console_line(struct lx_proc *p)
{
	static char line[LX_STDIN_BUF];
	size_t len = 0;
	for (;;) {
		int c = console_getc();
		if (c == CONSOLE_CHAR_INTR || c == CONSOLE_CHAR_QUIT) {  /* the foreground group */
			host_console_write(NULL, c == CONSOLE_CHAR_INTR ? "^C\n" : "^\\\n", 3);
			lx_console_signal(&world, c == CONSOLE_CHAR_INTR ? LX_SIGINT : LX_SIGQUIT);
			return;
		}
		if (c == CONSOLE_CHAR_ESCAPE) {
			session_escape();  /* p is gone: its call is not answered */
			return;
		}
		if (c == 4) {
			lx_feed_input(p, line, len);
			return;
		}
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			line[len++] = '\n';
			lx_feed_input(p, line, len);
			return;
		}
		if (c == '\b' || c == 0x7f) {
			if (len) {
				len--;
				console_write("\b \b", 3);
			}
			continue;
		}
		/* Past 4095 characters a line takes only its end, as Linux's
		 * terminal does in canonical mode. */
		if ((c < 0x20 && c != '\t') || len + 1 >= sizeof(line))
			continue;
		line[len++] = (char)c;
		console_write(&line[len - 1], 1);
	}
}

/* ---- making and ending processes ---- */

#define TRY(what, expr)                                                          \
	do {                                                                     \
		int err_ = (expr);                                               \
		if (err_) {                                                      \
			printf("linux: %s: %s\n", what, kozo_error_name((unsigned)err_)); \
			return false;                                            \
		}                                                                \
	} while (0)

/* The endpoint and the per-process Untypeds, once: from the smallest idle
 * Untyped that holds them all. */
static bool pool_init(void)
{
	if (pool.ready)
		return true;
	uint64_t big = lxs_find_untyped(PROC_UT_BITS + 3, 0);
	if (!big) {
		printf("linux: no idle untyped of %u MiB or more\n", (1u << (PROC_UT_BITS + 3)) >> 20);
		return false;
	}
	TRY("endpoint", lxs_alloc(KOZO_OBJ_ENDPOINT, 0, &pool.ep));
	for (unsigned i = 0; i < LX_MAX_PROCS; i++) {
		TRY("process untyped", lxs_retype(big, KOZO_OBJ_UNTYPED, PROC_UT_BITS, &pool.ut[i]));
		TRY("mint fault endpoint", copy_cap(pool.ep, LINUX_BADGE + i, true, &pool.fault_ep[i]));
	}
	pool.ready = true;
	return true;
}

/* A fresh address space for process s (its Untyped must be empty). */
static bool make_vspace(struct sproc *s)
{
	unsigned i = index_of(s);
	memset(s, 0, sizeof(*s));
	TRY("retype vspace", lxs_retype(pool.ut[i], KOZO_OBJ_VSPACE, 0, &s->vspace));
	s->live = true;
	return true;
}

/* Its thread, with registers regs, started. */
static bool make_thread(struct sproc *s, uint64_t *regs)
{
	uint64_t ut = pool.ut[index_of(s)];
	TRY("retype tcb", lxs_retype(ut, KOZO_OBJ_TCB, 0, &s->tcb));
	TRY("retype cnode", lxs_retype(ut, KOZO_OBJ_CNODE, LINUX_RADIX, &s->cnode));
	TRY("mint cspace", copy_cap(s->cnode, 64 - LINUX_RADIX, true, &s->cspace));
	unsigned prio = lxs_priority > 0 ? lxs_priority - 1 : 0;
	TRY("configure tcb", kozo_tcb_configure(s->tcb, pool.fault_ep[index_of(s)], prio, s->cspace,
						s->vspace, 0, 0));
	uint64_t personality = KOZO_PERSONALITY_LINUX;
	TRY("set personality", kozo_invoke(s->tcb, KOZO_TCB_SET_PERSONALITY, &personality, 1,
					   NULL, 0, NULL, 0));
	TRY("write registers", kozo_tcb_write_registers(s->tcb, true, KOZO_ARCH_REG_COUNT, regs));
	return true;
}

/* Everything of process s goes with one Revoke of its Untyped. */
static void teardown(struct sproc *s)
{
	uint64_t ut = pool.ut[index_of(s)];
	if (s->tcb)
		kozo_tcb_suspend(s->tcb);
	lxs_revoke(ut);
	memset(s, 0, sizeof(*s));
}

static bool first_done;
static int first_status;

/* Process i ended with a wait status. */
static void end_proc(unsigned i, int status)
{
	lx_proc_exit(&world.procs[i], status);
	teardown(&sp[i]);
	if (i == 0) {
		first_done = true;
		first_status = status;
	}
}

static bool start_image(struct sproc *s, uint64_t entry, uint64_t stack)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_arch_thread_regs(regs, entry, stack, 0, 0);
	return make_thread(s, regs);
}

static bool load(const char *path, int argc, char **argv)
{
	const char *why = NULL;
	if (lx_fs_init(&fs, linux_archive_start, (size_t)(linux_archive_end - linux_archive_start),
		       &why)) {
		printf("linux: the archive is damaged: %s\n", why);
		return false;
	}
	struct lx_pages pages = { .alloc = tmp_alloc, .free = tmp_free };
	lx_fs_set_pages(&fs, &pages);
	clock_init();
	struct lx_mem mem = { .read = mem_read, .write = mem_write, .ctx = &sp[0] };
	struct lx_host host = { .console_write = host_console_write, .log_unsupported = log_unsupported,
				.now_ns = now_ns, .mem_info = mem_info, .boot_epoch_ns = boot_epoch_ns,
				.commit_limit = lxa_commit_limit(COMMIT_LIMIT) };
	struct lx_proc *p = lx_world_init(&world, &fs, &mem, &host, kozo_arch_cycles());
	char abs[LX_PATH_MAX];
	int node = lx_fs_walk(&fs, 0, path, true, abs) ? -1 : lx_fs_lookup(&fs, abs);
	if (node < 0 || lx_fs_is_dir(&fs, node) || !lx_fs_data(&fs, node)) {
		printf("linux: %s: no such program in the archive\n", path);
		return false;
	}
	memcpy(p->exe, abs, strlen(abs) + 1);
	struct lx_image img;
	if (lx_load_elf(p, lx_fs_data(&fs, node), fs.nodes[node].size, &img, &why)) {
		printf("linux: %s: not a program KOZO can run: %s\n", path, why);
		return false;
	}
	if (DEBUG_LX) printf("brk a %lx\n", p->brk_start);
	if (!pool_init() || !make_vspace(&sp[0]))
		return false;
	if (DEBUG_LX) printf("brk b %lx\n", p->brk_start);
	static const char *const envp[] = { "HOME=/", "PATH=/bin", "TERM=dumb" };
	uint8_t rnd[16];
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(kozo_arch_cycles() >> (i % 8));
	uint64_t stack;
	argv[0] = (char *)path;
	if (lx_build_stack(p, &img, argc, (const char *const *)argv, 3, envp, rnd, &stack)) {
		printf("linux: %s: cannot build the initial stack\n", path);
		return false;
	}
	return start_image(&sp[0], img.entry, stack);
}

/* fork: the child's address space gets a copy of every present page the
 * parent may have changed (read-only file pages are filled again from the
 * file on first touch), and the parent's registers with 0 for the call. */
static bool fork_child(struct sproc *ps, unsigned ci, uint64_t settid)
{
	struct sproc *cs = &sp[ci];
	struct lx_proc *parent = &world.procs[index_of(ps)], *child = &world.procs[ci];
	child->mem.ctx = cs;
	if (!make_vspace(cs))
		return false;
	for (unsigned h = 0; h < MAX_PAGES; h++) {
		struct page *pg = &ps->pages[h];
		if (!pg->va)
			continue;
		const struct lx_vma *v = lx_vma_find(parent, pg->va);
		if (!v)
			continue;
		if (!page_make(cs, pg->va, (const uint8_t *)pg->win, (int)v->prot))
			return false;
	}
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	if (kozo_tcb_read_registers(ps->tcb, KOZO_ARCH_REG_COUNT, regs))
		return false;
	regs[lxa_reg_ret()] = 0;
	if (settid) {
		uint32_t pid = (uint32_t)child->pid;
		if (mem_copy(cs, settid, (uint8_t *)&pid, 4, true))
			return false;
	}
	return make_thread(cs, regs);
}

/* execve past its point of no return: a new address space, the program. */
static bool exec_image(unsigned i)
{
	struct sproc *s = &sp[i];
	teardown(s);
	if (!make_vspace(s))
		return false;
	uint8_t rnd[16];
	for (int k = 0; k < 16; k++)
		rnd[k] = (uint8_t)(kozo_arch_cycles() >> (k % 8));
	uint64_t entry, stack;
	if (lx_exec_finish(&world.procs[i], rnd, &entry, &stack))
		return false;
	return start_image(s, entry, stack);
}

/* ==== issue 16: signals ==== */

/* Process i stopped (its call done with *ret when ret, or a fault): act on
 * its next signal.  true: done here (a handler entered, or the process
 * ended); false: reply or resume as usual with *ret. */
static bool deliver(unsigned i, uint64_t *ret)
{
	struct lx_proc *p = &world.procs[i];
	if (!lx_signal_pending(p) && !p->restore_mask) {
		if (ret && *ret == (uint64_t)-LX_ERESTARTSYS)
			*ret = (uint64_t)-LX_EINTR;
		return false;
	}
	uint64_t k[KOZO_ARCH_REG_COUNT];
	struct lx_regs r;
	kozo_tcb_suspend(sp[i].tcb);
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, k)) {
		end_proc(i, LX_SIGKILL);
		return true;
	}
	lxa_regs_to_lx(k, &r);
	if (ret)
		LX_REG_RET(&r) = *ret;
	int st = lx_signal_deliver(p, &r);
	if (st > 0) {
		end_proc(i, st);
		return true;
	}
	lxa_regs_from_lx(&r, k);
	kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, k);
	return true;
}

/* rt_sigreturn: the registers back from the signal frame. */
static void sigreturn(unsigned i)
{
	uint64_t k[KOZO_ARCH_REG_COUNT];
	struct lx_regs r;
	kozo_tcb_suspend(sp[i].tcb);
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, k)) {
		end_proc(i, LX_SIGKILL);
		return;
	}
	lxa_regs_to_lx(k, &r);
	int st = lx_sigreturn(&world.procs[i], &r);
	if (st) {
		end_proc(i, st);
		return;
	}
	lxa_regs_from_lx(&r, k);
	kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, k);
	deliver(i, NULL);  /* what the restored mask lets through */
}
/* ==== end of signals ==== */

/* Give process i's parked call its result and let it run. */
static void resume_with(unsigned i, uint64_t ret)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK) {
		regs[lxa_reg_ret()] = ret;
		kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, regs);
	}
}

/* Run process i's system call to its end.  Returns true with *reply set
 * when the caller is to be answered; false when it got no answer (parked,
 * ended, or replaced by execve). */
static bool do_call(unsigned i, uint64_t nr, const uint64_t args[6], uint64_t *reply)
{
	struct sproc *s = &sp[i];
	struct lx_proc *p = &world.procs[i];
	struct lx_action a;
	for (;;) {
		lx_syscall(p, nr, args, &a);
		if (DEBUG_LX) printf("[%u] %lu(%lx,%lx,%lx) = %ld k%u\n", i, nr, args[0], args[1], args[2], a.ret, a.kind);
		if (a.kind != LX_ACT_NEED_INPUT)
			break;
		read_console_line(p);
		if (!s->live)
			return false;  /* the session escape ended it */
	}
	if (s->out_of_memory) {
		printf("linux: %s: out of memory (page or capability slots)\n", p->exe);
		end_proc(i, LX_SIGKILL);
		return false;
	}
	*reply = (uint64_t)a.ret;
	switch (a.kind) {
	case LX_ACT_EXIT: end_proc(i, a.status); return false;
	case LX_ACT_SET_FS: {
		uint64_t regs[KOZO_ARCH_REG_COUNT];
		if (kozo_tcb_read_registers(s->tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK) {
			regs[lxa_reg_tls()] = a.addr;
			kozo_tcb_write_registers(s->tcb, false, KOZO_ARCH_REG_COUNT, regs);
		}
		return true;
	}
	case LX_ACT_UNMAP: drop_pages(s, a.addr, a.len); return true;
	case LX_ACT_PROTECT: protect_pages(s, a.addr, a.len, (int)a.prot); return true;
	case LX_ACT_BLOCK:
		kozo_tcb_suspend(s->tcb);
		s->blocked = true;
		s->deadline = a.deadline;
		s->nr = nr;
		memcpy(s->args, args, sizeof(s->args));
		return false;
	case LX_ACT_FORK:
		if (!fork_child(s, (unsigned)a.child, a.addr)) {
			teardown(&sp[a.child]);
			lx_fork_undo(p, &world.procs[a.child]);
			*reply = (uint64_t)-LX_ENOMEM;
		}
		return true;
	case LX_ACT_SIGRETURN: sigreturn(i); return false;
	case LX_ACT_EXEC:
		if (!exec_image(i)) {
			printf("linux: %s: execve failed past its point of no return\n", p->exe);
			end_proc(i, LX_SIGKILL);
		}
		return false;
	default: return true;
	}
}

static bool console_event(uint64_t bits);

/* Ctrl-]: the session ends whatever its programs do (they may ignore or
 * catch every signal they can). */
static void session_escape(void)
{
	host_console_write(NULL, "^]\n", 3);
	printf("linux: escape (Ctrl-]): every process of the session is killed\n");
	for (unsigned i = 0; i < LX_MAX_PROCS; i++)
		if (sp[i].live)
			end_proc(i, LX_SIGKILL);
}

/* After any event: end killed processes, repeat parked calls until none
 * can go on.  When every live process is parked nothing can ever wake
 * them: end them all.  A loop, not a recursion: a process whose parked
 * call waits again at every deadline (pause() under an interval timer
 * whose SIGALRM is ignored or blocked) comes back here at each expiry,
 * without end. */
static void settle(void)
{
	for (;;) {
		bool progress = true;
		while (progress) {
			progress = false;
			for (unsigned i = 0; i < LX_MAX_PROCS; i++) {
				struct lx_proc *p = &world.procs[i];
				if (!sp[i].live)
					continue;
				if (p->killed) {
					end_proc(i, p->killed);
					progress = true;
					continue;
				}
				if (!sp[i].blocked)
					continue;
				sp[i].blocked = false;
				uint64_t reply;
				if (do_call(i, sp[i].nr, sp[i].args, &reply) && !deliver(i, &reply))
					resume_with(i, reply);
				if (!sp[i].blocked)
					progress = true;
			}
		}
		bool running = false;
		uint64_t first = ~0ull;
		for (unsigned i = 0; i < LX_MAX_PROCS; i++) {
			running |= sp[i].live && !sp[i].blocked;
			if (sp[i].live && sp[i].blocked && sp[i].deadline && sp[i].deadline < first)
				first = sp[i].deadline;
		}
		if (running || first_done)
			return;  /* (the first ended: the run is over, parked ones go with it) */
		if (first == ~0ull)
			break;
		/* Every process waits, one until a deadline: no kernel timer is
		 * reachable from user space, so wait on the tick source; then
		 * the parked calls again. */
		while (now_ns(NULL) < first) {
			uint64_t bits = kozo_poll(KOZO_PROC_NTFN);
			if (bits) {
				console_event(bits);  /* parked calls see the signal */
				break;
			}
			kozo_yield();
		}
	}
	for (unsigned i = 0; i < LX_MAX_PROCS; i++) {
		if (sp[i].live) {
			printf("linux: %s: deadlock (every process waits)\n", world.procs[i].exe);
			end_proc(i, LX_SIGKILL);
		}
	}
}

/* ==== interrupting: Ctrl-C, Ctrl-\ and the session escape Ctrl-] ====
 *
 * The console signals the foreground reader's notification (bound to this
 * thread) when one of them is typed, whether or not anyone reads: a Recv
 * here returns it even while every process spins in user code. */

/* The console's bits came: act on the interrupt characters typed (input
 * typed before them is discarded, as a terminal flushes).  true when
 * processes running user code have a signal to take now. */
static bool console_event(uint64_t bits)
{
	if (!(bits & CONSOLE_SIG_INTR))
		return false;
	unsigned intr = console_take_intr();
	if (intr & CONSOLE_INTR_ESCAPE) {
		session_escape();
		return false;
	}
	if (intr & CONSOLE_INTR_INTR) {
		host_console_write(NULL, "^C\n", 3);
		lx_console_signal(&world, LX_SIGINT);
	}
	if (intr & CONSOLE_INTR_QUIT) {
		host_console_write(NULL, "^\\\n", 3);
		lx_console_signal(&world, LX_SIGQUIT);
	}
	return intr != 0;
}

/* Processes running user code take their pending signals now rather than
 * at their next system call or fault.  Called when the fault endpoint was
 * just found empty: none of them has a call on its way (the processes run
 * below this thread's priority, so none ran since), and stopping one loses
 * nothing. */
static void interrupt_running(void)
{
	for (unsigned i = 0; i < LX_MAX_PROCS; i++)
		if (sp[i].live && !sp[i].blocked && lx_signal_pending(&world.procs[i]))
			deliver(i, NULL);
}

/* A non-blocking Recv on the fault endpoint; *got false when nothing (not
 * even the notification) was there. */
static uint64_t poll_faults(uint64_t *badge, uint64_t mr[4], bool *got)
{
	uint64_t info = 0, cptr = pool.ep;
	*got = kozo_arch_syscall(KOZO_SYS_NB_RECV, &cptr, &info, mr) == KOZO_OK;
	*badge = cptr;
	return info;
}
/* ==== end of interrupting ==== */

/* A VM fault of process i: fill the page, or false (SIGSEGV). */
static bool vm_fault(unsigned i, const uint64_t mr[4], uint64_t *last, unsigned *repeat)
{
	struct sproc *s = &sp[i];
	struct lx_proc *p = &world.procs[i];
	/* MR0 ip, MR1 address, MR2 instruction fetch, MR3 the arch's code. */
	uint64_t addr = mr[1];
	bool write = lxa_fault_write(mr);
	int need = mr[2] ? LX_PROT_EXEC : write ? LX_PROT_WRITE : LX_PROT_READ;
	const struct lx_vma *v = addr < LX_USER_TOP ? lx_vma_find(p, addr) : NULL;
	/* The same address faulting again: mapping it did not help. */
	*repeat = addr == *last ? *repeat + 1 : 0;
	*last = addr;
	if (!v || !((int)v->prot & need) || *repeat > 2 || !page_in(s, LX_PAGE_DOWN(addr), write)) {
		if (!s->out_of_memory && lx_signal_fault(p, LX_SIGSEGV, v ? 2 /* SEGV_ACCERR */ : 1, addr)) {
			*repeat = 0;
			return deliver(i, NULL);  /* its handler runs */
		}
		printf("linux: %s: SIGSEGV: %s at address 0x%lx, ip 0x%lx\n", p->exe,
		       s->out_of_memory ? "out of memory" : "bad access", addr, mr[0]);
		end_proc(i, s->out_of_memory ? LX_SIGKILL : LX_SIGSEGV);
		return false;
	}
	return true;
}

/* Serve the processes until the first one ends; returns its wait status.
 * Every message carries the badge of the process it comes from. */
static int serve(void)
{
	uint64_t mr[4] = { 0 }, badge;
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t info = kozo_recv(pool.ep, &badge, mr), last_fault = ~0ull;
	unsigned repeat = 0;
	bool got = true, interrupting = false, answer;
	for (;;) {
		uint64_t label = kozo_msginfo_label(info), reply = 0;
		unsigned len = 0, i = (unsigned)(badge - LINUX_BADGE);
		answer = got && info != 0;
		if (!got) {
			/* Nothing queued: stop who has a signal to take. */
			interrupting = false;
			interrupt_running();
		} else if (info == 0) {
			/* The bound notification (every fault has a label). */
			interrupting |= console_event(badge);
		} else if (badge < LINUX_BADGE || i >= LX_MAX_PROCS || !sp[i].live) {
			printf("linux: unexpected message (label %lu, badge 0x%lx)\n", label, badge);
		} else if (label == KOZO_FAULT_UNKNOWN_SYSCALL) {
			uint64_t nr = mr[0], args[6] = { mr[1], mr[2], mr[3], ipc->msg[4], ipc->msg[5],
							 ipc->msg[6] };
			lxa_syscall_in(&nr, args);
			if (do_call(i, nr, args, &reply) && !deliver(i, &reply))
				len = 1;
		} else if (label == KOZO_FAULT_VM) {
			vm_fault(i, mr, &last_fault, &repeat);  /* resumed, or ended */
		} else if (label == KOZO_FAULT_USER_EXCEPTION) {
			int sig = lxa_exception_signal(mr[3], ipc->msg[4]);
			if (lx_signal_fault(&world.procs[i], sig, 0x80, mr[0])) {
				deliver(i, NULL);  /* its handler runs */
			} else {
				printf("linux: %s: %s: exception %lu at ip 0x%lx\n", world.procs[i].exe,
				       lx_signal_name(sig), mr[3], mr[0]);
				end_proc(i, sig);
			}
		} else {
			printf("linux: unexpected message (label %lu, badge 0x%lx)\n", label, badge);
			end_proc(i, LX_SIGKILL);
		}
		settle();
		if (first_done)
			return first_status;
		mr[0] = reply;
		if (!interrupting) {
			got = true;
			info = answer ? kozo_reply_recv(pool.ep, kozo_msginfo(0, 0, 0, len), mr, &badge)
				      : kozo_recv(pool.ep, &badge, mr);
			continue;
		}
		/* Take what is queued before stopping anyone. */
		if (answer)
			kozo_reply(kozo_msginfo(0, 0, 0, len), mr);
		info = poll_faults(&badge, mr, &got);
	}
}

void linux_memory(unsigned *whole, unsigned *total, uint64_t *bytes)
{
	*whole = *total = 0;
	*bytes = 1ull << PROC_UT_BITS;
	for (unsigned i = 0; i < LX_MAX_PROCS && pool.ready; i++) {
		uint64_t probe;
		(*total)++;
		/* Only an Untyped with nothing in it has room for its own size. */
		if (!sp[i].live && lxs_retype(pool.ut[i], KOZO_OBJ_UNTYPED, PROC_UT_BITS, &probe) ==
					   KOZO_OK) {
			(*whole)++;
			lxs_free(probe);
		}
	}
}

int linux_run(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "--log") == 0) {
		log_print();
		return 0;
	}
	first_done = false;
	(void)kozo_poll(KOZO_PROC_NTFN);  /* Ctrl-C typed before this run */
	(void)console_take_intr();
	if (console_foreground() != KOZO_OK)
		printf("linux: the console refuses to make this server its foreground reader\n");
	int status = 126 << 8;  /* a shell's "cannot execute" */
	if (load(argv[0], argc, argv))
		status = serve();
	/* The first process is done: whatever is left goes with it. */
	for (unsigned i = 0; i < LX_MAX_PROCS && pool.ready; i++)
		teardown(&sp[i]);
	tmp_release();
	if (status & 0x7f)
		printf("linux: exit status %d (killed by signal %d, %s)\n", 128 + (status & 0x7f),
		       status & 0x7f, lx_signal_name(status & 0x7f) ? lx_signal_name(status & 0x7f) : "?");
	else
		printf("linux: exit status %d\n", status >> 8);
	return status;
}
