/* The Linux server's file system: a read-only archive (cpio "newc", built
 * reproducibly by scripts/mkarchive.py) under "/", and a writable
 * in-memory /tmp.  Nodes live in one fixed table; a path names a node by
 * its normalized absolute form ("/", "/bin/hello"), no symbolic links.
 *
 *   nodes[0] "/"  <- parent of "/bin", "/etc", "/tmp" ...
 *   nodes[i].parent is the index of the containing directory */
#ifndef KOZO_LINUX_LX_FS_H
#define KOZO_LINUX_LX_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LX_PATH_MAX 256
#define LX_FS_MAX_NODES 192
#define LX_TMP_FILES 8
#define LX_TMP_FILE_SIZE (16u * 1024)

struct lx_node {
	char path[LX_PATH_MAX];
	int parent;
	unsigned mode;          /* LX_S_IF* | permissions; 0 = free entry */
	uint64_t size;
	const uint8_t *data;    /* archive file bytes */
	int tmp_slot;           /* /tmp file: index into tmp_data, else -1 */
};

struct lx_fs {
	struct lx_node nodes[LX_FS_MAX_NODES];
	unsigned count;         /* entries in use are below this */
	uint64_t mtime;         /* every archive entry's time */
	int tmp_dir;            /* the node of /tmp */
	bool tmp_used[LX_TMP_FILES];
	uint8_t tmp_data[LX_TMP_FILES][LX_TMP_FILE_SIZE];
};

/* Build the tree from a newc archive (entries may come in any order; the
 * directories above each entry are made when missing).  Returns 0, or a
 * negative errno with *why naming the problem (the archive is bad). */
int lx_fs_init(struct lx_fs *fs, const uint8_t *cpio, size_t len, const char **why);

/* Normalize path (relative to directory node cwd) into out: absolute,
 * no ".", "..", or repeated "/".  0 or -LX_ENAMETOOLONG / -LX_ENOENT. */
int lx_fs_resolve(const struct lx_fs *fs, int cwd, const char *path, char out[LX_PATH_MAX]);
/* The node of a normalized path, or -LX_ENOENT / -LX_ENOTDIR. */
int lx_fs_lookup(const struct lx_fs *fs, const char *abs);
/* Create a file (or directory with LX_S_IFDIR in mode) at a normalized
 * path; only under /tmp.  Node index or -errno. */
int lx_fs_create(struct lx_fs *fs, const char *abs, unsigned mode);
/* Remove a /tmp file (dir: an empty /tmp directory).  0 or -errno. */
int lx_fs_remove(struct lx_fs *fs, int node, bool dir);
/* The i-th entry of directory node dir (in table order), or -1. */
int lx_fs_child(const struct lx_fs *fs, int dir, uint64_t i);
/* Copy up to n bytes at off; returns the count (0 at end). */
size_t lx_fs_read(const struct lx_fs *fs, int node, uint64_t off, void *buf, size_t n);
/* Write into a /tmp file; returns the count or -errno (EFBIG, EROFS). */
int64_t lx_fs_write(struct lx_fs *fs, int node, uint64_t off, const void *buf, size_t n);
/* Set a /tmp file's size.  0 or -errno. */
int lx_fs_truncate(struct lx_fs *fs, int node, uint64_t size);
/* The bytes of an archive file (for the ELF loader and mmap), or NULL. */
const uint8_t *lx_fs_data(const struct lx_fs *fs, int node);
static inline bool lx_fs_is_dir(const struct lx_fs *fs, int node)
{
	return (fs->nodes[node].mode & 0170000) == 0040000;
}

#endif
