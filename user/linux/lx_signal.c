/* Signals as Linux defines them for what busybox, musl and glibc use:
 * dispositions (rt_sigaction), the mask (rt_sigprocmask, rt_sigsuspend,
 * pause), sending (kill, tkill, tgkill, SIGPIPE, SIGCHLD, SIGALRM, the
 * console's Ctrl-C), default actions, and handlers run on the user stack
 * with an x86_64 rt_sigframe (ucontext, siginfo, the SA_RESTORER return
 * address) or an aarch64 one (siginfo, ucontext, a frame record; the
 * return address in X30 is SA_RESTORER's or the server's trampoline page)
 * that rt_sigreturn takes back.
 *
 *   send   ignored -> dropped; SIGKILL, or an unblocked default
 *          "terminate"/"core" -> p->killed (the server ends the process);
 *          else a pending bit
 *   after a call (or a fault) the server asks lx_signal_deliver, which
 *          builds the frame through copy-out and gives new registers
 *
 * A handler runs when its process next enters the server: at the end of a
 * system call or a fault; a process spinning in user code with no system
 * call meets it only then (docs/LINUX-ABI.md). */
#include <string.h>

#include "lx_internal.h"

#define SA_NOCLDWAIT 0x2
#define SA_RESTORER 0x04000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000u
#define SIG_DFL 0
#define SIG_IGN 1
#define BIT(s) (1ull << ((s) - 1))
#define UNBLOCKABLE (BIT(LX_SIGKILL) | BIT(LX_SIGSTOP))

enum { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP };

static int dfl(int sig)
{
	switch (sig) {
	case LX_SIGQUIT: case LX_SIGILL: case LX_SIGTRAP: case LX_SIGABRT: case LX_SIGBUS:
	case LX_SIGFPE: case LX_SIGSEGV: case 24 /* XCPU */: case 25 /* XFSZ */: case 31 /* SYS */:
		return DFL_CORE;
	case LX_SIGCHLD: case LX_SIGCONT: case 23 /* URG */: case 28 /* WINCH */:
		return DFL_IGN;
	case LX_SIGSTOP: case LX_SIGTSTP: case 21 /* TTIN */: case 22 /* TTOU */:
		return DFL_STOP;
	default:
		return DFL_TERM;
	}
}

/* Dropped when sent: SIG_IGN, or a default that ignores (stopping is not
 * implemented: the stop signals are dropped too; docs/LINUX-ABI.md). */
static bool ignored(const struct lx_proc *p, int sig)
{
	uint64_t h = p->sigact[sig - 1].handler;
	return sig != LX_SIGKILL &&
	       (h == SIG_IGN || (h == SIG_DFL && (dfl(sig) == DFL_IGN || dfl(sig) == DFL_STOP)));
}

/* Pending, unblocked signals whose default action ends the process: end it. */
static void recheck(struct lx_proc *p)
{
	uint64_t ready = p->sigpending & ~p->sigmask;
	for (int sig = 1; ready && sig <= LX_NSIG && !p->killed; sig++) {
		if (ready & BIT(sig) && p->sigact[sig - 1].handler == SIG_DFL) {
			p->sigpending &= ~BIT(sig);
			if (dfl(sig) == DFL_TERM || dfl(sig) == DFL_CORE)
				p->killed = sig;
		}
	}
}

void lx_signal_send(struct lx_proc *t, int sig, int code, int pid, int status, uint64_t addr)
{
	if (t->state != LX_PROC_LIVE || sig < 1 || sig > LX_NSIG || t->killed)
		return;
	if (sig == LX_SIGKILL) {
		t->killed = LX_SIGKILL;
		return;
	}
	if (ignored(t, sig))
		return;
	t->sigpending |= BIT(sig);
	t->siginfo[sig - 1] = (struct lx_siginfo){ .code = code, .pid = pid, .status = status,
						   .addr = addr };
	recheck(t);
	if (t->world)
		t->world->signalled = true;
}

bool lx_signal_pending(const struct lx_proc *p)
{
	return (p->sigpending & ~p->sigmask) != 0 || p->killed;
}

void lx_console_signal(struct lx_world *w, int sig)
{
	for (int i = 0; i < (int)w->nprocs; i++)
		if (w->procs[i].state == LX_PROC_LIVE && w->procs[i].pgid == w->fg_pgrp)
			lx_signal_send(&w->procs[i], sig, 0x80 /* SI_KERNEL */, 0, 0, 0);
}

bool lx_signal_fault(struct lx_proc *p, int sig, int code, uint64_t addr)
{
	uint64_t h = p->sigact[sig - 1].handler;
	if (h == SIG_DFL || h == SIG_IGN || p->sigmask & BIT(sig))
		return false;  /* as Linux: a blocked or ignored fault signal kills */
	lx_signal_send(p, sig, code, 0, 0, addr);
	return !p->killed;
}

void lx_signal_exec(struct lx_proc *p)
{
	for (int i = 0; i < LX_NSIG; i++)
		if (p->sigact[i].handler != SIG_IGN)
			p->sigact[i] = (struct lx_sigaction){ 0 };
}

void lx_signal_fork(struct lx_proc *child)
{
	child->sigpending = 0;
	child->alarm_at = child->alarm_interval = 0;
	child->restore_mask = false;
}

bool lx_child_autoreap(const struct lx_proc *parent)
{
	const struct lx_sigaction *sa = &parent->sigact[LX_SIGCHLD - 1];
	return sa->handler == SIG_IGN || sa->flags & SA_NOCLDWAIT;
}

/* ---- the frame ---- */

/* siginfo as the frame holds it (both architectures: 128 bytes). */
static void put_siginfo(uint8_t *f, const struct lx_proc *p, int sig)
{
	const struct lx_siginfo *si = &p->siginfo[sig - 1];
	lx_put32(f, (uint32_t)sig);
	lx_put32(f + 8, (uint32_t)si->code);
	if (sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGILL || sig == LX_SIGFPE) {
		lx_put64(f + 16, si->addr);
	} else {
		lx_put32(f + 16, (uint32_t)si->pid);
		lx_put32(f + 24, (uint32_t)si->status);
	}
}

#if LX_AARCH64
/* struct rt_sigframe (aarch64): siginfo (128), ucontext; then a frame
 * record (X29, X30) above it.  uc_mcontext is struct sigcontext:
 * fault_address, X0-X30, SP, PC, PSTATE, then __reserved (4096 bytes,
 * 16-aligned), which holds only the terminating empty record: the server
 * does not see the FP/SIMD registers (docs/LINUX-ABI.md). */
#define F_INFO 0
#define F_UC 128
#define F_MASK (F_UC + 40)      /* uc_sigmask */
#define F_MCTX (F_UC + 176)     /* uc_mcontext, 16-aligned */
#define F_SIZE (F_MCTX + 288 + 4096)
#define PSTATE_NZCV 0xf0000000ull

/* An interrupted call that is to be repeated: X0 gets its first argument
 * back (the result overwrote it), X8 still holds its number. */
static void restart(struct lx_proc *p, struct lx_regs *r, const struct lx_sigaction *sa)
{
	if (r->x[0] != (uint64_t)-LX_ERESTARTSYS)
		return;
	if (sa->flags & SA_RESTART) {
		r->x[0] = p->restart_a0;
		r->pc -= 4;  /* back over `svc #0` */
	} else {
		r->x[0] = (uint64_t)-LX_EINTR;
	}
}

static int frame_push(struct lx_proc *p, struct lx_regs *r, int sig, const struct lx_sigaction *sa,
		      uint64_t old)
{
	static uint8_t f[F_SIZE];  /* too big for a stack frame of the server's */
	memset(f, 0, sizeof(f));
	put_siginfo(f + F_INFO, p, sig);
	lx_put32(f + F_UC + 24, 2);  /* uc_stack.ss_flags: SS_DISABLE */
	lx_put64(f + F_MASK, old);
	if (sig == LX_SIGSEGV || sig == LX_SIGBUS)
		lx_put64(f + F_MCTX, p->siginfo[sig - 1].addr);  /* fault_address */
	for (int i = 0; i < 31; i++)
		lx_put64(f + F_MCTX + 8 + 8 * i, r->x[i]);
	lx_put64(f + F_MCTX + 256, r->sp);
	lx_put64(f + F_MCTX + 264, r->pc);
	lx_put64(f + F_MCTX + 272, r->pstate & PSTATE_NZCV);
	uint8_t rec[16];
	lx_put64(rec, r->x[29]);
	lx_put64(rec + 8, r->x[30]);
	uint64_t top = (r->sp - sizeof(rec)) & ~15ull, sp = top - F_SIZE;
	if (sp < LX_USER_MIN || r->sp > LX_USER_TOP || lx_copy_out(p, top, rec, sizeof(rec)) ||
	    lx_copy_out(p, sp, f, sizeof(f)))
		return -1;
	r->sp = sp;
	r->pc = sa->handler;
	r->x[0] = (uint64_t)sig;
	r->x[1] = sp + F_INFO;
	r->x[2] = sp + F_UC;
	r->x[29] = top;
	r->x[30] = sa->flags & SA_RESTORER ? sa->restorer : LX_A64_SIGTRAMP;
	return 0;
}

int lx_sigreturn(struct lx_proc *p, struct lx_regs *r)
{
	uint64_t frame = r->sp;  /* the handler returned with SP where it found it */
	uint8_t m[8 + 31 * 8 + 24];
	uint8_t mask[8];
	if (frame % 16 || frame < LX_USER_MIN || lx_copy_in(p, frame + F_MCTX, m, sizeof(m)) ||
	    lx_copy_in(p, frame + F_MASK, mask, sizeof(mask)))
		return LX_SIGSEGV;
	uint64_t sp = lx_get64(m + 256), pc = lx_get64(m + 264);
	if (sp >= LX_USER_TOP || pc >= LX_USER_TOP)
		return LX_SIGSEGV;  /* not an address of the process */
	for (int i = 0; i < 31; i++)
		r->x[i] = lx_get64(m + 8 + 8 * i);
	r->sp = sp;
	r->pc = pc;
	r->pstate = (r->pstate & ~PSTATE_NZCV) | (lx_get64(m + 272) & PSTATE_NZCV);
	p->sigmask = lx_get64(mask) & ~UNBLOCKABLE;
	recheck(p);
	return p->killed;
}
#else
/* struct rt_sigframe (x86_64): pretcode, ucontext (304), siginfo (128). */
#define F_UC 8
#define F_MCTX (F_UC + 40)      /* uc_mcontext: struct sigcontext, 256 bytes */
#define F_MASK (F_UC + 296)     /* uc_sigmask */
#define F_INFO (F_UC + 304)
#define F_SIZE (F_INFO + 128)

/* An interrupted call that is to be repeated: its number back in RAX. */
static void restart(struct lx_proc *p, struct lx_regs *r, const struct lx_sigaction *sa)
{
	if (r->rax != (uint64_t)-LX_ERESTARTSYS)
		return;
	if (sa->flags & SA_RESTART) {
		r->rax = p->restart_nr;  /* the call again: back over `syscall` */
		r->rip -= 2;
	} else {
		r->rax = (uint64_t)-LX_EINTR;
	}
}

static int frame_push(struct lx_proc *p, struct lx_regs *r, int sig, const struct lx_sigaction *sa,
		      uint64_t old)
{
	if (!(sa->flags & SA_RESTORER))
		return -1;  /* x86_64 needs one, as Linux */
	uint8_t f[F_SIZE];
	memset(f, 0, sizeof(f));
	lx_put64(f, sa->restorer);
	lx_put32(f + F_UC + 24, 2);  /* uc_stack.ss_flags: SS_DISABLE */
	const uint64_t *g = &r->r8;
	for (int i = 0; i < 18; i++)
		lx_put64(f + F_MCTX + 8 * i, g[i]);
	f[F_MCTX + 144] = 0x33;  /* cs */
	f[F_MCTX + 150] = 0x2b;  /* ss */
	lx_put64(f + F_MCTX + 168, old);  /* oldmask */
	if (sig == LX_SIGSEGV || sig == LX_SIGBUS)
		lx_put64(f + F_MCTX + 176, p->siginfo[sig - 1].addr);  /* cr2 */
	lx_put64(f + F_MASK, old);
	put_siginfo(f + F_INFO, p, sig);
	uint64_t sp = r->rsp - 128 - F_SIZE;  /* below the red zone */
	sp = (sp & ~15ull) - 8;                /* as after a call */
	if (sp < LX_USER_MIN || r->rsp > LX_USER_TOP || lx_copy_out(p, sp, f, sizeof(f)))
		return -1;
	r->rsp = sp;
	r->rip = sa->handler;
	r->rdi = (uint64_t)sig;
	r->rsi = sp + F_INFO;
	r->rdx = sp + F_UC;
	r->rax = 0;
	r->eflags &= ~0x500ull;  /* DF, TF */
	return 0;
}

int lx_sigreturn(struct lx_proc *p, struct lx_regs *r)
{
	uint64_t frame = r->rsp - 8;  /* the handler's `ret` took pretcode */
	uint8_t uc[304];
	if (frame < LX_USER_MIN || lx_copy_in(p, frame + F_UC, uc, sizeof(uc)))
		return LX_SIGSEGV;
	uint64_t g[18];
	for (int i = 0; i < 18; i++)
		g[i] = lx_get64(uc + 40 + 8 * i);
	const uint64_t user_flags = 0x40cd5;  /* CF PF AF ZF SF DF OF AC */
	uint64_t eflags = (r->eflags & ~user_flags) | (g[17] & user_flags);
	if (g[16] >= LX_USER_TOP || g[15] >= LX_USER_TOP)
		return LX_SIGSEGV;  /* not an address of the process */
	memcpy(&r->r8, g, sizeof(g));
	r->eflags = eflags;
	p->sigmask = lx_get64(uc + 296) & ~UNBLOCKABLE;
	recheck(p);
	return p->killed;
}
#endif

int lx_signal_deliver(struct lx_proc *p, struct lx_regs *r)
{
	for (;;) {
		uint64_t ready = p->sigpending & ~p->sigmask;
		if (p->killed)
			return p->killed;
		if (!ready) {
			if (p->restore_mask) {
				p->sigmask = p->saved_mask;
				p->restore_mask = false;
				recheck(p);
				if (p->killed)
					return p->killed;
			}
			if (LX_REG_RET(r) == (uint64_t)-LX_ERESTARTSYS)
				LX_REG_RET(r) = (uint64_t)-LX_EINTR;
			return -1;
		}
		int sig = 1;
		while (!(ready & BIT(sig)))
			sig++;
		p->sigpending &= ~BIT(sig);
		struct lx_sigaction *sa = &p->sigact[sig - 1];
		if (sa->handler == SIG_IGN)
			continue;
		if (sa->handler == SIG_DFL) {
			if (dfl(sig) == DFL_TERM || dfl(sig) == DFL_CORE)
				return sig;
			continue;
		}
		restart(p, r, sa);
		uint64_t old = p->restore_mask ? p->saved_mask : p->sigmask;
		p->restore_mask = false;
		if (frame_push(p, r, sig, sa, old))
			return LX_SIGSEGV;
		p->sigmask = (p->sigmask | sa->mask | (sa->flags & SA_NODEFER ? 0 : BIT(sig))) &
			     ~UNBLOCKABLE;
		if (sa->flags & SA_RESETHAND)
			*sa = (struct lx_sigaction){ 0 };
		return 0;
	}
}

/* ---- the calls ---- */

static int64_t sys_sigaction(struct lx_proc *p, const uint64_t a[6])
{
	uint64_t sig = a[0];
	if (a[3] != 8 || sig < 1 || sig > LX_NSIG ||
	    (a[1] && (sig == LX_SIGKILL || sig == LX_SIGSTOP)))
		return -LX_EINVAL;
	struct lx_sigaction *sa = &p->sigact[sig - 1];
	uint8_t b[32];
	struct lx_sigaction n = { 0 };
	if (a[1]) {
		if (lx_copy_in(p, a[1], b, sizeof(b)))
			return -LX_EFAULT;
		n = (struct lx_sigaction){ .handler = lx_get64(b), .flags = lx_get64(b + 8),
					   .restorer = lx_get64(b + 16),
					   .mask = lx_get64(b + 24) & ~UNBLOCKABLE };
	}
	if (a[2]) {
		lx_put64(b, sa->handler);
		lx_put64(b + 8, sa->flags);
		lx_put64(b + 16, sa->restorer);
		lx_put64(b + 24, sa->mask);
		if (lx_copy_out(p, a[2], b, sizeof(b)))
			return -LX_EFAULT;
	}
	if (a[1]) {
		*sa = n;
		if (ignored(p, (int)sig))
			p->sigpending &= ~BIT(sig);  /* pending and now ignored: dropped */
	}
	return 0;
}

static int64_t sys_sigprocmask(struct lx_proc *p, const uint64_t a[6])
{
	if (a[3] != 8)
		return -LX_EINVAL;
	uint64_t set = 0;
	uint8_t b[8];
	if (a[1]) {
		if (a[0] > 2)
			return -LX_EINVAL;
		if (lx_copy_in(p, a[1], b, 8))
			return -LX_EFAULT;
		set = lx_get64(b);
	}
	if (a[2]) {
		lx_put64(b, p->sigmask);
		if (lx_copy_out(p, a[2], b, 8))
			return -LX_EFAULT;
	}
	if (a[1]) {
		if (a[0] == 0)
			p->sigmask |= set;
		else if (a[0] == 1)
			p->sigmask &= ~set;
		else
			p->sigmask = set;
		p->sigmask &= ~UNBLOCKABLE;
		recheck(p);
	}
	return 0;
}

/* rt_sigsuspend (with a mask) and pause: wait for a handler to run.  The
 * temporary mask is the caller's until the handler returns. */
static int64_t sys_sigsuspend(struct lx_proc *p, uint64_t umask, uint64_t size, bool with_mask,
			      struct lx_action *act)
{
	if (with_mask && !p->repeat) {
		uint8_t b[8];
		if (size != 8)
			return -LX_EINVAL;
		if (lx_copy_in(p, umask, b, 8))
			return -LX_EFAULT;
		p->saved_mask = p->sigmask;
		p->restore_mask = true;
		p->sigmask = lx_get64(b) & ~UNBLOCKABLE;
		recheck(p);
	}
	if (lx_signal_pending(p))
		return -LX_EINTR;
	lx_block(p, act, ~0ull);
	return 0;
}

static int64_t sys_kill(struct lx_proc *p, int64_t pid, uint64_t sig, bool thread)
{
	if (sig > LX_NSIG)
		return -LX_EINVAL;
	if (thread && pid <= 0)
		return -LX_EINVAL;
	int found = 0;
	int n = p->world ? (int)p->world->nprocs : 1;
	for (int i = 0; i < n; i++) {
		struct lx_proc *t = p->world ? &p->world->procs[i] : p;
		if (t->state != LX_PROC_LIVE)
			continue;
		bool hit = pid > 0 ? t->pid == pid
			 : pid == 0 ? t->pgid == p->pgid
			 : pid == -1 ? t != p && t->pid != 1
			 : t->pgid == -pid;
		if (!hit)
			continue;
		found++;
		if (sig)
			lx_signal_send(t, (int)sig, 0 /* SI_USER */, p->pid, 0, 0);
	}
	return found ? 0 : -LX_ESRCH;
}

/* alarm, setitimer, getitimer: ITIMER_REAL only (SIGALRM). */
static void put_timeval(uint8_t *b, uint64_t ns)
{
	lx_put64(b, ns / 1000000000ull);
	lx_put64(b + 8, ns % 1000000000ull / 1000);
}

static int64_t sys_itimer(struct lx_proc *p, uint64_t nr, const uint64_t a[6])
{
	uint64_t now = lx_clock(p, false);
	uint64_t left = p->alarm_at > now ? p->alarm_at - now : p->alarm_at ? 1 : 0;
	if (nr == LX_NR_alarm) {
		p->alarm_interval = 0;
		p->alarm_at = a[0] ? now + (a[0] > 1ull << 32 ? 1ull << 32 : a[0]) * 1000000000ull : 0;
		if (p->world)
			p->world->timers_changed = true;
		return (int64_t)((left + 500000000ull) / 1000000000ull) + (left && left < 500000000ull);
	}
	if (a[0] > 2)
		return -LX_EINVAL;
	uint8_t b[32];
	uint64_t old = nr == LX_NR_getitimer ? a[1] : a[2];
	uint64_t nv = 0, ni = 0;
	if (nr == LX_NR_setitimer && a[1]) {
		if (lx_copy_in(p, a[1], b, 32))
			return -LX_EFAULT;
		uint64_t is = lx_get64(b), iu = lx_get64(b + 8), vs = lx_get64(b + 16),
			 vu = lx_get64(b + 24);
		if (iu >= 1000000 || vu >= 1000000 || is > 1ull << 32 || vs > 1ull << 32)
			return -LX_EINVAL;
		ni = is * 1000000000ull + iu * 1000;
		nv = vs * 1000000000ull + vu * 1000;
	}
	if (old) {
		memset(b, 0, sizeof(b));
		if (a[0] == 0) {
			put_timeval(b, p->alarm_interval);
			put_timeval(b + 16, left);
		}
		if (lx_copy_out(p, old, b, 32))
			return -LX_EFAULT;
	}
	if (nr == LX_NR_setitimer && a[0] == 0) {
		p->alarm_interval = ni;
		p->alarm_at = nv ? now + nv : 0;
	}
	if (p->world)
		p->world->timers_changed = true;
	return 0;
}

void lx_timers_check(struct lx_proc *p)
{
	if (!p->alarm_at || lx_clock(p, false) < p->alarm_at)
		return;
	p->alarm_at = p->alarm_interval ? lx_clock(p, false) + p->alarm_interval : 0;
	if (p->world)
		p->world->timers_changed = true;
	lx_signal_send(p, LX_SIGALRM, 0x80 /* SI_KERNEL */, 0, 0, 0);
}

uint64_t lx_world_alarms(struct lx_world *w)
{
	uint64_t first = ~0ull;
	for (int i = 0; i < (int)w->nprocs; i++) {
		struct lx_proc *p = &w->procs[i];
		if (p->state != LX_PROC_LIVE)
			continue;
		lx_timers_check(p);
		if (p->alarm_at && p->alarm_at < first)
			first = p->alarm_at;
	}
	return first;
}

int64_t lx_signal_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act)
{
	switch (nr) {
	case LX_NR_rt_sigaction: return sys_sigaction(p, a);
	case LX_NR_rt_sigprocmask: return sys_sigprocmask(p, a);
	case LX_NR_rt_sigreturn: act->kind = LX_ACT_SIGRETURN; return 0;
	case LX_NR_rt_sigsuspend: return sys_sigsuspend(p, a[0], a[1], true, act);
	case LX_NR_pause: return sys_sigsuspend(p, 0, 0, false, act);
	case LX_NR_rt_sigpending: {
		uint8_t b[8];
		if (a[1] > 8)
			return -LX_EINVAL;
		lx_put64(b, p->sigpending & p->sigmask);
		return lx_copy_out(p, a[0], b, a[1]) ? -LX_EFAULT : 0;
	}
	case LX_NR_kill: return sys_kill(p, (int32_t)a[0], a[1], false);
	case LX_NR_tkill: return sys_kill(p, (int32_t)a[0], a[1], true);
	case LX_NR_tgkill: return sys_kill(p, (int32_t)a[1], a[2], true);
	case LX_NR_alarm:
	case LX_NR_setitimer:
	case LX_NR_getitimer: return sys_itimer(p, nr, a);
	default: return LX_UNHANDLED;
	}
}
