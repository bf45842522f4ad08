/* The archive file system and /tmp (see lx_fs.h).  The archive is input
 * the server did not write: every header field is range-checked. */
#include <string.h>

#include "lx.h"

#define NEWC_HDR 110

static int hexfield(const uint8_t *p, uint64_t *out)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static int add_node(struct lx_fs *fs, const char *abs, int parent, unsigned mode)
{
	if (fs->count >= LX_FS_MAX_NODES)
		return -LX_ENOSPC;
	size_t n = strlen(abs);
	if (n >= LX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	int i = (int)fs->count++;
	struct lx_node *e = &fs->nodes[i];
	memset(e, 0, sizeof(*e));
	memcpy(e->path, abs, n + 1);
	e->parent = parent;
	e->mode = mode;
	e->tmp_slot = -1;
	return i;
}

/* The node for a directory path, made (with its parents) when missing. */
static int ensure_dir(struct lx_fs *fs, const char *abs)
{
	int i = lx_fs_lookup(fs, abs);
	if (i >= 0)
		return lx_fs_is_dir(fs, i) ? i : -LX_ENOTDIR;
	char parent[LX_PATH_MAX];
	size_t n = strlen(abs);
	while (n > 1 && abs[n - 1] != '/')
		n--;
	if (n > 1)
		n--;  /* drop the slash, except for the root */
	memcpy(parent, abs, n);
	parent[n] = '\0';
	int p = ensure_dir(fs, parent);
	if (p < 0)
		return p;
	return add_node(fs, abs, p, LX_S_IFDIR | 0755);
}

/* Split a normalized path into its parent's node; returns it or -errno. */
static int parent_of(struct lx_fs *fs, const char *abs, bool create)
{
	char parent[LX_PATH_MAX];
	size_t n = strlen(abs);
	while (n > 1 && abs[n - 1] != '/')
		n--;
	if (n > 1)
		n--;
	memcpy(parent, abs, n);
	parent[n] = '\0';
	if (create)
		return ensure_dir(fs, parent);
	int p = lx_fs_lookup(fs, parent);
	if (p >= 0 && !lx_fs_is_dir(fs, p))
		return -LX_ENOTDIR;
	return p;
}

static int add_entry(struct lx_fs *fs, const char *name, uint64_t mode, const uint8_t *data,
		     uint64_t size, const char **why)
{
	char abs[LX_PATH_MAX];
	if (lx_fs_resolve(fs, 0, name, abs) < 0) {
		*why = "entry name too long";
		return -LX_ENAMETOOLONG;
	}
	if (strcmp(abs, "/") == 0)
		return 0;  /* "." */
	unsigned type = (unsigned)mode & LX_S_IFMT;
	if (type == LX_S_IFDIR) {
		int d = ensure_dir(fs, abs);
		if (d < 0)
			*why = "directory conflicts with a file";
		else
			fs->nodes[d].mode = LX_S_IFDIR | ((unsigned)mode & 07777);
		return d < 0 ? d : 0;
	}
	/* A symbolic link's data is its target (lx_fs_walk reads it). */
	if (type == LX_S_IFLNK) {
		bool nul = false;
		for (uint64_t k = 0; k < size && k < LX_PATH_MAX && !nul; k++)
			nul = data[k] == 0;
		if (size == 0 || size >= LX_PATH_MAX || nul) {
			*why = "bad symbolic link target";
			return -LX_EINVAL;
		}
	}
	if (type != LX_S_IFREG && type != LX_S_IFLNK) {
		*why = "only files, directories and symbolic links are supported";
		return -LX_EINVAL;
	}
	if (lx_fs_lookup(fs, abs) >= 0) {
		*why = "repeated entry";
		return -LX_EEXIST;
	}
	int p = parent_of(fs, abs, true);
	int i = p < 0 ? p : add_node(fs, abs, p, (unsigned)(mode & 0177777));
	if (i < 0) {
		*why = "too many entries";
		return i;
	}
	fs->nodes[i].data = data;
	fs->nodes[i].size = size;
	return 0;
}

int lx_fs_init(struct lx_fs *fs, const uint8_t *cpio, size_t len, const char **why)
{
	static const char *unused;
	if (!why)
		why = &unused;
	fs->count = 0;
	fs->mtime = 0;
	fs->tmp_dir = fs->proc_dir = 0;
	memset(fs->tfiles, 0, sizeof(fs->tfiles));
	fs->tmp_pages = 0;
	fs->pages = (struct lx_pages){ 0 };
	add_node(fs, "/", 0, LX_S_IFDIR | 0755);
	size_t off = 0;
	for (;;) {
		uint64_t f[13];
		if (len - off < NEWC_HDR || memcmp(cpio + off, "070701", 6) != 0) {
			*why = "bad or truncated header";
			return -LX_EINVAL;
		}
		for (int i = 0; i < 13; i++) {
			if (hexfield(cpio + off + 6 + 8 * i, &f[i]) < 0) {
				*why = "bad header field";
				return -LX_EINVAL;
			}
		}
		uint64_t mode = f[1], mtime = f[5], size = f[6], namesize = f[11];
		size_t name_at = off + NEWC_HDR;
		if (namesize < 1 || namesize > LX_PATH_MAX || len - name_at < namesize ||
		    cpio[name_at + namesize - 1] != '\0') {
			*why = "bad entry name";
			return -LX_EINVAL;
		}
		const char *name = (const char *)cpio + name_at;
		size_t data_at = (name_at + namesize + 3) & ~(size_t)3;
		if (data_at > len || len - data_at < size) {
			*why = "entry data past the end";
			return -LX_EINVAL;
		}
		if (strcmp(name, "TRAILER!!!") == 0)
			break;
		if (strlen(name) + 1 != namesize) {
			*why = "NUL inside an entry name";
			return -LX_EINVAL;
		}
		int err = add_entry(fs, name, mode, cpio + data_at, size, why);
		if (err < 0)
			return err;
		if (mtime > fs->mtime)
			fs->mtime = mtime;
		off = (data_at + (size_t)size + 3) & ~(size_t)3;
		if (off > len)
			off = len;
	}
	int tmp = ensure_dir(fs, "/tmp");
	if (tmp < 0) {
		*why = "/tmp is not a directory";
		return tmp;
	}
	fs->nodes[tmp].mode = LX_S_IFDIR | 01777;
	fs->tmp_dir = tmp;
	int proc = ensure_dir(fs, "/proc");
	int dev = ensure_dir(fs, "/dev");
	if (proc < 0 || dev < 0) {
		*why = "/proc or /dev is not a directory";
		return proc < 0 ? proc : dev;
	}
	fs->nodes[proc].mode = LX_S_IFDIR | 0555;
	fs->proc_dir = proc;
	static const struct { const char *path; uint8_t dev; } devs[] = {
		{ "/dev/null", LX_DEV_NULL },
		{ "/dev/tty", LX_DEV_TTY },
		{ "/dev/urandom", LX_DEV_URANDOM },
		{ "/dev/zero", LX_DEV_ZERO },
	};
	for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (lx_fs_lookup(fs, devs[i].path) >= 0)
			continue;
		int d = add_node(fs, devs[i].path, dev, LX_S_IFCHR | 0666);
		if (d < 0) {
			*why = "too many entries";
			return d;
		}
		fs->nodes[d].dev = devs[i].dev;
	}
	for (unsigned i = 0; i < fs->count; i++)
		fs->nodes[i].atime = fs->nodes[i].mtime = fs->nodes[i].ctime = fs->mtime * 1000000000ull;
	return 0;
}

/* The next component of path from *at on: the slashes before it skipped,
 * where it starts is returned and *at is left where it ends (the two are
 * equal when no component is left). */
static size_t next_component(const char *path, size_t *at)
{
	size_t i = *at;
	while (path[i] == '/')
		i++;
	size_t start = i;
	while (path[i] && path[i] != '/')
		i++;
	*at = i;
	return start;
}

/* ".." on the absolute path[0..n): its last component dropped, never
 * shorter than root_len bytes (what the caller's root is: "" or "/").
 * Returns the new length. */
static size_t drop_last_component(char *path, size_t n, size_t root_len)
{
	while (n > root_len && path[n - 1] != '/')
		n--;
	if (n > root_len)
		n--;
	path[n] = '\0';
	return n;
}

int lx_fs_resolve(const struct lx_fs *fs, int cwd, const char *path, char out[LX_PATH_MAX])
{
	size_t n = 0;
	if (path[0] != '/' && cwd > 0 && (unsigned)cwd < fs->count) {
		n = strlen(fs->nodes[cwd].path);
		memcpy(out, fs->nodes[cwd].path, n + 1);
		if (n == 1)
			n = 0;  /* "/" contributes nothing before the next "/" */
	}
	out[n] = '\0';
	size_t at = 0;
	while (path[at]) {
		const char *s = path + next_component(path, &at);
		size_t len = (size_t)(path + at - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			n = drop_last_component(out, n, 0);
			continue;
		}
		if (n + 1 + len >= LX_PATH_MAX)
			return -LX_ENAMETOOLONG;
		out[n++] = '/';
		memcpy(out + n, s, len);
		n += len;
		out[n] = '\0';
	}
	if (n == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	return 0;
}

int lx_fs_lookup(const struct lx_fs *fs, const char *abs)
{
	for (unsigned i = 0; i < fs->count; i++)
		if (fs->nodes[i].mode && strcmp(fs->nodes[i].path, abs) == 0)
			return (int)i;
	return -LX_ENOENT;
}

static bool under_tmp(const struct lx_fs *fs, const char *abs)
{
	return strncmp(abs, "/tmp/", 5) == 0 && abs[5] != '\0' && fs->tmp_dir > 0;
}

/* ---- /tmp inodes: bytes in pages of the budget ---- */

/* The page holding byte off of tfile t, made (with its index pages) when
 * make; NULL when absent or the budget is spent. */
static uint8_t *tpage(struct lx_fs *fs, struct lx_tfile *t, uint64_t off, bool make)
{
	uint64_t pg = off / LX_FS_PAGE;
	size_t i1 = (size_t)(pg / LX_FS_IDX), i2 = (size_t)(pg % LX_FS_IDX);
	if (i1 >= LX_FS_IDX)
		return NULL;
	const size_t idx[2] = { i1, i2 };
	void **slot = (void **)&t->top;
	for (int level = 0; level < 3; level++) {
		if (!*slot) {
			if (!make || !fs->pages.alloc)
				return NULL;
			void *n = fs->pages.alloc(fs->pages.ctx);
			if (!n)
				return NULL;
			memset(n, 0, LX_FS_PAGE);
			fs->tmp_pages++;
			*slot = n;
		}
		if (level < 2)
			slot = &((void **)*slot)[idx[level]];
	}
	return (uint8_t *)*slot;
}

static const uint8_t *tpage_ro(const struct lx_fs *fs, const struct lx_tfile *t, uint64_t off)
{
	return tpage((struct lx_fs *)fs, (struct lx_tfile *)t, off, false);
}

static void give_back(struct lx_fs *fs, void *page)
{
	if (fs->pages.free)
		fs->pages.free(fs->pages.ctx, page);
	fs->tmp_pages--;
}

/* Free the data pages from byte `keep` on (rounded up to a page), and
 * index pages left empty. */
static void tfile_cut(struct lx_fs *fs, struct lx_tfile *t, uint64_t keep)
{
	if (!t->top)
		return;
	uint64_t first = (keep + LX_FS_PAGE - 1) / LX_FS_PAGE;
	for (size_t i1 = 0; i1 < LX_FS_IDX; i1++) {
		void **mid = t->top[i1];
		if (!mid)
			continue;
		bool empty = true;
		for (size_t i2 = 0; i2 < LX_FS_IDX; i2++) {
			if (!mid[i2])
				continue;
			if ((uint64_t)i1 * LX_FS_IDX + i2 >= first) {
				give_back(fs, mid[i2]);
				mid[i2] = NULL;
			} else {
				empty = false;
			}
		}
		if (empty) {
			give_back(fs, mid);
			t->top[i1] = NULL;
		}
	}
	if (first == 0) {
		give_back(fs, t->top);
		t->top = NULL;
	}
}

static int tfile_new(struct lx_fs *fs)
{
	for (int i = 0; i < LX_TMP_FILES; i++) {
		if (!fs->tfiles[i].refs) {
			fs->tfiles[i] = (struct lx_tfile){ .refs = 1, .nlink = 1 };
			return i;
		}
	}
	return -LX_ENOSPC;
}

void lx_fs_set_pages(struct lx_fs *fs, const struct lx_pages *pages)
{
	fs->pages = *pages;
}

void lx_fs_free_tmp(struct lx_fs *fs)
{
	for (int i = 0; i < LX_TMP_FILES; i++) {
		if (fs->tfiles[i].refs)
			tfile_cut(fs, &fs->tfiles[i], 0);
		fs->tfiles[i] = (struct lx_tfile){ 0 };
	}
}

/* ---- names ---- */

static int free_entry(struct lx_fs *fs)
{
	/* Reuse a freed table entry before growing the table. */
	for (unsigned k = 1; k < fs->count; k++)
		if (fs->nodes[k].mode == 0)
			return (int)k;
	if (fs->count >= LX_FS_MAX_NODES)
		return -LX_ENOSPC;
	return (int)fs->count++;
}

/* A new name: its parent's node, or the error in Linux's order (the
 * parent missing, the name taken, then a read-only place). */
static int new_name(struct lx_fs *fs, const char *abs)
{
	int p = parent_of(fs, abs, false);
	if (p < 0)
		return p;
	if (lx_fs_lookup(fs, abs) >= 0)
		return -LX_EEXIST;
	return under_tmp(fs, abs) ? p : -LX_EROFS;
}

int lx_fs_create(struct lx_fs *fs, const char *abs, unsigned mode, uint64_t now)
{
	int p = new_name(fs, abs);
	if (p < 0)
		return p;
	unsigned type = mode & LX_S_IFMT;
	if (type != LX_S_IFDIR && type != LX_S_IFLNK)
		type = LX_S_IFREG;
	int slot = -1;
	if (type != LX_S_IFDIR) {
		slot = tfile_new(fs);
		if (slot < 0)
			return slot;
	}
	int i = free_entry(fs);
	if (i < 0) {
		if (slot >= 0)
			fs->tfiles[slot].refs = 0;
		return i;
	}
	struct lx_node *e = &fs->nodes[i];
	memset(e, 0, sizeof(*e));
	memcpy(e->path, abs, strlen(abs) + 1);
	e->parent = p;
	e->mode = type | (mode & 07777);
	e->tmp_slot = slot;
	e->atime = e->mtime = e->ctime = now;
	fs->nodes[p].mtime = fs->nodes[p].ctime = now;
	return i;
}

/* Forget node i; its inode goes with its last name and descriptor. */
static void drop_node(struct lx_fs *fs, int i)
{
	struct lx_node *e = &fs->nodes[i];
	if (e->tmp_slot >= 0) {
		struct lx_tfile *t = &fs->tfiles[e->tmp_slot];
		if (--t->refs == 0)
			tfile_cut(fs, t, 0);
	}
	memset(e, 0, sizeof(*e));
	e->tmp_slot = -1;
}

int lx_fs_remove(struct lx_fs *fs, int node, bool dir)
{
	struct lx_node *e = &fs->nodes[node];
	if (dir != lx_fs_is_dir(fs, node))
		return dir ? -LX_ENOTDIR : -LX_EISDIR;
	if (!under_tmp(fs, e->path))
		return node == 0 || node == fs->tmp_dir ? -LX_EBUSY : -LX_EROFS;
	if (dir && lx_fs_child(fs, node, 0) >= 0)
		return -LX_ENOTEMPTY;
	if (e->tmp_slot >= 0)
		fs->tfiles[e->tmp_slot].nlink--;
	if (e->parent >= 0)
		fs->nodes[e->parent].mtime = fs->nodes[e->parent].ctime = e->ctime;
	if (e->opens) {
		e->path[0] = '\0';  /* no name: lookups and listings pass it by */
		e->parent = -1;
		return 0;
	}
	drop_node(fs, node);
	return 0;
}

void lx_fs_hold(struct lx_fs *fs, int node)
{
	if (node >= 0 && (unsigned)node < fs->count && fs->nodes[node].mode)
		fs->nodes[node].opens++;
}

void lx_fs_release(struct lx_fs *fs, int node)
{
	if (node < 0 || (unsigned)node >= fs->count || !fs->nodes[node].mode)
		return;
	struct lx_node *e = &fs->nodes[node];
	if (e->opens && --e->opens == 0 && e->parent < 0 && node != 0)
		drop_node(fs, node);
}

unsigned lx_fs_nlink(const struct lx_fs *fs, int node)
{
	const struct lx_node *e = &fs->nodes[node];
	if (lx_fs_is_dir(fs, node))
		return 2;
	return e->tmp_slot >= 0 ? fs->tfiles[e->tmp_slot].nlink : 1;
}

/* Is `abs` below directory path `dir` (or the same)? */
static bool inside(const char *abs, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1)
		return true;
	return strncmp(abs, dir, n) == 0 && (abs[n] == '\0' || abs[n] == '/');
}

int lx_fs_rename(struct lx_fs *fs, const char *from, const char *to, unsigned flags)
{
	if (flags & ~(unsigned)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE) ||
	    (flags & LX_RENAME_NOREPLACE && flags & LX_RENAME_EXCHANGE))
		return -LX_EINVAL;
	int src = lx_fs_lookup(fs, from);
	if (src < 0)
		return src;
	int np = parent_of(fs, to, false);
	if (np < 0)
		return np;
	int dst = lx_fs_lookup(fs, to);
	if (flags & LX_RENAME_EXCHANGE)
		return dst < 0 ? dst : -LX_EINVAL;  /* not supported; documented */
	if (!under_tmp(fs, from) || !under_tmp(fs, to))
		return src == 0 || src == fs->tmp_dir ? -LX_EBUSY : -LX_EROFS;
	if (dst == src)
		return 0;
	if (dst >= 0 && flags & LX_RENAME_NOREPLACE)
		return -LX_EEXIST;
	bool dir = lx_fs_is_dir(fs, src);
	if (dir && inside(to, from))
		return -LX_EINVAL;  /* into itself */
	if (dst >= 0) {
		if (dir && !lx_fs_is_dir(fs, dst))
			return -LX_ENOTDIR;
		if (!dir && lx_fs_is_dir(fs, dst))
			return -LX_EISDIR;
	}
	/* Every name below a directory changes with it: check they fit. */
	size_t fl = strlen(from), tl = strlen(to);
	for (unsigned k = 1; k < fs->count; k++)
		if (fs->nodes[k].mode && fs->nodes[k].parent >= 0 && inside(fs->nodes[k].path, from) &&
		    strlen(fs->nodes[k].path) - fl + tl >= LX_PATH_MAX)
			return -LX_ENAMETOOLONG;
	if (dst >= 0) {
		uint64_t t = fs->nodes[src].ctime;
		fs->nodes[dst].ctime = t;
		int err = lx_fs_remove(fs, dst, dir);
		if (err)
			return err;  /* ENOTEMPTY */
	}
	for (unsigned k = 1; k < fs->count; k++) {
		struct lx_node *e = &fs->nodes[k];
		if (!e->mode || e->parent < 0 || !inside(e->path, from))
			continue;
		char tail[LX_PATH_MAX];
		memcpy(tail, e->path + fl, strlen(e->path + fl) + 1);
		memcpy(e->path, to, tl);
		memcpy(e->path + tl, tail, strlen(tail) + 1);
	}
	fs->nodes[src].parent = np;
	return 0;
}

int lx_fs_link(struct lx_fs *fs, int node, const char *to)
{
	struct lx_node *e = &fs->nodes[node];
	if (lx_fs_is_dir(fs, node))
		return -LX_EPERM;
	int p = new_name(fs, to);
	if (p < 0)
		return p;
	if (e->tmp_slot < 0)
		return -LX_EXDEV;
	int i = free_entry(fs);
	if (i < 0)
		return i;
	e = &fs->nodes[node];
	struct lx_node *n = &fs->nodes[i];
	*n = *e;
	n->opens = 0;
	memcpy(n->path, to, strlen(to) + 1);
	n->parent = p;
	fs->tfiles[e->tmp_slot].refs++;
	fs->tfiles[e->tmp_slot].nlink++;
	return i;
}

int lx_fs_chmod(struct lx_fs *fs, int node, unsigned mode, uint64_t now)
{
	struct lx_node *e = &fs->nodes[node];
	if (!under_tmp(fs, e->path) && !(e->parent < 0 && e->tmp_slot >= 0))
		return -LX_EROFS;
	unsigned m = (e->mode & LX_S_IFMT) | (mode & 07777);
	/* Every name of the inode shows the same mode. */
	for (unsigned k = 1; k < fs->count; k++) {
		struct lx_node *o = &fs->nodes[k];
		if ((int)k == node || (e->tmp_slot >= 0 && o->mode && o->tmp_slot == e->tmp_slot)) {
			o->mode = m;
			o->ctime = now;
		}
	}
	return 0;
}

int lx_fs_child(const struct lx_fs *fs, int dir, uint64_t i)
{
	for (unsigned k = 1; k < fs->count; k++) {
		if (fs->nodes[k].mode && fs->nodes[k].parent == dir && (int)k != dir) {
			if (i == 0)
				return (int)k;
			i--;
		}
	}
	return -1;
}

size_t lx_fs_read(const struct lx_fs *fs, int node, uint64_t off, void *buf, size_t n)
{
	const struct lx_node *e = &fs->nodes[node];
	if (off >= e->size)
		return 0;
	if (n > e->size - off)
		n = (size_t)(e->size - off);
	if (e->tmp_slot < 0) {
		if (!e->data)
			return 0;
		memcpy(buf, e->data + off, n);
		return n;
	}
	const struct lx_tfile *t = &fs->tfiles[e->tmp_slot];
	size_t done = 0;
	while (done < n) {
		uint64_t at = off + done;
		size_t k = LX_FS_PAGE - (size_t)(at % LX_FS_PAGE);
		if (k > n - done)
			k = n - done;
		const uint8_t *pg = tpage_ro(fs, t, at);
		if (pg)
			memcpy((uint8_t *)buf + done, pg + at % LX_FS_PAGE, k);
		else
			memset((uint8_t *)buf + done, 0, k);  /* a hole */
		done += k;
	}
	return n;
}

/* The size of every name of an inode moves together. */
static void set_size(struct lx_fs *fs, int node, uint64_t size)
{
	int slot = fs->nodes[node].tmp_slot;
	for (unsigned k = 1; k < fs->count; k++)
		if ((int)k == node || (fs->nodes[k].mode && fs->nodes[k].tmp_slot == slot))
			fs->nodes[k].size = size;
}

int64_t lx_fs_write(struct lx_fs *fs, int node, uint64_t off, const void *buf, size_t n)
{
	struct lx_node *e = &fs->nodes[node];
	if (e->tmp_slot < 0)
		return lx_fs_is_dir(fs, node) ? -LX_EISDIR : -LX_EROFS;
	if (off >= LX_TMP_FILE_MAX)
		return n ? -LX_EFBIG : 0;
	if (n > LX_TMP_FILE_MAX - off)
		n = (size_t)(LX_TMP_FILE_MAX - off);
	struct lx_tfile *t = &fs->tfiles[e->tmp_slot];
	size_t done = 0;
	while (done < n) {
		uint64_t at = off + done;
		size_t k = LX_FS_PAGE - (size_t)(at % LX_FS_PAGE);
		if (k > n - done)
			k = n - done;
		uint8_t *pg = tpage(fs, t, at, true);
		if (!pg)
			break;
		memcpy(pg + at % LX_FS_PAGE, (const uint8_t *)buf + done, k);
		done += k;
	}
	if (done && off + done > e->size)
		set_size(fs, node, off + done);
	if (!done && n)
		return -LX_ENOSPC;
	return (int64_t)done;
}

int lx_fs_truncate(struct lx_fs *fs, int node, uint64_t size)
{
	struct lx_node *e = &fs->nodes[node];
	if (e->tmp_slot < 0 || lx_fs_is_link(fs, node))
		return lx_fs_is_dir(fs, node) ? -LX_EISDIR : e->dev ? 0 : -LX_EROFS;
	if (size > LX_TMP_FILE_MAX)
		return -LX_EFBIG;
	struct lx_tfile *t = &fs->tfiles[e->tmp_slot];
	if (size < e->size) {
		tfile_cut(fs, t, size);
		/* The kept last page's tail must read as zeros if it grows again. */
		uint8_t *pg = size % LX_FS_PAGE ? tpage(fs, t, size, false) : NULL;
		if (pg)
			memset(pg + size % LX_FS_PAGE, 0, LX_FS_PAGE - size % LX_FS_PAGE);
	}
	set_size(fs, node, size);  /* growing makes a hole: reads as zeros */
	return 0;
}

const uint8_t *lx_fs_data(const struct lx_fs *fs, int node)
{
	const struct lx_node *e = &fs->nodes[node];
	return e->tmp_slot >= 0 ? NULL : e->data;
}

int lx_fs_walk(const struct lx_fs *fs, int cwd, const char *path, bool follow,
	       char out[LX_PATH_MAX])
{
	/* rest: what is left to walk; a link's target is put in front of it. */
	char rest[2 * LX_PATH_MAX], cur[LX_PATH_MAX];
	size_t rl = strlen(path);
	if (rl >= sizeof(rest))
		return -LX_ENAMETOOLONG;
	memcpy(rest, path, rl + 1);
	int err = lx_fs_resolve(fs, cwd, rest[0] == '/' ? "/" : ".", cur);
	if (err)
		return err;
	unsigned links = 0;
	size_t at = 0;
	while (rest[at]) {
		size_t s = next_component(rest, &at);
		if (at == s)
			break;
		char comp[LX_PATH_MAX];
		if (at - s >= sizeof(comp))
			return -LX_ENAMETOOLONG;
		memcpy(comp, rest + s, at - s);
		comp[at - s] = '\0';
		char next[LX_PATH_MAX];
		int base = lx_fs_lookup(fs, cur);
		if (base < 0)
			base = 0;  /* a missing directory: the lookup of the result fails */
		if (comp[0] == '.' && (comp[1] == '\0' || (comp[1] == '.' && comp[2] == '\0'))) {
			if (comp[1] == '.')
				drop_last_component(cur, strlen(cur), 1);
			continue;
		}
		size_t cl = strlen(cur);
		if (cl + 1 + strlen(comp) >= LX_PATH_MAX)
			return -LX_ENAMETOOLONG;
		memcpy(next, cur, cl + 1);
		if (cl > 1)
			next[cl++] = '/';
		memcpy(next + cl, comp, strlen(comp) + 1);
		(void)base;
		bool last = true;
		for (size_t k = at; rest[k]; k++)
			if (rest[k] != '/')
				last = false;
		int node = lx_fs_lookup(fs, next);
		if (node >= 0 && lx_fs_is_link(fs, node) && (!last || follow)) {
			if (++links > LX_SYMLOOP_MAX)
				return -LX_ELOOP;
			char target[LX_PATH_MAX];
			size_t tl = lx_fs_read(fs, node, 0, target, sizeof(target) - 1);
			target[tl] = '\0';
			size_t left = strlen(rest + at);
			if (tl + 1 + left >= sizeof(rest))
				return -LX_ENAMETOOLONG;
			memmove(rest + tl + 1, rest + at, left + 1);
			memcpy(rest, target, tl);
			rest[tl] = '/';
			if (!left)
				rest[tl] = '\0';
			at = 0;
			if (target[0] == '/')
				memcpy(cur, "/", 2);
			continue;  /* relative: from the link's directory, cur */
		}
		memcpy(cur, next, strlen(next) + 1);
	}
	memcpy(out, cur, strlen(cur) + 1);
	return 0;
}
