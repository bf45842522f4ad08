/* The Linux compatibility server: the shell's `linux <path> [args...]`,
 * asked over IPC (user/lib/linux_proto.h; main.c has the server loop).
 * The server is a process of its own: its CSpace, its Untyped budget (from
 * Init), an endpoint for its Linux processes' faults and a console client
 * capability.  One program runs at a time; the shell waits for it.
 *
 * Memory: one pool, the largest Untyped of the budget, shared by every
 * process of a `linux` command and revoked whole when the command ends.
 *
 *   pool Untyped
 *     chunk area (an Untyped of 1/8 of the pool)
 *       chunks of 64 KiB, each one process's at a time, revoked when it ends:
 *         TCB (Linux personality, fault endpoint = ep badged LINUX_BADGE + i),
 *         CNode, VSpace and its page tables
 *     Frames, one at a time as processes touch pages, each mapped in the
 *       server at FRAME_WINDOW + 4 KiB * its index, and through a copy of its
 *       capability in each process with a page on it (several after fork:
 *       copy on write); the last page to go puts it on the free list.  One
 *       of them, all zeros, is every page of a region outside the
 *       commitments that was read before it was written (Linux's zero page).
 *       /tmp's pages are frames of the same list, held by /tmp (tmp_alloc)
 *     the server's tables for FRAME_WINDOW
 *
 * Pages are made on first touch: a VM fault, or the translation layer
 * copying in or out.  What processes may hold is the commit charge
 * (lx_over_commit): a page of a committed region (writable, not a stack)
 * was promised when it was mapped and is always there on its touch; other
 * pages (program text, read-only data, stacks) are taken while the budget
 * has room besides the promises.  A clean page among those (never written
 * since it was filled from its region: text, read-only data, zeros) can be
 * made again from its region, so when room runs out such pages are
 * dropped, in a clock hand's order, and fault in again at their next
 * touch; only a page written outside the commitments (a stack's) can find
 * no room, and its process gets SIGSEGV, as Linux's stack that cannot
 * grow.  Every syscall arrives as an UnknownSyscall fault message;
 * lx_syscall (lx_*.c, host-tested and fuzzed) turns it into an action that
 * this file carries out with KOZO invocations. */
#include "kozo_alloc.h"
#include "invoke.h"
#include "lx.h"
#include "server.h"
#include "server_arch.h"
#include <cycles_arch.h>
#include <printf.h>
#include <console.h>
#include <linux_proto.h>
#include <proc.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>

#define LX_WINDOW 0x400000000000ull
#define FRAME_WINDOW LX_WINDOW   /* frame k at FRAME_WINDOW + k * LX_PAGE */
#define LINUX_BADGE 0x11         /* + the process's index */
#define LINUX_RADIX 1
#define POOL_MIN_BITS 24         /* the pool: the budget's largest Untyped, 16 MiB or more */
#define CHUNK_BITS 16            /* a process's kernel objects come in 64 KiB chunks */
#define MAX_CHUNKS 32            /* per process (2 MiB of tables: 1 GiB touched) */
#define MAX_FREE_CHUNKS 4096
#define MAX_FRAMES 16384         /* 64 MiB of pages at most (the slots' limit, below) */
#define MAX_PAGES MAX_FRAMES     /* pages of processes (no more than the budget) */
#define PAGE_HASH 16384          /* buckets of (process, address) -> page */
#define MAX_TABLES 256           /* per process: its page tables */
/* Pages beyond the commitments (program text, stacks, the pages fork
 * copies) may use this much of the budget that mmap and brk leave. */
#define MARGIN_PAGES 256
/* Of the budget, what written pages outside the commitments (stacks) and
 * /tmp always leave to clean pages (text, read-only data), so that a clean
 * page dropped to make room can always come back. */
#define CLEAN_RESERVE 64
/* Capability slots kept for everything but pages: chunks, processes'
 * objects and tables, /tmp's tables, the server's own. */
#define SLOT_RESERVE 4096
#define DEBUG_LX 0

extern const uint8_t linux_archive_start[], linux_archive_end[];

/* A pool Frame: mapped in the server at FRAME_WINDOW + 4 KiB * its index,
 * held by `refs` pages, or by /tmp (refs 1: tmp_alloc); 0: on the free
 * list.  A frame that clean pages filled from a file hold is in the page
 * cache under its bytes' place in the archive (src, len: the rest of the
 * page is zeros), so that another process's page of the same bytes shares
 * it. */
struct frame {
	uint32_t cap;         /* slot */
	uint32_t refs;
	uint32_t next;        /* the free list: index + 1 */
	uint32_t cnext;       /* the page cache's chain: index + 1 */
	uint32_t len;         /* bytes of src (cached: src not NULL) */
	const uint8_t *src;
};
#define CACHE_HASH 4096

/* A page of process owner - 1 at va: a reference to a frame, shared
 * after fork until one side writes (copy on write), and a capability copy
 * of the frame mapped in the process (made at the first touch). */
struct page {
	uint64_t va;
	uint32_t frame;
	uint32_t copy;        /* slot; 0: none yet */
	uint16_t owner;       /* process index + 1; 0: free */
	uint8_t prot;         /* as mapped in the owner; 0: not mapped there */
	uint8_t nc;           /* counted outside the commitments */
	uint8_t clean;        /* holds what its region gives (reclaim can drop it) */
	uint8_t shared;       /* of a MAP_SHARED anonymous region: fork shares its
			       * frame, writable, and a write never copies it */
	uint32_t hnext;       /* hash chain: index + 1 */
	uint32_t next;        /* the owner's list, or the free list: index + 1 */
	uint32_t prev;        /* the owner's list: index + 1; 0: the first */
};

/* One process's KOZO side; world.procs[i] is its Linux side. */
struct sproc {
	bool live;            /* has an address space and a thread */
	bool blocked;         /* parked: its call nr/args is repeated later */
	uint64_t nr, args[6];
	uint64_t deadline;    /* parked: repeat the call by then (monotonic ns; ~0 none) */
	uint64_t tcb, vspace, cnode, cspace;
	uint64_t chunks[MAX_CHUNKS];
	unsigned nchunks;
	uint64_t chunk_used;  /* bytes of the last chunk taken */
	uint32_t pages;       /* its pages: a list, index + 1 */
	uint64_t tables[MAX_TABLES]; /* level << 56 | base */
	unsigned ntables;
	uint64_t granted;     /* tables its regions may come to need (space_room) */
	uint64_t last_fault;  /* the address of its last VM fault since its last call */
	unsigned repeat;      /* how many times in a row it faulted there */
	bool out_of_memory;   /* the budget's promise could not be kept (a bug) */
	bool no_room;         /* a page outside the commitments found no room */
};

/* Made once and kept: the endpoint and per process index a badged copy. */
static struct {
	bool ready;
	uint64_t ep, fault_ep[LX_MAX_PROCS];
	unsigned nfault;      /* fault_ep[0, nfault) made (procs_grow makes them) */
} pool;

/* The page pool of one `linux` command (mem_reset empties it). */
static struct {
	uint64_t ut;            /* the pool Untyped (0: none found) */
	unsigned bits;
	uint64_t chunk_ut;      /* the chunk area, made from ut first */
	uint64_t free_chunks[MAX_FREE_CHUNKS];
	unsigned nfree_chunks, nchunks; /* free ones; made */
	unsigned nframes;       /* frames made */
	uint32_t free;          /* free frames: a list, index + 1 */
	uint32_t free_pages;    /* free page entries: a list, index + 1 */
	unsigned in_use;        /* frames processes and /tmp hold */
	unsigned nc;            /* pages outside the commitments */
	unsigned nc_clean;      /* of those, clean ones (reclaim can drop them) */
	unsigned npages;        /* page entries in use: no more than the budget */
	uint32_t zero;          /* the zero frame */
	uint32_t hand;          /* reclaim's clock hand: a page index */
	uint64_t budget;        /* pages processes and /tmp may hold together */
} pm;
static struct frame frames[MAX_FRAMES];
static uint32_t cache_hash[CACHE_HASH];  /* the page cache: frame index + 1 */
static struct page pages[MAX_PAGES];
static uint32_t page_hash[PAGE_HASH];

/* The process table, Linux and KOZO sides (world.procs, sp): windows of
 * the server whose pages procs_grow backs as forks need entries, from
 * the pool (mem_release takes them back). */
#define PROCS_WINDOW (LX_WINDOW + (2ull << 40))
#define SP_WINDOW (LX_WINDOW + (3ull << 40))
static struct sproc *const sp = (struct sproc *)SP_WINDOW;
static struct {
	unsigned n;           /* entries backed */
	uint64_t pages[2];    /* pages mapped in each window */
	uint64_t held;        /* of the budget: those pages and their tables */
} ptab;
/* 1 + the highest index of a process made in this command: the loops over
 * processes stop there (a system call's settle runs one). */
static unsigned proc_hi;
static struct lx_fs fs;
static struct lx_world world;  /* procs: PROCS_WINDOW */
static uint64_t tmp_pages(void);

/* ---- capabilities ---- */

static int copy_cap(uint64_t src, uint64_t badge, bool mint, uint64_t *out)
{
	return lxs_copy(src, badge, mint, out);
}

static unsigned index_of(const struct sproc *s)
{
	return (unsigned)(s - sp);
}

/* A chunk for a process's objects: a free one, or a new one from the
 * chunk area; 0 when the area is spent. */
static uint64_t chunk_get(void)
{
	if (pm.nfree_chunks)
		return pm.free_chunks[--pm.nfree_chunks];
	uint64_t c;
	if (pm.nchunks == 1ull << (pm.bits - 3 - CHUNK_BITS) ||
	    lxs_retype(pm.chunk_ut, KOZO_OBJ_UNTYPED, CHUNK_BITS, &c))
		return 0;
	pm.nchunks++;
	return c;
}

/* Everything made from the chunk goes; the chunk is free again. */
static void chunk_put(uint64_t c)
{
	if (lxs_revoke(c) == KOZO_OK && pm.nfree_chunks < MAX_FREE_CHUNKS)
		pm.free_chunks[pm.nfree_chunks++] = c;
}

/* One kernel object for process s, from its chunks (a new chunk when
 * the last has no room: counted here, so that no Retype is refused). */
static int obj_make(struct sproc *s, unsigned type, unsigned bits, uint64_t *slot)
{
	uint64_t size = 1ull << kozo_object_size_bits(type, bits);
	uint64_t at = (s->chunk_used + size - 1) & ~(size - 1);
	if (!s->nchunks || at + size > 1ull << CHUNK_BITS) {
		if (s->nchunks == MAX_CHUNKS || !(s->chunks[s->nchunks] = chunk_get()))
			return KOZO_ERR_NOT_ENOUGH_MEMORY;
		s->nchunks++;
		at = 0;
	}
	int err = lxs_retype(s->chunks[s->nchunks - 1], type, bits, slot);
	if (!err)
		s->chunk_used = at + size;
	return err;
}

static const unsigned pt_types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
static const unsigned pt_shift[3] = { 39, 30, 21 };

/* The paging structures above va in process s's VSpace. */
static int ensure_tables(struct sproc *s, uint64_t va)
{
	for (unsigned l = 0; l < 3; l++) {
		uint64_t key = (uint64_t)(l + 1) << 56 | va >> pt_shift[l];
		bool have = false;
		for (unsigned i = 0; i < s->ntables && !have; i++)
			have = s->tables[i] == key;
		if (have)
			continue;
		if (s->ntables == MAX_TABLES)
			return KOZO_ERR_RANGE;
		uint64_t pt;
		int err = obj_make(s, pt_types[l], 0, &pt);
		if (!err)
			err = kozo_page_table_map(pt, s->vspace, va);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return err;
		s->tables[s->ntables++] = key;
	}
	return KOZO_OK;
}

/* Page tables come from the chunk area as pages are mapped, so the
 * area is promised as memory is: every process is granted the tables its
 * regions can need (host.space_room, asked by mmap, brk, fork and execve,
 * which give ENOMEM when they do not fit), and the grants together fit the
 * area.  Each of a process's objects (its VSpace, TCB and CNode, and its
 * tables) is 4 KiB or less, aligned to its size, so it lies in one 4 KiB
 * block of a chunk, and obj_make takes a new chunk only when every block
 * of the last is used: t tables need (PROC_OBJECTS + t) / CHUNK_BLOCKS
 * chunks, rounded up. */
#define CHUNK_BLOCKS (1u << (CHUNK_BITS - 12))
#define PROC_OBJECTS 3

static uint64_t chunks_for(uint64_t tables)
{
	return (PROC_OBJECTS + tables + CHUNK_BLOCKS - 1) / CHUNK_BLOCKS;
}

/* The chunks all processes may hold: the area's, and no more than the
 * capability slots kept for them allow (a chunk's slot and its objects'). */
static uint64_t chunk_capacity(void)
{
	uint64_t area = 1ull << (pm.bits - 3 - CHUNK_BITS);
	uint64_t slots = (SLOT_RESERVE - 512) / (CHUNK_BLOCKS + 1);
	return area < slots ? area : slots;
}

/* What process s may hold: its grant, or what it holds if more. */
static uint64_t chunks_of(const struct sproc *s)
{
	return s->live ? chunks_for(s->granted > s->ntables ? s->granted : s->ntables) : 0;
}

/* lx_host.space_room. */
static bool space_room(void *ctx, const struct lx_proc *p, int how, uint64_t start, uint64_t end,
		       uint64_t tables)
{
	(void)ctx;
	unsigned me = (unsigned)(p - world.procs);
	struct sproc *s = &sp[me];
	struct lx_range r = { start, end };
	if (how == LX_SPACE_GROW)
		tables = lx_space_tables(p, &r, 1, s->tables, s->ntables);
	else if (how == LX_SPACE_FORK)
		tables = lx_space_tables(p, NULL, 0, NULL, 0);
	uint64_t held = 0;
	for (unsigned i = 0; i < proc_hi; i++)
		if (i != me || how == LX_SPACE_FORK)
			held += chunks_of(&sp[i]);
	if (tables > MAX_TABLES || held + chunks_for(tables) > chunk_capacity())
		return false;
	if (how == LX_SPACE_GROW)
		s->granted = tables;
	return true;
}

/* The server's tables for a window page at va, made in order (va the
 * first page of its table: a new one); from Untyped ut. */
static int window_tables(uint64_t ut, uint64_t va)
{
	for (unsigned l = 0; l < 3; l++) {
		if (va % (1ull << pt_shift[l]))
			continue;  /* this level's table is there already */
		uint64_t pt;
		int err = lxs_retype(ut, pt_types[l], 0, &pt);
		if (!err)
			err = kozo_page_table_map(pt, LXS_VSPACE, va);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return err;
	}
	return KOZO_OK;
}

/* ---- the page pool ---- */

static uint8_t *frame_win(uint32_t k)
{
	return (uint8_t *)(FRAME_WINDOW + (uint64_t)k * LX_PAGE);
}

static bool reclaim_one(void);

/* ---- the page cache: frames of clean file pages, by their bytes ---- */

static unsigned cache_of(const uint8_t *src, uint32_t len)
{
	return (unsigned)((((uint64_t)(uintptr_t)src >> 6) ^ len) * 0x9e3779b97f4a7c15ull >> 40) %
	       CACHE_HASH;
}

/* The frame holding len bytes from src then zeros, or -1. */
static int64_t cache_find(const uint8_t *src, uint32_t len)
{
	for (uint32_t k = cache_hash[cache_of(src, len)]; k; k = frames[k - 1].cnext)
		if (frames[k - 1].src == src && frames[k - 1].len == len)
			return k - 1;
	return -1;
}

static void cache_add(uint32_t k, const uint8_t *src, uint32_t len)
{
	unsigned h = cache_of(src, len);
	frames[k].src = src;
	frames[k].len = len;
	frames[k].cnext = cache_hash[h];
	cache_hash[h] = k + 1;
}

/* Frame k leaves the cache (if there): it is freed, or a page on it is
 * about to be written or mapped writable (page_dirty). */
static void cache_drop(uint32_t k)
{
	if (!frames[k].src)
		return;
	uint32_t *link = &cache_hash[cache_of(frames[k].src, frames[k].len)];
	while (*link != k + 1)
		link = &frames[*link - 1].cnext;
	*link = frames[k].cnext;
	frames[k].src = NULL;
	frames[k].cnext = 0;
}

/* A frame off the free list, or a new one, with one reference; -1 when
 * the budget is spent.  With none left, clean pages go (reclaim_one)
 * until one frees its frame: the promises and the written pages outside
 * them fit the budget (nc_room, commit_room), so only clean pages can be
 * in the way. */
static int64_t frame_get(void)
{
	uint32_t k;
	while (!pm.free && (pm.nframes + ptab.held >= pm.budget || pm.nframes >= MAX_FRAMES) &&
	       reclaim_one())
		;
	if (pm.free) {
		k = pm.free - 1;
		pm.free = frames[k].next;
	} else {
		if (pm.nframes + ptab.held >= pm.budget || pm.nframes >= MAX_FRAMES)
			return -1;
		k = pm.nframes;
		uint64_t cap;
		if (window_tables(pm.ut, (uint64_t)frame_win(k)) ||
		    lxs_retype(pm.ut, KOZO_OBJ_FRAME, 0, &cap))
			return -1;
		if (kozo_frame_map(cap, LXS_VSPACE, (uint64_t)frame_win(k),
				   KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false)) {
			lxs_free(cap);
			return -1;
		}
		frames[k] = (struct frame){ .cap = (uint32_t)cap };
		pm.nframes++;
	}
	frames[k].refs = 1;
	frames[k].next = 0;
	pm.in_use++;
	return k;
}

/* One reference less: the last one puts the frame on the free list. */
static void frame_unref(uint32_t k)
{
	if (--frames[k].refs)
		return;
	cache_drop(k);
	frames[k].next = pm.free;
	pm.free = k + 1;
	pm.in_use--;
}

static unsigned hash_of(unsigned owner, uint64_t va)
{
	return (unsigned)((va >> 12) * 0x9e3779b1u + owner * 0x85ebca6bu) % PAGE_HASH;
}

/* The page process s has at va, or NULL. */
static struct page *page_find(struct sproc *s, uint64_t va)
{
	unsigned owner = index_of(s) + 1;
	for (uint32_t k = page_hash[hash_of(owner, va)]; k; k = pages[k - 1].hnext)
		if (pages[k - 1].owner == owner && pages[k - 1].va == va)
			return &pages[k - 1];
	return NULL;
}

/* The pages processes hold or have been promised, and /tmp's, against
 * the budget: room for n more pages outside the commitments? */
static uint64_t promised_pages(void)
{
	uint64_t promised = 0;
	for (unsigned i = 0; i < proc_hi; i++)
		if (sp[i].live)
			promised += lx_proc_commit(&world.procs[i]);
	return promised / LX_PAGE;
}

static bool nc_room(unsigned n)
{
	return promised_pages() + pm.nc + tmp_pages() + n <= pm.budget;
}

/* Room for n more written pages outside the commitments (a stack's, or
 * /tmp's; written, they cannot be dropped): the promises, those pages and
 * /tmp keep CLEAN_RESERVE pages of the budget for clean pages.  Without
 * it a stack written past the room, or /tmp, took the room that dropped
 * text needs to come back, and the promised memory's frames with it: a
 * process touching memory mmap had granted was killed. */
static bool written_room(unsigned n)
{
	return promised_pages() + (pm.nc - pm.nc_clean) + tmp_pages() + n + CLEAN_RESERVE <=
	       pm.budget;
}

/* nc_room(n), dropping clean pages (of any process) while it is not. */
static bool nc_make_room(unsigned n)
{
	while (!nc_room(n))
		if (!reclaim_one())
			return false;
	return true;
}

/* Room for n more page entries: no more than the budget's pages (each
 * takes a capability slot, and zero pages take no frame), dropping clean
 * pages while there is not.  The promises and the written pages outside
 * them fit (nc_room), so only clean pages can be in the way. */
static bool entry_room(unsigned n)
{
	while (pm.npages + n > pm.budget)
		if (!reclaim_one())
			return false;
	return true;
}

/* lx_host.commit_room: what all commitments together may be, in bytes.
 * Clean pages do not count: reclaim gives their room back when needed. */
static uint64_t commit_room(void *ctx)
{
	uint64_t taken = (pm.nc - pm.nc_clean) + tmp_pages() + MARGIN_PAGES;
	return pm.budget > taken ? (pm.budget - taken) * LX_PAGE : 0;
}

/* Page pg's part in the counts of pages outside the commitments: d is +1
 * (counted) or -1 (before its nc or clean changes, or it goes). */
static void page_count(const struct page *pg, int d)
{
	pm.nc += (unsigned)(d * pg->nc);
	pm.nc_clean += (unsigned)(d * (pg->nc && pg->clean));
}

/* Page pg is about to be written (or mapped writable): no longer clean,
 * and its frame no longer what the cache says. */
static void page_dirty(struct page *pg)
{
	cache_drop(pg->frame);
	if (!pg->clean)
		return;
	page_count(pg, -1);
	pg->clean = 0;
	page_count(pg, +1);
}

static unsigned rights_of(int prot)
{
	return KOZO_RIGHT_READ | (prot & LX_PROT_WRITE ? KOZO_RIGHT_WRITE : 0);
}

/* Map page pg in s with prot, less write while its frame is shared (a
 * write faults and copies it first: page_in), unless the sharing is the
 * point (MAP_SHARED anonymous memory after fork).  Its capability copy is
 * made on the first mapping. */
static int map_in_process(struct sproc *s, struct page *pg, int prot)
{
	if (frames[pg->frame].refs > 1 && !pg->shared)
		prot &= ~LX_PROT_WRITE;
	if (pg->prot == prot)
		return KOZO_OK;
	if (pg->prot)
		kozo_frame_unmap(pg->copy);
	pg->prot = 0;
	if (!(prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)))
		return KOZO_OK;
	int err = KOZO_OK;
	if (!pg->copy) {
		uint64_t copy;
		err = copy_cap(frames[pg->frame].cap, 0, false, &copy);
		pg->copy = err ? 0 : (uint32_t)copy;
	}
	if (!err)
		err = ensure_tables(s, pg->va);
	if (!err && prot & LX_PROT_WRITE)
		page_dirty(pg);
	if (!err)
		err = kozo_frame_map(pg->copy, s->vspace, pg->va, rights_of(prot), prot & LX_PROT_EXEC);
	if (!err)
		pg->prot = (uint8_t)prot;
	return err;
}

/* Page pg goes: its capability copy (deleting it unmaps it), its place
 * in its owner's list and the hash, its frame reference, its entry. */
static void page_release(struct page *pg)
{
	uint32_t k = (uint32_t)(pg - pages);
	lxs_free(pg->copy);
	uint32_t *link = &page_hash[hash_of(pg->owner, pg->va)];
	while (*link != k + 1)
		link = &pages[*link - 1].hnext;
	*link = pg->hnext;
	if (pg->prev)
		pages[pg->prev - 1].next = pg->next;
	else
		sp[pg->owner - 1].pages = pg->next;
	if (pg->next)
		pages[pg->next - 1].prev = pg->prev;
	page_count(pg, -1);
	pm.npages--;
	frame_unref(pg->frame);
	*pg = (struct page){ .next = pm.free_pages };
	pm.free_pages = k + 1;
}

/* Drop the next clean page outside the commitments the clock hand meets
 * (its process faults it in again from its region at the next touch);
 * false when there is none.  A page entry freed here is the next one
 * taken, behind the hand: a page just made is the last to go. */
static bool reclaim_one(void)
{
	for (unsigned n = 0; pm.nc_clean && n < MAX_PAGES; n++) {
		struct page *pg = &pages[pm.hand];
		pm.hand = (pm.hand + 1) % MAX_PAGES;
		if (pg->owner && pg->nc && pg->clean) {
			page_release(pg);
			return true;
		}
	}
	return false;
}

/* A new page of s at va on frame k (a reference the caller gives it);
 * nc: outside the commitments (needs room besides them, which the caller
 * made); clean: the frame holds what the region gives.  Not mapped yet.
 * NULL when there is no room (s->no_room) or no entry. */
static struct page *page_add(struct sproc *s, uint64_t va, uint32_t k, bool nc, bool clean)
{
	bool no_entry = !pm.free_pages || pm.npages >= pm.budget;
	if ((nc && !nc_room(1)) || no_entry) {
		s->no_room |= nc;
		s->out_of_memory |= no_entry;
		frame_unref(k);
		return NULL;
	}
	uint32_t i = pm.free_pages - 1;
	pm.free_pages = pages[i].next;
	unsigned owner = index_of(s) + 1;
	pages[i] = (struct page){ .va = va, .frame = k, .owner = (uint16_t)owner, .nc = nc,
				  .clean = clean, .hnext = page_hash[hash_of(owner, va)],
				  .next = s->pages };
	page_hash[hash_of(owner, va)] = i + 1;
	if (s->pages)
		pages[s->pages - 1].prev = i + 1;
	s->pages = i + 1;
	page_count(&pages[i], +1);
	pm.npages++;
	return &pages[i];
}

static bool all_zero(const uint8_t *page)
{
	const uint64_t *w = (const uint64_t *)page;
	for (unsigned i = 0; i < LX_PAGE / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* A new page at va of region v holding `fill`, mapped with prot (write:
 * for a write); NULL when there is
 * no room (s->no_room) or memory or slots ran out (s->out_of_memory). */
static struct page *page_make(struct sproc *s, const struct lx_vma *v, uint64_t va,
			      const uint8_t *fill, int prot, bool write)
{
	bool nc = !lx_vma_committed(v), shared = v->flags & LX_VMA_SHARED;
	/* A read of a file's page in a region that cannot be written: the
	 * cache may have its bytes already (another process's text). */
	const uint8_t *src = NULL;
	uint32_t len = 0;
	uint64_t off = va - v->start + v->file_skip;
	if (!write && v->file && !(v->prot & LX_PROT_WRITE) && off < v->file_len) {
		src = v->file + off;
		len = v->file_len - off < LX_PAGE ? (uint32_t)(v->file_len - off) : LX_PAGE;
	}
	if (nc && ((write && !written_room(1)) || !nc_make_room(1))) {
		s->no_room = true;
		return NULL;
	}
	if (!entry_room(1)) {
		s->out_of_memory = true;
		return NULL;
	}
	int64_t k;
	if (nc && !write && !shared && all_zero(fill)) {
		/* Read before it was written: the zero frame, read-only
		 * while shared (a write copies it, page_in). */
		k = pm.zero;
		frames[k].refs++;
	} else if (src && (k = cache_find(src, len)) >= 0) {
		frames[k].refs++;
	} else if ((k = frame_get()) >= 0) {
		memcpy(frame_win((uint32_t)k), fill, LX_PAGE);
		if (src)
			cache_add((uint32_t)k, src, len);
	} else {
		s->out_of_memory = true;
		return NULL;
	}
	struct page *pg = page_add(s, va, (uint32_t)k, nc, true);
	if (pg)
		pg->shared = shared;
	if (pg && map_in_process(s, pg, prot)) {
		s->out_of_memory = true;
		return NULL;
	}
	return pg;
}

/* Copy on write: pg's frame is shared; give pg a frame of its own with
 * the same bytes. */
static bool page_unshare(struct sproc *s, struct page *pg)
{
	page_dirty(pg);  /* written next; and frame_get's reclaim leaves it */
	int64_t k = frame_get();
	if (k < 0) {
		s->out_of_memory = true;
		return false;
	}
	memcpy(frame_win((uint32_t)k), frame_win(pg->frame), LX_PAGE);
	lxs_free(pg->copy);  /* unmaps the shared frame */
	frame_unref(pg->frame);
	pg->frame = (uint32_t)k;
	pg->copy = 0;
	pg->prot = 0;
	return true;
}

/* Make the page at va (page aligned) for an access; NULL when the region
 * does not allow it or memory ran out. */
static struct page *page_in(struct sproc *s, uint64_t va, bool write)
{
	struct lx_proc *p = &world.procs[index_of(s)];
	struct page *pg = page_find(s, va);
	const struct lx_vma *v = lx_vma_find(p, va);
	if (pg) {
		/* Present: the region's protection may have changed
		 * (mprotect), a write to a shared frame copies it first, and
		 * a page fork gave is mapped at its first touch. */
		if (!v || !lx_prot_allows(v->prot, write))
			return NULL;
		if (write && pg->nc && pg->clean && !written_room(1)) {
			s->no_room = true;  /* a stack page read before, written now */
			return NULL;
		}
		if (write && frames[pg->frame].refs > 1 && !pg->shared && !page_unshare(s, pg))
			return NULL;
		if (map_in_process(s, pg, (int)v->prot)) {
			s->out_of_memory = true;
			return NULL;
		}
		return pg;
	}
	static uint8_t fill[LX_PAGE];
	int prot = lx_page_fill(p, va, write, fill);
	if (prot < 0)
		return NULL;
	return page_make(s, v, va, fill, prot, write);
}

/* Drop every page of s in [start, start + len) (to the end of the
 * address space when len is 0); but MAP_SHARED ones when keep_shared
 * (madvise: their bytes are the region's, not this process's). */
static void drop_pages(struct sproc *s, uint64_t start, uint64_t len, bool keep_shared)
{
	for (uint32_t k = s->pages, next; k; k = next) {
		struct page *pg = &pages[k - 1];
		next = pg->next;
		if (pg->va >= start && (!len || pg->va - start < len) && !(keep_shared && pg->shared))
			page_release(pg);
	}
}

/* mprotect: mapped pages in the range get prot (a page not mapped yet
 * gets it at its first touch), and are counted where their region now is
 * (in the commitments or outside). */
static void protect_pages(struct sproc *s, uint64_t start, uint64_t len, int prot)
{
	const struct lx_proc *p = &world.procs[index_of(s)];
	for (uint32_t k = s->pages; k; k = pages[k - 1].next) {
		struct page *pg = &pages[k - 1];
		if (pg->va < start || pg->va - start >= len)
			continue;
		if (pg->prot)
			map_in_process(s, pg, prot);
		const struct lx_vma *v = lx_vma_find(p, pg->va);
		page_count(pg, -1);
		pg->nc = v && !lx_vma_committed(v);
		page_count(pg, +1);
	}
}

/* ---- struct lx_mem: the process's memory through the server's window ---- */

static int mem_copy(struct sproc *s, uint64_t addr, uint8_t *buf, size_t n, bool write)
{
	if (addr >= LX_USER_TOP || n > LX_USER_TOP - addr)
		return -LX_EFAULT;
	while (n) {
		uint64_t va = LX_PAGE_DOWN(addr), off = addr - va;
		size_t k = LX_PAGE - off < n ? (size_t)(LX_PAGE - off) : n;
		struct page *pg = page_in(s, va, write);
		if (!pg)
			return -LX_EFAULT;
		uint8_t *w = frame_win(pg->frame) + off;
		if (write)
			page_dirty(pg);
		if (write)
			memcpy(w, buf, k);
		else
			memcpy(buf, w, k);
		addr += k, buf += k, n -= k;
	}
	return 0;
}

static int mem_read(void *ctx, uint64_t addr, void *dst, size_t n)
{
	return mem_copy(ctx, addr, dst, n, false);
}

static int mem_write(void *ctx, uint64_t addr, const void *src, size_t n)
{
	return mem_copy(ctx, addr, (uint8_t *)(uintptr_t)src, n, true);
}

/* ---- struct lx_host ---- */

static void host_console_write(void *ctx, const char *s, size_t n)
{
	console_write(s, n);
}

/* ==== issue 16, translation layer: what the server gives the layer ====
 * /tmp's memory budget (struct lx_pages), the memory figures, the clocks
 * (TSC calibrated against the CMOS RTC, which also gives the real time
 * once), and the server's debug log (`linux --log`). */

/* The server's debug log: unsupported calls, once each; never the
 * program's output.  A ring of the last LOG_SIZE bytes. */
#define LOG_SIZE 4096
static char dlog[LOG_SIZE];
static uint64_t dlog_len;

static void log_unsupported(void *ctx, uint64_t nr, const char *name)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "unsupported syscall %lu (%s): ENOSYS\n", lxa_arch_nr(nr),
			 name);
	for (int i = 0; i < n && i < (int)sizeof(line) - 1; i++)
		dlog[dlog_len++ % LOG_SIZE] = line[i];
}

static void log_print(void)
{
	uint64_t start = dlog_len > LOG_SIZE ? dlog_len - LOG_SIZE : 0;
	for (uint64_t i = start; i < dlog_len; i++)
		console_write(&dlog[i % LOG_SIZE], 1);
}

/* /tmp's pages: frames of the page pool, as the processes' pages are
 * (frame_get: off the free list, or a new one), each held by /tmp with
 * the one reference and reached through the server's window.  A page
 * /tmp no longer holds (a file removed with its last name and last
 * descriptor, cut by a truncate, or renamed over) goes back to the free
 * list at once (frame_unref), for the processes and /tmp alike; only the
 * pages /tmp holds count against the budget.  A frame is never /tmp's and
 * a process's at once: it comes off the free list to one of them and goes
 * back when that one lets it go.  What a reused frame held does not show:
 * the file system zeroes every page it is given (lx_fs.c, tpage), and a
 * process's new page is filled whole from its region (page_make,
 * page_unshare).  The pool's Revoke takes what is left when the `linux`
 * command ends. */
static struct {
	uint64_t pages;                 /* frames /tmp holds */
	uint8_t held[MAX_FRAMES / 8];   /* which ones: a bit per frame */
} tmp;

static bool tmp_holds(uint32_t k)
{
	return tmp.held[k / 8] >> (k % 8) & 1;
}

/* A frame for /tmp, with room left for the processes' promises and
 * written pages and the clean pages' reserve (clean pages are dropped to
 * make it); NULL when there is none (the write gets ENOSPC). */
static void *tmp_alloc(void *ctx)
{
	if (!written_room(1) || !nc_make_room(1))
		return NULL;
	int64_t k = frame_get();
	if (k < 0)
		return NULL;
	tmp.held[k / 8] |= (uint8_t)(1u << (k % 8));
	tmp.pages++;
	return frame_win((uint32_t)k);
}

/* /tmp's pages, and the process table's (procs_grow): the budget's pages
 * that are not processes' pages. */
static uint64_t tmp_pages(void)
{
	return tmp.pages + ptab.held;
}

/* Page pg, which tmp_alloc gave, back to the pool's free list.  A pointer
 * that is not a page /tmp holds is left alone (a bug in the layer: never
 * a frame of a process's). */
static void tmp_free(void *ctx, void *pg)
{
	uint64_t off = (uint64_t)(uintptr_t)pg - FRAME_WINDOW;
	uint64_t k = off / LX_PAGE;
	if ((uint64_t)(uintptr_t)pg < FRAME_WINDOW || off % LX_PAGE || k >= pm.nframes ||
	    !tmp_holds((uint32_t)k))
		return;
	tmp.held[k / 8] &= (uint8_t)~(1u << (k % 8));
	tmp.pages--;
	frame_unref((uint32_t)k);
}

/* After the command (the pool's Revoke took the frames): /tmp holds none. */
static void tmp_release(void)
{
	memset(&tmp, 0, sizeof(tmp));
}

/* Memory for /proc/meminfo and sysinfo: the budget of pages the
 * processes and /tmp share; free is what their pages have not taken
 * (pm.in_use counts the frames of both) nor the process table's. */
static void mem_info(void *ctx, uint64_t *total, uint64_t *free)
{
	uint64_t used = pm.in_use + ptab.held;
	*total = pm.budget * LX_PAGE;
	*free = used < pm.budget ? (pm.budget - used) * LX_PAGE : 0;
}

/* The real time: Init reads the platform's RTC (CMOS on x86_64, PL031 on
 * aarch64) when it starts the server (this process holds no device
 * capability) and passes the seconds since the epoch with the cycle
 * counter at that read, and the counter's rate (startup arg[0], arg[1],
 * arg[2]; linux_set_clock).  x86_64's rate is the TSC's, which Init
 * calibrates against the PIT; 0 (aarch64, or no PIT) keeps the nominal
 * 1 GHz of QEMU's aarch64 cycle counter (docs/LINUX-ABI.md, "Time"). */
static uint64_t cycles_per_s = 1000000000ull, boot_epoch_ns, rtc_s, rtc_cycles;

void linux_set_clock(uint64_t epoch_s, uint64_t cycles, uint64_t cycles_hz)
{
	rtc_s = epoch_s;
	rtc_cycles = cycles;
	/* A rate outside 1 MHz..10 GHz is a failed calibration (and would
	 * overflow now_ns). */
	if (cycles_hz >= 1000000ull && cycles_hz <= 10000000000ull)
		cycles_per_s = cycles_hz;
}

static void clock_init(void)
{
	if (!rtc_s)
		return;
	uint64_t since_boot = rtc_cycles / cycles_per_s;
	boot_epoch_ns = rtc_s > since_boot ? (rtc_s - since_boot) * 1000000000ull : 0;
}

static uint64_t now_ns(void *ctx)
{
	uint64_t c = kozo_arch_cycles();
	return c / cycles_per_s * 1000000000ull + c % cycles_per_s * 1000000000ull / cycles_per_s;
}

/* The kernel's timer line (KOZO_IRQ_TIMER), whose handler Init gives in
 * KOZO_PROC_IRQ_HANDLER: it signals LINUX_SIG_TIMER on this thread's
 * notification once the cycle counter passes the deadline, at the
 * kernel's next tick (KOZO_TIMER_TICK_NS).  Armed at the earliest
 * deadline of any process: a parked call's, or an alarm of a process
 * that runs user code and makes no call the server could check it at.
 * Without the handler (timer_ok false) the server polls the clock. */
static bool timer_ok;
static uint64_t timer_armed;  /* the deadline the kernel holds (cycles), 0: none */
/* A signal came for the process whose call was just answered (its own
 * kill's SIGCHLD, say): it takes it at its next call, as on a one-CPU
 * Linux, where the signal waits for the next kernel entry, or at this
 * time if it runs user code until then.  Linux's next entry would be the
 * next timer tick; NUDGE_NS is ten of ours, because here the killed child
 * is gone within the kill call, and a shell slowed down by TCG on a busy
 * machine took more than one tick between its kill and its wait (ash then
 * reaped the job before `wait`, without its "Terminated" line; linux-
 * compare-aarch64 in CI).  0: none. */
#define NUDGE_NS (10 * KOZO_TIMER_TICK_NS)
static uint64_t nudge_at;

static void timer_init(void)
{
	timer_ok = kozo_irq_handler_set_deadline(KOZO_PROC_IRQ_HANDLER, 0) == KOZO_OK;
	timer_armed = 0;
}

static uint64_t cycles_of(uint64_t ns)
{
	return ns / 1000000000ull * cycles_per_s + ns % 1000000000ull * cycles_per_s / 1000000000ull;
}

/* Arm the line for monotonic time ns (~0: disarm), unless already so. */
static void timer_arm(uint64_t ns)
{
	uint64_t c = ns == ~0ull ? 0 : cycles_of(ns) ? cycles_of(ns) : 1;
	if (!timer_ok || c == timer_armed)
		return;
	if (kozo_irq_handler_set_deadline(KOZO_PROC_IRQ_HANDLER, c) == KOZO_OK)
		timer_armed = c;
}
/* ==== end of issue 16's server support ==== */

static void session_escape(void);

/* A canonical-mode line from the console for p: echo, backspace, Enter
 * ends the line (delivered with its "\n"), Ctrl-D delivers what is typed,
 * or EOF on an empty line.  The other processes wait meanwhile. */
static void read_console_line(struct lx_proc *p)
{
	static char line[LX_STDIN_BUF];
	size_t len = 0;
	for (;;) {
		int c = console_getc();
		if (c == CONSOLE_CHAR_INTR || c == CONSOLE_CHAR_QUIT) {  /* the foreground group */
			host_console_write(NULL, c == CONSOLE_CHAR_INTR ? "^C\n" : "^\\\n", 3);
			lx_console_signal(&world, c == CONSOLE_CHAR_INTR ? LX_SIGINT : LX_SIGQUIT);
			return;
		}
		if (c == CONSOLE_CHAR_ESCAPE) {
			session_escape();  /* p is gone: its call is not answered */
			return;
		}
		if (c == 4) {
			lx_feed_input(p, line, len);
			return;
		}
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			line[len++] = '\n';
			lx_feed_input(p, line, len);
			return;
		}
		if (c == '\b' || c == 0x7f) {
			if (len) {
				len--;
				console_write("\b \b", 3);
			}
			continue;
		}
		/* Past 4095 characters a line takes only its end, as Linux's
		 * terminal does in canonical mode. */
		if ((c < 0x20 && c != '\t') || len + 1 >= sizeof(line))
			continue;
		line[len++] = (char)c;
		console_write(&line[len - 1], 1);
	}
}

/* ---- making and ending processes ---- */

#define TRY(what, expr)                                                          \
	do {                                                                     \
		int err_ = (expr);                                               \
		if (err_) {                                                      \
			printf("linux: %s: %s\n", what, kozo_error_name((unsigned)err_)); \
			return false;                                            \
		}                                                                \
	} while (0)

/* The endpoint, once (procs_grow mints its badged copies). */
static bool pool_init(void)
{
	if (pool.ready)
		return true;
	TRY("endpoint", lxs_alloc(KOZO_OBJ_ENDPOINT, 0, &pool.ep));
	pool.ready = true;
	return true;
}

/* The page pool for a command: the budget's largest Untyped (found once),
 * empty; its first eighth the chunk area.  The budget in pages is what
 * the rest holds, and what the free capability slots (two a page: the
 * server's and the process's) allow, keeping SLOT_RESERVE. */
static bool mem_setup(void)
{
	if (!pm.ut) {
		for (unsigned bits = 40; bits >= POOL_MIN_BITS && !pm.ut; bits--)
			if ((pm.ut = lxs_find_untyped(bits, 0)))
				pm.bits = bits;
		if (!pm.ut) {
			printf("linux: no idle untyped of %u MiB or more\n", (1u << POOL_MIN_BITS) >> 20);
			return false;
		}
	}
	TRY("empty the pool", lxs_revoke(pm.ut));
	TRY("chunk area", lxs_retype(pm.ut, KOZO_OBJ_UNTYPED, pm.bits - 3, &pm.chunk_ut));
	for (uint32_t i = 0; i < MAX_PAGES; i++)
		pages[i] = (struct page){ .next = i + 2 < MAX_PAGES + 1 ? i + 2 : 0 };
	pm.free_pages = 1;
	uint64_t pages = ((1ull << pm.bits) - (1ull << (pm.bits - 3))) / LX_PAGE;
	pages -= pages / 512 + 4;  /* the window's tables */
	uint64_t slots = lxs_slots_free();
	slots = slots > SLOT_RESERVE ? (slots - SLOT_RESERVE) / 2 : 0;
	pm.budget = pages < slots ? pages : slots;
	if (pm.budget > MAX_FRAMES)
		pm.budget = MAX_FRAMES;
	/* The zero frame: the pool's reference keeps it; it is one page of
	 * the budget, not a page in use. */
	int64_t zero = frame_get();
	if (zero < 0) {
		printf("linux: no frame for the zero page\n");
		return false;
	}
	memset(frame_win((uint32_t)zero), 0, LX_PAGE);
	pm.zero = (uint32_t)zero;
	pm.budget--;
	pm.in_use--;
	if (DEBUG_LX)
		printf("linux: pool 2^%u, budget %lu pages\n", pm.bits, pm.budget);
	return true;
}

/* After the command: every frame, chunk and window table goes with one
 * Revoke of the pool. */
static void mem_release(void)
{
	if (!pm.ut)
		return;
	lxs_revoke(pm.ut);
	memset(frames, 0, pm.nframes * sizeof(frames[0]));
	memset(page_hash, 0, sizeof(page_hash));
	memset(cache_hash, 0, sizeof(cache_hash));
	uint64_t ut = pm.ut;
	unsigned bits = pm.bits;
	memset(&pm, 0, sizeof(pm));
	pm.ut = ut;
	pm.bits = bits;
}

/* lx_host.procs_grow: back entries [0, n) of both tables (world.procs,
 * sp) and the fault endpoints' badges up to n, with pages retyped from
 * the pool one by one, as much of the budget as written pages outside
 * the commitments (tmp_pages counts them): a fork finds no room rather
 * than a later first touch. */
static struct lx_proc *procs_grow(void *ctx, unsigned n)
{
	static const uint64_t base[2] = { PROCS_WINDOW, SP_WINDOW };
	const uint64_t size[2] = { sizeof(struct lx_proc), sizeof(struct sproc) };
	if (n > LX_MAX_PROCS)
		return NULL;
	for (unsigned w = 0; w < 2; w++) {
		uint64_t need = (n * size[w] + LX_PAGE - 1) / LX_PAGE;
		while (ptab.pages[w] < need) {
			uint64_t va = base[w] + ptab.pages[w] * LX_PAGE, obj;
			unsigned tables = 0;
			for (unsigned l = 0; l < 3; l++)
				tables += va % (1ull << pt_shift[l]) == 0;
			if (!written_room(1 + tables) || !nc_make_room(1 + tables) ||
			    pm.nframes + ptab.held + 1 + tables > pm.budget)
				return NULL;
			ptab.held += tables;  /* made, or the pool's Revoke takes them */
			if (window_tables(pm.ut, va) || lxs_retype(pm.ut, KOZO_OBJ_FRAME, 0, &obj))
				return NULL;
			if (kozo_frame_map(obj, LXS_VSPACE, va, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false)) {
				lxs_free(obj);
				return NULL;
			}
			ptab.held++;
			ptab.pages[w]++;
		}
	}
	for (; pool.nfault < n; pool.nfault++)
		if (copy_cap(pool.ep, LINUX_BADGE + pool.nfault, true, &pool.fault_ep[pool.nfault]))
			return NULL;
	if (n > ptab.n)
		ptab.n = n;
	return (struct lx_proc *)PROCS_WINDOW;
}

/* A fresh address space for process s (it holds nothing). */
static bool make_vspace(struct sproc *s)
{
	memset(s, 0, sizeof(*s));
	s->live = true;  /* teardown gives back what was made */
	if (index_of(s) >= proc_hi)
		proc_hi = index_of(s) + 1;
	TRY("retype vspace", obj_make(s, KOZO_OBJ_VSPACE, 0, &s->vspace));
	return true;
}

/* Its thread, with registers regs, started. */
static bool make_thread(struct sproc *s, uint64_t *regs)
{
	TRY("retype tcb", obj_make(s, KOZO_OBJ_TCB, 0, &s->tcb));
	TRY("retype cnode", obj_make(s, KOZO_OBJ_CNODE, LINUX_RADIX, &s->cnode));
	TRY("mint cspace", copy_cap(s->cnode, 64 - LINUX_RADIX, true, &s->cspace));
	unsigned prio = lxs_priority > 0 ? lxs_priority - 1 : 0;
	TRY("configure tcb", kozo_tcb_configure(s->tcb, pool.fault_ep[index_of(s)], prio, s->cspace,
						s->vspace, 0, 0));
	uint64_t personality = KOZO_PERSONALITY_LINUX;
	TRY("set personality", kozo_invoke(s->tcb, KOZO_TCB_SET_PERSONALITY, &personality, 1,
					   NULL, 0, NULL, 0));
	TRY("write registers", kozo_tcb_write_registers(s->tcb, true, KOZO_ARCH_REG_COUNT, regs));
	return true;
}

/* Everything of process s goes: its pages back to the pool (their copies
 * deleted, which unmaps them), then one Revoke per chunk takes its thread,
 * address space and tables. */
static void teardown(struct sproc *s)
{
	if (s->tcb)
		kozo_tcb_suspend(s->tcb);
	drop_pages(s, 0, 0, false);
	for (unsigned c = 0; c < s->nchunks; c++)
		chunk_put(s->chunks[c]);
	memset(s, 0, sizeof(*s));
}

static bool first_done;
static int first_status;

/* Process i ended with a wait status. */
static void end_proc(unsigned i, int status)
{
	lx_proc_exit(&world.procs[i], status);
	teardown(&sp[i]);
	if (i == 0) {
		first_done = true;
		first_status = status;
	}
}

static bool start_image(struct sproc *s, uint64_t entry, uint64_t stack)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_arch_thread_regs(regs, entry, stack, 0, 0);
	return make_thread(s, regs);
}

static bool load(const char *path, int argc, char **argv)
{
	const char *why = NULL;
	if (lx_fs_init(&fs, linux_archive_start, (size_t)(linux_archive_end - linux_archive_start),
		       &why)) {
		printf("linux: the archive is damaged: %s\n", why);
		return false;
	}
	struct lx_pages pages = { .alloc = tmp_alloc, .free = tmp_free };
	lx_fs_set_pages(&fs, &pages);
	clock_init();
	struct lx_mem mem = { .read = mem_read, .write = mem_write, .ctx = &sp[0] };
	struct lx_host host = { .console_write = host_console_write, .log_unsupported = log_unsupported,
				.now_ns = now_ns, .mem_info = mem_info, .boot_epoch_ns = boot_epoch_ns,
				.commit_room = commit_room, .space_room = space_room,
				.procs_grow = procs_grow };
	/* The pool first: the process table and the loader's check of the
	 * program's commitment take from it. */
	if (!pool_init() || !mem_setup())
		return false;
	struct lx_proc *p = lx_world_init(&world, &fs, &mem, &host, kozo_arch_cycles());
	if (!p) {
		printf("linux: no memory for the process table\n");
		return false;
	}
	char abs[LX_PATH_MAX];
	int node = lx_fs_walk(&fs, 0, path, true, abs) ? -1 : lx_fs_lookup(&fs, abs);
	if (node < 0 || lx_fs_is_dir(&fs, node) || !lx_fs_data(&fs, node)) {
		printf("linux: %s: no such program in the archive\n", path);
		return false;
	}
	memcpy(p->exe, abs, strlen(abs) + 1);
	struct lx_image img;
	if (lx_load_elf(p, lx_fs_data(&fs, node), fs.nodes[node].size, &img, &why)) {
		printf("linux: %s: not a program KOZO can run: %s\n", path, why);
		return false;
	}
	if (img.tables > MAX_TABLES) {
		printf("linux: %s: not a program KOZO can run: its segments need %lu page tables, more than %u\n",
		       path, (unsigned long)img.tables, MAX_TABLES);
		return false;
	}
	if (DEBUG_LX) printf("brk a %lx\n", p->brk_start);
	if (!make_vspace(&sp[0]))
		return false;
	sp[0].granted = img.tables;
	if (DEBUG_LX) printf("brk b %lx\n", p->brk_start);
	static const char *const envp[] = { "HOME=/", "PATH=/bin", "TERM=dumb" };
	uint8_t rnd[16];
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(kozo_arch_cycles() >> (i % 8));
	uint64_t stack;
	argv[0] = (char *)path;
	if (lx_build_stack(p, &img, argc, (const char *const *)argv, 3, envp, rnd, &stack)) {
		printf("linux: %s: cannot build the initial stack\n", path);
		return false;
	}
	return start_image(&sp[0], img.entry, stack);
}

/* fork: copy on write.  The child gets a page for every present page of
 * the parent, on the same frame (mapped at its first touch); writable
 * ones become read-only in both, and the first write copies (page_in).
 * Its committed pages were promised by the layer's fork; room for its
 * written pages outside them is made first (reclaim drops clean pages,
 * not while the parent's list is walked).  A clean page it shares while
 * there is room besides; else it makes it again from its region at its
 * touch.  Its registers are the parent's with 0 for the call. */
/* Before fork shares them: every page of p's MAP_SHARED anonymous
 * regions present, on a frame of its own, and written (reclaim never
 * drops it), so that parent and child map the same frames from now on
 * and no page of them is made apart later.  (Committed memory, but the
 * frames come now.) */
static bool shared_populate(struct sproc *s, struct lx_proc *p)
{
	static const uint8_t zeros[LX_PAGE];  /* (anonymous: what its pages start with) */
	/* Room first, for all of it or nothing: pages of read-only regions
	 * are written pages outside the commitments once made, and a fork
	 * that fails half-way must not leave them taking the room other
	 * processes' stacks need (a committed region's are promised). */
	uint64_t absent = 0, nc_absent = 0, nc_written = 0;
	for (unsigned n = 0; n < p->nvmas; n++) {
		const struct lx_vma *v = &p->vmas[n];
		if (!(v->flags & LX_VMA_SHARED))
			continue;
		bool nc = !lx_vma_committed(v);
		for (uint64_t va = v->start; va < v->end; va += LX_PAGE) {
			const struct page *pg = page_find(s, va);
			if (absent > pm.budget)
				return false;  /* (and a huge region is not walked whole) */
			absent += !pg;
			nc_absent += nc && !pg;
			nc_written += nc && (!pg || pg->clean);
		}
	}
	if ((nc_written && !written_room((unsigned)nc_written)) ||
	    (nc_absent && !nc_make_room((unsigned)nc_absent)) ||
	    (absent && !entry_room((unsigned)absent)))
		return false;  /* (none needed: no check, as before) */
	for (unsigned n = 0; n < p->nvmas; n++) {
		const struct lx_vma *v = &p->vmas[n];
		if (!(v->flags & LX_VMA_SHARED))
			continue;
		for (uint64_t va = v->start; va < v->end; va += LX_PAGE) {
			struct page *pg = page_find(s, va);
			if (!pg && !(pg = page_make(s, v, va, zeros, 0, true)))
				return false;
			pg->shared = 1;
			page_dirty(pg);
		}
	}
	return true;
}

static bool fork_child(struct sproc *ps, unsigned ci, uint64_t settid)
{
	struct sproc *cs = &sp[ci];
	struct lx_proc *parent = &world.procs[index_of(ps)], *child = &world.procs[ci];
	child->mem.ctx = cs;
	if (!shared_populate(ps, parent) || !make_vspace(cs))
		return false;
	cs->granted = lx_space_tables(parent, NULL, 0, NULL, 0);  /* as space_room found */
	unsigned nc = 0, all = 0;
	for (uint32_t k = ps->pages; k; k = pages[k - 1].next) {
		const struct lx_vma *v = lx_vma_find(parent, pages[k - 1].va);
		all += v && !pages[k - 1].clean;
		nc += v && !pages[k - 1].clean && !lx_vma_committed(v);
	}
	if (!written_room(nc) || !nc_make_room(nc) || !entry_room(all))
		return false;
	for (uint32_t k = ps->pages; k; k = pages[k - 1].next) {
		struct page *pg = &pages[k - 1];
		const struct lx_vma *v = lx_vma_find(parent, pg->va);
		if (!v)
			continue;
		bool outside = !lx_vma_committed(v);
		if (pg->clean && ((outside && !nc_room(1 + nc)) || pm.npages + all >= pm.budget))
			continue;  /* room kept for the written pages still to come */
		nc -= outside && !pg->clean;
		all -= !pg->clean;
		frames[pg->frame].refs++;
		struct page *cp = page_add(cs, pg->va, pg->frame, outside, pg->clean);
		if (!cp)
			return false;
		cp->shared = pg->shared;
		/* Shared now: the parent's writable mapping becomes read-only
		 * (not a MAP_SHARED page's). */
		if (pg->prot & LX_PROT_WRITE && map_in_process(ps, pg, pg->prot))
			return false;
	}
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	if (kozo_tcb_read_registers(ps->tcb, KOZO_ARCH_REG_COUNT, regs))
		return false;
	regs[lxa_reg_ret()] = 0;
	if (settid) {
		uint32_t pid = (uint32_t)child->pid;
		if (mem_copy(cs, settid, (uint8_t *)&pid, 4, true))
			return false;
	}
	return make_thread(cs, regs);
}

/* execve past its point of no return: a new address space, the program. */
static bool exec_image(unsigned i)
{
	struct sproc *s = &sp[i];
	teardown(s);
	if (!make_vspace(s))
		return false;
	uint8_t rnd[16];
	for (int k = 0; k < 16; k++)
		rnd[k] = (uint8_t)(kozo_arch_cycles() >> (k % 8));
	uint64_t entry, stack;
	if (lx_exec_finish(&world.procs[i], rnd, &entry, &stack))
		return false;
	s->granted = lx_space_tables(&world.procs[i], NULL, 0, NULL, 0);
	return start_image(s, entry, stack);
}

/* ==== issue 16: signals ==== */

/* Process i stopped (its call done with *ret when ret, or a fault): act on
 * its next signal.  true: done here (a handler entered, or the process
 * ended); false: reply or resume as usual with *ret. */
static bool deliver(unsigned i, uint64_t *ret)
{
	struct lx_proc *p = &world.procs[i];
	if (!lx_signal_pending(p) && !p->restore_mask) {
		if (ret && *ret == (uint64_t)-LX_ERESTARTSYS)
			*ret = (uint64_t)-LX_EINTR;
		return false;
	}
	uint64_t k[KOZO_ARCH_REG_COUNT];
	struct lx_regs r;
	kozo_tcb_suspend(sp[i].tcb);
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, k)) {
		end_proc(i, LX_SIGKILL);
		return true;
	}
	lxa_regs_to_lx(k, &r);
	if (ret)
		LX_REG_RET(&r) = *ret;
	int st = lx_signal_deliver(p, &r);
	if (st > 0) {
		end_proc(i, st);
		return true;
	}
	lxa_regs_from_lx(&r, k);
	kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, k);
	return true;
}

/* rt_sigreturn: the registers back from the signal frame. */
static void sigreturn(unsigned i)
{
	uint64_t k[KOZO_ARCH_REG_COUNT];
	struct lx_regs r;
	kozo_tcb_suspend(sp[i].tcb);
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, k)) {
		end_proc(i, LX_SIGKILL);
		return;
	}
	lxa_regs_to_lx(k, &r);
	int st = lx_sigreturn(&world.procs[i], &r);
	if (st) {
		end_proc(i, st);
		return;
	}
	lxa_regs_from_lx(&r, k);
	kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, k);
	deliver(i, NULL);  /* what the restored mask lets through */
}
/* ==== end of signals ==== */

/* Give process i's parked call its result and let it run. */
static void resume_with(unsigned i, uint64_t ret)
{
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	if (kozo_tcb_read_registers(sp[i].tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK) {
		regs[lxa_reg_ret()] = ret;
		kozo_tcb_write_registers(sp[i].tcb, true, KOZO_ARCH_REG_COUNT, regs);
	}
}

/* Run process i's system call to its end.  Returns true with *reply set
 * when the caller is to be answered; false when it got no answer (parked,
 * ended, or replaced by execve). */
static bool do_call(unsigned i, uint64_t nr, const uint64_t args[6], uint64_t *reply)
{
	struct sproc *s = &sp[i];
	struct lx_proc *p = &world.procs[i];
	struct lx_action a;
	for (;;) {
		lx_syscall(p, nr, args, &a);
		if (DEBUG_LX) printf("[%u] %lu(%lx,%lx,%lx) = %ld k%u\n", i, nr, args[0], args[1], args[2], a.ret, a.kind);
		if (a.kind != LX_ACT_NEED_INPUT)
			break;
		read_console_line(p);
		if (!s->live)
			return false;  /* the session escape ended it */
	}
	if (s->out_of_memory) {
		printf("linux: %s: out of memory (page or capability slots)\n", p->exe);
		end_proc(i, LX_SIGKILL);
		return false;
	}
	*reply = (uint64_t)a.ret;
	switch (a.kind) {
	case LX_ACT_EXIT: end_proc(i, a.status); return false;
	case LX_ACT_SET_FS: {
		uint64_t regs[KOZO_ARCH_REG_COUNT];
		if (kozo_tcb_read_registers(s->tcb, KOZO_ARCH_REG_COUNT, regs) == KOZO_OK) {
			regs[lxa_reg_tls()] = a.addr;
			kozo_tcb_write_registers(s->tcb, false, KOZO_ARCH_REG_COUNT, regs);
		}
		return true;
	}
	case LX_ACT_UNMAP: drop_pages(s, a.addr, a.len, false); return true;
	case LX_ACT_DISCARD: drop_pages(s, a.addr, a.len, true); return true;
	case LX_ACT_PROTECT: protect_pages(s, a.addr, a.len, (int)a.prot); return true;
	case LX_ACT_BLOCK:
		kozo_tcb_suspend(s->tcb);
		s->blocked = true;
		s->deadline = a.deadline;
		world.timers_changed |= a.deadline != ~0ull;
		s->nr = nr;
		memcpy(s->args, args, sizeof(s->args));
		return false;
	case LX_ACT_FORK:
		if (!fork_child(s, (unsigned)a.child, a.addr)) {
			teardown(&sp[a.child]);
			lx_fork_undo(p, &world.procs[a.child]);
			*reply = (uint64_t)-LX_ENOMEM;
		}
		return true;
	case LX_ACT_SIGRETURN: sigreturn(i); return false;
	case LX_ACT_EXEC:
		if (!exec_image(i)) {
			printf("linux: %s: execve failed past its point of no return\n", p->exe);
			end_proc(i, LX_SIGKILL);
		}
		return false;
	default: return true;
	}
}

static bool console_event(uint64_t bits);

/* Ctrl-]: the session ends whatever its programs do (they may ignore or
 * catch every signal they can). */
static void session_escape(void)
{
	host_console_write(NULL, "^]\n", 3);
	printf("linux: escape (Ctrl-]): every process of the session is killed\n");
	for (unsigned i = 0; i < proc_hi; i++)
		if (sp[i].live)
			end_proc(i, LX_SIGKILL);
}

/* Every process waits, the first deadline is `until`: sleep on the timer
 * line (no process runs, nothing to take the CPU from) and the console;
 * the last tick's worth (the line's resolution) by yielding, so that a
 * sleep ends as close to its time as on Linux.  true: a console event came
 * first. */
static bool wait_until(uint64_t until)
{
	for (uint64_t now; (now = now_ns(NULL)) < until;) {
		uint64_t bits;
		if (timer_ok && until - now > KOZO_TIMER_TICK_NS) {
			timer_arm(until - KOZO_TIMER_TICK_NS);
			bits = kozo_wait(KOZO_PROC_NTFN);
		} else {
			bits = kozo_poll(KOZO_PROC_NTFN);
			if (!bits)
				kozo_yield();
		}
		if (bits & LINUX_SIG_TIMER)
			timer_armed = 0;  /* (the kernel disarmed it as it fired) */
		if (bits & ~(uint64_t)LINUX_SIG_TIMER) {
			console_event(bits);
			return true;
		}
	}
	/* A deadline already past still looks at the console once: a parked
	 * call that waits again at every expiry of a 1 us interval timer
	 * (pause() with SIGALRM ignored) finds its deadline past at every
	 * turn of settle, which would then never see Ctrl-C or the escape. */
	uint64_t bits = kozo_poll(KOZO_PROC_NTFN);
	if (bits & LINUX_SIG_TIMER)
		timer_armed = 0;
	if (bits & ~(uint64_t)LINUX_SIG_TIMER) {
		console_event(bits);
		return true;
	}
	return false;
}

/* The earliest deadline of any process (monotonic ns, ~0 none): a parked
 * call's, or the alarm of one running user code. */
static uint64_t first_deadline(void)
{
	uint64_t first = lx_world_alarms(&world);
	if (nudge_at && nudge_at < first)
		first = nudge_at;
	for (unsigned i = 0; i < proc_hi; i++)
		if (sp[i].live && sp[i].blocked && sp[i].deadline && sp[i].deadline < first)
			first = sp[i].deadline;
	return first;
}

/* After any event: end killed processes, repeat parked calls until none
 * can go on.  When every live process is parked nothing can ever wake
 * them: end them all.  A loop, not a recursion: a process whose parked
 * call waits again at every deadline (pause() under an interval timer
 * whose SIGALRM is ignored or blocked) comes back here at each expiry,
 * without end. */
static void settle(void)
{
	/* The common case after a call: nobody parked or killed, nothing to do. */
	bool quiet = true;
	for (unsigned i = 0; i < proc_hi; i++)
		quiet &= !sp[i].live || (!sp[i].blocked && !world.procs[i].killed);
	if (quiet)
		return;
	for (;;) {
		bool progress = true;
		while (progress) {
			progress = false;
			for (unsigned i = 0; i < proc_hi; i++) {
				struct lx_proc *p = &world.procs[i];
				if (!sp[i].live)
					continue;
				if (p->killed) {
					end_proc(i, p->killed);
					progress = true;
					continue;
				}
				if (!sp[i].blocked)
					continue;
				sp[i].blocked = false;
				uint64_t reply;
				if (do_call(i, sp[i].nr, sp[i].args, &reply) && !deliver(i, &reply))
					resume_with(i, reply);
				if (!sp[i].blocked)
					progress = true;
			}
		}
		bool running = false;
		uint64_t first = ~0ull;
		for (unsigned i = 0; i < proc_hi; i++) {
			running |= sp[i].live && !sp[i].blocked;
			if (sp[i].live && sp[i].blocked && sp[i].deadline && sp[i].deadline < first)
				first = sp[i].deadline;
		}
		if (running || first_done)
			return;  /* (the first ended: the run is over, parked ones go with it) */
		if (first == ~0ull)
			break;
		if (wait_until(first))
			continue;  /* (a console event: the parked calls see its signal) */
	}
	for (unsigned i = 0; i < proc_hi; i++) {
		if (sp[i].live) {
			printf("linux: %s: deadlock (every process waits)\n", world.procs[i].exe);
			end_proc(i, LX_SIGKILL);
		}
	}
}

/* ==== interrupting: Ctrl-C, Ctrl-\ and the session escape Ctrl-] ====
 *
 * The console signals the foreground reader's notification (bound to this
 * thread) when one of them is typed, whether or not anyone reads: a Recv
 * here returns it even while every process spins in user code. */

/* The console's bits came: act on the interrupt characters typed (input
 * typed before them is discarded, as a terminal flushes).  true when
 * processes running user code have a signal to take now. */
static bool console_event(uint64_t bits)
{
	if (!(bits & CONSOLE_SIG_INTR))
		return false;
	unsigned intr = console_take_intr();
	if (intr & CONSOLE_INTR_ESCAPE) {
		session_escape();
		return false;
	}
	if (intr & CONSOLE_INTR_INTR) {
		host_console_write(NULL, "^C\n", 3);
		lx_console_signal(&world, LX_SIGINT);
	}
	if (intr & CONSOLE_INTR_QUIT) {
		host_console_write(NULL, "^\\\n", 3);
		lx_console_signal(&world, LX_SIGQUIT);
	}
	return intr != 0;
}

/* Processes running user code take their pending signals now rather than
 * at their next system call or fault.  Called when the fault endpoint was
 * just found empty: none of them has a call on its way (the processes run
 * below this thread's priority, so none ran since), and stopping one loses
 * nothing. */
/* Has a process running user code, other than `but`, a signal to take? */
static bool others_signalled(unsigned but)
{
	for (unsigned i = 0; i < proc_hi; i++)
		if (i != but && sp[i].live && !sp[i].blocked && lx_signal_pending(&world.procs[i]))
			return true;
	return false;
}

static void interrupt_running(void)
{
	for (unsigned i = 0; i < proc_hi; i++)
		if (sp[i].live && !sp[i].blocked && lx_signal_pending(&world.procs[i]))
			deliver(i, NULL);
}

/* A non-blocking Recv on the fault endpoint; *got false when nothing (not
 * even the notification) was there. */
static uint64_t poll_faults(uint64_t *badge, uint64_t mr[4], bool *got)
{
	uint64_t info = 0, cptr = pool.ep;
	*got = kozo_arch_syscall(KOZO_SYS_NB_RECV, &cptr, &info, mr) == KOZO_OK;
	*badge = cptr;
	return info;
}
/* ==== end of interrupting ==== */

/* A VM fault of process i: fill the page, or false (SIGSEGV). */
static bool vm_fault(unsigned i, const uint64_t mr[4])
{
	struct sproc *s = &sp[i];
	struct lx_proc *p = &world.procs[i];
	/* MR0 ip, MR1 address, MR2 instruction fetch, MR3 the arch's code. */
	uint64_t addr = mr[1];
	bool write = lxa_fault_write(mr);
	const struct lx_vma *v = addr < LX_USER_TOP ? lx_vma_find(p, addr) : NULL;
	bool allowed = v && (mr[2] ? v->prot & LX_PROT_EXEC : lx_prot_allows(v->prot, write));
	/* The same address faulting again and again, with no call between:
	 * mapping it did not help.  (Counted per process: children that
	 * fork gave the same pages fault at the same addresses in turn.) */
	s->repeat = addr == s->last_fault ? s->repeat + 1 : 0;
	s->last_fault = addr;
	if (!allowed || s->repeat > 2 || !page_in(s, LX_PAGE_DOWN(addr), write)) {
		/* No room for a page outside the commitments (a stack, program
		 * text): SIGSEGV, as Linux's stack that cannot grow. */
		const char *why = s->out_of_memory ? "out of memory"
				  : s->no_room     ? "no memory left for a page not committed"
						   : "bad access";
		s->no_room = false;
		if (!s->out_of_memory && lx_signal_fault(p, LX_SIGSEGV, v ? 2 /* SEGV_ACCERR */ : 1, addr)) {
			s->repeat = 0;
			return deliver(i, NULL);  /* its handler runs */
		}
		printf("linux: %s: SIGSEGV: %s at address 0x%lx, ip 0x%lx\n", p->exe, why, addr, mr[0]);
		end_proc(i, s->out_of_memory ? LX_SIGKILL : LX_SIGSEGV);
		return false;
	}
	return true;
}

/* Serve the processes until the first one ends; returns its wait status.
 * Every message carries the badge of the process it comes from. */
static int serve(void)
{
	uint64_t mr[4] = { 0 }, badge;
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t info = kozo_recv(pool.ep, &badge, mr);
	bool got = true, interrupting = false, answer;
	for (;;) {
		uint64_t label = kozo_msginfo_label(info), reply = 0;
		unsigned len = 0, i = (unsigned)(badge - LINUX_BADGE);
		answer = got && info != 0;
		if (!got) {
			/* Nothing queued: stop who has a signal to take. */
			interrupting = false;
			interrupt_running();
		} else if (info == 0) {
			/* The bound notification (every fault has a label). */
			interrupting |= console_event(badge);
			if (badge & LINUX_SIG_TIMER) {
				/* A deadline came: alarms fire (lx_world_alarms,
				 * in first_deadline below), settle repeats the
				 * parked calls. */
				timer_armed = 0;
				world.timers_changed = true;
				if (nudge_at && now_ns(NULL) >= nudge_at) {
					nudge_at = 0;
					interrupting = true;
				}
			}
		} else if (badge < LINUX_BADGE || i >= ptab.n || !sp[i].live) {
			printf("linux: unexpected message (label %lu, badge 0x%lx)\n", label, badge);
		} else if (label == KOZO_FAULT_UNKNOWN_SYSCALL) {
			uint64_t nr = mr[0], args[6] = { mr[1], mr[2], mr[3], ipc->msg[4], ipc->msg[5],
							 ipc->msg[6] };
			lxa_syscall_in(&nr, args);
			sp[i].last_fault = ~0ull;
			if (do_call(i, nr, args, &reply) && !deliver(i, &reply))
				len = 1;
		} else if (label == KOZO_FAULT_VM) {
			vm_fault(i, mr);  /* resumed, or ended */
		} else if (label == KOZO_FAULT_USER_EXCEPTION) {
			int sig = lxa_exception_signal(mr[3], ipc->msg[4]);
			if (lx_signal_fault(&world.procs[i], sig, 0x80, mr[0])) {
				deliver(i, NULL);  /* its handler runs */
			} else {
				printf("linux: %s: %s: exception %lu at ip 0x%lx\n", world.procs[i].exe,
				       lx_signal_name(sig), mr[3], mr[0]);
				end_proc(i, sig);
			}
		} else {
			printf("linux: unexpected message (label %lu, badge 0x%lx)\n", label, badge);
			end_proc(i, LX_SIGKILL);
		}
		settle();
		if (first_done)
			return first_status;
		if (world.timers_changed) {  /* (due alarms fire here) */
			world.timers_changed = false;
			timer_arm(first_deadline());
		}
		if (world.signalled) {
			/* Maybe for a process running user code: stop it to
			 * take the signal (interrupt_running, once the
			 * endpoint is found empty) - at once for another
			 * process (it may never call), NUDGE_NS later for
			 * the one just answered (nudge_at). */
			world.signalled = false;
			if (others_signalled(answer ? i : ~0u)) {
				interrupting = true;
			} else if (!nudge_at) {
				nudge_at = now_ns(NULL) + NUDGE_NS;
				timer_arm(first_deadline());
			}
		}
		mr[0] = reply;
		if (!interrupting) {
			got = true;
			info = answer ? kozo_reply_recv(pool.ep, kozo_msginfo(0, 0, 0, len), mr, &badge)
				      : kozo_recv(pool.ep, &badge, mr);
			continue;
		}
		/* Take what is queued before stopping anyone. */
		if (answer)
			kozo_reply(kozo_msginfo(0, 0, 0, len), mr);
		info = poll_faults(&badge, mr, &got);
	}
}

void linux_memory(unsigned *whole, unsigned *total, uint64_t *bytes)
{
	uint64_t probe;
	*total = pm.ut != 0;
	*bytes = pm.ut ? 1ull << pm.bits : 0;
	/* Only an Untyped with nothing in it has room for its own size. */
	*whole = pm.ut && lxs_retype(pm.ut, KOZO_OBJ_UNTYPED, pm.bits, &probe) == KOZO_OK;
	if (*whole)
		lxs_free(probe);
}

int linux_run(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "--log") == 0) {
		log_print();
		return 0;
	}
	first_done = false;
	nudge_at = 0;
	timer_init();
	(void)kozo_poll(KOZO_PROC_NTFN);  /* Ctrl-C typed before this run */
	(void)console_take_intr();
	if (console_foreground() != KOZO_OK)
		printf("linux: the console refuses to make this server its foreground reader\n");
	int status = 126 << 8;  /* a shell's "cannot execute" */
	if (load(argv[0], argc, argv))
		status = serve();
	timer_arm(~0ull);
	/* The first process is done: whatever is left goes with it. */
	for (unsigned i = 0; i < proc_hi; i++)
		teardown(&sp[i]);
	proc_hi = 0;
	mem_release();
	memset(&ptab, 0, sizeof(ptab));
	tmp_release();
	if (status & 0x7f)
		printf("linux: exit status %d (killed by signal %d, %s)\n", 128 + (status & 0x7f),
		       status & 0x7f, lx_signal_name(status & 0x7f) ? lx_signal_name(status & 0x7f) : "?");
	else
		printf("linux: exit status %d\n", status >> 8);
	return status;
}
