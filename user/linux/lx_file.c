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

/* Resolve (dirfd, path) into an absolute path, following symbolic links
 * (the last component too when follow). */
static int at_path(struct lx_proc *p, int64_t dirfd, uint64_t upath, char abs[LX_PATH_MAX],
		   bool empty_ok, bool follow)
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
	return lx_fs_walk(p->fs, base, path, follow, abs);
}

static bool is_proc(const char *abs)
{
	return strncmp(abs, "/proc", 5) == 0 && (abs[5] == '\0' || abs[5] == '/');
}

/* The node for (dirfd, path), or -errno.  Under /proc (made up, no
 * nodes): -LX_ENOENT with *proc_ent set to its entry when it exists. */
static int at_node_ex(struct lx_proc *p, int64_t dirfd, uint64_t upath, bool empty_ok,
		      bool follow, int *fd_only, uint32_t *proc_ent)
{
	char abs[LX_PATH_MAX];
	int r = at_path(p, dirfd, upath, abs, empty_ok, follow);
	*fd_only = r == 1;
	if (proc_ent)
		*proc_ent = 0;
	if (r)
		return r < 0 ? r : 0;
	if (is_proc(abs)) {
		uint32_t e;
		if (lx_procfs_lookup(p, abs, follow, &e) == 0 && proc_ent)
			*proc_ent = e;
		return -LX_ENOENT;
	}
	return lx_fs_lookup(p->fs, abs);
}

static int at_node(struct lx_proc *p, int64_t dirfd, uint64_t upath, bool empty_ok, int *fd_only)
{
	return at_node_ex(p, dirfd, upath, empty_ok, true, fd_only, NULL);
}

static int64_t sys_open(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t flags,
			uint64_t mode)
{
	char abs[LX_PATH_MAX];
	bool excl = flags & LX_O_CREAT && flags & LX_O_EXCL;
	int err = at_path(p, dirfd, upath, abs, false, !(flags & LX_O_NOFOLLOW) && !excl);
	if (err)
		return err;
	unsigned acc = flags & LX_O_ACCMODE;
	if (acc == 3)
		return -LX_EINVAL;
	if (is_proc(abs)) {
		uint32_t ent;
		err = lx_procfs_lookup(p, abs, !(flags & LX_O_NOFOLLOW), &ent);
		if (err)
			return flags & LX_O_CREAT && err == -LX_ENOENT ? -LX_EACCES : err;
		if (acc != LX_O_RDONLY)
			return lx_procfs_is_dir(ent) ? -LX_EISDIR : -LX_EACCES;
		if (flags & LX_O_DIRECTORY && !lx_procfs_is_dir(ent))
			return -LX_ENOTDIR;
		int fd = fd_alloc(p, 0);
		if (fd < 0)
			return fd;
		struct lx_fd nf = { .kind = LX_FD_PROC, .cloexec = !!(flags & LX_O_CLOEXEC),
				    .flags = (uint32_t)(flags & ~(uint64_t)LX_O_CLOEXEC),
				    .node = (int)ent };
		lx_fd_install(p, fd, &nf);
		return fd;
	}
	int node = lx_fs_lookup(p->fs, abs);
	if (node >= 0 && excl)
		return -LX_EEXIST;
	if (node < 0 && flags & LX_O_CREAT) {
		node = lx_fs_create(p->fs, abs, (unsigned)mode & 07777 & ~p->umask,
				    lx_clock(p, true));
		if (node < 0)
			return node;
	}
	if (node < 0)
		return node;
	const struct lx_node *e = &p->fs->nodes[node];
	if (lx_fs_is_link(p->fs, node))
		return -LX_ELOOP;  /* O_NOFOLLOW on a link */
	bool dir = lx_fs_is_dir(p->fs, node);
	if (flags & LX_O_DIRECTORY && !dir)
		return -LX_ENOTDIR;
	if (dir && acc != LX_O_RDONLY)
		return -LX_EISDIR;
	if (acc != LX_O_RDONLY && !dir && e->tmp_slot < 0 && !e->dev)
		return -LX_EROFS;
	int fd = fd_alloc(p, 0);
	if (fd < 0)
		return fd;
	if (flags & LX_O_TRUNC && acc != LX_O_RDONLY && e->tmp_slot >= 0) {
		lx_fs_truncate(p->fs, node, 0);
		p->fs->nodes[node].mtime = p->fs->nodes[node].ctime = lx_clock(p, true);
	}
	uint8_t kind = dir ? LX_FD_DIR : e->dev == LX_DEV_TTY ? LX_FD_CONSOLE
				       : e->dev ? LX_FD_DEV : LX_FD_FILE;
	struct lx_fd nf = { .kind = kind, .cloexec = !!(flags & LX_O_CLOEXEC),
			    .flags = (uint32_t)(flags & ~(uint64_t)LX_O_CLOEXEC),
			    .node = kind == LX_FD_CONSOLE ? 0 : node };
	lx_fd_install(p, fd, &nf);
	return fd;
}

/* /dev/null, /dev/zero, /dev/urandom.  A read gives at most 64 KiB (a
 * character device may return less than asked; callers loop). */
static int64_t dev_read(struct lx_proc *p, const struct lx_fd *f, uint64_t buf, uint64_t n)
{
	unsigned dev = p->fs->nodes[f->node].dev;
	if (dev == LX_DEV_NULL)
		return 0;
	if (n > 65536)
		n = 65536;
	if (dev == LX_DEV_URANDOM)
		return lx_random_fill(p, buf, n);
	uint8_t z[LX_BOUNCE];
	memset(z, 0, sizeof(z));
	for (uint64_t done = 0; done < n;) {
		size_t k = n - done < sizeof(z) ? (size_t)(n - done) : sizeof(z);
		if (lx_copy_out(p, buf + done, z, k))
			return done ? (int64_t)done : -LX_EFAULT;
		done += k;
	}
	return (int64_t)n;
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
	case LX_FD_DEV: return dev_read(p, f, buf, n);
	case LX_FD_PROC: return lx_procfs_read(p, f, buf, n);
	default: return file_read(p, f->node, &f->pos, buf, n);
	}
}

static int64_t do_write(struct lx_proc *p, uint64_t fd, uint64_t buf, uint64_t n,
			struct lx_action *act)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f || !can_write(f) || f->kind == LX_FD_DIR || f->kind == LX_FD_PROC)
		return -LX_EBADF;
	if (n > LX_RW_MAX)
		n = LX_RW_MAX;
	if (f->kind == LX_FD_PIPE)
		return lx_pipe_write(p, f, buf, n, act);
	if (f->kind == LX_FD_DEV)
		return (int64_t)n;  /* null, zero, urandom: the bytes go nowhere */
	int64_t r = file_write(p, f, &f->pos, buf, n);
	if (r > 0 && f->kind == LX_FD_FILE)
		p->fs->nodes[f->node].mtime = p->fs->nodes[f->node].ctime = lx_clock(p, true);
	return r;
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

/* Hard links share an inode number: that of their /tmp inode. */
static uint64_t ino_of(const struct lx_node *e, int node)
{
	return e->tmp_slot >= 0 ? 0x10000 + (uint64_t)e->tmp_slot : (uint64_t)node + 1;
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
	static const uint16_t rdev[] = { [LX_DEV_NULL] = 1 << 8 | 3, [LX_DEV_ZERO] = 1 << 8 | 5,
					 [LX_DEV_URANDOM] = 1 << 8 | 9, [LX_DEV_TTY] = 5 << 8 | 0 };
	bool in_tmp = e->tmp_slot >= 0 || (dir && node != 0 && strncmp(e->path, "/tmp", 4) == 0 &&
					   (e->path[4] == '/' || e->path[4] == '\0'));
	lx_put64(st + LX_ST_DEV, e->dev ? 5 : in_tmp ? 2 : 1);
	lx_put64(st + LX_ST_INO, ino_of(e, node));
	lx_put64(st + LX_ST_NLINK, lx_fs_nlink(p->fs, node));
	lx_put32(st + LX_ST_MODE, e->mode);
	lx_put64(st + LX_ST_RDEV, e->dev < sizeof(rdev) / sizeof(rdev[0]) ? rdev[e->dev] : 0);
	uint64_t size = dir ? 4096 : e->size;
	lx_put64(st + LX_ST_SIZE, size);
	lx_put64(st + LX_ST_BLKSIZE, 4096);
	lx_put64(st + LX_ST_BLOCKS, (size + 511) / 512);
	const uint64_t t[3] = { e->atime, e->mtime, e->ctime };
	for (int i = 0; i < 3; i++) {
		lx_put64(st + LX_ST_ATIME + 16 * i, t[i] / 1000000000ull);
		lx_put64(st + LX_ST_ATIME + 16 * i + 8, t[i] % 1000000000ull);
	}
}

static int64_t stat_fd(struct lx_proc *p, uint64_t fd, uint64_t ubuf)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	uint8_t st[LX_STAT_SIZE];
	if (f->kind == LX_FD_PROC) {
		lx_procfs_stat(p, (uint32_t)f->node, st);
		return lx_copy_out(p, ubuf, st, sizeof(st)) ? -LX_EFAULT : 0;
	}
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
	uint32_t pe;
	if (flags & ~(uint64_t)(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW | 0x800 /* NO_AUTOMOUNT */))
		return -LX_EINVAL;
	int node = at_node_ex(p, dirfd, upath, flags & LX_AT_EMPTY_PATH,
			      !(flags & LX_AT_SYMLINK_NOFOLLOW), &fd_only, &pe);
	if (fd_only)
		return stat_fd(p, (uint64_t)dirfd, ubuf);
	uint8_t st[LX_STAT_SIZE];
	if (pe) {
		lx_procfs_stat(p, pe, st);
		return lx_copy_out(p, ubuf, st, sizeof(st)) ? -LX_EFAULT : 0;
	}
	if (node < 0)
		return node;
	fill_stat(p, node, false, st);
	return lx_copy_out(p, ubuf, st, sizeof(st)) ? -LX_EFAULT : 0;
}

/* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name, NUL, pad to 8. */
int lx_dirent(struct lx_proc *p, uint64_t ubuf, uint64_t count, uint64_t *done, uint64_t ino,
	      uint64_t off, unsigned type, const char *name)
{
	uint8_t rec[LX_PATH_MAX + 32];
	size_t nlen = strlen(name);
	size_t reclen = (19 + nlen + 1 + 7) & ~(size_t)7;
	if (reclen > count - *done)
		return *done == 0 ? -LX_EINVAL : 2;
	memset(rec, 0, reclen);
	lx_put64(rec, ino);
	lx_put64(rec + 8, off);
	rec[16] = (uint8_t)reclen;
	rec[17] = (uint8_t)(reclen >> 8);
	rec[18] = (uint8_t)type;
	memcpy(rec + 19, name, nlen);
	if (lx_copy_out(p, ubuf + *done, rec, reclen))
		return *done ? 0 : -LX_EFAULT;
	*done += reclen;
	return 1;
}
static int64_t getdents64(struct lx_proc *p, uint64_t fd, uint64_t ubuf, uint64_t count)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (f->kind == LX_FD_PROC && lx_procfs_is_dir((uint32_t)f->node))
		return lx_procfs_getdents(p, f, ubuf, count);
	if (f->kind != LX_FD_DIR)
		return -LX_ENOTDIR;
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
		const struct lx_node *e = &p->fs->nodes[node];
		unsigned type = e->mode & LX_S_IFMT;
		int r = lx_dirent(p, ubuf, count, &done, ino_of(e, node), f->pos + 1,
				  type == LX_S_IFDIR ? LX_DT_DIR : type == LX_S_IFLNK ? LX_DT_LNK
				  : type == LX_S_IFCHR ? LX_DT_CHR : LX_DT_REG, name);
		if (r < 0)
			return r;
		if (r != 1)
			break;
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
	if (f->kind == LX_FD_DEV) {
		f->pos = 0;
		return 0;
	}
	int64_t base;
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = (int64_t)f->pos; break;
	case 2: base = f->kind == LX_FD_DIR || f->kind == LX_FD_PROC ? 0
			: (int64_t)p->fs->nodes[f->node].size; break;
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
	uint32_t pe;
	if (mode & ~7ull)
		return -LX_EINVAL;
	int node = at_node_ex(p, dirfd, upath, false, true, &fd_only, &pe);
	if (pe)
		return mode & 2 ? -LX_EACCES : 0;
	if (node < 0)
		return node;
	const struct lx_node *e = &p->fs->nodes[node];
	if (mode & 2 && e->tmp_slot < 0 && !e->dev && !(lx_fs_is_dir(p->fs, node) &&
	    (node == p->fs->tmp_dir || strncmp(e->path, "/tmp/", 5) == 0)))
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
	int err = at_path(p, dirfd, upath, abs, false, false);
	if (err)
		return err;
	char target[LX_PATH_MAX];
	size_t n;
	if (is_proc(abs)) {
		uint32_t ent;
		err = lx_procfs_lookup(p, abs, false, &ent);
		if (err)
			return err;
		int r = lx_procfs_readlink(p, ent, target);
		if (r < 0)
			return r;
		n = (size_t)r;
	} else {
		int node = lx_fs_lookup(p->fs, abs);
		if (node < 0)
			return node;
		if (!lx_fs_is_link(p->fs, node))
			return -LX_EINVAL;
		n = lx_fs_read(p->fs, node, 0, target, sizeof(target));
	}
	if (n > size)
		n = (size_t)size;
	return lx_copy_out(p, ubuf, target, n) ? -LX_EFAULT : (int64_t)n;
}

static int64_t do_remove(struct lx_proc *p, int64_t dirfd, uint64_t upath, bool dir)
{
	int fd_only;
	uint32_t pe;
	int node = at_node_ex(p, dirfd, upath, false, false, &fd_only, &pe);
	if (pe)
		return dir && lx_procfs_is_dir(pe) ? -LX_EBUSY : -LX_EACCES;
	if (node < 0)
		return node;
	p->fs->nodes[node].ctime = lx_clock(p, true);
	return lx_fs_remove(p->fs, node, dir);
}

static int64_t do_mkdir(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t mode)
{
	char abs[LX_PATH_MAX];
	int err = at_path(p, dirfd, upath, abs, false, false);
	if (err)
		return err;
	if (is_proc(abs)) {
		uint32_t ent;
		return lx_procfs_lookup(p, abs, false, &ent) ? -LX_EACCES : -LX_EEXIST;
	}
	int node = lx_fs_create(p->fs, abs, LX_S_IFDIR | ((unsigned)mode & 07777 & ~p->umask),
				lx_clock(p, true));
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

static int64_t do_ioctl(struct lx_proc *p, uint64_t fd, uint64_t req, uint64_t arg)
{
	struct lx_fd *f = lx_fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (req == LX_FIONBIO)
		return 0;
	if (f->kind == LX_FD_CONSOLE)
		return lx_tty_ioctl(p, req, arg);
	return -LX_ENOTTY;  /* TCGETS, TIOCGWINSZ...: only the console is a terminal */
}

/* rename, renameat, renameat2: neither path's last component is followed. */
static int64_t do_rename(struct lx_proc *p, int64_t ofd, uint64_t opath, int64_t nfd, uint64_t npath,
			 uint64_t flags)
{
	char from[LX_PATH_MAX], to[LX_PATH_MAX];
	int err = at_path(p, ofd, opath, from, false, false);
	if (!err)
		err = at_path(p, nfd, npath, to, false, false);
	if (err)
		return err;
	if (flags > 0xffffffffull)
		return -LX_EINVAL;
	if (is_proc(from) || is_proc(to))
		return is_proc(from) != is_proc(to) ? -LX_EXDEV : -LX_EACCES;
	uint64_t now = lx_clock(p, true);
	int src = lx_fs_lookup(p->fs, from);
	err = lx_fs_rename(p->fs, from, to, (unsigned)flags);
	if (!err && src >= 0)
		p->fs->nodes[src].ctime = now;
	return err;
}

/* link, linkat (AT_SYMLINK_FOLLOW follows a link given as the old name). */
static int64_t do_link(struct lx_proc *p, int64_t ofd, uint64_t opath, int64_t nfd, uint64_t npath,
		       uint64_t flags)
{
	if (flags & ~(uint64_t)(0x400 | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	char from[LX_PATH_MAX], to[LX_PATH_MAX];
	int err = at_path(p, ofd, opath, from, false, flags & 0x400);
	if (!err)
		err = at_path(p, nfd, npath, to, false, false);
	if (err)
		return err;
	if (is_proc(from) || is_proc(to))
		return -LX_EXDEV;
	int node = lx_fs_lookup(p->fs, from);
	if (node < 0)
		return node;
	node = lx_fs_link(p->fs, node, to);
	if (node < 0)
		return node;
	p->fs->nodes[node].ctime = lx_clock(p, true);
	return 0;
}

/* symlink, symlinkat: the target is kept as given, not checked. */
static int64_t do_symlink(struct lx_proc *p, uint64_t utarget, int64_t nfd, uint64_t npath)
{
	char target[LX_PATH_MAX], to[LX_PATH_MAX];
	int err = lx_get_path(p, utarget, target);
	if (!err)
		err = at_path(p, nfd, npath, to, false, false);
	if (err)
		return err;
	if (is_proc(to))
		return -LX_EEXIST;
	int node = lx_fs_create(p->fs, to, LX_S_IFLNK | 0777, lx_clock(p, true));
	if (node < 0)
		return node;
	int64_t w = lx_fs_write(p->fs, node, 0, target, strlen(target));
	if (w < 0 || (size_t)w != strlen(target)) {
		lx_fs_remove(p->fs, node, false);
		return w < 0 ? w : -LX_ENOSPC;
	}
	return 0;
}

/* chmod, fchmodat (node >= 0: fchmod's descriptor's node); chown family
 * when owner: the one user may give its files to itself only. */
static int64_t do_chattr(struct lx_proc *p, int64_t dirfd, uint64_t upath, int node, uint64_t mode,
			 bool follow, bool owner)
{
	int fd_only;
	uint32_t pe = 0;
	if (node < 0)
		node = at_node_ex(p, dirfd, upath, false, follow, &fd_only, &pe);
	if (pe)
		return -LX_EPERM;
	if (node < 0)
		return node;
	if (owner) {
		/* uid/gid -1 keep, 0 is the only user; others: EPERM */
		uint32_t uid = (uint32_t)mode, gid = (uint32_t)(mode >> 32);
		if ((uid != 0xffffffffu && uid != 0) || (gid != 0xffffffffu && gid != 0))
			return -LX_EPERM;
		mode = p->fs->nodes[node].mode;
	}
	if (p->fs->nodes[node].dev)
		return 0;  /* devices keep their modes */
	return lx_fs_chmod(p->fs, node, (unsigned)mode, lx_clock(p, true));
}

#define LX_UTIME_NOW ((1ull << 30) - 1)
#define LX_UTIME_OMIT ((1ull << 30) - 2)

/* utimensat (ns: timespecs) and utimes/futimesat (timevals).  upath 0: the
 * descriptor dirfd itself. */
static int64_t do_utimes(struct lx_proc *p, int64_t dirfd, uint64_t upath, uint64_t utimes,
			 uint64_t flags, bool ns)
{
	if (flags & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	uint64_t now = lx_clock(p, true), t[2] = { now, now };
	bool omit[2] = { false, false };
	if (utimes) {
		uint8_t b[32];
		if (lx_copy_in(p, utimes, b, 32))
			return -LX_EFAULT;
		for (int i = 0; i < 2; i++) {
			uint64_t sec = lx_get64(b + 16 * i), frac = lx_get64(b + 16 * i + 8);
			if (ns && frac == LX_UTIME_NOW)
				continue;
			if (ns && frac == LX_UTIME_OMIT) {
				omit[i] = true;
				continue;
			}
			if ((int64_t)sec < 0 || frac >= (ns ? 1000000000ull : 1000000ull) ||
			    sec > 1ull << 34)
				return -LX_EINVAL;
			t[i] = sec * 1000000000ull + frac * (ns ? 1 : 1000);
		}
	}
	int node, fd_only;
	uint32_t pe = 0;
	if (!upath) {
		struct lx_fd *f = lx_fd_get(p, (uint64_t)dirfd);
		if (!f)
			return -LX_EBADF;
		if (f->kind == LX_FD_PIPE || f->kind == LX_FD_CONSOLE)
			return 0;
		if (f->kind == LX_FD_PROC)
			return -LX_EPERM;
		node = f->node;
	} else {
		node = at_node_ex(p, dirfd, upath, false, !(flags & LX_AT_SYMLINK_NOFOLLOW),
				  &fd_only, &pe);
		if (pe)
			return -LX_EPERM;
		if (node < 0)
			return node;
	}
	struct lx_node *e = &p->fs->nodes[node];
	if (e->tmp_slot < 0 && !e->dev && !(lx_fs_is_dir(p->fs, node) &&
	    strncmp(e->path, "/tmp", 4) == 0 && (e->path[4] == '/' || e->path[4] == '\0')))
		return -LX_EROFS;
	for (unsigned k = 0; k < p->fs->count; k++) {
		struct lx_node *o = &p->fs->nodes[k];
		if ((int)k == node || (e->tmp_slot >= 0 && o->mode && o->tmp_slot == e->tmp_slot)) {
			if (!omit[0])
				o->atime = t[0];
			if (!omit[1])
				o->mtime = t[1];
			o->ctime = now;
		}
	}
	return 0;
}

/* ---- poll, select ---- */

#define LX_POLLIN 0x001
#define LX_POLLPRI 0x002
#define LX_POLLOUT 0x004
#define LX_POLLERR 0x008
#define LX_POLLHUP 0x010
#define LX_POLLNVAL 0x020
#define LX_POLL_MAX 1024

/* What fd is ready for now (POLL* bits); *input set when only console input
 * the server has not fed yet keeps it from being readable. */
static unsigned ready(struct lx_proc *p, int64_t fd, unsigned events, bool *input)
{
	struct lx_fd *f = fd < 0 ? NULL : lx_fd_get(p, (uint64_t)fd);
	if (!f)
		return LX_POLLNVAL;
	unsigned r = 0;
	switch (f->kind) {
	case LX_FD_CONSOLE:
		if (can_read(f) && (p->in_len || p->in_eof))
			r |= LX_POLLIN;
		else if (can_read(f) && events & LX_POLLIN)
			*input = true;
		if (can_write(f))
			r |= LX_POLLOUT;
		break;
	case LX_FD_PIPE:
		r = lx_pipe_poll(p, f);
		break;
	default:
		r = LX_POLLIN | LX_POLLOUT;
		break;
	}
	return r & (events | LX_POLLERR | LX_POLLHUP | LX_POLLNVAL);
}

/* The deadline of a wait of `ns` from now, ~0 for none (ns < 0). */
static uint64_t deadline_of(struct lx_proc *p, int64_t ns)
{
	if (ns < 0)
		return ~0ull;
	uint64_t now = lx_clock(p, false);
	return (uint64_t)ns > ~0ull - now ? ~0ull - 1 : now + (uint64_t)ns;
}

/* Nothing ready: -EINTR when a signal waits, 0 when the time is up
 * (done), else 1 with act set to wait: for console input (only without a
 * deadline: the server reads the console only when asked), or for another
 * process or the deadline. */
static int wait_or_timeout(struct lx_proc *p, uint64_t deadline, bool input, struct lx_action *act)
{
	if (lx_signal_pending(p))
		return -LX_EINTR;
	if (deadline != ~0ull && lx_clock(p, false) >= deadline)
		return 0;
	if (input && deadline == ~0ull) {
		act->kind = LX_ACT_NEED_INPUT;
		return 1;
	}
	lx_block(p, act, deadline);
	return 1;
}

static int64_t do_poll(struct lx_proc *p, uint64_t ufds, uint64_t nfds, int64_t timeout_ns,
		       struct lx_action *act)
{
	if (nfds > LX_POLL_MAX)
		return -LX_EINVAL;
	uint64_t deadline = lx_wait_deadline(p, deadline_of(p, timeout_ns));
	{
		int64_t count = 0;
		bool input = false;
		for (uint64_t i = 0; i < nfds; i++) {
			uint8_t b[8];
			if (lx_copy_in(p, ufds + 8 * i, b, 8))
				return -LX_EFAULT;
			int32_t fd = (int32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
			unsigned ev = b[4] | b[5] << 8;
			unsigned r = fd < 0 ? 0 : ready(p, fd, ev, &input);
			b[6] = (uint8_t)r;
			b[7] = (uint8_t)(r >> 8);
			if (r)
				count++;
			if (lx_copy_out(p, ufds + 8 * i + 6, b + 6, 2))
				return -LX_EFAULT;
		}
		if (count)
			return count;
		int w = wait_or_timeout(p, deadline, input, act);
		return w < 0 ? w : 0;
	}
}

/* select, pselect6: fd_sets of nfds bits. */
static int64_t do_select(struct lx_proc *p, uint64_t nfds, const uint64_t sets[3], int64_t timeout_ns,
			 struct lx_action *act)
{
	if (nfds > LX_POLL_MAX)
		return -LX_EINVAL;
	if (nfds > LX_MAX_FDS)
		nfds = LX_MAX_FDS;  /* no descriptor is past the table */
	uint8_t in[3][LX_MAX_FDS / 8], out[3][LX_MAX_FDS / 8];
	size_t bytes = (size_t)((nfds + 63) / 64 * 8);
	if (bytes > sizeof(in[0]))
		bytes = sizeof(in[0]);
	memset(in, 0, sizeof(in));
	for (int k = 0; k < 3; k++)
		if (sets[k] && lx_copy_in(p, sets[k], in[k], bytes))
			return -LX_EFAULT;
	uint64_t deadline = lx_wait_deadline(p, deadline_of(p, timeout_ns));
	static const unsigned ev[3] = { LX_POLLIN | LX_POLLHUP | LX_POLLERR,
					LX_POLLOUT | LX_POLLERR, LX_POLLPRI };
	int64_t count = 0;
	bool input = false;
	memset(out, 0, sizeof(out));
	for (uint64_t fd = 0; fd < nfds; fd++) {
		bool want = false;
		for (int k = 0; k < 3; k++)
			want |= in[k][fd / 8] >> (fd % 8) & 1;
		if (!want)
			continue;
		unsigned r = ready(p, (int64_t)fd, LX_POLLIN | LX_POLLOUT | LX_POLLPRI, &input);
		if (r & LX_POLLNVAL)
			return -LX_EBADF;
		for (int k = 0; k < 3; k++) {
			if (in[k][fd / 8] >> (fd % 8) & 1 && r & ev[k]) {
				out[k][fd / 8] |= (uint8_t)(1u << (fd % 8));
				count++;
			}
		}
	}
	if (!count) {
		int w = wait_or_timeout(p, deadline, input, act);
		if (w)
			return w < 0 ? w : 0;
	}
	for (int k = 0; k < 3; k++)
		if (sets[k] && lx_copy_out(p, sets[k], out[k], bytes))
			return -LX_EFAULT;
	return count;
}

/* A timeout argument in ns: -1 for none (NULL), -EFAULT/-EINVAL. */
static int64_t timeout_arg(struct lx_proc *p, uint64_t uaddr, bool timeval, int64_t *ns)
{
	*ns = -1;
	if (!uaddr)
		return 0;
	uint8_t b[16];
	if (lx_copy_in(p, uaddr, b, 16))
		return -LX_EFAULT;
	int64_t sec = (int64_t)lx_get64(b), frac = (int64_t)lx_get64(b + 8);
	if (sec < 0 || frac < 0 || frac >= (timeval ? 1000000 : 1000000000))
		return -LX_EINVAL;
	if (sec > 1ll << 32)
		sec = 1ll << 32;
	*ns = sec * 1000000000ll + frac * (timeval ? 1000 : 1);
	return 0;
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
	case LX_NR_stat: return stat_at(p, LX_AT_FDCWD, a[0], a[1], 0);
	case LX_NR_lstat: return stat_at(p, LX_AT_FDCWD, a[0], a[1], LX_AT_SYMLINK_NOFOLLOW);
	case LX_NR_fstat: return stat_fd(p, a[0], a[1]);
	case LX_NR_newfstatat: return stat_at(p, (int32_t)a[0], a[1], a[2], a[3]);
	case LX_NR_lseek: return do_lseek(p, a[0], (int64_t)a[1], a[2]);
	case LX_NR_getdents64: return getdents64(p, a[0], a[1], a[2]);
	case LX_NR_ioctl: return do_ioctl(p, a[0], a[1], a[2]);
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
	case LX_NR_creat: return sys_open(p, LX_AT_FDCWD, a[0], LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, a[1]);
	case LX_NR_fchdir:
		f = lx_fd_get(p, a[0]);
		if (!f)
			return -LX_EBADF;
		if (f->kind != LX_FD_DIR)
			return -LX_ENOTDIR;
		p->cwd = f->node;
		return 0;
	case LX_NR_rename: return do_rename(p, LX_AT_FDCWD, a[0], LX_AT_FDCWD, a[1], 0);
	case LX_NR_renameat: return do_rename(p, (int32_t)a[0], a[1], (int32_t)a[2], a[3], 0);
	case LX_NR_renameat2: return do_rename(p, (int32_t)a[0], a[1], (int32_t)a[2], a[3], a[4]);
	case LX_NR_link: return do_link(p, LX_AT_FDCWD, a[0], LX_AT_FDCWD, a[1], 0);
	case LX_NR_linkat: return do_link(p, (int32_t)a[0], a[1], (int32_t)a[2], a[3], a[4]);
	case LX_NR_symlink: return do_symlink(p, a[0], LX_AT_FDCWD, a[1]);
	case LX_NR_symlinkat: return do_symlink(p, a[0], (int32_t)a[1], a[2]);
	case LX_NR_chmod: return do_chattr(p, LX_AT_FDCWD, a[0], -1, a[1], true, false);
	case LX_NR_fchmodat:
		return do_chattr(p, (int32_t)a[0], a[1], -1, a[2], true, false);
	case LX_NR_fchmod:
	case LX_NR_fchown:
		f = lx_fd_get(p, a[0]);
		if (!f)
			return -LX_EBADF;
		if (f->kind != LX_FD_FILE && f->kind != LX_FD_DIR && f->kind != LX_FD_DEV)
			return nr == LX_NR_fchmod ? 0 : -LX_EPERM;
		return do_chattr(p, 0, 0, f->node, nr == LX_NR_fchmod ? a[1] : (a[1] & 0xffffffffull) | a[2] << 32,
				 true, nr == LX_NR_fchown);
	case LX_NR_chown:
	case LX_NR_lchown:
		return do_chattr(p, LX_AT_FDCWD, a[0], -1, (a[1] & 0xffffffffull) | a[2] << 32,
				 nr == LX_NR_chown, true);
	case LX_NR_fchownat:
		if (a[4] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
			return -LX_EINVAL;
		return do_chattr(p, (int32_t)a[0], a[1], -1, (a[2] & 0xffffffffull) | a[3] << 32,
				 !(a[4] & LX_AT_SYMLINK_NOFOLLOW), true);
	case LX_NR_utimensat: return do_utimes(p, (int32_t)a[0], a[1], a[2], a[3], true);
	case LX_NR_utimes: return do_utimes(p, LX_AT_FDCWD, a[0], a[1], 0, false);
	case LX_NR_futimesat: return do_utimes(p, (int32_t)a[0], a[1], a[2], 0, false);
	case LX_NR_poll: {
		int64_t t = (int32_t)a[2];
		return do_poll(p, a[0], a[1], t < 0 ? -1 : t * 1000000, act);
	}
	case LX_NR_ppoll: {
		int64_t t;
		int64_t err = timeout_arg(p, a[2], false, &t);
		if (err)
			return err;
		if (a[3] && a[4] != 8)
			return -LX_EINVAL;
		return do_poll(p, a[0], a[1], t, act);
	}
	case LX_NR_select:
	case LX_NR_pselect6: {
		int64_t t;
		int64_t err = timeout_arg(p, a[4], nr == LX_NR_select, &t);
		if (err)
			return err;
		uint64_t mask = 0;
		if (nr == LX_NR_pselect6 && a[5]) {
			uint8_t b[16];  /* { const sigset_t *ss; size_t ss_len; } */
			if (lx_copy_in(p, a[5], b, 16))
				return -LX_EFAULT;
			mask = lx_get64(b);
			if (mask && lx_get64(b + 8) != 8)
				return -LX_EINVAL;
		}
		(void)mask;  /* the mask while waiting: see docs/LINUX-ABI.md */
		const uint64_t sets[3] = { a[1], a[2], a[3] };
		return do_select(p, a[0], sets, t, act);
	}
	default: return LX_UNHANDLED;
	}
}
