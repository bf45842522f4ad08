/* The Linux server's file system: a read-only archive (cpio "newc", built
 * reproducibly by scripts/mkarchive.py) under "/", the devices under /dev
 * (null, zero, urandom, tty), an empty /proc directory (its contents are
 * made up by lx_procfs.c), and a writable in-memory /tmp whose files grow
 * page by page from a memory budget the server gives (struct lx_pages).
 * Nodes live in one table; a path names a node by its normalized absolute
 * form ("/", "/bin/hello").  Symbolic links (in /tmp, and the archive's:
 * aarch64's test programs are links to one program) are followed by
 * lx_fs_walk.
 *
 *   nodes[0] "/"  <- parent of "/bin", "/etc", "/tmp" ...
 *   nodes[i].parent is the index of the containing directory */
#ifndef KOZO_LINUX_LX_FS_H
#define KOZO_LINUX_LX_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LX_PATH_MAX 256
#define LX_FS_MAX_NODES 512
#define LX_TMP_FILES 384        /* /tmp files and symbolic links (inodes) */
#define LX_FS_PAGE 4096u
#define LX_FS_IDX (LX_FS_PAGE / sizeof(void *))  /* pointers in an index page */
/* Two levels of index pages: 512 x 512 x 4 KiB = 1 GiB per file. */
#define LX_TMP_FILE_MAX ((uint64_t)LX_FS_IDX * LX_FS_IDX * LX_FS_PAGE)
#define LX_SYMLOOP_MAX 40

/* The memory budget /tmp grows from, filled by the server (frames of the
 * page pool its processes share; tests use malloc).  alloc returns a 4 KiB
 * page, aligned, any content (the layer zeroes it), or NULL when the
 * budget is spent (the write gets ENOSPC); free gives one back, and it is
 * the budget's at once (a process's page next, in the server): the layer
 * never touches a page after freeing it.  alloc NULL: /tmp holds no
 * bytes. */
struct lx_pages {
	void *(*alloc)(void *ctx);
	void (*free)(void *ctx, void *page);
	void *ctx;
};

enum lx_dev { LX_DEV_NONE, LX_DEV_NULL, LX_DEV_ZERO, LX_DEV_URANDOM, LX_DEV_TTY };

/* A /tmp inode: its bytes (file contents, or a symbolic link's target) in
 * pages reached through `top`, an index page of index pages. */
struct lx_tfile {
	unsigned refs;          /* nodes naming it (linked, or unlinked but open); 0: free */
	unsigned nlink;         /* linked names */
	void **top;
};

struct lx_node {
	char path[LX_PATH_MAX]; /* "" once unlinked while open */
	int parent;             /* -1 once unlinked */
	unsigned mode;          /* LX_S_IF* | permissions; 0 = free entry */
	uint8_t dev;            /* enum lx_dev */
	uint64_t size;
	const uint8_t *data;    /* archive file bytes */
	int tmp_slot;           /* /tmp file or link: index into tfiles, else -1 */
	unsigned opens;         /* descriptors on it (lx_fs_hold) */
	uint64_t atime, mtime, ctime; /* ns since the epoch */
};

struct lx_fs {
	struct lx_node nodes[LX_FS_MAX_NODES];
	unsigned count;         /* entries in use are below this */
	uint64_t mtime;         /* every archive entry's time (s) */
	int tmp_dir;            /* the node of /tmp */
	int proc_dir;           /* the node of /proc */
	struct lx_pages pages;
	uint64_t tmp_pages;     /* pages of the budget /tmp holds (data and index) */
	struct lx_tfile tfiles[LX_TMP_FILES];
};

/* Build the tree from a newc archive (entries may come in any order; the
 * directories above each entry are made when missing).  Returns 0, or a
 * negative errno with *why naming the problem (the archive is bad). */
int lx_fs_init(struct lx_fs *fs, const uint8_t *cpio, size_t len, const char **why);

/* Give /tmp its memory budget (after lx_fs_init). */
void lx_fs_set_pages(struct lx_fs *fs, const struct lx_pages *pages);
/* Give every /tmp page back to the budget (before a new lx_fs_init, when
 * the budget outlives the file system). */
void lx_fs_free_tmp(struct lx_fs *fs);

/* Normalize path (relative to directory node cwd) into out: absolute,
 * no ".", "..", or repeated "/".  0 or -LX_ENAMETOOLONG / -LX_ENOENT.
 * Purely lexical: symbolic links are not followed. */
int lx_fs_resolve(const struct lx_fs *fs, int cwd, const char *path, char out[LX_PATH_MAX]);
/* As lx_fs_resolve, following symbolic links in every component but the
 * last, and in the last too when follow.  0, -LX_ENAMETOOLONG, -LX_ELOOP. */
int lx_fs_walk(const struct lx_fs *fs, int cwd, const char *path, bool follow,
	       char out[LX_PATH_MAX]);
/* The node of a normalized path, or -LX_ENOENT / -LX_ENOTDIR. */
int lx_fs_lookup(const struct lx_fs *fs, const char *abs);
/* Create a file (or directory with LX_S_IFDIR in mode, a symbolic link
 * with LX_S_IFLNK) at a normalized path; only under /tmp.  Errors in
 * Linux's order: ENOENT/ENOTDIR (parent), EEXIST, EROFS.  Node or -errno.
 * now: its times (ns since the epoch). */
int lx_fs_create(struct lx_fs *fs, const char *abs, unsigned mode, uint64_t now);
/* Remove a /tmp name (dir: an empty /tmp directory).  An open file stays
 * readable until its last descriptor goes.  0 or -errno. */
int lx_fs_remove(struct lx_fs *fs, int node, bool dir);
/* rename(2) between normalized paths; flags: LX_RENAME_NOREPLACE.  0 or -errno. */
int lx_fs_rename(struct lx_fs *fs, const char *from, const char *to, unsigned flags);
#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE 2
/* link(2): a second name for /tmp file node.  Node or -errno. */
int lx_fs_link(struct lx_fs *fs, int node, const char *to);
/* A descriptor opened (hold) or closed (release) node: an unlinked node
 * goes with its last descriptor. */
void lx_fs_hold(struct lx_fs *fs, int node);
void lx_fs_release(struct lx_fs *fs, int node);
/* Hard links of node (1 outside /tmp, 2 for directories). */
unsigned lx_fs_nlink(const struct lx_fs *fs, int node);
/* Set the permission bits (chmod); only /tmp.  0 or -errno. */
int lx_fs_chmod(struct lx_fs *fs, int node, unsigned mode, uint64_t now);
/* The i-th entry of directory node dir (in table order), or -1. */
int lx_fs_child(const struct lx_fs *fs, int dir, uint64_t i);
/* Copy up to n bytes at off; returns the count (0 at end). */
size_t lx_fs_read(const struct lx_fs *fs, int node, uint64_t off, void *buf, size_t n);
/* Write into a /tmp file, taking pages from the budget; returns the count
 * (short when the budget ran out part way) or -errno (EFBIG, ENOSPC, EROFS). */
int64_t lx_fs_write(struct lx_fs *fs, int node, uint64_t off, const void *buf, size_t n);
/* Set a /tmp file's size.  0 or -errno. */
int lx_fs_truncate(struct lx_fs *fs, int node, uint64_t size);
/* The bytes of an archive file (for the ELF loader and mmap), or NULL. */
const uint8_t *lx_fs_data(const struct lx_fs *fs, int node);
static inline bool lx_fs_is_dir(const struct lx_fs *fs, int node)
{
	return (fs->nodes[node].mode & 0170000) == 0040000;
}
static inline bool lx_fs_is_link(const struct lx_fs *fs, int node)
{
	return (fs->nodes[node].mode & 0170000) == 0120000;
}

#endif
