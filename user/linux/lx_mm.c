/* The process's memory map: a sorted table of regions (struct lx_vma).
 * Pages are not allocated here: the server fills a page on first touch
 * (a VM fault, or a copy-in/out) with lx_page_fill, so mmap and brk only
 * edit the table, and munmap/mprotect tell the server which present pages
 * to drop or remap. */
#include <string.h>

#include "lx_internal.h"

const struct lx_vma *lx_vma_find(const struct lx_proc *p, uint64_t addr)
{
	for (unsigned i = 0; i < p->nvmas; i++)
		if (addr >= p->vmas[i].start && addr < p->vmas[i].end)
			return &p->vmas[i];
	return NULL;
}

static bool range_ok(uint64_t start, uint64_t end)
{
	return start < end && start >= LX_USER_MIN && end <= LX_USER_TOP &&
	       start % LX_PAGE == 0 && end % LX_PAGE == 0;
}

/* The region table is edited through (vs, n) so that lx_scan_elf can lay
 * out an image's regions in a table of its own, exactly as here. */
static void remove_in(struct lx_vma *vs, unsigned *n, unsigned i)
{
	memmove(&vs[i], &vs[i + 1], (*n - i - 1) * sizeof(vs[0]));
	(*n)--;
}

static void insert_in(struct lx_vma *vs, unsigned *n, unsigned i, const struct lx_vma *v)
{
	memmove(&vs[i + 1], &vs[i], (*n - i) * sizeof(vs[0]));
	vs[i] = *v;
	(*n)++;
}

static void insert_at(struct lx_proc *p, unsigned i, const struct lx_vma *v)
{
	insert_in(p->vmas, &p->nvmas, i, v);
}

/* Move v's start to s (inside it), keeping its file view in place. */
static void trim_front(struct lx_vma *v, uint64_t s)
{
	v->file_skip += s - v->start;
	v->start = s;
}

static int unmap_in(struct lx_vma *vs, unsigned *n, uint64_t start, uint64_t end)
{
	if (!range_ok(start, end))
		return -LX_EINVAL;
	for (unsigned i = 0; i < *n;) {
		struct lx_vma *v = &vs[i];
		if (v->end <= start || v->start >= end) {
			i++;
			continue;
		}
		if (v->start >= start && v->end <= end) {
			remove_in(vs, n, i);
			continue;
		}
		if (v->start < start && v->end > end) {
			/* A hole in the middle: the right part becomes a new region. */
			if (*n >= LX_MAX_VMAS)
				return -LX_ENOMEM;
			struct lx_vma right = *v;
			trim_front(&right, end);
			v->end = start;
			insert_in(vs, n, i + 1, &right);
			return 0;
		}
		if (v->start < start)
			v->end = start;
		else
			trim_front(v, end);
		i++;
	}
	return 0;
}

int lx_vma_unmap(struct lx_proc *p, uint64_t start, uint64_t end)
{
	return unmap_in(p->vmas, &p->nvmas, start, end);
}

/* Neighbouring anonymous regions with the same protection become one, so
 * brk growth and mprotect back and forth do not fill the table. */
static void coalesce_in(struct lx_vma *vs, unsigned *n)
{
	for (unsigned i = 0; i + 1 < *n;) {
		struct lx_vma *a = &vs[i], *b = &vs[i + 1];
		if (a->end == b->start && !a->file && !b->file && a->prot == b->prot &&
		    a->flags == b->flags) {
			a->end = b->end;
			remove_in(vs, n, i + 1);
		} else {
			i++;
		}
	}
}

int lx_vmas_map(struct lx_vma *vs, unsigned *n, const struct lx_vma *v)
{
	if (!range_ok(v->start, v->end))
		return -LX_EINVAL;
	/* Unmapping splits at most one region, the insert adds one. */
	if (*n + 2 > LX_MAX_VMAS)
		return -LX_ENOMEM;
	unmap_in(vs, n, v->start, v->end);
	unsigned i = 0;
	while (i < *n && vs[i].start < v->start)
		i++;
	insert_in(vs, n, i, v);
	coalesce_in(vs, n);
	return 0;
}

int lx_vma_map(struct lx_proc *p, const struct lx_vma *v)
{
	return lx_vmas_map(p->vmas, &p->nvmas, v);
}

int lx_page_fill(const struct lx_proc *p, uint64_t va, bool write, uint8_t page[LX_PAGE])
{
	const struct lx_vma *v = lx_vma_find(p, va);
	if (!v || va % LX_PAGE)
		return -1;
	if (!lx_prot_allows(v->prot, write))
		return -1;
	memset(page, 0, LX_PAGE);
	if (v->file) {
		uint64_t o = va - v->start + v->file_skip;
		if (o < v->file_len) {
			uint64_t n = v->file_len - o;
			memcpy(page, v->file + o, n < LX_PAGE ? n : LX_PAGE);
		}
	}
	return (int)v->prot;
}

/* True when no region meets [start, end). */
static bool range_free(const struct lx_proc *p, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < p->nvmas; i++)
		if (p->vmas[i].start < end && p->vmas[i].end > start)
			return false;
	return true;
}

/* An address for len bytes below the last one handed out; 0 if none. */
static uint64_t find_free(struct lx_proc *p, uint64_t len)
{
	uint64_t top = p->mmap_next;
	while (top >= LX_USER_MIN + len && top - len >= p->brk_start + LX_BRK_MAX) {
		uint64_t s = top - len;
		bool clash = false;
		for (unsigned i = 0; i < p->nvmas; i++) {
			if (p->vmas[i].start < top && p->vmas[i].end > s) {
				top = p->vmas[i].start;  /* go below the one in the way */
				clash = true;
				break;
			}
		}
		if (!clash) {
			p->mmap_next = s;
			return s;
		}
	}
	return 0;
}

static uint64_t page_up(uint64_t x, bool *overflow)
{
	if (x > ~0ull - (LX_PAGE - 1)) {
		*overflow = true;
		return 0;
	}
	return (x + LX_PAGE - 1) & ~(LX_PAGE - 1);
}

bool lx_vma_committed(const struct lx_vma *v)
{
	return v->prot & LX_PROT_WRITE && !(v->flags & LX_VMA_STACK);
}

/* The commitment of p's regions outside [skip_start, skip_end) (a range
 * about to be replaced), in bytes. */
static uint64_t commit_of(const struct lx_proc *p, uint64_t skip_start, uint64_t skip_end)
{
	uint64_t used = 0;
	for (unsigned i = 0; i < p->nvmas; i++) {
		const struct lx_vma *v = &p->vmas[i];
		if (!lx_vma_committed(v))
			continue;
		uint64_t s = v->start, e = v->end;
		if (s < skip_end && e > skip_start) {
			/* the part outside the skipped range */
			used += (skip_start > s ? skip_start - s : 0) + (e > skip_end ? e - skip_end : 0);
			continue;
		}
		used += e - s;
	}
	return used;
}

uint64_t lx_proc_commit(const struct lx_proc *p)
{
	return commit_of(p, 0, 0);
}

uint64_t lx_world_commit(const struct lx_proc *p)
{
	if (!p->world)
		return commit_of(p, 0, 0);
	uint64_t used = 0;
	for (int i = 0; i < (int)p->world->nprocs; i++)
		if (p->world->procs[i].state == LX_PROC_LIVE)
			used += commit_of(&p->world->procs[i], 0, 0);
	return used;
}

/* Commit accounting, server-wide: the bytes of every live process's
 * committed regions (lx_vma_committed), p's outside [skip_start,
 * skip_end), plus `more` must stay within what the server can back
 * (host.commit_room(), else host.commit_limit; neither: no limit).  A
 * process gets ENOMEM from mmap, brk, mprotect and fork, never a kill on
 * a later first touch. */
bool lx_over_commit(const struct lx_proc *p, uint64_t more, uint64_t skip_start, uint64_t skip_end)
{
	uint64_t limit = p->host.commit_room ? p->host.commit_room(p->host.ctx) : p->host.commit_limit;
	if (!p->host.commit_room && !limit)
		return false;
	uint64_t used = commit_of(p, skip_start, skip_end);
	for (int i = 0; p->world && i < (int)p->world->nprocs; i++) {
		const struct lx_proc *q = &p->world->procs[i];
		if (q != p && q->state == LX_PROC_LIVE)
			used += commit_of(q, 0, 0);
	}
	return used > limit || more > limit - used;
}

/* ---- page tables ---- */

static const unsigned table_shift[3] = { 39, 30, 21 };  /* levels 1, 2, 3 */

uint64_t lx_space_tables(const struct lx_proc *p, const struct lx_range *extra, unsigned n,
			 const uint64_t *have, unsigned nhave)
{
	struct lx_range r[LX_SPACE_RANGES];
	unsigned m = 0;
	for (unsigned i = 0; p && i < p->nvmas; i++)
		r[m++] = (struct lx_range){ p->vmas[i].start, p->vmas[i].end };
	for (unsigned i = 0; i < n; i++) {
		if (extra[i].end <= extra[i].start)
			continue;
		if (m == LX_SPACE_RANGES)
			return ~0ull;
		/* sorted by start (the regions are) */
		unsigned k = m++;
		for (; k > 0 && r[k - 1].start > extra[i].start; k--)
			r[k] = r[k - 1];
		r[k] = extra[i];
	}
	uint64_t total = 0;
	for (unsigned l = 0; l < 3; l++) {
		/* the distinct indices va >> shift of every range's pages */
		unsigned sh = table_shift[l];
		uint64_t last = 0;
		bool any = false;
		for (unsigned i = 0; i < m; i++) {
			uint64_t lo = r[i].start >> sh, hi = (r[i].end - 1) >> sh;
			if (any && hi <= last)
				continue;
			if (any && lo <= last)
				lo = last + 1;
			total += hi - lo + 1;
			last = hi;
			any = true;
		}
	}
	/* Tables held that no range needs (left by munmap) count too. */
	for (unsigned k = 0; k < nhave; k++) {
		uint64_t l = have[k] >> 56, idx = have[k] & ((1ull << 56) - 1);
		if (l < 1 || l > 3)
			continue;
		bool needed = false;
		for (unsigned i = 0; i < m && !needed; i++)
			needed = r[i].start >> table_shift[l - 1] <= idx &&
				 idx <= (r[i].end - 1) >> table_shift[l - 1];
		total += !needed;
	}
	return total;
}

bool lx_space_room(const struct lx_proc *p, int how, uint64_t start, uint64_t end,
		       uint64_t tables)
{
	return !p->host.space_room || p->host.space_room(p->host.ctx, p, how, start, end, tables);
}

void lx_sys_mmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	uint64_t addr = a[0], flags = a[3], off = a[5];
	unsigned prot = (unsigned)a[2];
	int64_t fd = (int32_t)a[4];
	bool overflow = false;
	uint64_t len = page_up(a[1], &overflow);
	act->ret = -LX_EINVAL;
	if (!a[1] || overflow || len > LX_USER_TOP || off % LX_PAGE ||
	    prot & ~(unsigned)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return;
	unsigned type = flags & (LX_MAP_SHARED | LX_MAP_PRIVATE);
	if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE)
		return;
	struct lx_vma v = { .prot = prot };
	if (flags & LX_MAP_ANONYMOUS && type == LX_MAP_SHARED)
		v.flags = LX_VMA_SHARED;
	if (!(flags & LX_MAP_ANONYMOUS)) {
		if (fd < 0 || fd >= LX_MAX_FDS || p->fds[fd].kind == LX_FD_NONE) {
			act->ret = -LX_EBADF;
			return;
		}
		const struct lx_fd *f = &p->fds[fd];
		const uint8_t *data = f->kind == LX_FD_FILE ? lx_fs_data(p->fs, f->node) : NULL;
		if (!data || (type == LX_MAP_SHARED && prot & LX_PROT_WRITE)) {
			act->ret = -LX_ENODEV;  /* /tmp files and the console cannot be mapped */
			return;
		}
		uint64_t size = p->fs->nodes[f->node].size;
		v.file = data + (off < size ? off : size);
		v.file_len = off < size ? size - off : 0;
	}
	bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
	if (fixed) {
		if (addr % LX_PAGE || addr < LX_USER_MIN || addr > LX_USER_TOP - len)
			return;
		if (flags & LX_MAP_FIXED_NOREPLACE && !range_free(p, addr, addr + len)) {
			act->ret = -LX_EEXIST;
			return;
		}
	} else {
		addr = find_free(p, len);
		if (!addr) {
			act->ret = -LX_ENOMEM;
			return;
		}
	}
	v.start = addr;
	v.end = addr + len;
	if ((prot & LX_PROT_WRITE && lx_over_commit(p, len, addr, addr + len)) ||
	    !lx_space_room(p, LX_SPACE_GROW, addr, addr + len, 0)) {
		act->ret = -LX_ENOMEM;
		return;
	}
	int err = lx_vma_map(p, &v);
	if (err) {
		act->ret = err;
		return;
	}
	act->ret = (int64_t)addr;
	if (fixed) {
		/* Pages of what was there before must go. */
		act->kind = LX_ACT_UNMAP;
		act->addr = addr;
		act->len = len;
	}
}


void lx_sys_munmap(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	bool overflow = false;
	uint64_t len = page_up(a[1], &overflow);
	if (!a[1] || overflow || a[0] % LX_PAGE || a[0] < LX_USER_MIN || len > LX_USER_TOP ||
	    a[0] > LX_USER_TOP - len) {
		act->ret = -LX_EINVAL;
		return;
	}
	int err = lx_vma_unmap(p, a[0], a[0] + len);
	act->ret = err;
	if (!err) {
		act->kind = LX_ACT_UNMAP;
		act->addr = a[0];
		act->len = len;
	}
}


/* madvise.  MADV_DONTNEED and MADV_FREE drop the range's pages, so that
 * the next touch gives what a new page would (zeros, or the file's bytes)
 * and their frames go back to the pool; Linux may keep MADV_FREE's pages
 * until memory is short, dropping them at once is one of its outcomes.
 * Pages of MAP_SHARED anonymous regions keep their bytes (as Linux's
 * shared memory does).  MADV_FREE is for private anonymous memory only
 * (EINVAL, as Linux); MADV_REMOVE, which would punch a hole in shared
 * memory, is EOPNOTSUPP, and MADV_WIPEONFORK/KEEPONFORK are EINVAL (a
 * kernel before 4.14), so that a program relying on them learns it.  The
 * other advice (access patterns, huge pages, KSM, core dumps, DONTFORK)
 * changes nothing here and is accepted.  A range with unmapped pages gives
 * ENOMEM, after the advice applied to the mapped ones (Linux). */
enum {
	MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9, MADV_WIPEONFORK = 18,
	MADV_KEEPONFORK = 19, MADV_LAST = 23,  /* MADV_POPULATE_WRITE */
};

void lx_sys_madvise(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	bool overflow = false;
	uint64_t start = a[0], len = page_up(a[1], &overflow), advice = a[2];
	act->ret = -LX_EINVAL;
	if (overflow || start % LX_PAGE || (advice > 4 && advice < 8) || advice > MADV_LAST ||
	    advice == MADV_WIPEONFORK || advice == MADV_KEEPONFORK)
		return;
	if (advice == MADV_REMOVE) {
		act->ret = -LX_EOPNOTSUPP;
		return;
	}
	act->ret = 0;
	if (len == 0)
		return;
	if (start < LX_USER_MIN || len > LX_USER_TOP || start > LX_USER_TOP - len) {
		act->ret = -LX_ENOMEM;
		return;
	}
	uint64_t end = start + len;
	bool hole = false;
	for (uint64_t at = start; at < end;) {
		const struct lx_vma *v = lx_vma_find(p, at);
		if (!v) {
			hole = true;
			at += LX_PAGE;
			continue;
		}
		if (advice == MADV_FREE && (v->file || v->flags & LX_VMA_SHARED)) {
			act->ret = -LX_EINVAL;
			return;
		}
		at = v->end;
	}
	act->ret = hole ? -LX_ENOMEM : 0;
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		act->kind = LX_ACT_DISCARD;
		act->addr = start;
		act->len = len;
	}
}

void lx_sys_mprotect(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	bool overflow = false;
	uint64_t start = a[0], len = page_up(a[1], &overflow);
	unsigned prot = (unsigned)a[2];
	act->ret = -LX_EINVAL;
	if (overflow || start % LX_PAGE || prot & ~(unsigned)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC))
		return;
	if (len == 0) {
		act->ret = 0;
		return;
	}
	if (start < LX_USER_MIN || len > LX_USER_TOP || start > LX_USER_TOP - len) {
		act->ret = -LX_ENOMEM;
		return;
	}
	uint64_t end = start + len;
	/* Every page must be mapped (Linux: ENOMEM otherwise). */
	for (uint64_t at = start; at < end;) {
		const struct lx_vma *v = lx_vma_find(p, at);
		if (!v) {
			act->ret = -LX_ENOMEM;
			return;
		}
		at = v->end;
	}
	if (prot & LX_PROT_WRITE) {
		/* What of [start, end) becomes writable and counts from now on. */
		uint64_t more = 0;
		for (unsigned i = 0; i < p->nvmas; i++) {
			const struct lx_vma *v = &p->vmas[i];
			if (v->end > start && v->start < end && !(v->flags & LX_VMA_STACK))
				more += (v->end < end ? v->end : end) - (v->start > start ? v->start : start);
		}
		if (lx_over_commit(p, more, start, end)) {
			act->ret = -LX_ENOMEM;
			return;
		}
	}
	struct lx_vma pieces[LX_MAX_VMAS];
	unsigned n = 0;
	for (unsigned i = 0; i < p->nvmas; i++) {
		struct lx_vma v = p->vmas[i];
		if (v.end <= start || v.start >= end)
			continue;
		if (v.start < start)
			trim_front(&v, start);
		if (v.end > end)
			v.end = end;
		v.prot = prot;
		pieces[n++] = v;
	}
	if (p->nvmas + 2 > LX_MAX_VMAS) {
		act->ret = -LX_ENOMEM;
		return;
	}
	lx_vma_unmap(p, start, end);
	for (unsigned i = 0; i < n; i++) {
		unsigned k = 0;
		while (k < p->nvmas && p->vmas[k].start < pieces[i].start)
			k++;
		insert_at(p, k, &pieces[i]);
	}
	coalesce_in(p->vmas, &p->nvmas);
	act->ret = 0;
	act->kind = LX_ACT_PROTECT;
	act->addr = start;
	act->len = len;
	act->prot = prot;
}


void lx_sys_brk(struct lx_proc *p, const uint64_t a[6], struct lx_action *act)
{
	uint64_t want = a[0];
	act->ret = (int64_t)p->brk;
	if (want < p->brk_start || want - p->brk_start > LX_BRK_MAX)
		return;
	bool overflow = false;
	uint64_t old_end = page_up(p->brk, &overflow), new_end = page_up(want, &overflow);
	if (new_end > old_end) {
		if (!range_free(p, old_end, new_end) || lx_over_commit(p, new_end - old_end, 0, 0) ||
		    !lx_space_room(p, LX_SPACE_GROW, old_end, new_end, 0))
			return;
		struct lx_vma v = { .start = old_end, .end = new_end,
				    .prot = LX_PROT_READ | LX_PROT_WRITE, .flags = LX_VMA_HEAP };
		if (lx_vma_map(p, &v))
			return;
	} else if (new_end < old_end) {
		if (lx_vma_unmap(p, new_end, old_end))
			return;
		act->kind = LX_ACT_UNMAP;
		act->addr = new_end;
		act->len = old_end - new_end;
	}
	p->brk = want;
	act->ret = (int64_t)want;
}
