/* lx_syscall: one Linux system call in, one action out.  File calls are in
 * lx_file.c, memory calls in lx_mm.c; this file has the dispatcher, the
 * process, identity, time and signal calls, and the table lookups.
 *
 * Dispatch: a handler answers, or the table (syscalls.def) says which
 * errno the call gets.  A number with no handler that the table calls
 * supported would be a table bug: it gets ENOSYS and is logged like an
 * unknown number (the host tests check no such number exists). */
#include <string.h>

#include "lx_internal.h"

struct lx_sysent {
	const char *name;
	uint8_t status, err;
};
#define LX_ENTRY(nr, name, status, err) [nr] = { #name, LX_ST_##status, err },
static const struct lx_sysent systab[LX_NR_MAX] = { LX_SYSCALL_TABLE(LX_ENTRY) };

const char *lx_syscall_name(uint64_t nr)
{
	return nr < LX_NR_MAX && systab[nr].name ? systab[nr].name : "?";
}

unsigned lx_syscall_status(uint64_t nr, unsigned *err)
{
	if (nr >= LX_NR_MAX || !systab[nr].name) {
		*err = LX_ENOSYS;
		return LX_ST_UNKNOWN;
	}
	*err = systab[nr].err;
	return systab[nr].status;
}

const char *lx_signal_name(int sig)
{
	static const char *const names[] = {
		[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
		[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
		[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	};
	return sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])) ? names[sig] : NULL;
}

void lx_proc_init(struct lx_proc *p, struct lx_fs *fs, const struct lx_mem *mem,
		  const struct lx_host *host, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->mem = *mem;
	p->host = *host;
	p->fs = fs;
	for (int i = 0; i < 3; i++)
		p->fds[i] = (struct lx_fd){ .kind = LX_FD_CONSOLE,
					    .flags = i == 0 ? LX_O_RDONLY : LX_O_WRONLY };
	p->cwd = 0;
	p->umask = 022;
	/* The key: the seed spread by SplitMix64 (the server's seed is its
	 * cycle counter at start: see docs/LINUX-ABI.md). */
	uint64_t x = seed;
	for (int i = 0; i < 8; i += 2) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ z >> 27) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		p->rng_key[i] = (uint32_t)z;
		p->rng_key[i + 1] = (uint32_t)(z >> 32);
	}
	p->mmap_next = LX_MMAP_TOP;
	p->pid = p->pgid = p->sid = 1;
	p->wait_deadline = ~0ull;
	p->state = LX_PROC_LIVE;
	memcpy(p->exe, "/", 2);
}

size_t lx_feed_input(struct lx_proc *p, const char *s, size_t n)
{
	if (n == 0) {
		p->in_eof = true;
		return 0;
	}
	size_t room = sizeof(p->in_buf) - p->in_len;
	if (n > room)
		n = room;
	memcpy(p->in_buf + p->in_len, s, n);
	p->in_len += (unsigned)n;
	return n;
}

/* ChaCha20 (RFC 8439) block: 64 bytes of key stream for block ctr. */
#define ROTL(v, n) ((v) << (n) | (v) >> (32 - (n)))
#define QR(a, b, c, d)                                                   \
	(a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), \
	 a += b, d ^= a, d = ROTL(d, 8), c += d, b ^= c, b = ROTL(b, 7))
static void chacha_block(const uint32_t key[8], uint64_t ctr, uint8_t out[64])
{
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }, x[16];
	memcpy(s + 4, key, 32);
	s[12] = (uint32_t)ctr;
	s[13] = (uint32_t)(ctr >> 32);
	s[14] = s[15] = 0;
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		lx_put32(out + 4 * i, x[i] + s[i]);
}

int64_t lx_random_fill(struct lx_proc *p, uint64_t buf, uint64_t n)
{
	uint8_t b[64];
	for (uint64_t done = 0; done < n;) {
		chacha_block(p->rng_key, p->rng_ctr++, b);
		size_t k = n - done < sizeof(b) ? (size_t)(n - done) : sizeof(b);
		if (lx_copy_out(p, buf + done, b, k))
			return done ? (int64_t)done : -LX_EFAULT;
		done += k;
	}
	return (int64_t)n;
}

/* The process's clocks: since boot, or since the epoch (the RTC the server
 * read at boot; without one, the archive's time, SOURCE_DATE_EPOCH). */
uint64_t lx_clock(struct lx_proc *p, bool realtime)
{
	uint64_t t = p->host.now_ns ? p->host.now_ns(p->host.ctx) : 0;
	if (!realtime)
		return t;
	return t + (p->host.boot_epoch_ns ? p->host.boot_epoch_ns : p->fs->mtime * 1000000000ull);
}

static uint64_t now_ns(struct lx_proc *p, bool realtime)
{
	return lx_clock(p, realtime);
}

void lx_block(struct lx_proc *p, struct lx_action *act, uint64_t deadline)
{
	act->kind = LX_ACT_BLOCK;
	act->deadline = deadline;
	p->waiting = true;
	p->wait_deadline = deadline;
}

/* Calls a signal handler with SA_RESTART starts again (they were waiting
 * for a pipe or a child); the others end with EINTR. */
static bool restartable(uint64_t nr)
{
	return nr == LX_NR_read || nr == LX_NR_write || nr == LX_NR_readv || nr == LX_NR_writev ||
	       nr == LX_NR_wait4;
}

uint64_t lx_wait_deadline(struct lx_proc *p, uint64_t deadline)
{
	return p->repeat ? p->wait_deadline : deadline;
}


#define LX_TIOCGPGRP 0x540f
#define LX_TIOCSPGRP 0x5410
#define LX_TIOCGSID 0x5429

int64_t lx_tty_ioctl(struct lx_proc *p, uint64_t req, uint64_t arg)
{
	uint8_t b[4];
	switch (req) {
	case LX_TIOCGPGRP:
	case LX_TIOCGSID:
		lx_put32(b, (uint32_t)(req == LX_TIOCGSID ? p->sid
				       : p->world && p->world->fg_pgrp ? p->world->fg_pgrp : p->pgid));
		return lx_copy_out(p, arg, b, 4) ? -LX_EFAULT : 0;
	case LX_TIOCSPGRP: {
		if (lx_copy_in(p, arg, b, 4))
			return -LX_EFAULT;
		int32_t pg = (int32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
		if (pg <= 0)
			return -LX_EINVAL;
		bool found = !p->world && pg == p->pgid;
		for (int i = 0; p->world && i < (int)p->world->nprocs && !found; i++)
			found = p->world->procs[i].state == LX_PROC_LIVE &&
				p->world->procs[i].pgid == pg && p->world->procs[i].sid == p->sid;
		if (!found)
			return -LX_EPERM;
		if (p->world)
			p->world->fg_pgrp = pg;
		return 0;
	}
	default:
		return -LX_ENOTTY;  /* TCGETS...: a byte stream, no termios (see LINUX-ABI.md) */
	}
}

/* nanosleep, clock_nanosleep: wait until the deadline (a repeated call
 * keeps the deadline of its first try).  A signal ends it with EINTR and
 * the time left written to rem. */
static int64_t do_sleep(struct lx_proc *p, uint64_t clock, uint64_t flags, uint64_t ureq,
			uint64_t urem, struct lx_action *act)
{
	if (clock != 0 && clock != 1 && clock != 7 && clock != 9)
		return -LX_EINVAL;  /* REALTIME, MONOTONIC, BOOTTIME, TAI... */
	uint8_t b[16];
	if (lx_copy_in(p, ureq, b, 16))
		return -LX_EFAULT;
	int64_t sec = (int64_t)lx_get64(b), nsec = (int64_t)lx_get64(b + 8);
	if (sec < 0 || nsec < 0 || nsec >= 1000000000)
		return -LX_EINVAL;
	uint64_t now = lx_clock(p, false), want = (uint64_t)sec > 1ull << 33 ? 1ull << 62
					     : (uint64_t)sec * 1000000000ull + (uint64_t)nsec;
	uint64_t deadline;
	if (flags & 1) {  /* TIMER_ABSTIME: in the clock's own time */
		uint64_t base = clock == 0 ? lx_clock(p, true) - now : 0;
		deadline = want > base ? want - base : 0;
	} else {
		deadline = now + want;
	}
	deadline = lx_wait_deadline(p, deadline);
	if (now >= deadline)
		return 0;
	if (lx_signal_pending(p)) {
		if (urem && !(flags & 1)) {
			uint64_t left = deadline - now;
			lx_put64(b, left / 1000000000ull);
			lx_put64(b + 8, left % 1000000000ull);
			if (lx_copy_out(p, urem, b, 16))
				return -LX_EFAULT;
		}
		return -LX_EINTR;
	}
	lx_block(p, act, deadline);
	return 0;
}

static int64_t put_time(struct lx_proc *p, uint64_t addr, uint64_t ns, uint64_t div)
{
	uint8_t b[16];
	lx_put64(b, ns / 1000000000ull);
	lx_put64(b + 8, ns % 1000000000ull / div);
	return lx_copy_out(p, addr, b, 16) ? -LX_EFAULT : 0;
}

static void uts_field(uint8_t *uts, int i, const char *s)
{
	size_t n = strlen(s);
	memcpy(uts + i * LX_UTS_LEN, s, n < LX_UTS_LEN - 1 ? n : LX_UTS_LEN - 1);
}

/* The fixed uname answer; docs/LINUX-ABI.md lists it. */
static int64_t do_uname(struct lx_proc *p, uint64_t addr)
{
	uint8_t uts[LX_UTS_SIZE];
	memset(uts, 0, sizeof(uts));
	uts_field(uts, 0, "Linux");
	uts_field(uts, 1, "kozo");
	uts_field(uts, 2, "6.1.0-kozo");
	uts_field(uts, 3, "#1 KOZO");
	uts_field(uts, 4, LX_MACHINE);
	uts_field(uts, 5, "(none)");
	return lx_copy_out(p, addr, uts, sizeof(uts)) ? -LX_EFAULT : 0;
}

static int64_t do_rlimit(struct lx_proc *p, uint64_t res, uint64_t old)
{
	if (res > 15)
		return -LX_EINVAL;
	uint64_t cur = LX_RLIM_INFINITY, max = LX_RLIM_INFINITY;
	if (res == LX_RLIMIT_STACK)
		cur = LX_STACK_MAX;
	else if (res == LX_RLIMIT_NOFILE)
		cur = max = LX_MAX_FDS;
	if (!old)
		return 0;
	uint8_t b[16];
	lx_put64(b, cur);
	lx_put64(b + 8, max);
	return lx_copy_out(p, old, b, 16) ? -LX_EFAULT : 0;
}

static int64_t do_getrandom(struct lx_proc *p, uint64_t buf, uint64_t len, uint64_t flags)
{
	if (flags & ~7ull)
		return -LX_EINVAL;
	if (len > 1u << 20)
		len = 1u << 20;
	uint8_t b[LX_BOUNCE];
	(void)b;
	return lx_random_fill(p, buf, len);
}

static int64_t do_prctl(struct lx_proc *p, const uint64_t a[6])
{
	if (a[0] == LX_PR_SET_NAME) {
		char name[16];
		for (size_t i = 0; i < sizeof(name); i++) {
			if (lx_copy_in(p, a[1] + i, &name[i], 1))
				return -LX_EFAULT;
			if (!name[i])
				break;
		}
		name[15] = '\0';
		memcpy(p->comm, name, sizeof(name));
		return 0;
	}
	if (a[0] == LX_PR_GET_NAME)
		return lx_copy_out(p, a[1], p->comm, sizeof(p->comm)) ? -LX_EFAULT : 0;
	return -LX_EINVAL;
}

static int64_t do_futex(struct lx_proc *p, const uint64_t a[6])
{
	switch (a[1] & LX_FUTEX_CMD_MASK) {
	case LX_FUTEX_WAKE:
		return 0;  /* one thread: nobody waits */
	case LX_FUTEX_WAIT: {
		uint8_t b[4];
		if (a[0] % 4)
			return -LX_EINVAL;
		if (lx_copy_in(p, a[0], b, 4))
			return -LX_EFAULT;
		/* Equal or not, no other thread could ever wake us. */
		return -LX_EAGAIN;
	}
	default:
		return -LX_ENOSYS;
	}
}

static int64_t do_arch_prctl(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	if (a[0] == LX_ARCH_SET_FS) {
		if (a[1] >= 0x800000000000ull)
			return -LX_EPERM;  /* not canonical in the user half */
		p->fs_base = a[1];
		act->kind = LX_ACT_SET_FS;
		act->addr = a[1];
		return 0;
	}
	if (a[0] == LX_ARCH_GET_FS) {
		uint8_t b[8];
		lx_put64(b, p->fs_base);
		return lx_copy_out(p, a[1], b, 8) ? -LX_EFAULT : 0;
	}
	return -LX_EINVAL;
}

static int64_t do_times(struct lx_proc *p, const uint64_t a[6], uint64_t nr)
{
	uint8_t z[144];
	memset(z, 0, sizeof(z));
	if (nr == LX_NR_getrusage) {
		if ((int64_t)a[0] < -1 || (int64_t)a[0] > 1)
			return -LX_EINVAL;
		return lx_copy_out(p, a[1], z, 144) ? -LX_EFAULT : 0;
	}
	if (a[0] && lx_copy_out(p, a[0], z, 32))
		return -LX_EFAULT;
	return (int64_t)(now_ns(p, false) / 10000000ull);  /* clock ticks at 100 Hz */
}

static int64_t do_misc(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act)
{
	switch (nr) {
	case LX_NR_exit:
	case LX_NR_exit_group:
		act->kind = LX_ACT_EXIT;
		act->status = (int)(a[0] & 0xff) << 8;
		return 0;
	case LX_NR_arch_prctl: return do_arch_prctl(p, a, act);
	case LX_NR_set_tid_address:
		/* Linux gives the caller's thread id: musl keeps it as its own
		 * (raise, pthread_kill), so 1 sent an exec'd program's raise()
		 * to process 1. */
		p->tid_address = a[0];
		return p->pid;
	case LX_NR_set_robust_list:
		if (a[1] != 24)
			return -LX_EINVAL;
		p->robust_list = a[0];
		return 0;
	case LX_NR_getpgrp: return p->pgid;
	case LX_NR_getsid:
	case LX_NR_getpgid: {
		struct lx_proc *q = lx_find_proc(p, (int32_t)a[0]);
		if (!q)
			return -LX_ESRCH;
		return nr == LX_NR_getsid ? q->sid : q->pgid;
	}
	case LX_NR_setpgid: return lx_setpgid(p, (int32_t)a[0], (int32_t)a[1]);
	case LX_NR_setsid: {
		for (int i = 0; p->world && i < (int)p->world->nprocs; i++)
			if (p->world->procs[i].state != LX_PROC_FREE && p->world->procs[i].pgid == p->pid)
				return -LX_EPERM;  /* already a group leader */
		if (!p->world && p->pgid == p->pid)
			return -LX_EPERM;
		p->sid = p->pgid = p->pid;
		return p->sid;
	}
	case LX_NR_sysinfo: return lx_sysinfo(p, a[0]);
	case LX_NR_nanosleep: return do_sleep(p, 1, 0, a[0], a[1], act);
	case LX_NR_clock_nanosleep: return do_sleep(p, a[0], a[1], a[2], a[3], act);
	case LX_NR_getuid:
	case LX_NR_getgid:
	case LX_NR_geteuid:
	case LX_NR_getegid:
	case LX_NR_getgroups:
	case LX_NR_sched_yield: return 0;
	case LX_NR_umask: {
		unsigned old = p->umask;
		p->umask = (unsigned)a[0] & 0777;
		return old;
	}
	case LX_NR_uname: return do_uname(p, a[0]);
	case LX_NR_getrlimit: return do_rlimit(p, a[0], a[1]);
	case LX_NR_prlimit64:
		if (a[0] != 0 && a[0] != 1)
			return -LX_ESRCH;
		if (a[2])
			return -LX_EPERM;
		return do_rlimit(p, a[1], a[3]);
	case LX_NR_getrandom: return do_getrandom(p, a[0], a[1], a[2]);
	case LX_NR_sigaltstack: {
		if (a[1]) {
			uint8_t ss[24];
			memset(ss, 0, sizeof(ss));
			lx_put32(ss + 8, 2);  /* SS_DISABLE */
			if (lx_copy_out(p, a[1], ss, sizeof(ss)))
				return -LX_EFAULT;
		}
		return 0;
	}
	case LX_NR_prctl: return do_prctl(p, a);
	case LX_NR_futex: return do_futex(p, a);
	case LX_NR_clock_gettime:
		if (a[0] > 11)
			return -LX_EINVAL;
		return put_time(p, a[1], now_ns(p, a[0] == 0 || a[0] == 5 || a[0] == 8 || a[0] == 11), 1);
	case LX_NR_clock_getres:
		if (a[0] > 11)
			return -LX_EINVAL;
		return a[1] ? put_time(p, a[1], 1, 1) : 0;
	case LX_NR_gettimeofday: return a[0] ? put_time(p, a[0], now_ns(p, true), 1000) : 0;
	case LX_NR_time: {
		uint64_t s = now_ns(p, true) / 1000000000ull;
		uint8_t b[8];
		lx_put64(b, s);
		if (a[0] && lx_copy_out(p, a[0], b, 8))
			return -LX_EFAULT;
		return (int64_t)s;
	}
	case LX_NR_sched_getaffinity: {
		uint8_t b[8] = { 1 };
		if (a[1] < 8)
			return -LX_EINVAL;
		return lx_copy_out(p, a[2], b, 8) ? -LX_EFAULT : 8;
	}
	case LX_NR_getrusage:
	case LX_NR_times: return do_times(p, a, nr);
	case LX_NR_mmap: lx_sys_mmap(p, a, act); return act->ret;
	case LX_NR_munmap: lx_sys_munmap(p, a, act); return act->ret;
	case LX_NR_mprotect: lx_sys_mprotect(p, a, act); return act->ret;
	case LX_NR_madvise: lx_sys_madvise(p, a, act); return act->ret;
	case LX_NR_brk: lx_sys_brk(p, a, act); return act->ret;
	default: {
		int64_t r = lx_proc_syscall(p, nr, a, act);
		if (r == LX_UNHANDLED)
			r = lx_signal_syscall(p, nr, a, act);
		return r == LX_UNHANDLED ? lx_file_syscall(p, nr, a, act) : r;
	}
	}
}

static void log_once(struct lx_proc *p, uint64_t nr)
{
	uint64_t bit = nr < LX_NR_MAX ? nr : LX_NR_MAX;  /* big numbers share one bit */
	if (p->logged[bit / 8] & (1u << (bit % 8)))
		return;
	p->logged[bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (p->host.log_unsupported)
		p->host.log_unsupported(p->host.ctx, nr, lx_syscall_name(nr));
}

void lx_syscall(struct lx_proc *p, uint64_t nr, const uint64_t args[6], struct lx_action *act)
{
	*act = (struct lx_action){ .kind = LX_ACT_RETURN };
	/* A call that waited is repeated by the server until it completes. */
	p->repeat = p->waiting;
	p->waiting = false;
	lx_timers_check(p);
	unsigned err, status = lx_syscall_status(nr, &err);
	int64_t r = LX_UNHANDLED;
	if (status == LX_ST_SUPPORTED || status == LX_ST_PARTIAL)
		r = do_misc(p, nr, args, act);
	if (r == LX_UNHANDLED) {
		/* The table's errno; ENOSYS (and any table bug) is logged once. */
		if (status == LX_ST_ERRNO && err != LX_ENOSYS) {
			r = -(int64_t)err;
		} else {
			r = -LX_ENOSYS;
			log_once(p, nr);
		}
		*act = (struct lx_action){ .kind = LX_ACT_RETURN };
	}
	act->ret = r;
	/* A wait a signal interrupts ends now (EINTR, or a restart after a
	 * SA_RESTART handler: lx_signal_deliver decides). */
	if ((act->kind == LX_ACT_BLOCK || act->kind == LX_ACT_NEED_INPUT) && lx_signal_pending(p)) {
		*act = (struct lx_action){ .kind = LX_ACT_RETURN };
		act->ret = restartable(nr) ? -LX_ERESTARTSYS : -LX_EINTR;
		p->waiting = false;
	}
	if (act->ret == -LX_ERESTARTSYS) {
		p->restart_nr = nr;
		p->restart_a0 = args[0];
	}
	if (act->kind == LX_ACT_BLOCK) {
		/* Every wait can be repeated, and keeps its own deadline for
		 * the repeats (lx_wait_deadline); an alarm due only wakes it
		 * sooner: an ignored or blocked SIGALRM must not end a sleep
		 * or a poll early as if its own time were up. */
		uint64_t own = act->deadline ? act->deadline : ~0ull, d = own;
		if (p->alarm_at && p->alarm_at < d)
			d = p->alarm_at;
		lx_block(p, act, own);
		act->deadline = d;
	}
	/* A default action ends the process (SIGPIPE of its own write, a
	 * kill, an unblocked pending signal). */
	if (p->killed && act->kind != LX_ACT_FORK && act->kind != LX_ACT_EXEC &&
	    act->kind != LX_ACT_EXIT) {
		*act = (struct lx_action){ .kind = LX_ACT_EXIT, .status = p->killed };
	}
}
