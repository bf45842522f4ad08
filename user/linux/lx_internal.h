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
/* lx_proc.c: processes, pipes, execve; LX_UNHANDLED for other numbers. */
int64_t lx_proc_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act);

/* lx_file.c: files, directories, the console. */
int64_t lx_file_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act);
/* lx_mm.c */
void lx_sys_mmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_munmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_mprotect(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);
void lx_sys_brk(struct lx_proc *p, const uint64_t a[6], struct lx_action *act);

#endif
