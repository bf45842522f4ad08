/* Walk a host kernel's state and check its invariants (see invariants.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "invariants.h"
#include "cnode.h"
#include "endpoint.h"
#include "notification.h"

/* Bounds on list walks: a longer list is a cycle. */
#define WALK_LIMIT (1u << 20)

/* A growable array of distinct pointers (objects seen), with a count each. */
struct seen {
	const void **ptr;
	unsigned *count;
	size_t n, cap;
};

/* One object's memory, from a capability that is no copy of another. */
struct extent {
	uintptr_t start, end;
	uint8_t type;
	const struct slot *slot;
};

/* A Frame or page-table capability seen, for the address-space check. */
struct mapcap {
	uintptr_t obj;
	uint8_t type;
	word_t vaddr, asid;
	bool mapped;
};

struct walk {
	const struct host_kernel *h;
	struct mapcap *maps;
	size_t n_maps, cap_maps;
	struct seen tables;         /* page tables reached from a root */
	struct seen vspaces;        /* roots named by a VSpace capability seen */
	char *msg;
	bool broken;
	struct seen cnodes, tcbs, endpoints, ntfns;
	struct extent *extents;
	size_t n_extents, cap_extents;
	const struct slot **todo;   /* CNode slot arrays still to visit */
	unsigned *todo_radix;
	size_t n_todo, cap_todo;
	unsigned irq_handlers[IRQ_LINES];  /* IRQHandler capabilities seen per line */
};

static bool fail(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct walk *w, const char *fmt, ...)
{
	if (!w->broken) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(w->msg, INVARIANT_MSG_SIZE, fmt, ap);
		va_end(ap);
		w->broken = true;
	}
	return false;
}

static void *grow(void *p, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return p;
	size_t next = *cap ? *cap * 2 : 64;
	void *q = realloc(p, next * elem);
	if (!q)
		abort();   /* the host is out of memory: not the kernel's fault */
	*cap = next;
	return q;
}

/* Count one more sighting of p; true when it is the first. */
static bool seen_add(struct seen *s, const void *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ptr[i] == p) {
			s->count[i]++;
			return false;
		}
	size_t cap = s->cap;
	s->ptr = grow(s->ptr, &cap, s->n, sizeof(*s->ptr));
	s->count = grow(s->count, &s->cap, s->n, sizeof(*s->count));
	s->cap = cap;
	s->ptr[s->n] = p;
	s->count[s->n++] = 1;
	return true;
}

static void seen_free(struct seen *s)
{
	free(s->ptr);
	free(s->count);
}

static bool in_ram(const struct walk *w, const void *p, size_t len)
{
	const uint8_t *b = p, *ram = w->h->m->ram;
	return b >= ram && len <= w->h->m->ram_size && b - ram <= (ptrdiff_t)(w->h->m->ram_size - len);
}

/* Memory types: the object's size in bytes; 0 for capabilities to no memory. */
static size_t object_bytes(const struct cap *c)
{
	switch (c->type) {
	case KOZO_OBJ_UNTYPED: return (size_t)1 << cap_untyped_size_bits(c);
	case KOZO_OBJ_CNODE: return (size_t)1 << (cap_cnode_radix(c) + KOZO_SLOT_SIZE_BITS);
	case KOZO_OBJ_TCB: case KOZO_OBJ_ENDPOINT: case KOZO_OBJ_NOTIFICATION:
	case KOZO_OBJ_FRAME: case KOZO_OBJ_VSPACE: case KOZO_OBJ_PT_L1:
	case KOZO_OBJ_PT_L2: case KOZO_OBJ_PT_L3:
		return (size_t)1 << kozo_object_size_bits(c->type, 0);
	default: return 0;
	}
}

static void visit_cnode(struct walk *w, const struct cap *c)
{
	const struct slot *slots = cnode_slots(c);
	if (!seen_add(&w->cnodes, slots))
		return;
	size_t cap = w->cap_todo;
	w->todo = grow(w->todo, &cap, w->n_todo, sizeof(*w->todo));
	w->todo_radix = grow(w->todo_radix, &w->cap_todo, w->n_todo, sizeof(*w->todo_radix));
	w->cap_todo = cap;
	w->todo[w->n_todo] = slots;
	w->todo_radix[w->n_todo++] = cap_cnode_radix(c);
}

static void check_slot(struct walk *w, const struct slot *s);

static void visit_tcb(struct walk *w, const struct tcb *t)
{
	if (!seen_add(&w->tcbs, t))
		return;
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		check_slot(w, &t->slots[i]);
}

/* The tree links around s agree with each other. */
static void check_tree(struct walk *w, const struct slot *s)
{
	if (slot_empty(s)) {
		if (s->parent || s->first_child || s->next_sibling || s->prev_sibling)
			fail(w, "empty slot %p still linked in the derivation tree", (void *)s);
		return;
	}
	if (s->parent) {
		if (slot_empty(s->parent)) {
			fail(w, "slot %p has an empty parent", (void *)s);
			return;
		}
		const struct slot *c = s->parent->first_child;
		unsigned steps = 0;
		while (c && c != s && ++steps < WALK_LIMIT)
			c = c->next_sibling;
		if (c != s)
			fail(w, "slot %p (%s) missing from its parent's children", (void *)s,
			     kozo_object_name(s->cap.type));
	} else if (s->prev_sibling || s->next_sibling) {
		fail(w, "root slot %p has siblings", (void *)s);
	}
	const struct slot *prev = NULL;
	unsigned steps = 0;
	for (const struct slot *c = s->first_child; c; c = c->next_sibling) {
		if (++steps >= WALK_LIMIT) {
			fail(w, "children of slot %p form a cycle", (void *)s);
			return;
		}
		if (c->parent != s || c->prev_sibling != prev) {
			fail(w, "child %p of slot %p badly linked", (void *)c, (void *)s);
			return;
		}
		prev = c;
	}
}

/* A copy never has more rights than its source, nor another badge, nor
 * (IOPort) a port outside its source's range. */
static void check_derivation(struct walk *w, const struct slot *s)
{
	const struct slot *p = s->parent;
	if (!p || p->cap.type != s->cap.type || s->cap.type == KOZO_OBJ_UNTYPED)
		return;
	if (s->cap.rights & ~p->cap.rights)
		fail(w, "%s capability %p has rights %#x beyond its parent's %#x",
		     kozo_object_name(s->cap.type), (void *)s, s->cap.rights, p->cap.rights);
	bool badged = s->cap.type == KOZO_OBJ_ENDPOINT || s->cap.type == KOZO_OBJ_NOTIFICATION;
	if (badged && cap_badge(&p->cap) && cap_badge(&s->cap) != cap_badge(&p->cap))
		fail(w, "badge %#lx of a copy of a cap badged %#lx", (unsigned long)cap_badge(&s->cap),
		     (unsigned long)cap_badge(&p->cap));
	if (s->cap.type == KOZO_OBJ_IOPORT &&
	    (cap_ioport_first(&s->cap) > cap_ioport_last(&s->cap) ||
	     cap_ioport_first(&s->cap) < cap_ioport_first(&p->cap) ||
	     cap_ioport_last(&s->cap) > cap_ioport_last(&p->cap)))
		fail(w, "IOPort capability %p reaches ports 0x%lx..0x%lx beyond its parent's 0x%lx..0x%lx",
		     (void *)s, (unsigned long)cap_ioport_first(&s->cap),
		     (unsigned long)cap_ioport_last(&s->cap), (unsigned long)cap_ioport_first(&p->cap),
		     (unsigned long)cap_ioport_last(&p->cap));
}

static void add_extent(struct walk *w, const struct slot *s)
{
	size_t bytes = object_bytes(&s->cap);
	bool original = !s->parent || s->parent->cap.type == KOZO_OBJ_UNTYPED;
	if (!bytes || !original)
		return;
	if (!in_ram(w, (const void *)s->cap.obj, bytes)) {
		fail(w, "%s object at %#lx outside RAM", kozo_object_name(s->cap.type),
		     (unsigned long)s->cap.obj);
		return;
	}
	if (s->cap.obj & (bytes - 1) && s->cap.type != KOZO_OBJ_UNTYPED) {
		fail(w, "%s object at %#lx not naturally aligned", kozo_object_name(s->cap.type),
		     (unsigned long)s->cap.obj);
		return;
	}
	w->extents = grow(w->extents, &w->cap_extents, w->n_extents, sizeof(*w->extents));
	w->extents[w->n_extents++] = (struct extent){ s->cap.obj, s->cap.obj + bytes, s->cap.type, s };
	if (s->parent) {   /* retyped: inside the parent's used part */
		const struct cap *u = &s->parent->cap;
		if (s->cap.obj < u->obj || s->cap.obj + bytes > u->obj + cap_untyped_watermark(u))
			fail(w, "%s object [%#lx, %#lx) outside its untyped's used [%#lx, %#lx)",
			     kozo_object_name(s->cap.type), (unsigned long)s->cap.obj,
			     (unsigned long)(s->cap.obj + bytes), (unsigned long)u->obj,
			     (unsigned long)(u->obj + cap_untyped_watermark(u)));
	}
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Watermark within the region, reset with the last child; Retype's
 * zeroing progress (a preempted Retype's) within the region, and the
 * bytes it claims zero from the watermark up really zero: what a resumed
 * Retype will not zero again. */
static void check_untyped(struct walk *w, const struct slot *s)
{
	const struct cap *c = &s->cap;
	word_t size = (word_t)1 << cap_untyped_size_bits(c);
	word_t wm = cap_untyped_watermark(c), zeroed = cap_untyped_zeroed(c);
	if (wm > size)
		fail(w, "untyped watermark %#lx beyond its size", (unsigned long)wm);
	else if (!s->first_child && wm != 0)
		fail(w, "untyped without children keeps watermark %#lx", (unsigned long)wm);
	else if (zeroed > size)
		fail(w, "untyped zeroed up to %#lx, beyond its size", (unsigned long)zeroed);
	else if (zeroed > wm && !cap_untyped_is_device(c) &&
		 !all_zero((const uint8_t *)c->obj + wm, zeroed - wm))
		fail(w, "untyped claims [%#lx, %#lx) zeroed, which is not", (unsigned long)wm,
		     (unsigned long)zeroed);
}

/* The CNodes queued for emptying (k->dying, cnode.c): no capability names
 * one, it is marked, its progress is within it and every slot below that
 * is empty; its slots are checked as any CNode's and its memory takes part
 * in the overlap check. */
static void visit_dying(struct walk *w)
{
	unsigned n = 0;
	for (const struct cnode_header *h = w->h->k->dying; h; h = h->next_dying) {
		if (++n >= WALK_LIMIT || !in_ram(w, h, sizeof(*h))) {
			fail(w, "dying CNode list broken (cycle or wild pointer)");
			return;
		}
		size_t bytes = (size_t)1 << (h->radix + KOZO_SLOT_SIZE_BITS);
		if (!h->dying || h->refs != 0 || !in_ram(w, h, bytes) || h->next_slot < 1 ||
		    h->next_slot > ((word_t)1 << h->radix)) {
			fail(w, "dying CNode %p: flag %u, %u references, radix %u, next slot %lu",
			     (const void *)h, h->dying, h->refs, h->radix, (unsigned long)h->next_slot);
			return;
		}
		const struct slot *slots = (const struct slot *)h;
		for (word_t i = 1; i < h->next_slot; i++)
			if (!slot_empty(&slots[i])) {
				fail(w, "dying CNode %p: slot %lu below its progress %lu still full",
				     (const void *)h, (unsigned long)i, (unsigned long)h->next_slot);
				return;
			}
		/* Counted as reached by no capability: one that names it
		 * shows as more capabilities than its 0 references. */
		size_t before = w->cnodes.n;
		struct cap c = { .type = KOZO_OBJ_CNODE, .obj = (uintptr_t)h };
		cap_cnode_set_guard(&c, h->radix, 0, 0);
		visit_cnode(w, &c);
		if (w->cnodes.n == before) {
			fail(w, "dying CNode %p queued twice", (const void *)h);
			return;
		}
		w->cnodes.count[before] = 0;
		w->extents = grow(w->extents, &w->cap_extents, w->n_extents, sizeof(*w->extents));
		w->extents[w->n_extents++] = (struct extent){ (uintptr_t)h, (uintptr_t)h + bytes,
							      KOZO_OBJ_CNODE, NULL };
	}
}

static void check_slot(struct walk *w, const struct slot *s)
{
	check_tree(w, s);
	if (slot_empty(s))
		return;
	check_derivation(w, s);
	const struct cap *c = &s->cap;
	if (c->type == KOZO_OBJ_UNTYPED)
		check_untyped(w, s);
	add_extent(w, s);
	if (c->type == KOZO_OBJ_VSPACE)
		seen_add(&w->vspaces, (const void *)c->obj);
	if (cap_is_mapping(c->type)) {
		w->maps = grow(w->maps, &w->cap_maps, w->n_maps, sizeof(*w->maps));
		w->maps[w->n_maps++] = (struct mapcap){ c->obj, c->type, cap_mapped_vaddr(c),
							  cap_mapped_asid(c), cap_mapped(c) };
	}
	switch (c->type) {
	case KOZO_OBJ_CNODE: visit_cnode(w, c); break;
	case KOZO_OBJ_TCB: visit_tcb(w, (const struct tcb *)c->obj); break;
	case KOZO_OBJ_ENDPOINT: seen_add(&w->endpoints, (const void *)c->obj); break;
	case KOZO_OBJ_NOTIFICATION: seen_add(&w->ntfns, (const void *)c->obj); break;
	case KOZO_OBJ_IRQ_HANDLER:
		if (cap_irq_number(c) < IRQ_LINES)
			w->irq_handlers[cap_irq_number(c)]++;
		else
			fail(w, "IRQHandler for line %lu, past the kernel's %u",
			     (unsigned long)cap_irq_number(c), IRQ_LINES);
		break;
	default: break;
	}
}

static int extent_order(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* An Untyped before what it contains. */
	return (x->type != KOZO_OBJ_UNTYPED) - (y->type != KOZO_OBJ_UNTYPED);
}

/* Objects other than Untyped never overlap each other. */
static void check_overlaps(struct walk *w)
{
	if (w->n_extents)
		qsort(w->extents, w->n_extents, sizeof(*w->extents), extent_order);
	const struct extent *last = NULL;
	for (size_t i = 0; i < w->n_extents; i++) {
		const struct extent *e = &w->extents[i];
		if (e->type == KOZO_OBJ_UNTYPED)
			continue;
		/* Copies whose source was deleted move up the tree (to the
		 * Untyped, or to the root), so several capabilities there can
		 * name one object.  Two objects made at one address would
		 * show as more capabilities than references (check_*). */
		bool same = last && e->start == last->start && e->end == last->end &&
			    e->type == last->type;
		if (last && e->start < last->end && !same)
			fail(w, "%s [%#lx, %#lx) overlaps %s [%#lx, %#lx)", kozo_object_name(e->type),
			     (unsigned long)e->start, (unsigned long)e->end,
			     kozo_object_name(last->type), (unsigned long)last->start,
			     (unsigned long)last->end);
		if (!last || e->end > last->end)
			last = e;
	}
}

/* Walk a FIFO of blocked threads: links, and each waits on `object` in
 * `state`.  Returns its length, or -1 when broken. */
static long check_queue(struct walk *w, const struct tcb_queue *q, const void *object,
			unsigned state, const char *what)
{
	const struct tcb *prev = NULL;
	long n = 0;
	for (const struct tcb *t = q->head; t; t = t->queue_next) {
		if (++n >= WALK_LIMIT || !in_ram(w, t, sizeof(*t)))
			return fail(w, "%s queue broken (cycle or wild pointer)", what), -1;
		if (t->queue_prev != prev)
			return fail(w, "%s queue: back link of thread %lu wrong", what,
				    (unsigned long)t->id), -1;
		if (t->blocked_on != object || t->state != state)
			return fail(w, "%s queue: thread %lu in state %u blocks on %p, not here",
				    what, (unsigned long)t->id, t->state, t->blocked_on), -1;
		if (t->refs == 0)
			return fail(w, "%s queue holds a deleted thread", what), -1;
		prev = t;
	}
	if (q->tail != prev)
		return fail(w, "%s queue tail wrong", what), -1;
	return n;
}

static void check_endpoint(struct walk *w, const struct endpoint *ep, unsigned caps)
{
	if (ep->refs < caps) {
		fail(w, "endpoint %p: %u references but %u capabilities", (void *)ep, ep->refs, caps);
		return;
	}
	unsigned state = ep->state == EP_SEND ? THREAD_BLOCKED_SEND : THREAD_BLOCKED_RECV;
	long n = check_queue(w, &ep->q, ep, state, "endpoint");
	if (n >= 0 && (n == 0) != (ep->state == EP_IDLE))
		fail(w, "endpoint state %u with %ld waiters", ep->state, n);
}

static void check_notification(struct walk *w, const struct notification *n, unsigned caps)
{
	if (n->refs < caps) {
		fail(w, "notification: %u references but %u capabilities", n->refs, caps);
		return;
	}
	check_queue(w, &n->q, n, THREAD_BLOCKED_NTFN, "notification");
	if (n->bound && n->bound->bound_ntfn != n)
		fail(w, "notification bound to a thread bound elsewhere");
	if (n->bound && n->bound->refs == 0)
		fail(w, "notification bound to deleted thread %lu", (unsigned long)n->bound->id);
}

static void check_tcb(struct walk *w, const struct tcb *t, unsigned caps)
{
	if (t->refs < caps)
		fail(w, "thread %lu: %u references but %u capabilities", (unsigned long)t->id,
		     t->refs, caps);
	if (t->state == THREAD_RUNNABLE && !sched_is_queued(&w->h->k->sched, t))
		fail(w, "runnable thread %lu not in a run queue", (unsigned long)t->id);
	if (t->state != THREAD_RUNNABLE && sched_is_queued(&w->h->k->sched, t))
		fail(w, "thread %lu in state %u sits in a run queue", (unsigned long)t->id, t->state);
	if (t->reply_to && t->reply_to->reply_from != t)
		fail(w, "thread %lu owes a reply to a thread that expects none from it",
		     (unsigned long)t->id);
	if (t->reply_from && t->reply_from->reply_to != t)
		fail(w, "thread %lu waits for a reply nobody owes it", (unsigned long)t->id);
	if (t->bound_ntfn && t->bound_ntfn->bound != t)
		fail(w, "thread %lu bound to a notification bound elsewhere", (unsigned long)t->id);
	if (t->pending_fault && t->state != THREAD_BLOCKED_SEND && t->state != THREAD_BLOCKED_REPLY)
		fail(w, "thread %lu in state %u keeps a stale fault %u", (unsigned long)t->id, t->state,
		     t->pending_fault);
	const struct cap *b = &t->slots[TCB_IPC_FRAME].cap;
	if (b->type != KOZO_OBJ_NULL &&
	    (b->type != KOZO_OBJ_FRAME || !(b->rights & KOZO_RIGHT_WRITE) || (b->flags & CAP_FLAG_DEVICE)))
		fail(w, "thread %lu has an IPC buffer the kernel may not write (%s, rights %#x, flags %#x)",
		     (unsigned long)t->id, kozo_object_name(b->type), b->rights, b->flags);
	if ((t->reply_to && t->reply_to->refs == 0) || (t->reply_from && t->reply_from->refs == 0))
		fail(w, "thread %lu has a reply link to a deleted thread", (unsigned long)t->id);
}

/* An interrupt line nobody holds an IRQHandler for is masked and signals
 * no notification (the last handler's deletion sees to it); the timer
 * line's mask is its deadline. */
static void check_irq_lines(struct walk *w)
{
	const struct kernel *k = w->h->k;
	if (k->irq_refs[IRQ_TIMER] == 0 && k->timer_deadline)
		fail(w, "timer line: no handler, but a deadline armed");
	for (unsigned i = 0; i < IRQ_LINES; i++) {
		if (k->irq_refs[i] != w->irq_handlers[i])
			fail(w, "IRQ %u: %u handler references counted, %u IRQHandler capabilities", i,
			     k->irq_refs[i], w->irq_handlers[i]);
		if (k->irq_refs[i] != 0)
			continue;
		if (!slot_empty(&k->irq_ntfn[i]))
			fail(w, "IRQ %u: no handler, but a notification to signal", i);
		if (i < HOST_IRQ_LINES && !w->h->m->irq_masked[i])
			fail(w, "IRQ %u: no handler, but unmasked", i);
	}
}


/* ---- address spaces: the isolation invariant ---- */

/* Does a capability of this type to obj record the mapping (asid, vaddr)? */
static bool recorded(const struct walk *w, uintptr_t obj, unsigned type, word_t asid, word_t vaddr)
{
	for (size_t i = 0; i < w->n_maps; i++) {
		const struct mapcap *m = &w->maps[i];
		if (m->obj == obj && m->type == type && m->mapped &&
		    m->vaddr == vaddr && m->asid == asid)
			return true;
	}
	return false;
}

static unsigned level_shift(unsigned level)
{
	return KOZO_PAGE_SIZE_BITS + 9 * (VSPACE_LEVELS - 1 - level);
}

/* Every present entry of a table (level 0 = the root) reached at base in
 * ASID asid: a lower table or a Frame whose capability records exactly
 * this mapping, each table reached once in all address spaces. */
static void check_table(struct walk *w, word_t asid, const word_t *table, unsigned level, word_t base)
{
	static const uint8_t below[VSPACE_LEVELS] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3,
						      KOZO_OBJ_FRAME };
	for (unsigned i = 0; i < PT_ENTRIES && !w->broken; i++) {
		word_t e = table[i];
		if (!arch_pte_present(e))
			continue;
		word_t va = base | ((word_t)i << level_shift(level));
		paddr_t p = arch_pte_addr(e);
		if (va >= ARCH_USER_TOP) {
			fail(w, "ASID %lu: an entry above the user half at %#lx", (unsigned long)asid,
			     (unsigned long)va);
			return;
		}
		if (!host_phys_in_ram(p, KOZO_PAGE_SIZE)) {
			fail(w, "ASID %lu va %#lx: translation to %#lx outside RAM", (unsigned long)asid,
			     (unsigned long)va, (unsigned long)p);
			return;
		}
		uintptr_t obj = (uintptr_t)(w->h->m->ram + (p - HOST_RAM_BASE));
		if (!recorded(w, obj, below[level], asid, va)) {
			fail(w, "ASID %lu va %#lx (level %u): entry to %#lx, which no live %s capability records as mapped there",
			     (unsigned long)asid, (unsigned long)va, level, (unsigned long)p,
			     kozo_object_name(below[level]));
			return;
		}
		if (level + 1 < VSPACE_LEVELS) {
			if (!seen_add(&w->tables, (const void *)obj)) {
				fail(w, "page table at %#lx reachable from two places (again at ASID %lu va %#lx)",
				     (unsigned long)p, (unsigned long)asid, (unsigned long)va);
				return;
			}
			check_table(w, asid, (const word_t *)obj, level + 1, va);
		}
	}
}

/* The translation a walk of root finds for va (0: none). */
static paddr_t translate(const word_t *root, word_t va)
{
	const word_t *table = root;
	for (unsigned level = 0; level < VSPACE_LEVELS; level++) {
		word_t e = table[(va >> level_shift(level)) & (PT_ENTRIES - 1)];
		if (!arch_pte_present(e) || !host_phys_in_ram(arch_pte_addr(e), KOZO_PAGE_SIZE))
			return 0;
		if (level + 1 == VSPACE_LEVELS)
			return arch_pte_addr(e);
		table = arch_phys_to_kernel(arch_pte_addr(e));
	}
	return 0;
}

/* Was a VSpace capability to root seen? */
static bool vspace_seen(const struct walk *w, const word_t *root)
{
	for (size_t i = 0; i < w->vspaces.n; i++)
		if (w->vspaces.ptr[i] == root)
			return true;
	return false;
}

/* The address spaces whose VSpace capability the walk reached: the others'
 * Frames and tables may sit in CNodes it cannot reach (Init's TCB was
 * deleted, say), and the invariant speaks of live capabilities. */
static void check_address_spaces(struct walk *w)
{
	const struct kernel *k = w->h->k;
	for (word_t a = 0; a < ASID_COUNT && !w->broken; a++) {
		const struct asid_entry *e = &k->asids[a];
		if (!e->root || !vspace_seen(w, e->root))
			continue;
		if (a == 0 || e->refs == 0) {
			fail(w, "ASID %lu in use with %u VSpace capabilities", (unsigned long)a, e->refs);
			return;
		}
		if (!in_ram(w, e->root, KOZO_PAGE_SIZE)) {
			fail(w, "ASID %lu: root outside RAM", (unsigned long)a);
			return;
		}
		check_table(w, a, e->root, 0, 0);
	}
	/* The modelled TLB: each entry is what a walk finds now, in a live
	 * address space (so, by the above, a mapping some Frame records). */
	const struct host_machine *m = w->h->m;
	for (unsigned i = 0; i < HOST_TLB_ENTRIES && !w->broken; i++) {
		const struct host_tlb_entry *t = &m->tlb[i];
		if (!t->valid)
			continue;
		const word_t *root = t->asid < ASID_COUNT ? k->asids[t->asid].root : NULL;
		if (root && !vspace_seen(w, root))
			continue;
		if (!root)
			fail(w, "TLB: translation of va %#lx in ASID %lu, which is free",
			     (unsigned long)t->vaddr, (unsigned long)t->asid);
		else if (translate(root, t->vaddr) != t->frame)
			fail(w, "TLB: stale translation ASID %lu va %#lx -> %#lx (tables say %#lx)",
			     (unsigned long)t->asid, (unsigned long)t->vaddr, (unsigned long)t->frame,
			     (unsigned long)translate(root, t->vaddr));
	}
}

static void check_run_queues(struct walk *w)
{
	const struct sched *s = &w->h->k->sched;
	for (unsigned p = 0; p < SCHED_PRIORITIES; p++) {
		bool bit = s->bitmap[p / 64] >> (p % 64) & 1;
		if (bit != (s->head[p] != NULL)) {
			fail(w, "run queue %u: bitmap says %d", p, bit);
			return;
		}
		unsigned steps = 0;
		for (const struct tcb *t = s->head[p]; t; t = t->sched_next) {
			if (++steps >= WALK_LIMIT || !in_ram(w, t, sizeof(*t))) {
				fail(w, "run queue %u broken", p);
				return;
			}
			if (t->state != THREAD_RUNNABLE || t->priority != p)
				fail(w, "run queue %u holds thread %lu in state %u, priority %u", p,
				     (unsigned long)t->id, t->state, t->priority);
		}
	}
}

bool kernel_invariants_hold(const struct host_kernel *h, char msg[INVARIANT_MSG_SIZE])
{
	struct walk w = { .h = h, .msg = msg };
	msg[0] = '\0';
	visit_dying(&w);
	visit_tcb(&w, h->init);
	w.tcbs.count[0] = 0;   /* reached as the root, not through a capability */
	/* Init's CNode too, even when no capability reaches it any more (Init's
	 * TCB deleted, its copy revoked): boot memory, never retyped, so at
	 * worst emptied.  Its capabilities still map what they map. */
	struct cap init_cnode = { .type = KOZO_OBJ_CNODE, .obj = (uintptr_t)h->cnode };
	cap_cnode_set_guard(&init_cnode, KOZO_INIT_CNODE_RADIX, 0, 0);
	visit_cnode(&w, &init_cnode);
	for (size_t i = 0; i < w.cnodes.n; i++)
		if (w.cnodes.ptr[i] == (const void *)h->cnode)
			w.cnodes.count[i]--;
	for (unsigned i = 0; i < IRQ_LINES; i++)
		check_slot(&w, &h->k->irq_ntfn[i]);
	/* CNodes found while walking join the list; slot 0 is the header. */
	for (size_t i = 0; i < w.n_todo; i++)
		for (size_t j = 1; j < (size_t)1 << w.todo_radix[i]; j++)
			check_slot(&w, &w.todo[i][j]);
	check_overlaps(&w);
	for (size_t i = 0; i < w.cnodes.n; i++) {
		const struct cnode_header *hd = w.cnodes.ptr[i];
		if (hd->refs < w.cnodes.count[i])
			fail(&w, "cnode: %u references but %u capabilities", hd->refs,
			     w.cnodes.count[i]);
	}
	for (size_t i = 0; i < w.tcbs.n; i++)
		check_tcb(&w, w.tcbs.ptr[i], w.tcbs.count[i]);
	for (size_t i = 0; i < w.endpoints.n; i++)
		check_endpoint(&w, w.endpoints.ptr[i], w.endpoints.count[i]);
	for (size_t i = 0; i < w.ntfns.n; i++)
		check_notification(&w, w.ntfns.ptr[i], w.ntfns.count[i]);
	check_run_queues(&w);
	check_address_spaces(&w);
	seen_free(&w.tables);
	seen_free(&w.vspaces);
	free(w.maps);
	check_irq_lines(&w);
	seen_free(&w.cnodes);
	seen_free(&w.tcbs);
	seen_free(&w.endpoints);
	seen_free(&w.ntfns);
	free(w.extents);
	free(w.todo);
	free(w.todo_radix);
	return !w.broken;
}
