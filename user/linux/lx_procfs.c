/* /proc, made up on every access from the process table and the server's
 * figures: no nodes, no state but a descriptor's offset.
 *
 *   /proc            self -> <pid>, meminfo, uptime, cpuinfo, loadavg,
 *                    mounts, version, one directory per process
 *   /proc/<pid>      stat, cmdline, comm, status, exe -> the program
 *
 * An entry is a number, pid << 8 | kind (never 0).  A file's text is made
 * again for every read (at most LX_PROC_TEXT bytes) and read at the
 * descriptor's offset, as Linux's seq files are. */
#include <string.h>
#if __STDC_HOSTED__
#include <stdio.h>
#else
#include <printf.h>
#endif

#include "lx_internal.h"

#define LX_PROC_TEXT 2048

enum {
	PE_ROOT = 1, PE_SELF, PE_MEMINFO, PE_UPTIME, PE_CPUINFO, PE_LOADAVG, PE_MOUNTS, PE_VERSION,
	PE_PID = 16, PE_STAT, PE_CMDLINE, PE_COMM, PE_STATUS, PE_EXE,
};

static const struct {
	const char *name;
	unsigned kind;
} top[] = {
	{ "cpuinfo", PE_CPUINFO }, { "loadavg", PE_LOADAVG }, { "meminfo", PE_MEMINFO },
	{ "mounts", PE_MOUNTS }, { "self", PE_SELF }, { "uptime", PE_UPTIME },
	{ "version", PE_VERSION },
}, per_pid[] = {
	{ "cmdline", PE_CMDLINE }, { "comm", PE_COMM }, { "exe", PE_EXE },
	{ "stat", PE_STAT }, { "status", PE_STATUS },
};

#define ENT(pid, kind) ((uint32_t)(pid) << 8 | (kind))
#define ENT_PID(e) ((int)((e) >> 8))
#define ENT_KIND(e) ((e) & 0xff)

uint32_t lx_procfs_root(void)
{
	return ENT(0, PE_ROOT);
}

bool lx_procfs_is_dir(uint32_t ent)
{
	return ENT_KIND(ent) == PE_ROOT || ENT_KIND(ent) == PE_PID;
}

/* The process with this pid (live or a zombie), or NULL. */
static struct lx_proc *proc_of(struct lx_proc *p, int pid)
{
	if (!p->world)
		return pid == p->pid ? p : NULL;
	for (int i = 0; i < (int)p->world->nprocs; i++) {
		struct lx_proc *q = &p->world->procs[i];
		if (q->state != LX_PROC_FREE && q->pid == pid)
			return q;
	}
	return NULL;
}

/* The i-th process in the table (pid order is table order), or NULL. */
static struct lx_proc *nth_proc(struct lx_proc *p, uint64_t i)
{
	if (!p->world)
		return i == 0 ? p : NULL;
	for (int k = 0; k < (int)p->world->nprocs; k++) {
		struct lx_proc *q = &p->world->procs[k];
		if (q->state != LX_PROC_FREE && i-- == 0)
			return q;
	}
	return NULL;
}

int lx_procfs_lookup(struct lx_proc *p, const char *abs, bool follow, uint32_t *ent)
{
	const char *s = abs + 5;  /* after "/proc" */
	uint32_t e = ENT(0, PE_ROOT);
	while (*s == '/')
		s++;
	while (*s) {
		const char *c = s;
		while (*s && *s != '/')
			s++;
		size_t n = (size_t)(s - c);
		while (*s == '/')
			s++;
		bool last = *s == '\0';
		if (ENT_KIND(e) == PE_ROOT) {
			int pid = 0;
			bool digits = n > 0 && n < 7;
			for (size_t i = 0; i < n && digits; i++) {
				digits = c[i] >= '0' && c[i] <= '9';
				pid = pid * 10 + (c[i] - '0');
			}
			if (digits) {
				if (!proc_of(p, pid))
					return -LX_ENOENT;
				e = ENT(pid, PE_PID);
				continue;
			}
			unsigned kind = 0;
			for (size_t i = 0; i < sizeof(top) / sizeof(top[0]) && !kind; i++)
				if (strlen(top[i].name) == n && memcmp(top[i].name, c, n) == 0)
					kind = top[i].kind;
			if (!kind)
				return -LX_ENOENT;
			e = kind == PE_SELF && (!last || follow) ? ENT(p->pid, PE_PID) : ENT(0, kind);
			continue;
		}
		if (ENT_KIND(e) == PE_PID) {
			unsigned kind = 0;
			for (size_t i = 0; i < sizeof(per_pid) / sizeof(per_pid[0]) && !kind; i++)
				if (strlen(per_pid[i].name) == n && memcmp(per_pid[i].name, c, n) == 0)
					kind = per_pid[i].kind;
			if (!kind)
				return -LX_ENOENT;
			e = ENT(ENT_PID(e), kind);
			continue;
		}
		return -LX_ENOTDIR;
	}
	*ent = e;
	return 0;
}

int lx_procfs_readlink(struct lx_proc *p, uint32_t ent, char out[LX_PATH_MAX])
{
	if (ENT_KIND(ent) == PE_SELF)
		return snprintf(out, LX_PATH_MAX, "%d", p->pid);
	if (ENT_KIND(ent) != PE_EXE)
		return -LX_EINVAL;
	struct lx_proc *q = proc_of(p, ENT_PID(ent));
	if (!q)
		return -LX_ENOENT;
	size_t n = strlen(q->exe);
	memcpy(out, q->exe, n);
	return (int)n;
}

static char state_of(const struct lx_proc *q)
{
	if (q->state == LX_PROC_ZOMBIE)
		return 'Z';
	return q->waiting ? 'S' : 'R';
}

/* The text of a file entry into buf; its length. */
static size_t text(struct lx_proc *p, uint32_t ent, char *buf)
{
	const size_t cap = LX_PROC_TEXT;
	uint64_t total = 0, free = 0, now = lx_clock(p, false);
	if (p->host.mem_info)
		p->host.mem_info(p->host.ctx, &total, &free);
	int n = 0;
	struct lx_proc *q = proc_of(p, ENT_PID(ent));
	switch (ENT_KIND(ent)) {
	case PE_MEMINFO: {
		uint64_t tmp = p->fs->tmp_pages * 4;
		n = snprintf(buf, cap,
			     "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
			     "MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
			     "Cached:         %8lu kB\nSwapCached:            0 kB\n"
			     "Shmem:          %8lu kB\nSwapTotal:             0 kB\n"
			     "SwapFree:              0 kB\n",
			     (unsigned long)(total >> 10), (unsigned long)(free >> 10),
			     (unsigned long)(free >> 10), (unsigned long)tmp, (unsigned long)tmp);
		break;
	}
	case PE_UPTIME:
		n = snprintf(buf, cap, "%lu.%02lu %lu.%02lu\n", (unsigned long)(now / 1000000000ull),
			     (unsigned long)(now / 10000000ull % 100), (unsigned long)(now / 1000000000ull),
			     (unsigned long)(now / 10000000ull % 100));
		break;
	case PE_CPUINFO:
		n = snprintf(buf, cap,
			     "processor\t: 0\nvendor_id\t: KOZO\nmodel name\t: " LX_MACHINE " processor (KOZO)\n"
			     "cpu cores\t: 1\nflags\t\t: fpu tsc\n\n");
		break;
	case PE_LOADAVG: {
		unsigned running = 0, all = 0;
		for (uint64_t i = 0; nth_proc(p, i); i++) {
			all++;
			running += state_of(nth_proc(p, i)) == 'R';
		}
		n = snprintf(buf, cap, "0.00 0.00 0.00 %u/%u %d\n", running, all,
			     p->world ? p->world->next_pid - 1 : p->pid);
		break;
	}
	case PE_MOUNTS:
		n = snprintf(buf, cap, "rootfs / rootfs ro 0 0\nproc /proc proc rw 0 0\n"
				       "devtmpfs /dev devtmpfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n");
		break;
	case PE_VERSION:
		n = snprintf(buf, cap, "Linux version 6.1.0-kozo (kozo) #1 KOZO\n");
		break;
	case PE_STAT: {
		if (!q)
			return 0;
		uint64_t ticks = q->start_ns / 10000000ull;  /* USER_HZ 100 */
		n = snprintf(buf, cap,
			     "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 %lu %lu %lu "
			     "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			     q->pid, q->comm, state_of(q), q->ppid, q->pgid, q->sid,
			     (unsigned long)ticks, (unsigned long)(q->brk - q->brk_start + LX_STACK_MAX),
			     (unsigned long)0);
		break;
	}
	case PE_CMDLINE:
		if (!q)
			return 0;
		memcpy(buf, q->cmdline, q->cmdline_len);
		return q->cmdline_len;
	case PE_COMM:
		if (!q)
			return 0;
		n = snprintf(buf, cap, "%s\n", q->comm);
		break;
	case PE_STATUS:
		if (!q)
			return 0;
		n = snprintf(buf, cap,
			     "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
			     "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n",
			     q->comm, state_of(q), q->pid, q->pid, q->ppid);
		break;
	default:
		return 0;
	}
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

int64_t lx_procfs_read(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n)
{
	uint32_t ent = (uint32_t)f->node;
	if (lx_procfs_is_dir(ent))
		return -LX_EISDIR;
	static char t[LX_PROC_TEXT];
	size_t len = text(p, ent, t);
	if (f->pos >= len)
		return 0;
	size_t k = len - (size_t)f->pos < n ? len - (size_t)f->pos : (size_t)n;
	if (lx_copy_out(p, buf, t + f->pos, k))
		return -LX_EFAULT;
	f->pos += k;
	return (int64_t)k;
}

/* The i-th name in directory entry dir ("." and ".." first), or false. */
static bool child(struct lx_proc *p, uint32_t dir, uint64_t i, char name[16], uint32_t *ent,
		  unsigned *type)
{
	*type = LX_DT_DIR;
	if (i == 0 || i == 1) {
		memcpy(name, i ? ".." : ".", i + 2);
		*ent = i ? ENT(0, PE_ROOT) : dir;
		return true;
	}
	i -= 2;
	if (ENT_KIND(dir) == PE_ROOT) {
		if (i < sizeof(top) / sizeof(top[0])) {
			memcpy(name, top[i].name, strlen(top[i].name) + 1);
			*ent = ENT(0, top[i].kind);
			*type = top[i].kind == PE_SELF ? LX_DT_LNK : LX_DT_REG;
			return true;
		}
		struct lx_proc *q = nth_proc(p, i - sizeof(top) / sizeof(top[0]));
		if (!q)
			return false;
		snprintf(name, 16, "%d", q->pid);
		*ent = ENT(q->pid, PE_PID);
		return true;
	}
	if (i >= sizeof(per_pid) / sizeof(per_pid[0]))
		return false;
	memcpy(name, per_pid[i].name, strlen(per_pid[i].name) + 1);
	*ent = ENT(ENT_PID(dir), per_pid[i].kind);
	*type = per_pid[i].kind == PE_EXE ? LX_DT_LNK : LX_DT_REG;
	return true;
}

int64_t lx_procfs_getdents(struct lx_proc *p, struct lx_fd *f, uint64_t ubuf, uint64_t count)
{
	uint64_t done = 0;
	for (;;) {
		char name[16];
		uint32_t ent;
		unsigned type;
		if (!child(p, (uint32_t)f->node, f->pos, name, &ent, &type))
			break;
		int r = lx_dirent(p, ubuf, count, &done, 0x100000 + ent, f->pos + 1, type, name);
		if (r < 0)
			return r;
		if (r != 1)
			break;
		f->pos++;
	}
	return (int64_t)done;
}

void lx_procfs_stat(struct lx_proc *p, uint32_t ent, uint8_t st[LX_STAT_SIZE])
{
	memset(st, 0, LX_STAT_SIZE);
	unsigned kind = ENT_KIND(ent);
	unsigned mode = lx_procfs_is_dir(ent) ? LX_S_IFDIR | 0555
			: kind == PE_SELF || kind == PE_EXE ? LX_S_IFLNK | 0777 : LX_S_IFREG | 0444;
	struct lx_proc *q = proc_of(p, ENT_PID(ent));
	uint64_t t = lx_clock(p, true) - lx_clock(p, false) + (q ? q->start_ns : 0);
	lx_put64(st + LX_ST_DEV, 3);
	lx_put64(st + LX_ST_INO, 0x100000 + ent);
	lx_put64(st + LX_ST_NLINK, lx_procfs_is_dir(ent) ? 2 : 1);
	lx_put32(st + LX_ST_MODE, mode);
	lx_put64(st + LX_ST_BLKSIZE, 1024);
	for (int i = 0; i < 3; i++) {
		lx_put64(st + LX_ST_ATIME + 16 * i, t / 1000000000ull);
		lx_put64(st + LX_ST_ATIME + 16 * i + 8, t % 1000000000ull);
	}
}

int64_t lx_sysinfo(struct lx_proc *p, uint64_t ubuf)
{
	/* struct sysinfo (x86_64): uptime, loads[3], totalram, freeram,
	 * sharedram, bufferram, totalswap, freeswap (longs), procs (u16),
	 * pad, totalhigh, freehigh, mem_unit (u32): 112 bytes. */
	uint8_t b[112];
	uint64_t total = 0, free = 0;
	if (p->host.mem_info)
		p->host.mem_info(p->host.ctx, &total, &free);
	unsigned procs = 0;
	while (nth_proc(p, procs))
		procs++;
	memset(b, 0, sizeof(b));
	lx_put64(b, lx_clock(p, false) / 1000000000ull);
	lx_put64(b + 32, total);
	lx_put64(b + 40, free);
	lx_put64(b + 48, p->fs->tmp_pages * LX_FS_PAGE);
	b[80] = (uint8_t)procs;
	b[81] = (uint8_t)(procs >> 8);
	lx_put32(b + 104, 1);
	return lx_copy_out(p, ubuf, b, sizeof(b)) ? -LX_EFAULT : 0;
}
