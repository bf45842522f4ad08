/* File system calls: descriptors, paths, reading and writing, directory
 * listing, stat.  Descriptors 0-2 start on the console, which is a byte
 * stream and not a terminal (no termios): programs behave as when their
 * output goes to a pipe, which is what makes a KOZO run comparable byte
 * for byte with the same program on Linux writing to a pipe. */
#include <string.h>

#include "lx_internal.h"

struct lx_fd *lx_fd_get(struct lx_proc *p, uint64_t fd)
{
	if (fd >= LX_MAX_FDS || p->fds[fd].kind == LX_FD_NONE)
		return NULL;
	return &p->fds[fd];
}

static int fd_alloc(struct lx_proc *p, uint64_t min)
{
	for (uint64_t i = min; i < LX_MAX_FDS; i++)
		if (p->fds[i].kind == LX_FD_NONE)
			return (int)i;
	return -LX_EMFILE;
}

/* Copy a NUL-terminated path in, a page at a time (a string may end just
 * before an unmapped page). */
int lx_get_path(struct lx_proc *p, uint64_t addr, char out[LX_PATH_MAX])
{
	size_t n = 0;
	while (n < LX_PATH_MAX) {
		uint64_t at = addr + n;
		if (at < addr)
			return -LX_EFAULT;
		size_t chunk = (size_t)(LX_PAGE - at % LX_PAGE);
		if (chunk > LX_PATH_MAX - n)
			chunk = LX_PATH_MAX - n;
		if (lx_copy_in(p, at, out + n, chunk))
			return -LX_EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (out[n + i] == '\0')
				return n + i == 0 ? -LX_ENOENT : 0;
		n += chunk;
	}
	return -LX_ENAMETOOLONG;
}

/* Resolve (dirfd, path) into an absolute path. */
static int at_path(struct lx_proc *p, int64_t dirfd, uint64_t upath, char abs[LX_PATH_MAX],
		   bool empty_ok)
{
	char path[LX_PATH_MAX];
	int err = lx_get_path(p, upath, path);
	if (err == -LX_ENOENT && empty_ok) {
		path[0] = '\0';
		err = 0;
	}
	if (err)
		return err;
	int base = p->cwd;
	if (path[0] != '/' && (int32_t)dirfd != LX_AT_FDCWD) {
		struct lx_fd *f = lx_fd_get(p, (uint64_t)dirfd);
		if (!f)
			return -LX_EBADF;
		if (f->kind != LX_FD_DIR) {
			if (path[0] == '\0' && empty_ok)
				return 1;  /* the descriptor itself: caller uses fstat */
			return -LX_ENOTDIR;
		}
		base = f->node;
	}
	if (path[0] == '\0' && empty_ok && (int32_t)dirfd == LX_AT_FDCWD)
		path[0] = '.', path[1] = '\0';
	return lx_fs_resolve(p->fs, base, path, abs);
}

/* The node for (dirfd, path), or -errno. */
static int at_node(struct lx_proc *p, int64_t dirfd, uint64_t upath, bool empty_ok, int *fd_only)
{
	char abs[LX_PATH_MAX];
	int r = at_path(p, dirfd, upath, abs, empty_ok);
	*fd_only = r == 1;
	if (r)
		return r < 0 ? r : 0;
	return lx_fs_lookup(p->fs, abs);
}

static int64_t sys_open(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t flags,
			uint64_t mode)
{
	char abs[LX_PATH_MAX];
	int err = at_path(p, dirfd, upath, abs, false);
	if (err)
		return err;
	unsigned acc = flags & LX_O_ACCMODE;
	if (acc == 3)
		return -LX_EINVAL;
	int node = lx_fs_lookup(p->fs, abs);
	if (node >= 0 && flags & LX_O_CREAT && flags & LX_O_EXCL)
		return -LX_EEXIST;
	if (node < 0 && flags & LX_O_CREAT) {
		node = lx_fs_create(p->fs, abs, (unsigned)mode & 0777 & ~p->umask);
		if (node < 0)
			return node;
	}
	if (node < 0)
		return node;
	bool dir = lx_fs_is_dir(p->fs, node);
	if (flags & LX_O_DIRECTORY && !dir)
		return -LX_ENOTDIR;
	if (dir && acc != LX_O_RDONLY)
		return -LX_EISDIR;
	if (acc != LX_O_RDONLY && !dir && p->fs->nodes[node].tmp_slot < 0)
		return -LX_EROFS;
	int fd = fd_alloc(p, 0);
	if (fd < 0)
		return fd;
	if (flags & LX_O_TRUNC && acc != LX_O_RDONLY)
		lx_fs_truncate(p->fs, node, 0);
	p->fds[fd] = (struct lx_fd){ .kind = (uint8_t)(dir ? LX_FD_DIR : LX_FD_FILE),
				     .cloexec = !!(flags & LX_O_CLOEXEC),
				     .flags = (uint32_t)(flags & ~(uint64_t)LX_O_CLOEXEC),
				     .node = node };
	return fd;
}

/* Bytes for a read of the console: what the server fed, or NEED_INPUT. */
static int64_t console_read(struct lx_proc *p, uint64_t buf, uint64_t n, struct lx_action *act)
{
	if (n == 0)
		return 0;
	if (p->in_len == 0) {
		if (p->in_eof) {
			p->in_eof = false;  /* a tty reports EOF once per Ctrl-D */
			return 0;
		}
		act->kind = LX_ACT_NEED_INPUT;
		return 0;
	}
	size_t k = n < p->in_len ? (size_t)n : p->in_len;
	if (lx_copy_out(p, buf, p->in_buf, k))
		return -LX_EFAULT;
	memmove(p->in_buf, p->in_buf + k, p->in_len - k);
	p->in_len -= (unsigned)k;
	return (int64_t)k;
}

/* Read from a file at *pos into user memory. */
static int64_t file_read(struct lx_proc *p, int node, uint64_t *pos, uint64_t buf, uint64_t n)
{
	uint8_t bounce[LX_BOUNCE];
	uint64_t done = 0;
	while (done < n) {
		size_t want = n - done < sizeof(bounce) ? (size_t)(n - done) : sizeof(bounce);
		size_t got = lx_fs_read(p->fs, node, *pos, bounce, want);
		if (got == 0)
			break;
		if (lx_copy_out(p, buf + done, bounce, got))
			return done ? (int64_t)done : -LX_EFAULT;
		done += got;
		*pos += got;
	}
	return (int64_t)done;
}

static int64_t file_write(struct lx_proc *p, struct lx_fd *f, uint64_t *pos, uint64_t buf,
			  uint64_t n)
{
	uint8_t bounce[LX_BOUNCE];
	uint64_t done = 0;
	if (f->kind == LX_FD_FILE && f->flags & LX_O_APPEND)
		*pos = p->fs->nodes[f->node].size;
	while (done < n) {
		size_t want = n - done < sizeof(bounce) ? (size_t)(n - done) : sizeof(bounce);
		if (lx_copy_in(p, buf + done, bounce, want))
			return done ? (int64_t)done : -LX_EFAULT;
		if (f->kind == LX_FD_CONSOLE) {
			if (p->host.console_write)
				p->host.console_write(p->host.ctx, (const char *)bounce, want);
		} else {
			int64_t w = lx_fs_write(p->fs, f->node, *pos, bounce, want);
			if (w < 0)
				return done ? (int64_t)done : w;
			*pos += (uint64_t)w;
			done += (uint64_t)w;
			if ((size_t)w < want)
				break;
			continue;
		}
		done += want;
	}
	return (int64_t)done;
}

static bool can_read(const struct lx_fd *f)
{
	return (f->flags & LX_O_ACCMODE) != LX_O_WRONLY;
}
static bool can_write(const struct lx_fd *f)
{
	return (f->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

static int64_t do_read(struct lx_proc *p, uint64_t fd, uint64_t buf, uint64_t n,
		       struct lx_action *act)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f || !can_read(f))
		return -LX_EBADF;
	if (n > LX_RW_MAX)
		n = LX_RW_MAX;
	switch (f->kind) {
	case LX_FD_CONSOLE: return console_read(p, buf, n, act);
	case LX_FD_PIPE: return lx_pipe_read(p, f, buf, n, act);
	case LX_FD_DIR: return -LX_EISDIR;
	default: return file_read(p, f->node, &f->pos, buf, n);
	}
}

static int64_t do_write(struct lx_proc *p, uint64_t fd, uint64_t buf, uint64_t n,
			struct lx_action *act)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f || !can_write(f) || f->kind == LX_FD_DIR)
		return -LX_EBADF;
	if (n > LX_RW_MAX)
		n = LX_RW_MAX;
	if (f->kind == LX_FD_PIPE)
		return lx_pipe_write(p, f, buf, n, act);
	return file_write(p, f, &f->pos, buf, n);
}

/* readv/writev: one iovec at a time; a short transfer ends the call. */
static int64_t do_iov(struct lx_proc *p, uint64_t fd, uint64_t iov, uint64_t cnt, bool write,
		      struct lx_action *act)
{
	if (cnt > 1024)
		return -LX_EINVAL;
	if (!lx_fd_get(p, fd))
		return -LX_EBADF;
	uint64_t total = 0;
	for (uint64_t i = 0; i < cnt; i++) {
		uint8_t v[16];
		if (lx_copy_in(p, iov + 16 * i, v, 16))
			return total ? (int64_t)total : -LX_EFAULT;
		uint64_t base = lx_get64(v), len = lx_get64(v + 8);
		if (len > LX_RW_MAX - total)
			len = LX_RW_MAX - total;
		if (len == 0)
			continue;
		int64_t r = write ? do_write(p, fd, base, len, act) : do_read(p, fd, base, len, act);
		if (act->kind == LX_ACT_NEED_INPUT || act->kind == LX_ACT_BLOCK) {
			if (total) {
				act->kind = LX_ACT_RETURN;  /* got some: return them now */
				return (int64_t)total;
			}
			return 0;
		}
		if (r < 0)
			return total ? (int64_t)total : r;
		total += (uint64_t)r;
		if ((uint64_t)r < len)
			break;
	}
	return (int64_t)total;
}

static void fill_stat(struct lx_proc *p, int node, bool console, uint8_t st[LX_STAT_SIZE])
{
	memset(st, 0, LX_STAT_SIZE);
	if (console) {
		lx_put64(st + LX_ST_DEV, 5);
		lx_put64(st + LX_ST_INO, 3);
		lx_put64(st + LX_ST_NLINK, 1);
		lx_put32(st + LX_ST_MODE, LX_S_IFCHR | 0620);
		lx_put64(st + LX_ST_RDEV, 5 << 8 | 1); /* /dev/console */
		lx_put64(st + LX_ST_BLKSIZE, 1024);
		return;
	}
	const struct lx_node *e = &p->fs->nodes[node];
	bool dir = lx_fs_is_dir(p->fs, node);
	lx_put64(st + LX_ST_DEV, 1);
	lx_put64(st + LX_ST_INO, (uint64_t)node + 1);
	lx_put64(st + LX_ST_NLINK, dir ? 2 : 1);
	lx_put32(st + LX_ST_MODE, e->mode);
	uint64_t size = dir ? 4096 : e->size;
	lx_put64(st + LX_ST_SIZE, size);
	lx_put64(st + LX_ST_BLKSIZE, 4096);
	lx_put64(st + LX_ST_BLOCKS, (size + 511) / 512);
	lx_put64(st + LX_ST_ATIME, p->fs->mtime);
	lx_put64(st + LX_ST_MTIME, p->fs->mtime);
	lx_put64(st + LX_ST_CTIME, p->fs->mtime);
}

static int64_t stat_fd(struct lx_proc *p, uint64_t fd, uint64_t ubuf)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	uint8_t st[LX_STAT_SIZE];
	fill_stat(p, f->node, f->kind == LX_FD_CONSOLE || f->kind == LX_FD_PIPE, st);
	if (f->kind == LX_FD_PIPE) {
		lx_put64(st + LX_ST_DEV, 12);
		lx_put64(st + LX_ST_INO, 1000 + (uint64_t)f->node);
		lx_put32(st + LX_ST_MODE, LX_S_IFIFO | 0600);
		lx_put64(st + LX_ST_RDEV, 0);
		lx_put64(st + LX_ST_BLKSIZE, 4096);
	}
	return lx_copy_out(p, ubuf, st, sizeof(st)) ? -LX_EFAULT : 0;
}

static int64_t stat_at(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t ubuf,
		       uint64_t flags)
{
	int fd_only;
	int node = at_node(p, dirfd, upath, flags & LX_AT_EMPTY_PATH, &fd_only);
	if (fd_only)
		return stat_fd(p, (uint64_t)dirfd, ubuf);
	if (node < 0)
		return node;
	uint8_t st[LX_STAT_SIZE];
	fill_stat(p, node, false, st);
	return lx_copy_out(p, ubuf, st, sizeof(st)) ? -LX_EFAULT : 0;
}

/* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name, NUL, pad to 8. */
static int64_t getdents64(struct lx_proc *p, uint64_t fd, uint64_t ubuf, uint64_t count)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (f->kind != LX_FD_DIR)
		return -LX_ENOTDIR;
	uint8_t rec[LX_PATH_MAX + 32];
	uint64_t done = 0;
	for (;;) {
		int node;
		const char *name;
		if (f->pos == 0) {
			node = f->node, name = ".";
		} else if (f->pos == 1) {
			node = p->fs->nodes[f->node].parent, name = "..";
		} else {
			node = lx_fs_child(p->fs, f->node, f->pos - 2);
			if (node < 0)
				break;
			const char *path = p->fs->nodes[node].path;
			name = path + strlen(path);
			while (name > path && name[-1] != '/')
				name--;
		}
		size_t nlen = strlen(name);
		size_t reclen = (19 + nlen + 1 + 7) & ~(size_t)7;
		if (reclen > count - done) {
			if (done == 0)
				return -LX_EINVAL;
			break;
		}
		memset(rec, 0, reclen);
		lx_put64(rec, (uint64_t)node + 1);
		lx_put64(rec + 8, f->pos + 1);
		rec[16] = (uint8_t)reclen;
		rec[17] = (uint8_t)(reclen >> 8);
		rec[18] = lx_fs_is_dir(p->fs, node) ? LX_DT_DIR : LX_DT_REG;
		memcpy(rec + 19, name, nlen);
		if (lx_copy_out(p, ubuf + done, rec, reclen))
			return done ? (int64_t)done : -LX_EFAULT;
		done += reclen;
		f->pos++;
	}
	return (int64_t)done;
}

static int64_t do_lseek(struct lx_proc *p, uint64_t fd, int64_t off, uint64_t whence)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (f->kind == LX_FD_CONSOLE || f->kind == LX_FD_PIPE)
		return -LX_ESPIPE;
	int64_t base;
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = (int64_t)f->pos; break;
	case 2: base = f->kind == LX_FD_DIR ? 0 : (int64_t)p->fs->nodes[f->node].size; break;
	default: return -LX_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -LX_EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

static int64_t do_sendfile(struct lx_proc *p, uint64_t out_fd, uint64_t in_fd, uint64_t uoff,
			   uint64_t count)
{
	struct lx_fd *in = lx_fd_get(p, in_fd), *out = lx_fd_get(p, out_fd);
	if (!in || !out || !can_read(in) || !can_write(out) || out->kind == LX_FD_DIR)
		return -LX_EBADF;
	if (in->kind != LX_FD_FILE || out->kind == LX_FD_PIPE)
		return -LX_EINVAL;  /* callers fall back to read and write */
	uint64_t pos = in->pos;
	if (uoff) {
		uint8_t b[8];
		if (lx_copy_in(p, uoff, b, 8))
			return -LX_EFAULT;
		pos = lx_get64(b);
		if ((int64_t)pos < 0)
			return -LX_EINVAL;
	}
	if (count > LX_RW_MAX)
		count = LX_RW_MAX;
	uint8_t bounce[LX_BOUNCE];
	uint64_t done = 0;
	while (done < count) {
		size_t want = count - done < sizeof(bounce) ? (size_t)(count - done) : sizeof(bounce);
		size_t got = lx_fs_read(p->fs, in->node, pos, bounce, want);
		if (got == 0)
			break;
		if (out->kind == LX_FD_CONSOLE) {
			if (p->host.console_write)
				p->host.console_write(p->host.ctx, (const char *)bounce, got);
		} else {
			if (out->flags & LX_O_APPEND)
				out->pos = p->fs->nodes[out->node].size;
			int64_t w = lx_fs_write(p->fs, out->node, out->pos, bounce, got);
			if (w <= 0) {
				if (done == 0)
					return w ? w : -LX_EFBIG;
				break;
			}
			out->pos += (uint64_t)w;
			got = (size_t)w;
		}
		pos += got;
		done += got;
	}
	if (uoff) {
		uint8_t b[8];
		lx_put64(b, pos);
		if (lx_copy_out(p, uoff, b, 8))
			return -LX_EFAULT;
	} else {
		in->pos = pos;
	}
	return (int64_t)done;
}

static int64_t do_fcntl(struct lx_proc *p, uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC: {
		if (arg >= LX_MAX_FDS)
			return -LX_EINVAL;
		int n = fd_alloc(p, arg);
		if (n < 0)
			return n;
		struct lx_fd copy = *f;
		copy.cloexec = cmd == LX_F_DUPFD_CLOEXEC;
		lx_fd_install(p, n, &copy);
		return n;
	}
	case LX_F_GETFD: return f->cloexec ? LX_FD_CLOEXEC : 0;
	case LX_F_SETFD: f->cloexec = arg & LX_FD_CLOEXEC; return 0;
	case LX_F_GETFL: return f->flags;
	case LX_F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(LX_O_APPEND | LX_O_NONBLOCK)) |
			   ((uint32_t)arg & (LX_O_APPEND | LX_O_NONBLOCK));
		return 0;
	default: return -LX_EINVAL;
	}
}

static int64_t do_access(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t mode)
{
	int fd_only;
	if (mode & ~7ull)
		return -LX_EINVAL;
	int node = at_node(p, dirfd, upath, false, &fd_only);
	if (node < 0)
		return node;
	const struct lx_node *e = &p->fs->nodes[node];
	if (mode & 2 && e->tmp_slot < 0 && !(lx_fs_is_dir(p->fs, node) && node == p->fs->tmp_dir))
		return -LX_EROFS;
	if (mode & 1 && !(e->mode & 0111))
		return -LX_EACCES;
	return 0;
}

static int64_t do_readlink(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t ubuf,
			   uint64_t size)
{
	char abs[LX_PATH_MAX];
	if ((int64_t)size <= 0)
		return -LX_EINVAL;
	int err = at_path(p, dirfd, upath, abs, false);
	if (err)
		return err;
	if (strcmp(abs, "/proc/self/exe") == 0) {
		size_t n = strlen(p->exe);
		if (n > size)
			n = (size_t)size;
		return lx_copy_out(p, ubuf, p->exe, n) ? -LX_EFAULT : (int64_t)n;
	}
	return lx_fs_lookup(p->fs, abs) >= 0 ? -LX_EINVAL : -LX_ENOENT;
}

static int64_t do_remove(struct lx_proc *p, int64_t dirfd, uint64_t upath, bool dir)
{
	int fd_only;
	int node = at_node(p, dirfd, upath, false, &fd_only);
	if (node < 0)
		return node;
	return lx_fs_remove(p->fs, node, dir);
}

static int64_t do_mkdir(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t mode)
{
	char abs[LX_PATH_MAX];
	int err = at_path(p, dirfd, upath, abs, false);
	if (err)
		return err;
	int node = lx_fs_create(p->fs, abs, LX_S_IFDIR | ((unsigned)mode & 0777 & ~p->umask));
	return node < 0 ? node : 0;
}

static int64_t do_getcwd(struct lx_proc *p, uint64_t ubuf, uint64_t size)
{
	const char *cwd = p->fs->nodes[p->cwd].path;
	size_t n = strlen(cwd) + 1;
	if (size < n)
		return -LX_ERANGE;
	return lx_copy_out(p, ubuf, cwd, n) ? -LX_EFAULT : (int64_t)n;
}

static int64_t do_chdir(struct lx_proc *p, uint64_t upath)
{
	int fd_only;
	int node = at_node(p, LX_AT_FDCWD, upath, false, &fd_only);
	if (node < 0)
		return node;
	if (!lx_fs_is_dir(p->fs, node))
		return -LX_ENOTDIR;
	p->cwd = node;
	return 0;
}

static int64_t do_truncate(struct lx_proc *p, int node, int64_t len)
{
	if (len < 0)
		return -LX_EINVAL;
	return lx_fs_truncate(p->fs, node, (uint64_t)len);
}

/* dup2, and dup3 (flags: O_CLOEXEC; old == new is EINVAL). */
static int64_t do_dup3(struct lx_proc *p, uint64_t old, uint64_t new, uint64_t flags, bool dup3)
{
	struct lx_fd *f = lx_fd_get(p, old);
	if (dup3 && (flags & ~(uint64_t)LX_O_CLOEXEC || old == new))
		return -LX_EINVAL;
	if (!f || new >= LX_MAX_FDS)
		return -LX_EBADF;
	if (old != new) {
		struct lx_fd copy = *f;
		copy.cloexec = !!(flags & LX_O_CLOEXEC);
		lx_fd_install(p, (int)new, &copy);
	}
	return (int64_t)new;
}

static int64_t do_ioctl(struct lx_proc *p, uint64_t fd, uint64_t req)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (req == LX_FIONBIO)
		return 0;
	return -LX_ENOTTY;  /* TCGETS, TIOCGWINSZ...: nothing here is a terminal */
}

int64_t lx_file_syscall(struct lx_proc *p, uint64_t nr, const uint64_t a[6], struct lx_action *act)
{
	int fd_only;
	struct lx_fd *f;
	switch (nr) {
	case LX_NR_read: return do_read(p, a[0], a[1], a[2], act);
	case LX_NR_write: return do_write(p, a[0], a[1], a[2], act);
	case LX_NR_readv: return do_iov(p, a[0], a[1], a[2], false, act);
	case LX_NR_writev: return do_iov(p, a[0], a[1], a[2], true, act);
	case LX_NR_pread64:
	case LX_NR_pwrite64: {
		f = lx_fd_get(p, a[0]);
		if (!f)
			return -LX_EBADF;
		if (f->kind != LX_FD_FILE)
			return f->kind == LX_FD_DIR ? -LX_EISDIR : -LX_ESPIPE;
		if ((int64_t)a[3] < 0)
			return -LX_EINVAL;
		uint64_t pos = a[3], n = a[2] > LX_RW_MAX ? LX_RW_MAX : a[2];
		if (nr == LX_NR_pread64)
			return can_read(f) ? file_read(p, f->node, &pos, a[1], n) : -LX_EBADF;
		return can_write(f) && !(f->flags & LX_O_APPEND) ? file_write(p, f, &pos, a[1], n)
								   : -LX_EBADF;
	}
	case LX_NR_open: return sys_open(p, LX_AT_FDCWD, a[0], a[1], a[2]);
	case LX_NR_openat: return sys_open(p, (int32_t)a[0], a[1], a[2], a[3]);
	case LX_NR_close:
		f = lx_fd_get(p, a[0]);
		if (!f)
			return -LX_EBADF;
		lx_fd_close(p, (int)a[0]);
		return 0;
	case LX_NR_stat:
	case LX_NR_lstat: return stat_at(p, LX_AT_FDCWD, a[0], a[1], 0);
	case LX_NR_fstat: return stat_fd(p, a[0], a[1]);
	case LX_NR_newfstatat: return stat_at(p, (int32_t)a[0], a[1], a[2], a[3]);
	case LX_NR_lseek: return do_lseek(p, a[0], (int64_t)a[1], a[2]);
	case LX_NR_getdents64: return getdents64(p, a[0], a[1], a[2]);
	case LX_NR_ioctl: return do_ioctl(p, a[0], a[1]);
	case LX_NR_sendfile: return do_sendfile(p, a[0], a[1], a[2], a[3]);
	case LX_NR_fcntl: return do_fcntl(p, a[0], a[1], a[2]);
	case LX_NR_dup: {
		if (!lx_fd_get(p, a[0]))
			return -LX_EBADF;
		int n = fd_alloc(p, 0);
		if (n >= 0) {
			struct lx_fd copy = p->fds[a[0]];
			copy.cloexec = 0;
			lx_fd_install(p, n, &copy);
		}
		return n;
	}
	case LX_NR_dup2: return do_dup3(p, a[0], a[1], 0, false);
	case LX_NR_dup3: return do_dup3(p, a[0], a[1], a[2], true);
	case LX_NR_access: return do_access(p, LX_AT_FDCWD, a[0], a[1]);
	case LX_NR_faccessat:
	case LX_NR_faccessat2: return do_access(p, (int32_t)a[0], a[1], a[2]);
	case LX_NR_readlink: return do_readlink(p, LX_AT_FDCWD, a[0], a[1], a[2]);
	case LX_NR_readlinkat: return do_readlink(p, (int32_t)a[0], a[1], a[2], a[3]);
	case LX_NR_getcwd: return do_getcwd(p, a[0], a[1]);
	case LX_NR_chdir: return do_chdir(p, a[0]);
	case LX_NR_mkdir: return do_mkdir(p, LX_AT_FDCWD, a[0], a[1]);
	case LX_NR_mkdirat: return do_mkdir(p, (int32_t)a[0], a[1], a[2]);
	case LX_NR_unlink: return do_remove(p, LX_AT_FDCWD, a[0], false);
	case LX_NR_rmdir: return do_remove(p, LX_AT_FDCWD, a[0], true);
	case LX_NR_unlinkat:
		if (a[2] & ~(uint64_t)LX_AT_REMOVEDIR)
			return -LX_EINVAL;
		return do_remove(p, (int32_t)a[0], a[1], a[2] & LX_AT_REMOVEDIR);
	case LX_NR_ftruncate:
		f = lx_fd_get(p, a[0]);
		if (!f)
			return -LX_EBADF;
		if (f->kind != LX_FD_FILE || !can_write(f))
			return -LX_EINVAL;
		return do_truncate(p, f->node, (int64_t)a[1]);
	case LX_NR_truncate: {
		int node = at_node(p, LX_AT_FDCWD, a[0], false, &fd_only);
		return node < 0 ? node : do_truncate(p, node, (int64_t)a[1]);
	}
	case LX_NR_fsync:
	case LX_NR_fdatasync: return lx_fd_get(p, a[0]) ? 0 : -LX_EBADF;
	default: return LX_UNHANDLED;
	}
}
