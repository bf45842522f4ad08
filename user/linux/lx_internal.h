/* Shared by the translation layer's files; not part of its interface. */
#ifndef KOZO_LINUX_LX_INTERNAL_H
#define KOZO_LINUX_LX_INTERNAL_H

#include "lx.h"

/* Returned by a handler table entry that has no handler (see lx_syscall). */
#define LX_UNHANDLED (-4096 - 1)
/* Reads and writes move at most this much per call (Linux: MAX_RW_COUNT). */
#define LX_RW_MAX 0x7ffff000ull
#define LX_BOUNCE 512

static inline int lx_copy_in(struct lx_proc *p, uint64_t addr, void *dst, size_t n)
{
	return n ? p->mem.read(p->mem.ctx, addr, dst, n) : 0;
}
static inline int lx_copy_out(struct lx_proc *p, uint64_t addr, const void *src, size_t n)
{
	return n ? p->mem.write(p->mem.ctx, addr, src, n) : 0;
}
static inline void lx_put64(uint8_t *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}
static inline void lx_put32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t lx_get64(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 8; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

/* The open file fd, or NULL when fd is not open. */
struct lx_fd *lx_fd_get(struct lx_proc *p, uint64_t fd);

/* Copy a NUL-terminated path in: 0, -LX_EFAULT, -LX_ENOENT (empty),
 * -LX_ENAMETOOLONG. */
int lx_get_path(struct lx_proc *p, uint64_t addr, char out[LX_PATH_MAX]);
/* Close fd (open), dropping its hold on a pipe end. */
void lx_fd_close(struct lx_proc *p, int fd);
/* Make fd (closed first if open) a copy of *src, holding its pipe end. */
void lx_fd_install(struct lx_proc *p, int fd, const struct lx_fd *src);
/* Pipe ends (lx_proc.c): a count, -errno, or 0 with act->kind BLOCK. */
int64_t lx_pipe_read(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n,
		     struct lx_action *act);
int64_t lx_pipe_write(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n,
		      struct lx_action *act);
/* lx_proc.c: the process pid (0: p itself), or NULL. */
struct lx_proc *lx_find_proc(struct lx_proc *p, int64_t pid);
int64_t lx_setpgid(struct lx_proc *p, int64_t pid, int64_t pgid);
/* lx_proc.c: processes, pipes, execve; LX_UNHANDLED for other numbers. */
int64_t lx_proc_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act);

/* lx_syscall.c */
/* The process's clocks in ns: monotonic (since boot) or real time. */
uint64_t lx_clock(struct lx_proc *p, bool realtime);
/* n random bytes to buf (ChaCha20): n or -EFAULT (a count if some went). */
int64_t lx_random_fill(struct lx_proc *p, uint64_t buf, uint64_t n);
/* ioctl on the console: foreground process group and session. */
int64_t lx_tty_ioctl(struct lx_proc *p, uint64_t req, uint64_t arg);
/* A waiting call: answer BLOCK until deadline (~0 none); the server repeats it. */
void lx_block(struct lx_proc *p, struct lx_action *act, uint64_t deadline);
/* The deadline of this wait: the one computed at the first try of a
 * repeated call, else `deadline`. */
uint64_t lx_wait_deadline(struct lx_proc *p, uint64_t deadline);
/* lx_signal.c: signal calls (LX_UNHANDLED for others); alarms that came
 * due; execve's and fork's effect on dispositions; SIGCHLD ignored. */
int64_t lx_signal_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act);
void lx_timers_check(struct lx_proc *p);
void lx_signal_exec(struct lx_proc *p);
void lx_signal_fork(struct lx_proc *child);
bool lx_child_autoreap(const struct lx_proc *parent);
/* lx_proc.c: what a pipe end is ready for (POLLIN, POLLOUT, POLLHUP, POLLERR). */
unsigned lx_pipe_poll(struct lx_proc *p, const struct lx_fd *f);

/* lx_procfs.c: /proc, made up from the process table.  An entry is a
 * number: pid << 8 | kind. */
int lx_procfs_lookup(struct lx_proc *p, const char *abs, bool follow, uint32_t *ent);
bool lx_procfs_is_dir(uint32_t ent);
uint32_t lx_procfs_root(void);
int64_t lx_procfs_read(struct lx_proc *p, struct lx_fd *f, uint64_t buf, uint64_t n);
int lx_procfs_readlink(struct lx_proc *p, uint32_t ent, char out[LX_PATH_MAX]);
int64_t lx_procfs_getdents(struct lx_proc *p, struct lx_fd *f, uint64_t ubuf, uint64_t count);
void lx_procfs_stat(struct lx_proc *p, uint32_t ent, uint8_t st[LX_STAT_SIZE]);
/* sysinfo(2) */
int64_t lx_sysinfo(struct lx_proc *p, uint64_t ubuf);

/* lx_file.c: append one linux_dirent64 to the caller's buffer at *done:
 * 1 (added), 2 (no room), 0 (a fault after some were added), -EINVAL (no
 * room for the first), -EFAULT. */
int lx_dirent(struct lx_proc *p, uint64_t ubuf, uint64_t count, uint64_t *done, uint64_t ino,
	      uint64_t off, unsigned type, const char *name);
/* lx_file.c: files, directories, the console. */
int64_t lx_file_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act);
/* lx_mm.c */
void lx_sys_mmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_munmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_mprotect(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_madvise(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_brk(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);

#endif
