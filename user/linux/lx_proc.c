/* Several processes and what joins them: the process table (fork, exit,
 * wait4, kill, ids), pipes, and the bookkeeping half of execve.
 *
 *   struct lx_world
 *     procs[]  FREE -> LIVE (fork) -> ZOMBIE (exit) -> FREE (wait4 of the parent,
 *                                                     or at once with no parent)
 *     pipes[]  ring buffers; readers/writers count descriptors in every process
 *
 * A call that cannot go on (a read of an empty pipe, a write to a full one,
 * wait4 with no child ended yet) answers LX_ACT_BLOCK: the server gives no
 * reply and repeats the call after some other process made progress. */
#include <string.h>

#include "lx_internal.h"

#define LX_WNOHANG 1
#define LX_CLONE_VM 0x100
#define LX_CLONE_VFORK 0x4000
#define LX_CLONE_THREAD 0x10000
#define LX_CLONE_SETTLS 0x80000
#define LX_CLONE_PARENT_SETTID 0x100000
#define LX_CLONE_CHILD_CLEARTID 0x200000
#define LX_CLONE_CHILD_SETTID 0x1000000

struct lx_proc *lx_world_init(struct lx_world *w, struct lx_fs *fs, const struct lx_mem *mem,
			      const struct lx_host *host, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	if (!host->procs_grow || !(w->procs = host->procs_grow(host->ctx, 1)))
		return NULL;
	memset(&w->procs[0], 0, sizeof(w->procs[0]));
	w->nprocs = 1;
	w->fs = fs;
	w->next_pid = 2;
	w->fg_pgrp = 1;
	lx_proc_init(&w->procs[0], fs, mem, host, seed);
	w->procs[0].world = w;
	return &w->procs[0];
}

int lx_proc_index(const struct lx_proc *p)
{
	return p->world ? (int)(p - p->world->procs) : 0;
}

/* ---- descriptors that may be pipe ends ---- */

static struct lx_pipe *pipe_of(struct lx_proc *p, const struct lx_fd *f)
{
	return f->kind == LX_FD_PIPE && p->world ? &p->world->pipes[f->node] : NULL;
}

static bool is_reader(const struct lx_fd *f)
{
	return (f->flags & LX_O_ACCMODE) == LX_O_RDONLY;
}

/* Descriptors on a file-system node keep it (an unlinked /tmp file stays
 * readable until its last descriptor goes). */
static bool on_node(const struct lx_fd *f)
{
	return f->kind == LX_FD_FILE || f->kind == LX_FD_DIR || f->kind == LX_FD_DEV;
}

void lx_fd_close(struct lx_proc *p, int fd)
{
	struct lx_fd *f = &p->fds[fd];
	struct lx_pipe *pp = pipe_of(p, f);
	if (pp) {
		if (is_reader(f))
			pp->readers--;
		else
			pp->writers--;
	}
	if (on_node(f))
		lx_fs_release(p->fs, f->node);
	*f = (struct lx_fd){ 0 };
}

void lx_fd_install(struct lx_proc *p, int fd, const struct lx_fd *src)
{
	struct lx_fd copy = *src;  /* src may be p->fds[fd] itself */
	if (p->fds[fd].kind != LX_FD_NONE)
		lx_fd_close(p, fd);
	p->fds[fd] = copy;
	if (on_node(&copy))
		lx_fs_hold(p->fs, copy.node);
	struct lx_pipe *pp = pipe_of(p, &copy);
	if (pp) {
		if (is_reader(&copy))
			pp->readers++;
		else
			pp->writers++;
	}
}

/* ---- pipes ---- */

int64_t lx_pipe_read(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n,
		     struct lx_action *act)
{
	struct lx_pipe *pp = pipe_of(p, f);
	if (n == 0)
		return 0;
	if (pp->len == 0) {
		if (pp->writers == 0)
			return 0;  /* end of file */
		if (f->flags & LX_O_NONBLOCK)
			return -LX_EAGAIN;
		act->kind = LX_ACT_BLOCK;
		return 0;
	}
	uint64_t done = 0;
	while (done < n && pp->len) {
		unsigned k = LX_PIPE_BUF - pp->head < pp->len ? LX_PIPE_BUF - pp->head : pp->len;
		if (k > n - done)
			k = (unsigned)(n - done);
		if (lx_copy_out(p, buf + done, pp->buf + pp->head, k))
			return done ? (int64_t)done : -LX_EFAULT;
		pp->head = (pp->head + k) % LX_PIPE_BUF;
		pp->len -= k;
		done += k;
	}
	return (int64_t)done;
}

unsigned lx_pipe_poll(struct lx_proc *p, const struct lx_fd *f)
{
	struct lx_pipe *pp = pipe_of(p, f);
	if (!pp)
		return 0x020;  /* POLLNVAL */
	if (is_reader(f))
		return (pp->len ? 0x001 : 0) | (pp->writers ? 0 : 0x010);  /* POLLIN, POLLHUP */
	if (!pp->readers)
		return 0x008;  /* POLLERR */
	return pp->len < LX_PIPE_BUF ? 0x004 : 0;  /* POLLOUT */
}

/* A write takes what fits and returns that count (a short write, which
 * callers loop on); only when nothing fits does it block. */
int64_t lx_pipe_write(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n,
		      struct lx_action *act)
{
	struct lx_pipe *pp = pipe_of(p, f);
	if (pp->readers == 0) {
		lx_signal_send(p, LX_SIGPIPE, 0, p->pid, 0, 0);  /* and EPIPE if it is handled */
		return -LX_EPIPE;
	}
	if (n == 0)
		return 0;
	if (pp->len == LX_PIPE_BUF) {
		if (f->flags & LX_O_NONBLOCK)
			return -LX_EAGAIN;
		act->kind = LX_ACT_BLOCK;
		return 0;
	}
	uint64_t done = 0;
	while (done < n && pp->len < LX_PIPE_BUF) {
		unsigned tail = (pp->head + pp->len) % LX_PIPE_BUF;
		unsigned k = tail >= pp->head ? LX_PIPE_BUF - tail : pp->head - tail;
		if (k > n - done)
			k = (unsigned)(n - done);
		if (lx_copy_in(p, buf + done, pp->buf + tail, k))
			return done ? (int64_t)done : -LX_EFAULT;
		pp->len += k;
		done += k;
	}
	return (int64_t)done;
}

static int64_t sys_pipe2(struct lx_proc *p, uint64_t ufds, uint64_t flags)
{
	if (flags & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -LX_EINVAL;
	struct lx_world *w = p->world;
	if (!w)
		return -LX_ENFILE;
	int pi = -1;
	for (int i = 0; i < LX_MAX_PIPES && pi < 0; i++)
		if (!w->pipes[i].readers && !w->pipes[i].writers)
			pi = i;
	if (pi < 0)
		return -LX_ENFILE;
	int rfd = -1, wfd = -1;
	for (int i = 0; i < LX_MAX_FDS && wfd < 0; i++) {
		if (p->fds[i].kind != LX_FD_NONE)
			continue;
		if (rfd < 0)
			rfd = i;
		else
			wfd = i;
	}
	if (wfd < 0)
		return -LX_EMFILE;
	uint8_t b[8];
	lx_put32(b, (uint32_t)rfd);
	lx_put32(b + 4, (uint32_t)wfd);
	if (lx_copy_out(p, ufds, b, 8))
		return -LX_EFAULT;
	w->pipes[pi].head = w->pipes[pi].len = 0;
	uint32_t nb = (uint32_t)(flags & LX_O_NONBLOCK);
	struct lx_fd r = { .kind = LX_FD_PIPE, .cloexec = !!(flags & LX_O_CLOEXEC),
			   .flags = LX_O_RDONLY | nb, .node = pi };
	struct lx_fd wr = r;
	wr.flags = LX_O_WRONLY | nb;
	lx_fd_install(p, rfd, &r);
	lx_fd_install(p, wfd, &wr);
	return 0;
}

/* ---- processes ---- */

static struct lx_proc *find_pid(struct lx_world *w, int64_t pid)
{
	for (int i = 0; i < (int)w->nprocs; i++)
		if (w->procs[i].state != LX_PROC_FREE && w->procs[i].pid == pid)
			return &w->procs[i];
	return NULL;
}

struct lx_proc *lx_find_proc(struct lx_proc *p, int64_t pid)
{
	if (pid == 0 || pid == p->pid)
		return p;
	return p->world && pid > 0 ? find_pid(p->world, pid) : NULL;
}

/* setpgid: as Linux, for the caller or a child in its session; a group
 * to join must exist in the session. */
int64_t lx_setpgid(struct lx_proc *p, int64_t pid, int64_t pgid)
{
	if (pgid < 0)
		return -LX_EINVAL;
	struct lx_proc *t = lx_find_proc(p, pid);
	if (!t || (t != p && t->ppid != p->pid))
		return -LX_ESRCH;
	if (t->sid != p->sid)
		return -LX_EPERM;
	if (t->sid == t->pid)
		return -LX_EPERM;  /* a session leader */
	if (pgid == 0)
		pgid = t->pid;
	if (pgid != t->pid) {
		bool found = false;
		for (int i = 0; p->world && i < (int)p->world->nprocs && !found; i++)
			found = p->world->procs[i].state != LX_PROC_FREE &&
				p->world->procs[i].pgid == pgid && p->world->procs[i].sid == p->sid;
		if (!found)
			return -LX_EPERM;
	}
	t->pgid = (int)pgid;
	return 0;
}

/* How long a fork waits for a free process entry before EAGAIN. */
#define LX_FORK_WAIT_NS 2000000000ull

static int64_t sys_fork(struct lx_proc *p, uint64_t flags, uint64_t ctid,
			struct lx_action *act)
{
	/* Threads share the address space: not yet.  vfork is a fork here. */
	if (flags & (LX_CLONE_THREAD | LX_CLONE_SETTLS | LX_CLONE_PARENT_SETTID) ||
	    (flags & LX_CLONE_VM && !(flags & LX_CLONE_VFORK)))
		return -LX_EINVAL;
	struct lx_world *w = p->world;
	if (!w)
		return -LX_EAGAIN;
	struct lx_proc *c = NULL;
	for (int i = 0; i < (int)w->nprocs && !c; i++)
		if (w->procs[i].state == LX_PROC_FREE)
			c = &w->procs[i];
	/* Every live process may become a zombie: keep room for them all. */
	unsigned held = 0;
	for (int i = 0; i < (int)w->zombies_hi; i++)
		held += w->zombies[i].pid != 0;
	for (int i = 0; i < (int)w->nprocs; i++)
		held += w->procs[i].state == LX_PROC_LIVE;
	if (held >= LX_MAX_ZOMBIES)
		return -LX_EAGAIN;
	/* The child's writable memory is committed as the parent's is
	 * (Linux's fork: ENOMEM when the commit charge cannot grow). */
	if (lx_over_commit(p, lx_proc_commit(p), 0, 0) || !lx_space_room(p, LX_SPACE_FORK, 0, 0, 0))
		return -LX_ENOMEM;
	if (!c && w->nprocs < LX_MAX_PROCS) {
		/* Every entry backed is taken: the host backs one more from
		 * its memory, or the fork gets ENOMEM as Linux's when memory
		 * is out (nothing is killed for it). */
		struct lx_proc *t = p->host.procs_grow(p->host.ctx, w->nprocs + 1);
		if (!t)
			return -LX_ENOMEM;
		c = &t[w->nprocs++];
		memset(c, 0, sizeof(*c));
	}
	if (!c) {
		/* Every process entry is taken (LX_MAX_PROCS at a time).
		 * While another process runs, or
		 * sleeps until a deadline, it may end and free one: wait for
		 * that, as a fork that takes a while, for at most
		 * LX_FORK_WAIT_NS (processes that never end, a fork bomb's,
		 * would make it wait for ever); when all the others wait for
		 * events, nothing may ever free one: EAGAIN at once. */
		bool running = false;
		for (int i = 0; i < (int)w->nprocs && !running; i++)
			running = &w->procs[i] != p && w->procs[i].state == LX_PROC_LIVE &&
				  (!w->procs[i].waiting || w->procs[i].wait_deadline != ~0ull);
		uint64_t now = lx_clock(p, false);
		uint64_t deadline = lx_wait_deadline(p, now + LX_FORK_WAIT_NS);
		if (!running || now >= deadline)
			return -LX_EAGAIN;
		lx_block(p, act, deadline);
		return 0;
	}
	int pid;
	bool used;
	do {  /* the next pid no process or zombie has */
		pid = w->next_pid++;
		if (w->next_pid > 32767)
			w->next_pid = 2;
		used = find_pid(w, pid) != NULL;
		for (int i = 0; i < (int)w->zombies_hi && !used; i++)
			used = w->zombies[i].pid == pid;
	} while (used);
	*c = *p;
	c->pid = pid;
	w->fg_pgrp = 1;
	c->ppid = p->pid;
	c->state = LX_PROC_LIVE;
	c->status = 0;
	c->in_len = 0;  /* console input stays with the parent */
	c->in_eof = false;
	c->waiting = c->repeat = false;
	c->sigpending = 0;
	c->start_ns = lx_clock(p, false);
	c->rng_key[0] ^= (uint32_t)c->pid;  /* its own random numbers */
	c->rng_key[1] ^= (uint32_t)p->rng_ctr;
	lx_signal_fork(c);
	for (int i = 0; i < LX_MAX_FDS; i++) {
		c->fds[i].kind = LX_FD_NONE;
		if (p->fds[i].kind != LX_FD_NONE)
			lx_fd_install(c, i, &p->fds[i]);
	}
	if (flags & LX_CLONE_CHILD_CLEARTID)
		c->tid_address = ctid;
	act->kind = LX_ACT_FORK;
	act->child = (int)(c - w->procs);
	act->addr = flags & LX_CLONE_CHILD_SETTID ? ctid : 0;
	return c->pid;
}

void lx_fork_undo(struct lx_proc *parent, struct lx_proc *child)
{
	for (int i = 0; i < LX_MAX_FDS; i++)
		if (child->fds[i].kind != LX_FD_NONE)
			lx_fd_close(child, i);
	child->state = LX_PROC_FREE;
	(void)parent;
}

void lx_proc_exit(struct lx_proc *p, int status)
{
	if (p->state != LX_PROC_LIVE)
		return;
	for (int i = 0; i < LX_MAX_FDS; i++)
		if (p->fds[i].kind != LX_FD_NONE)
			lx_fd_close(p, i);
	p->status = status;
	struct lx_world *w = p->world;
	if (!w) {
		p->state = LX_PROC_ZOMBIE;
		return;
	}
	/* Orphans: nobody will wait for them; zombies among them go now. */
	for (int i = 0; i < (int)w->nprocs; i++) {
		struct lx_proc *c = &w->procs[i];
		if (c->state != LX_PROC_FREE && c->ppid == p->pid && c != p)
			c->ppid = 0;
	}
	for (int i = 0; i < (int)w->zombies_hi; i++)
		if (w->zombies[i].pid && w->zombies[i].ppid == p->pid)
			w->zombies[i].pid = 0;
	p->state = LX_PROC_FREE;
	struct lx_proc *parent = p->ppid ? find_pid(w, p->ppid) : NULL;
	if (!parent || parent->state != LX_PROC_LIVE)
		return;
	/* A zombie for wait4 (its numbers only: the entry is free again),
	 * unless the parent ignores SIGCHLD; then SIGCHLD (CLD_KILLED or
	 * CLD_EXITED).  fork made sure there is room. */
	/* (The loops over zombies stop at the highest entry ever used: the
	 * table is sized for every process there can be, 2048, and fork,
	 * exit and wait4 would scan it all every time.) */
	if (!lx_child_autoreap(parent)) {
		unsigned i = 0;
		while (i < w->zombies_hi && w->zombies[i].pid)
			i++;
		if (i < LX_MAX_ZOMBIES) {
			w->zombies[i] = (struct lx_zombie){ .pid = p->pid, .ppid = p->ppid,
							    .pgid = p->pgid, .status = status };
			if (i == w->zombies_hi)
				w->zombies_hi++;
		}
	}
	bool signalled = status & 0x7f;
	lx_signal_send(parent, LX_SIGCHLD, signalled ? 2 : 1, p->pid,
		       signalled ? status & 0x7f : status >> 8 & 0xff, 0);
}

static int64_t sys_wait4(struct lx_proc *p, int64_t pid, uint64_t ustatus, uint64_t options,
			 uint64_t rusage, struct lx_action *act)
{
	if (options & ~(uint64_t)(LX_WNOHANG | 2 /* WUNTRACED */ | 8 /* WCONTINUED */ |
				  0x40000000 /* __WALL */))
		return -LX_EINVAL;
	struct lx_world *w = p->world;
	if (!w)
		return -LX_ECHILD;
	bool any = false;
	/* pid > 0: that child; -1: any; 0: one of the caller's group; < -1: group -pid */
#define WANTED(cpid, cpgid) (pid > 0 ? (cpid) == pid : pid == -1 ? true \
			     : pid == 0 ? (cpgid) == p->pgid : (cpgid) == -pid)
	for (int i = 0; i < (int)w->nprocs && !any; i++) {
		struct lx_proc *c = &w->procs[i];
		any = c->state == LX_PROC_LIVE && c->ppid == p->pid && WANTED(c->pid, c->pgid);
	}
	for (int i = 0; i < (int)w->zombies_hi; i++) {
		struct lx_zombie *c = &w->zombies[i];
		if (!c->pid || c->ppid != p->pid || !WANTED(c->pid, c->pgid))
			continue;
		uint8_t b[4];
		lx_put32(b, (uint32_t)c->status);
		if (ustatus && lx_copy_out(p, ustatus, b, 4))
			return -LX_EFAULT;
		if (rusage) {
			uint8_t z[144];
			memset(z, 0, sizeof(z));
			if (lx_copy_out(p, rusage, z, sizeof(z)))
				return -LX_EFAULT;
		}
		int64_t r = c->pid;
		c->pid = 0;
		return r;
	}
#undef WANTED
	if (!any)
		return -LX_ECHILD;
	if (options & LX_WNOHANG)
		return 0;
	act->kind = LX_ACT_BLOCK;
	return 0;
}

/* Copy a NULL-ended array of strings (argv or envp) into exec_strs. */
static int64_t copy_strings(struct lx_proc *p, uint64_t uarr, unsigned *count)
{
	*count = 0;
	for (uint64_t i = 0; uarr; i++) {
		uint8_t b[8];
		if (lx_copy_in(p, uarr + 8 * i, b, 8))
			return -LX_EFAULT;
		uint64_t s = lx_get64(b);
		if (!s)
			return 0;
		if (p->exec_argc + p->exec_envc + *count >= LX_EXEC_ARGS)
			return -LX_E2BIG;
		for (;;) {
			if (p->exec_len >= LX_EXEC_MAX)
				return -LX_E2BIG;
			char c;
			if (lx_copy_in(p, s++, &c, 1))
				return -LX_EFAULT;
			p->exec_strs[p->exec_len++] = c;
			if (!c)
				break;
		}
		(*count)++;
	}
	return 0;
}

static int64_t sys_execve(struct lx_proc *p, uint64_t upath, uint64_t uargv, uint64_t uenvp,
			  struct lx_action *act)
{
	char path[LX_PATH_MAX], abs[LX_PATH_MAX];
	int err = lx_get_path(p, upath, path);
	if (err)
		return err;
	if (strcmp(path, "/proc/self/exe") == 0)
		memcpy(abs, p->exe, sizeof(abs));
	else if ((err = lx_fs_walk(p->fs, p->cwd, path, true, abs)))
		return err;  /* symbolic links followed, as Linux's execve */
	int node = lx_fs_lookup(p->fs, abs);
	if (node < 0)
		return node;
	if (lx_fs_is_dir(p->fs, node))
		return -LX_EACCES;
	const uint8_t *data = lx_fs_data(p->fs, node);
	struct lx_image img;
	if (!data || lx_scan_elf(data, p->fs->nodes[node].size, &img))
		return -LX_ENOEXEC;
	/* The new image's writable segments are committed in place of
	 * everything the old one had (Linux: ENOMEM before the point of no
	 * return). */
	if (lx_over_commit(p, img.commit, 0, ~0ull) ||
	    !lx_space_room(p, LX_SPACE_EXEC, 0, 0, img.tables))
		return -LX_ENOMEM;
	p->exec_argc = p->exec_envc = p->exec_len = 0;
	unsigned n;
	int64_t r = copy_strings(p, uargv, &n);
	p->exec_argc = n;
	if (!r)
		r = copy_strings(p, uenvp, &p->exec_envc);
	if (r)
		return r;
	p->exec_node = node;
	act->kind = LX_ACT_EXEC;
	return 0;
}

int lx_exec_finish(struct lx_proc *p, const uint8_t random16[16], uint64_t *entry, uint64_t *sp)
{
	for (int i = 0; i < LX_MAX_FDS; i++)
		if (p->fds[i].kind != LX_FD_NONE && p->fds[i].cloexec)
			lx_fd_close(p, i);
	p->nvmas = 0;
	p->mmap_next = LX_MMAP_TOP;
	lx_signal_exec(p);
	p->fs_base = p->tid_address = p->robust_list = 0;
	const struct lx_node *e = &p->fs->nodes[p->exec_node];
	memcpy(p->exe, e->path, sizeof(p->exe));
	const char *base = e->path;
	for (const char *c = e->path; *c; c++)
		if (*c == '/')
			base = c + 1;
	memset(p->comm, 0, sizeof(p->comm));
	memcpy(p->comm, base, strlen(base) < 15 ? strlen(base) : 15);
	struct lx_image img;
	int err = lx_load_elf(p, e->data, e->size, &img, NULL);
	if (err)
		return err;
	const char *argv[LX_EXEC_ARGS];
	unsigned n = p->exec_argc + p->exec_envc;
	const char *s = p->exec_strs;
	for (unsigned i = 0; i < n; i++) {
		argv[i] = s;
		s += strlen(s) + 1;
	}
	err = lx_build_stack(p, &img, (int)p->exec_argc, argv, (int)p->exec_envc,
			     argv + p->exec_argc, random16, sp);
	*entry = img.entry;
	return err;
}

int64_t lx_proc_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act)
{
	switch (nr) {
	case LX_NR_getpid:
	case LX_NR_gettid: return p->pid;
	case LX_NR_getppid: return p->ppid;
	case LX_NR_pipe: return sys_pipe2(p, a[0], 0);
	case LX_NR_pipe2: return sys_pipe2(p, a[0], a[1]);
	case LX_NR_fork: return sys_fork(p, LX_SIGCHLD, 0, act);
	case LX_NR_vfork: return sys_fork(p, LX_CLONE_VM | LX_CLONE_VFORK | LX_SIGCHLD, 0, act);
	case LX_NR_clone: return sys_fork(p, a[0], a[3], act);
	case LX_NR_execve: return sys_execve(p, a[0], a[1], a[2], act);
	case LX_NR_wait4: return sys_wait4(p, (int32_t)a[0], a[1], a[2], a[3], act);
	default: return LX_UNHANDLED;
	}
}
