/* The Linux compatibility server: Init's `linux <path> [args...]`.
 *
 * First version: the server runs inside Init, as the shell command itself
 * (docs/LINUX-ABI.md says why and what a separate server process needs).
 * One program runs at a time; the shell waits for it.
 *
 *   Untyped (one idle region, revoked at exit: everything below goes)
 *     TCB (Linux personality, fault endpoint = ep badged LINUX_BADGE)
 *     VSpace + tables   the process:  page va        (rights from its region)
 *     tables            Init:         LX_WINDOW + va (read-write)
 *     per page: Frame (mapped in Init's window) + a copy (mapped in the process)
 *
 * Pages are made on first touch: a VM fault, or the translation layer
 * copying in or out.  Every syscall arrives as an UnknownSyscall fault
 * message; lx_syscall (lx_*.c, host-tested and fuzzed) turns it into an
 * action that this file carries out with KOZO invocations. */
#include "init.h"
#include "invoke.h"
#include "lx.h"
#include <cycles_arch.h>
#include <printf.h>
#include <serial.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>

#define LX_WINDOW 0x400000000000ull
#define LINUX_BADGE 0x11
#define LINUX_RADIX 1
#define MAX_PAGES 2048    /* hash table size; Init's CNode runs out first */
#define MAX_TABLES 64

extern const uint8_t linux_archive_start[], linux_archive_end[];

struct page {
	uint64_t va;          /* 0: empty */
	uint64_t frame, copy; /* Init's window mapping, the process's mapping */
	int prot;             /* as mapped in the process; 0: not mapped there */
};

static struct server {
	uint64_t ut, tcb, vspace, cnode, cspace, ep, fault_ep;
	struct page pages[MAX_PAGES];
	unsigned npages;
	uint64_t tables[2][MAX_TABLES]; /* [0] process, [1] Init window: level<<56 | base */
	unsigned ntables[2];
	bool out_of_memory;
} srv;

static struct lx_fs fs;
static struct lx_proc proc;

/* ---- capabilities ---- */

static int copy_cap(uint64_t src, uint64_t badge, bool mint, uint64_t *out)
{
	uint64_t s = slots_alloc(1);
	if (!s)
		return KOZO_ERR_RANGE;
	int err = mint ? kozo_cnode_mint(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE, src,
					 INIT_DEPTH, KOZO_RIGHTS_ALL, badge)
		       : kozo_cnode_copy(KOZO_CAP_INIT_CNODE, s, INIT_DEPTH, KOZO_CAP_INIT_CNODE, src,
					 INIT_DEPTH, KOZO_RIGHTS_ALL);
	if (err)
		return err;
	slots_record(s, slot_get(src)->type, KOZO_RIGHTS_ALL, badge, src, 0, 0);
	*out = s;
	return KOZO_OK;
}

/* The paging structures above va in vspace (which = 0 process, 1 Init). */
static int ensure_tables(unsigned which, uint64_t vspace, uint64_t va)
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	static const unsigned shift[3] = { 39, 30, 21 };
	for (unsigned l = 0; l < 3; l++) {
		uint64_t key = (uint64_t)(l + 1) << 56 | va >> shift[l];
		bool have = false;
		for (unsigned i = 0; i < srv.ntables[which] && !have; i++)
			have = srv.tables[which][i] == key;
		if (have)
			continue;
		if (srv.ntables[which] == MAX_TABLES)
			return KOZO_ERR_RANGE;
		uint64_t pt;
		int err = init_retype_one(srv.ut, types[l], 0, &pt);
		if (!err)
			err = kozo_page_table_map(pt, vspace, va);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return err;
		srv.tables[which][srv.ntables[which]++] = key;
	}
	return KOZO_OK;
}

/* ---- pages ---- */

static struct page *page_find(uint64_t va)
{
	unsigned h = (unsigned)(va >> 12) % MAX_PAGES;
	for (unsigned n = 0; n < MAX_PAGES; n++, h = (h + 1) % MAX_PAGES) {
		if (srv.pages[h].va == va)
			return &srv.pages[h];
		if (srv.pages[h].va == 0)
			return NULL;
	}
	return NULL;
}

static unsigned rights_of(int prot)
{
	return KOZO_RIGHT_READ | (prot & LX_PROT_WRITE ? KOZO_RIGHT_WRITE : 0);
}

static int map_in_process(struct page *pg, int prot)
{
	if (pg->prot)
		kozo_frame_unmap(pg->copy);
	pg->prot = 0;
	if (!(prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
		return KOZO_OK;
	int err = kozo_frame_map(pg->copy, srv.vspace, pg->va, rights_of(prot), prot & LX_PROT_EXEC);
	if (!err)
		pg->prot = prot;
	return err;
}

/* Make the page at va (page aligned) for an access; NULL when the region
 * does not allow it or memory ran out. */
static struct page *page_in(uint64_t va, bool write)
{
	struct page *pg = page_find(va);
	if (pg) {
		/* Present: the region's protection may have changed (mprotect). */
		const struct lx_vma *v = lx_vma_find(&proc, va);
		int need = write ? LX_PROT_WRITE : LX_PROT_READ | LX_PROT_EXEC;
		if (!v || !((int)v->prot & need))
			return NULL;
		if (pg->prot != (int)v->prot && map_in_process(pg, (int)v->prot))
			return NULL;
		return pg;
	}
	static uint8_t fill[LX_PAGE];
	int prot = lx_page_fill(&proc, va, write, fill);
	if (prot < 0)
		return NULL;
	if (srv.npages >= MAX_PAGES * 3 / 4) {
		srv.out_of_memory = true;
		return NULL;
	}
	uint64_t frame, copy;
	int err = init_retype_one(srv.ut, KOZO_OBJ_FRAME, 0, &frame);
	if (!err)
		err = ensure_tables(1, KOZO_CAP_INIT_VSPACE, LX_WINDOW + va);
	if (!err)
		err = kozo_frame_map(frame, KOZO_CAP_INIT_VSPACE, LX_WINDOW + va,
				     KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false);
	if (!err) {
		memcpy((void *)(LX_WINDOW + va), fill, LX_PAGE);
		err = copy_cap(frame, 0, false, &copy);
	}
	if (!err)
		err = ensure_tables(0, srv.vspace, va);
	if (err) {
		srv.out_of_memory = true;
		return NULL;
	}
	unsigned h = (unsigned)(va >> 12) % MAX_PAGES;
	while (srv.pages[h].va)
		h = (h + 1) % MAX_PAGES;
	pg = &srv.pages[h];
	*pg = (struct page){ .va = va, .frame = frame, .copy = copy };
	srv.npages++;
	if (map_in_process(pg, prot)) {
		srv.out_of_memory = true;
		return NULL;
	}
	return pg;
}

/* Drop every present page in [start, start + len): both capabilities
 * (deleting them unmaps them), then rebuild the hash without them. */
static void drop_pages(uint64_t start, uint64_t len)
{
	static struct page keep[MAX_PAGES];
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_PAGES; i++) {
		struct page *pg = &srv.pages[i];
		if (!pg->va)
			continue;
		if (pg->va >= start && pg->va - start < len) {
			init_free_slot(pg->copy);
			init_free_slot(pg->frame);
		} else {
			keep[n++] = *pg;
		}
	}
	memset(srv.pages, 0, sizeof(srv.pages));
	srv.npages = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned h = (unsigned)(keep[i].va >> 12) % MAX_PAGES;
		while (srv.pages[h].va)
			h = (h + 1) % MAX_PAGES;
		srv.pages[h] = keep[i];
		srv.npages++;
	}
}

static void protect_pages(uint64_t start, uint64_t len, int prot)
{
	for (unsigned i = 0; i < MAX_PAGES; i++) {
		struct page *pg = &srv.pages[i];
		if (pg->va && pg->va >= start && pg->va - start < len)
			map_in_process(pg, prot);
	}
}

/* ---- struct lx_mem: the process's memory through Init's window ---- */

static int mem_copy(uint64_t addr, uint8_t *buf, size_t n, bool write)
{
	if (addr >= LX_USER_TOP || n > LX_USER_TOP - addr)
		return -LX_EFAULT;
	while (n) {
		uint64_t va = LX_PAGE_DOWN(addr), off = addr - va;
		size_t k = LX_PAGE - off < n ? (size_t)(LX_PAGE - off) : n;
		if (!page_in(va, write))
			return -LX_EFAULT;
		uint8_t *w = (uint8_t *)(LX_WINDOW + addr);
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
	return mem_copy(addr, dst, n, false);
}

static int mem_write(void *ctx, uint64_t addr, const void *src, size_t n)
{
	return mem_copy(addr, (uint8_t *)(uintptr_t)src, n, true);
}

/* ---- struct lx_host ---- */

static void console_write(void *ctx, const char *s, size_t n)
{
	serial_write(s, n);
}

static void log_unsupported(void *ctx, uint64_t nr, const char *name)
{
	printf("linux: unsupported syscall %lu (%s): ENOSYS\n", nr, name);
}

static uint64_t now_ns(void *ctx)
{
	return kozo_arch_cycles();  /* about 1 ns per cycle; good enough for now */
}

/* A canonical-mode line from the console: echo, backspace, Enter ends the
 * line (delivered with its "\n"), Ctrl-D delivers what is typed, or EOF on
 * an empty line. */
static void read_console_line(void)
{
	char line[LX_STDIN_BUF];
	size_t len = 0;
	for (;;) {
		int c = serial_getc();
		if (c == 4) {
			lx_feed_input(&proc, line, len);
			return;
		}
		if (c == '\r' || c == '\n') {
			serial_write("\n", 1);
			line[len++] = '\n';
			lx_feed_input(&proc, line, len);
			return;
		}
		if (c == '\b' || c == 0x7f) {
			if (len) {
				len--;
				serial_write("\b \b", 3);
			}
			continue;
		}
		if ((c < 0x20 && c != '\t') || len + 2 >= sizeof(line))
			continue;
		line[len++] = (char)c;
		serial_write(&line[len - 1], 1);
	}
}

/* ---- starting and ending the process ---- */

#define TRY(what, expr)                                                          \
	do {                                                                     \
		int err_ = (expr);                                               \
		if (err_) {                                                      \
			printf("linux: %s: %s\n", what, kozo_error_name((unsigned)err_)); \
			return false;                                            \
		}                                                                \
	} while (0)

static bool make_thread(uint64_t entry, uint64_t sp)
{
	TRY("retype tcb", init_retype_one(srv.ut, KOZO_OBJ_TCB, 0, &srv.tcb));
	TRY("retype cnode", init_retype_one(srv.ut, KOZO_OBJ_CNODE, LINUX_RADIX, &srv.cnode));
	TRY("retype endpoint", init_retype_one(srv.ut, KOZO_OBJ_ENDPOINT, 0, &srv.ep));
	TRY("mint fault endpoint", copy_cap(srv.ep, LINUX_BADGE, true, &srv.fault_ep));
	TRY("mint cspace", copy_cap(srv.cnode, 64 - LINUX_RADIX, true, &srv.cspace));
	unsigned prio = init_priority > 0 ? init_priority - 1 : 0;
	TRY("configure tcb", kozo_tcb_configure(srv.tcb, srv.fault_ep, prio, srv.cspace,
						srv.vspace, 0, 0));
	uint64_t personality = KOZO_PERSONALITY_LINUX;
	TRY("set personality", kozo_invoke(srv.tcb, KOZO_TCB_SET_PERSONALITY, &personality, 1,
					   NULL, 0, NULL, 0));
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_arch_thread_regs(regs, entry, sp, 0, 0);
	TRY("write registers", kozo_tcb_write_registers(srv.tcb, true, KOZO_ARCH_REG_COUNT, regs));
	return true;
}

static bool load(const char *path, int argc, char **argv)
{
	const char *why = NULL;
	if (lx_fs_init(&fs, linux_archive_start, (size_t)(linux_archive_end - linux_archive_start),
		       &why)) {
		printf("linux: the archive is damaged: %s\n", why);
		return false;
	}
	struct lx_mem mem = { .read = mem_read, .write = mem_write };
	struct lx_host host = { .console_write = console_write, .log_unsupported = log_unsupported,
				.now_ns = now_ns };
	lx_proc_init(&proc, &fs, &mem, &host, kozo_arch_cycles());
	char abs[LX_PATH_MAX];
	int node = lx_fs_resolve(&fs, 0, path, abs) ? -1 : lx_fs_lookup(&fs, abs);
	if (node < 0 || lx_fs_is_dir(&fs, node) || !lx_fs_data(&fs, node)) {
		printf("linux: %s: no such program in the archive\n", path);
		return false;
	}
	memcpy(proc.exe, abs, strlen(abs) + 1);
	struct lx_image img;
	if (lx_load_elf(&proc, lx_fs_data(&fs, node), fs.nodes[node].size, &img, &why)) {
		printf("linux: %s: not a program KOZO can run: %s\n", path, why);
		return false;
	}
	srv.ut = init_find_idle_untyped(24);
	if (!srv.ut) {
		printf("linux: no idle untyped of 16 MiB or more\n");
		return false;
	}
	TRY("retype vspace", init_retype_one(srv.ut, KOZO_OBJ_VSPACE, 0, &srv.vspace));
	static const char *const envp[] = { "HOME=/", "PATH=/bin", "TERM=dumb" };
	uint8_t rnd[16];
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(kozo_arch_cycles() >> (i % 8));
	uint64_t sp;
	argv[0] = (char *)path;
	if (lx_build_stack(&proc, &img, argc, (const char *const *)argv, 3, envp, rnd, &sp)) {
		printf("linux: %s: cannot build the initial stack\n", path);
		return false;
	}
	return make_thread(img.entry, sp);
}

static void teardown(void)
{
	if (srv.tcb)
		kozo_tcb_suspend(srv.tcb);
	if (srv.ut && kozo_cnode_revoke(KOZO_CAP_INIT_CNODE, srv.ut, INIT_DEPTH) == KOZO_OK)
		slots_forget_children(srv.ut);
	memset(&srv, 0, sizeof(srv));
}

/* Signal for a user exception vector (#DE, #UD, #GP...). */
static int exception_signal(uint64_t vector)
{
	switch (vector) {
	case 0:
	case 16:
	case 19: return LX_SIGFPE;
	case 1:
	case 3: return LX_SIGTRAP;
	case 6: return LX_SIGILL;
	case 17: return LX_SIGBUS;
	default: return LX_SIGSEGV;
	}
}

/* Carry out one action; returns false when the process is gone (*status). */
static bool perform(const struct lx_action *a, uint64_t *reply, int *status)
{
	*reply = (uint64_t)a->ret;
	switch (a->kind) {
	case LX_ACT_EXIT:
		*status = a->status;
		return false;
	case LX_ACT_SET_FS: {
		uint64_t regs[KOZO_ARCH_REG_COUNT];
		if (kozo_tcb_read_registers(srv.tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK) {
			regs[KOZO_X86_FS_BASE] = a->addr;
			kozo_tcb_write_registers(srv.tcb, false, KOZO_ARCH_REG_COUNT, regs);
		}
		return true;
	}
	case LX_ACT_UNMAP: drop_pages(a->addr, a->len); return true;
	case LX_ACT_PROTECT: protect_pages(a->addr, a->len, (int)a->prot); return true;
	default: return true;
	}
}

/* Serve the process until it ends; returns its wait status. */
static int serve(void)
{
	uint64_t mr[4] = { 0 }, badge;
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t info = kozo_recv(srv.ep, &badge, mr), last_fault = ~0ull;
	unsigned repeat = 0;
	for (;;) {
		uint64_t label = kozo_msginfo_label(info), reply = 0;
		unsigned len = 0;
		int status = 0;
		if (label == KOZO_FAULT_UNKNOWN_SYSCALL) {
			uint64_t args[6] = { mr[1], mr[2], mr[3], ipc->msg[4], ipc->msg[5], ipc->msg[6] };
			uint64_t nr = mr[0];
			struct lx_action act;
			for (;;) {
				lx_syscall(&proc, nr, args, &act);
				if (act.kind != LX_ACT_NEED_INPUT)
					break;
				read_console_line();
			}
			if (srv.out_of_memory) {
				printf("linux: out of memory (page or capability slots)\n");
				return LX_SIGKILL;
			}
			if (!perform(&act, &reply, &status))
				return status;
			len = 1;
		} else if (label == KOZO_FAULT_VM) {
			/* MR0 ip, MR1 address, MR2 instruction fetch, MR3 #PF code. */
			uint64_t addr = mr[1];
			bool write = mr[3] & 2;
			int need = mr[2] ? LX_PROT_EXEC : write ? LX_PROT_WRITE : LX_PROT_READ;
			const struct lx_vma *v = addr < LX_USER_TOP ? lx_vma_find(&proc, addr) : NULL;
			/* The same address faulting again: mapping it did not help. */
			repeat = addr == last_fault ? repeat + 1 : 0;
			last_fault = addr;
			if (!v || !((int)v->prot & need) || repeat > 2 ||
			    !page_in(LX_PAGE_DOWN(addr), write)) {
				printf("linux: %s: SIGSEGV: %s at address 0x%lx, ip 0x%lx\n", proc.exe,
				       srv.out_of_memory ? "out of memory" : "bad access", addr, mr[0]);
				return srv.out_of_memory ? LX_SIGKILL : LX_SIGSEGV;
			}
		} else if (label == KOZO_FAULT_USER_EXCEPTION) {
			int sig = exception_signal(mr[3]);
			printf("linux: %s: %s: exception %lu at ip 0x%lx\n", proc.exe,
			       lx_signal_name(sig), mr[3], mr[0]);
			return sig;
		} else {
			printf("linux: unexpected message (label %lu, badge 0x%lx)\n", label, badge);
			return LX_SIGKILL;
		}
		mr[0] = reply;
		info = kozo_reply_recv(srv.ep, kozo_msginfo(0, 0, 0, len), mr, &badge);
	}
}

void cmd_linux(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(argv[0]);
		return;
	}
	memset(&srv, 0, sizeof(srv));
	int status = 126 << 8;  /* a shell's "cannot execute" */
	if (load(argv[1], argc - 1, argv + 1))
		status = serve();
	teardown();
	if (status & 0x7f)
		printf("linux: exit status %d (killed by signal %d, %s)\n", 128 + (status & 0x7f),
		       status & 0x7f, lx_signal_name(status & 0x7f) ? lx_signal_name(status & 0x7f) : "?");
	else
		printf("linux: exit status %d\n", status >> 8);
}
