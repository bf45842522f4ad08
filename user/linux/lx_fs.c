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
	if (type != LX_S_IFREG) {
		*why = "only files and directories are supported";
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
	memset(fs->tmp_used, 0, sizeof(fs->tmp_used));
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
	return 0;
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
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
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

int lx_fs_create(struct lx_fs *fs, const char *abs, unsigned mode)
{
	int p = parent_of(fs, abs, false);
	if (p < 0)
		return p;
	if (!under_tmp(fs, abs))
		return -LX_EROFS;
	if (lx_fs_lookup(fs, abs) >= 0)
		return -LX_EEXIST;
	int slot = -1;
	if ((mode & LX_S_IFMT) != LX_S_IFDIR) {
		for (int i = 0; i < LX_TMP_FILES && slot < 0; i++)
			if (!fs->tmp_used[i])
				slot = i;
		if (slot < 0)
			return -LX_ENOSPC;
	}
	/* Reuse a freed table entry before growing the table. */
	int i = -1;
	for (unsigned k = 1; k < fs->count && i < 0; k++)
		if (fs->nodes[k].mode == 0)
			i = (int)k;
	if (i < 0) {
		i = add_node(fs, abs, p, 0);
		if (i < 0)
			return i;
	} else {
		memset(&fs->nodes[i], 0, sizeof(fs->nodes[i]));
		memcpy(fs->nodes[i].path, abs, strlen(abs) + 1);
		fs->nodes[i].parent = p;
	}
	fs->nodes[i].mode = (mode & LX_S_IFMT) == LX_S_IFDIR ? LX_S_IFDIR | (mode & 07777)
							     : LX_S_IFREG | (mode & 07777);
	fs->nodes[i].tmp_slot = slot;
	if (slot >= 0)
		fs->tmp_used[slot] = true;
	return i;
}

int lx_fs_remove(struct lx_fs *fs, int node, bool dir)
{
	struct lx_node *e = &fs->nodes[node];
	if (!under_tmp(fs, e->path))
		return -LX_EROFS;
	if (dir != lx_fs_is_dir(fs, node))
		return dir ? -LX_ENOTDIR : -LX_EISDIR;
	if (dir && lx_fs_child(fs, node, 0) >= 0)
		return -LX_ENOTEMPTY;
	if (e->tmp_slot >= 0)
		fs->tmp_used[e->tmp_slot] = false;
	memset(e, 0, sizeof(*e));
	e->tmp_slot = -1;
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

static const uint8_t *bytes_of(const struct lx_fs *fs, int node)
{
	const struct lx_node *e = &fs->nodes[node];
	return e->tmp_slot >= 0 ? fs->tmp_data[e->tmp_slot] : e->data;
}

size_t lx_fs_read(const struct lx_fs *fs, int node, uint64_t off, void *buf, size_t n)
{
	const struct lx_node *e = &fs->nodes[node];
	const uint8_t *d = bytes_of(fs, node);
	if (!d || off >= e->size)
		return 0;
	if (n > e->size - off)
		n = (size_t)(e->size - off);
	memcpy(buf, d + off, n);
	return n;
}

int64_t lx_fs_write(struct lx_fs *fs, int node, uint64_t off, const void *buf, size_t n)
{
	struct lx_node *e = &fs->nodes[node];
	if (e->tmp_slot < 0)
		return -LX_EROFS;
	if (off >= LX_TMP_FILE_SIZE)
		return n ? -LX_EFBIG : 0;
	if (n > LX_TMP_FILE_SIZE - off)
		n = (size_t)(LX_TMP_FILE_SIZE - off);
	uint8_t *d = fs->tmp_data[e->tmp_slot];
	if (off > e->size)
		memset(d + e->size, 0, (size_t)(off - e->size));
	memcpy(d + off, buf, n);
	if (off + n > e->size)
		e->size = off + n;
	return (int64_t)n;
}

int lx_fs_truncate(struct lx_fs *fs, int node, uint64_t size)
{
	struct lx_node *e = &fs->nodes[node];
	if (e->tmp_slot < 0)
		return lx_fs_is_dir(fs, node) ? -LX_EISDIR : -LX_EROFS;
	if (size > LX_TMP_FILE_SIZE)
		return -LX_EFBIG;
	if (size > e->size)
		memset(fs->tmp_data[e->tmp_slot] + e->size, 0, (size_t)(size - e->size));
	e->size = size;
	return 0;
}

const uint8_t *lx_fs_data(const struct lx_fs *fs, int node)
{
	const struct lx_node *e = &fs->nodes[node];
	return e->tmp_slot >= 0 ? NULL : e->data;
}
