/* Preemption points (kernel/core/preempt.h): Revoke, Delete of a CNode full
 * of capabilities, and Retype of a large object stop when the host
 * machine says an interrupt is pending, leave a consistent kernel (the
 * walker runs at the stops), and the same call again continues; the end
 * state is the one an unpreempted call reaches, other threads run in
 * between, and nothing half made is ever named by a capability. */
#include <stdio.h>
#include <string.h>
#include "kt.h"
#include "tests.h"
#include "invariants.h"
#include "preempt.h"

/* One invocation by t, repeated while it is preempted. */
struct call {
	struct tcb *t;
	word_t cptr, label;
	word_t mr[6];
	unsigned len;
	word_t caps[1];
	unsigned ncaps;
};

struct run {
	unsigned preempted;     /* HOST_PREEMPTED results */
	unsigned walks;         /* walker runs at stops */
	bool walker_ok;
	char why[INVARIANT_MSG_SIZE];
};

static word_t call_once(struct host_kernel *h, const struct call *c)
{
	return host_invoke(h, c->t, c->cptr, c->label, c->mr, c->len, c->caps, c->ncaps, NULL, 0);
}

/* Make the call until it is not preempted; at every walk_every-th stop the
 * walker runs and between(h, arg) (if any) lets something else happen. */
static word_t call_to_end(struct host_kernel *h, const struct call *c, struct run *r,
			  unsigned walk_every, void (*between)(struct host_kernel *, void *),
			  void *arg)
{
	r->walker_ok = true;
	for (;;) {
		word_t err = call_once(h, c);
		if (err != HOST_PREEMPTED)
			return err;
		r->preempted++;
		if (walk_every && r->preempted % walk_every == 0 && r->walker_ok) {
			r->walks++;
			r->walker_ok = kernel_invariants_hold(h, r->why);
		}
		if (between)
			between(h, arg);
		if (r->preempted > 1000000)
			return HOST_PREEMPTED;   /* no progress: fail, do not hang */
	}
}

static void check_run(const char *name, const struct run *r, unsigned min_stops)
{
	char label[96];
	snprintf(label, sizeof(label), "%s.walker_at_stops", name);
	if (!r->walker_ok) {
		check_true(false, label, r->why);
		return;
	}
	check_true(r->walks > 0, label, "walker ran");
	snprintf(label, sizeof(label), "%s.stopped_often", name);
	check_true(r->preempted >= min_stops, label, "enough preemptions");
}

/* ---- Revoke of 10,000 capabilities ---- */

#define REVOKE_CAPS 10000
#define BIG_RADIX 14            /* 16,384 slots: 1 MiB */

/* Relative view of a slot: pointers as offsets into RAM, so that two
 * kernels on two machines compare. */
struct slot_view {
	uint8_t type, rights;
	word_t obj, badge, parent, first_child, next, prev;
};

static word_t rel(const struct host_kernel *h, const void *p)
{
	return p ? (word_t)((const uint8_t *)p - h->m->ram) + 1 : 0;
}

static void view(const struct host_kernel *h, const struct slot *s, struct slot_view *v)
{
	memset(v, 0, sizeof(*v));   /* padding too: views are compared whole */
	v->type = s->cap.type;
	v->rights = s->cap.rights;
	v->obj = rel(h, (void *)s->cap.obj);
	v->badge = s->cap.type == KOZO_OBJ_ENDPOINT ? cap_badge(&s->cap) : 0;
	v->parent = rel(h, s->parent);
	v->first_child = rel(h, s->first_child);
	v->next = rel(h, s->next_sibling);
	v->prev = rel(h, s->prev_sibling);
}

struct revoke_setup {
	struct host_kernel h;
	word_t ep, big;         /* Init's slots: the endpoint, the big CNode */
	struct slot *slots;     /* the big CNode's slots */
};

/* An endpoint and REVOKE_CAPS copies of it in a big CNode, as a tree: copy
 * i is made from copy (i - 3) / 3 (the first three from the endpoint), so
 * there are children to lift at every level; every seventh is a Mint with
 * a badge, where its source has none. */
static bool revoke_setup(struct revoke_setup *s)
{
	if (!kt_boot(&s->h))
		return false;
	struct host_kernel *h = &s->h;
	s->ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	s->big = kt_new(h, KOZO_OBJ_CNODE, BIG_RADIX);
	if (!s->ep || !s->big)
		return false;
	s->slots = cnode_slots(&kt_slot(h, s->big)->cap);
	word_t big = s->big;
	for (word_t i = 0; i < REVOKE_CAPS; i++) {
		word_t src_root = i < 3 ? KOZO_CAP_INIT_CNODE : big;
		word_t src = i < 3 ? s->ep : 1 + (i - 3) / 3;
		word_t src_depth = i < 3 ? 64 : BIG_RADIX;
		const struct slot *from = i < 3 ? kt_slot(h, s->ep) : &s->slots[src];
		bool mint = i % 7 == 0 && cap_badge(&from->cap) == 0;
		word_t mr[6] = { 1 + i, BIG_RADIX, src, src_depth, KOZO_RIGHTS_ALL, 0x100 + i };
		if (host_invoke(h, h->init, big, mint ? KOZO_CNODE_MINT : KOZO_CNODE_COPY, mr,
				mint ? 6 : 5, &src_root, 1, NULL, 0) != KOZO_OK) {
			CHECK_ERR("revoke_setup_copy", 1, 0);
			return false;
		}
	}
	return true;
}

struct other_thread {
	struct tcb *t;
	word_t src, next_dst;
	unsigned copies;
};

/* Another thread at Init's priority runs between two stops: timer ticks
 * until the scheduler picks it, and it makes a Copy of its own. */
static void other_runs(struct host_kernel *h, void *arg)
{
	struct other_thread *o = arg;
	for (unsigned i = 0; i < SCHED_TIME_SLICE + 1 && h->k->current != o->t; i++)
		host_timer_tick(h);
	if (h->k->current != o->t || o->copies >= 32)
		return;
	word_t root = KOZO_CAP_INIT_CNODE;
	word_t mr[5] = { o->next_dst + o->copies, 64, o->src, 64, KOZO_RIGHTS_ALL };
	if (host_invoke(h, o->t, root, KOZO_CNODE_COPY, mr, 5, &root, 1, NULL, 0) == KOZO_OK)
		o->copies++;
}

/* Every slot of both big CNodes alike, as offsets into RAM. */
static bool same_big_cnodes(const struct revoke_setup *a, const struct revoke_setup *b)
{
	const struct cnode_header *ha = (const void *)a->slots, *hb = (const void *)b->slots;
	if (ha->refs != hb->refs || ha->dying || hb->dying)
		return false;
	for (word_t i = 1; i < ((word_t)1 << BIG_RADIX); i++) {
		struct slot_view va, vb;
		view(&a->h, &a->slots[i], &va);
		view(&b->h, &b->slots[i], &vb);
		if (memcmp(&va, &vb, sizeof(va)))
			return false;
	}
	return true;
}

static unsigned full_slots(const struct revoke_setup *s)
{
	unsigned n = 0;
	for (word_t i = 1; i < ((word_t)1 << BIG_RADIX); i++)
		n += !slot_empty(&s->slots[i]);
	return n;
}

void test_preempt_revoke_10000(void)
{
	struct revoke_setup a, b;
	bool ok_a = revoke_setup(&a), ok_b = ok_a && revoke_setup(&b);
	if (!ok_a || !ok_b) {
		kt_end(&a.h);
		if (ok_a)
			kt_end(&b.h);
		return;
	}
	CHECK("setup_alike", same_big_cnodes(&a, &b));
	/* b: another thread makes copies of an unrelated capability while
	 * b's Revokes are stopped. */
	struct other_thread o = { 0 };
	o.t = kt_spawn(&b.h, a.h.init->priority, NULL);
	o.src = kt_new(&b.h, KOZO_OBJ_NOTIFICATION, 0);
	o.next_dst = host_slot_alloc(&b.h, 32);

	/* First a third of the tree (copy 0 and its descendants), then all
	 * the rest (the endpoint's descendants): a with no interrupt ever
	 * pending, each in one entry; b with one pending at every third
	 * check. */
	static const word_t roots[2] = { 1, 0 };
	for (unsigned step = 0; step < 2; step++) {
		struct call ca = { a.h.init, step ? KOZO_CAP_INIT_CNODE : a.big, KOZO_CNODE_REVOKE,
				   { step ? a.ep : roots[step], step ? 64 : BIG_RADIX }, 2, { 0 }, 0 };
		struct call cb = { b.h.init, step ? KOZO_CAP_INIT_CNODE : b.big, KOZO_CNODE_REVOKE,
				   { step ? b.ep : roots[step], step ? 64 : BIG_RADIX }, 2, { 0 }, 0 };
		struct run ra = { 0 }, rb = { 0 };
		CHECK_ERR(step ? "all_unpreempted" : "third_unpreempted",
			  call_to_end(&a.h, &ca, &ra, 0, NULL, NULL), KOZO_OK);
		CHECK_EQ(step ? "all_unpreempted_in_one" : "third_unpreempted_in_one", ra.preempted, 0);
		b.h.m->preempt_every = 3;
		CHECK_ERR(step ? "all_preempted" : "third_preempted",
			  call_to_end(&b.h, &cb, &rb, 211, other_runs, &o), KOZO_OK);
		b.h.m->preempt_every = 0;
		check_run(step ? "revoke_all" : "revoke_third", &rb, step ? 400 : 100);
		CHECK(step ? "all_same_as_unpreempted" : "third_same_as_unpreempted",
		      same_big_cnodes(&a, &b));
		CHECK_EQ(step ? "all_endpoint_refs" : "third_endpoint_refs",
			 ((struct endpoint *)host_object(&b.h, b.ep))->refs,
			 ((struct endpoint *)host_object(&a.h, a.ep))->refs);
		if (step == 0)
			CHECK("third_left_two_thirds", full_slots(&b) > REVOKE_CAPS / 2 &&
							full_slots(&b) < REVOKE_CAPS - 3000);
	}
	CHECK_EQ("nothing_left", full_slots(&b), 0);
	CHECK("no_children_left", !kt_slot(&b.h, b.ep)->first_child);
	CHECK_EQ("endpoint_refs_1", ((struct endpoint *)host_object(&b.h, b.ep))->refs, 1);
	CHECK("other_thread_ran", o.copies > 0);
	kt_end(&a.h);
	kt_end(&b.h);
}

/* ---- Delete of a CNode full of capabilities ---- */

#define FULL_RADIX 12

/* A CNode of 2^FULL_RADIX slots, each but the header holding a copy of an
 * endpoint; returns its slot in Init's CNode. */
static word_t full_cnode(struct host_kernel *h, word_t *ep)
{
	*ep = kt_new(h, KOZO_OBJ_ENDPOINT, 0);
	word_t cn = kt_new(h, KOZO_OBJ_CNODE, FULL_RADIX);
	if (!*ep || !cn)
		return 0;
	word_t root = KOZO_CAP_INIT_CNODE;
	for (word_t i = 1; i < ((word_t)1 << FULL_RADIX); i++) {
		word_t mr[5] = { i, FULL_RADIX, *ep, 64, KOZO_RIGHTS_ALL };
		if (host_invoke(h, h->init, cn, KOZO_CNODE_COPY, mr, 5, &root, 1, NULL, 0) != KOZO_OK)
			return 0;
	}
	return cn;
}

void test_preempt_delete_full_cnode(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep, cn = full_cnode(&h, &ep);
	if (!KT_OK(cn ? KOZO_OK : KOZO_ERR_RANGE))
		return kt_end(&h);
	struct endpoint *e = host_object(&h, ep);
	CHECK_EQ("copies_made", e->refs, 1u << FULL_RADIX);
	struct cnode_header *hd = (struct cnode_header *)kt_slot(&h, cn)->cap.obj;

	/* Stop at the first check: the capability is gone (nobody can name
	 * the CNode any more), the CNode waits on the dying list. */
	h.m->preempt_every = 1;
	struct call c = { h.init, KOZO_CAP_INIT_CNODE, KOZO_CNODE_DELETE, { cn, 64 }, 2, { 0 }, 0 };
	CHECK_ERR("first_stop", call_once(&h, &c), HOST_PREEMPTED);
	CHECK("cap_gone_at_once", slot_empty(kt_slot(&h, cn)));
	CHECK("cnode_dying", h.k->dying == hd && hd->dying && hd->refs == 0);
	kt_check_invariants(&h, "walker_with_dying_cnode");

	/* The rest, stopping every second check; the endpoint's references
	 * only go down, and the walker holds at the stops. */
	h.m->preempt_every = 2;
	struct run r = { 0 };
	CHECK_ERR("delete_finishes", call_to_end(&h, &c, &r, 50, NULL, NULL), KOZO_OK);
	check_run("delete_full_cnode", &r, 100);
	h.m->preempt_every = 0;
	CHECK("nothing_dying", h.k->dying == NULL && !hd->dying);
	CHECK_EQ("copies_released", e->refs, 1);
	CHECK_EQ("preemptions_counted", h.k->stats.preemptions, r.preempted + 1);
	kt_end(&h);
}

/* A Delete stopped and never made again: the next invocation, whatever
 * it is, empties the dying CNode first, so a Retype cannot reuse its
 * memory while it still holds capabilities. */
void test_preempt_abandoned_delete(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ut = kt_new_untyped(&h, FULL_RADIX + KOZO_SLOT_SIZE_BITS);
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0);
	word_t cn = host_slot_alloc(&h, 1);
	if (!KT_OK(host_retype(&h, ut, KOZO_OBJ_CNODE, FULL_RADIX, cn, 1)))
		return kt_end(&h);
	word_t root = KOZO_CAP_INIT_CNODE;
	for (word_t i = 1; i < 64; i++) {
		word_t mr[5] = { i, FULL_RADIX, ep, 64, KOZO_RIGHTS_ALL };
		host_invoke(&h, h.init, cn, KOZO_CNODE_COPY, mr, 5, &root, 1, NULL, 0);
	}
	h.m->preempt_every = 1;
	word_t del[2] = { cn, 64 };
	CHECK_ERR("delete_stops", kt_invoke(&h, KOZO_CAP_INIT_CNODE, KOZO_CNODE_DELETE, del, 2, NULL, 0),
		  HOST_PREEMPTED);
	CHECK("untyped_childless", !kt_slot(&h, ut)->first_child);
	CHECK_EQ("untyped_reset", cap_untyped_watermark(&kt_slot(&h, ut)->cap), 0);
	/* A Retype from the very Untyped: it drains first (stopping too),
	 * then makes its object where the CNode was. */
	word_t dst = host_slot_alloc(&h, 1);
	struct call c = { h.init, ut, KOZO_UNTYPED_RETYPE, { KOZO_OBJ_ENDPOINT, 0, 0, 0, dst, 1 }, 6,
			  { KOZO_CAP_INIT_CNODE }, 1 };
	struct run r = { 0 };
	CHECK_ERR("retype_after_drain", call_to_end(&h, &c, &r, 1, NULL, NULL), KOZO_OK);
	check_run("abandoned_delete", &r, 5);
	h.m->preempt_every = 0;
	CHECK("drained", h.k->dying == NULL);
	CHECK_EQ("copies_released", ((struct endpoint *)host_object(&h, ep))->refs, 1);
	CHECK_EQ("endpoint_at_old_cnode", kt_slot(&h, dst)->cap.obj, kt_slot(&h, ut)->cap.obj);
	kt_end(&h);
}

/* ---- Retype of a large CNode ---- */

#define LARGE_RADIX 15          /* 2 MiB */

struct retype_watch {
	struct slot *dst, *ut;
	word_t watermark, zeroed;
	bool unseen, monotonic;
};

/* Between stops: no capability to the new CNode yet, the watermark
 * unchanged, the zeroing progress only growing. */
static void watch_retype(struct host_kernel *h, void *arg)
{
	(void)h;
	struct retype_watch *w = arg;
	w->unseen &= slot_empty(w->dst) && cap_untyped_watermark(&w->ut->cap) == w->watermark;
	w->monotonic &= cap_untyped_zeroed(&w->ut->cap) >= w->zeroed;
	w->zeroed = cap_untyped_zeroed(&w->ut->cap);
}

void test_preempt_retype_large(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	unsigned bits = LARGE_RADIX + KOZO_SLOT_SIZE_BITS;
	word_t ut = kt_new_untyped(&h, bits);
	word_t dst = host_slot_alloc(&h, 1);
	if (!ut || !dst)
		return kt_end(&h);
	struct slot *u = kt_slot(&h, ut);
	h.m->preempt_every = 1;
	struct retype_watch w = { kt_slot(&h, dst), u, 0, 0, true, true };
	struct call c = { h.init, ut, KOZO_UNTYPED_RETYPE, { KOZO_OBJ_CNODE, LARGE_RADIX, 0, 0, dst, 1 },
			  6, { KOZO_CAP_INIT_CNODE }, 1 };
	struct run r = { 0 };
	CHECK_ERR("retype_finishes", call_to_end(&h, &c, &r, 64, watch_retype, &w), KOZO_OK);
	h.m->preempt_every = 0;
	/* One 4 KiB chunk per entry when every check finds an interrupt. */
	CHECK_EQ("one_chunk_per_entry", r.preempted + 1, BIT(bits) / PREEMPT_ZERO_CHUNK);
	check_run("retype_large", &r, 100);
	CHECK("nothing_named_meanwhile", w.unseen);
	CHECK("zeroing_progress_grows", w.monotonic);
	CHECK("cnode_made", kt_slot(&h, dst)->cap.type == KOZO_OBJ_CNODE &&
			    kt_slot(&h, dst)->cap.obj == u->cap.obj);
	struct cnode_header *hd = (struct cnode_header *)u->cap.obj;
	CHECK("cnode_zeroed", hd->radix == LARGE_RADIX && hd->refs == 1 &&
			      kt_all_zero((uint8_t *)u->cap.obj + sizeof(*hd), BIT(bits) - sizeof(*hd)));
	CHECK_EQ("watermark", cap_untyped_watermark(&u->cap), BIT(bits));
	kt_end(&h);
}

/* Another Retype from the same Untyped between two stops of a large one:
 * it takes memory below the large one's, already zero, and the large one
 * resumes above it. */
void test_preempt_retype_interleaved(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	unsigned bits = 12 + KOZO_SLOT_SIZE_BITS;   /* a 256 KiB CNode */
	word_t ut = kt_new_untyped(&h, bits + 1);
	word_t big = host_slot_alloc(&h, 1), small = host_slot_alloc(&h, 1);
	struct slot *u = kt_slot(&h, ut);
	h.m->preempt_every = 1;
	struct call c = { h.init, ut, KOZO_UNTYPED_RETYPE, { KOZO_OBJ_CNODE, 12, 0, 0, big, 1 }, 6,
			  { KOZO_CAP_INIT_CNODE }, 1 };
	for (unsigned i = 0; i < 8; i++)
		CHECK_ERR("big_stops", call_once(&h, &c), HOST_PREEMPTED);
	word_t zeroed = cap_untyped_zeroed(&u->cap);
	CHECK_EQ("eight_chunks_zeroed", zeroed, 8 * PREEMPT_ZERO_CHUNK);
	h.m->preempt_every = 0;
	CHECK_ERR("small_between", host_retype(&h, ut, KOZO_OBJ_ENDPOINT, 0, small, 1), KOZO_OK);
	CHECK_EQ("small_at_base", kt_slot(&h, small)->cap.obj, u->cap.obj);
	CHECK_EQ("progress_kept", cap_untyped_zeroed(&u->cap), zeroed);
	kt_check_invariants(&h, "walker_between");
	h.m->preempt_every = 1;
	struct run r = { 0 };
	CHECK_ERR("big_finishes", call_to_end(&h, &c, &r, 16, NULL, NULL), KOZO_OK);
	h.m->preempt_every = 0;
	CHECK_EQ("big_aligned_above", kt_slot(&h, big)->cap.obj, u->cap.obj + BIT(bits));
	CHECK("big_zeroed", kt_all_zero((uint8_t *)kt_slot(&h, big)->cap.obj + 64, BIT(bits) - 64));
	kt_end(&h);
}

/* Debug capability: DEBUG_PREEMPTION switches the points off (figures
 * only) and the measuring on, and refuses other bits; DEBUG_STATS reports the
 * preemptions and the longest system call, and resets the latter. */
void test_preempt_debug_switch(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t ep;
	word_t cn = full_cnode(&h, &ep);
	word_t four = 4, off = 0;
	CHECK_ERR("bad_switch", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &four, 1, NULL, 0),
		  KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("switch_needs_mr", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, NULL, 0, NULL, 0),
		  KOZO_ERR_INVALID_ARGUMENT);
	CHECK_ERR("switch_off", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &off, 1, NULL, 0),
		  KOZO_OK);
	h.m->preempt_every = 1;
	CHECK_ERR("delete_in_one_entry", kt_delete(&h, cn), KOZO_OK);
	CHECK("emptied", h.k->dying == NULL);
	word_t on = KOZO_DEBUG_PREEMPT_ON | KOZO_DEBUG_PREEMPT_MEASURE;
	CHECK_ERR("switch_on", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &on, 1, NULL, 0),
		  KOZO_OK);
	h.m->preempt_every = 0;
	word_t ep2, cn2 = full_cnode(&h, &ep2);
	h.m->preempt_every = 1;
	CHECK_ERR("delete_stops", kt_delete(&h, cn2), HOST_PREEMPTED);
	h.m->preempt_every = 0;
	CHECK_ERR("delete_finishes", kt_delete(&h, cn2), KOZO_OK);
	word_t out[7] = { 0 };
	CHECK_ERR("stats", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0,
				       out, 7), KOZO_OK);
	CHECK_EQ("stats_preemptions", out[6], 1);
	CHECK("stats_longest_call", out[5] > 0);
	CHECK_ERR("stats_again", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0,
					     NULL, 0, out, 7), KOZO_OK);
	CHECK("longest_reset", out[5] < 10);
	kt_end(&h);
}

/* Delete stops while it lifts a capability's children (not only between
 * deletions), and while a dying CNode's empty slots are looked at: each is
 * work the budget counts.  The call made again finishes the job. */
void test_preempt_delete_lifts_and_empty_slots(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	enum { COPIES = 40 };   /* 40 lifts of 4 units: 160 > the budget of 64 */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), copies = host_slot_alloc(&h, COPIES);
	if (!ep || !copies)
		return kt_end(&h);
	struct slot *ut = kt_slot(&h, ep)->parent;
	bool copied = true;
	for (word_t i = 0; i < COPIES; i++)
		copied &= kt_copy(&h, copies + i, ep, KOZO_RIGHTS_ALL) == KOZO_OK;
	CHECK("copied", copied && kt_children(kt_slot(&h, ep)) == COPIES);
	h.m->preempt_every = 1;
	CHECK_ERR("delete_stops_lifting", kt_delete(&h, ep), HOST_PREEMPTED);
	CHECK("stopped_with_children_left", kt_slot(&h, ep)->cap.type == KOZO_OBJ_ENDPOINT &&
					    kt_children(kt_slot(&h, ep)) > 0 &&
					    kt_children(kt_slot(&h, ep)) < COPIES);
	unsigned stops = 1;
	word_t err;
	while ((err = kt_delete(&h, ep)) == HOST_PREEMPTED && stops < 1000)
		stops++;
	CHECK_ERR("delete_finishes", err, KOZO_OK);
	CHECK("stopped_again", stops >= 2);
	bool lifted = true;
	for (word_t i = 0; i < COPIES; i++)
		lifted &= kt_slot(&h, copies + i)->cap.type == KOZO_OBJ_ENDPOINT &&
			  kt_slot(&h, copies + i)->parent == ut;
	CHECK("copies_lifted_to_untyped", slot_empty(kt_slot(&h, ep)) && lifted);
	/* A CNode of 1024 empty slots: looking at them is work too. */
	h.m->preempt_every = 0;
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 10);
	h.m->preempt_every = 1;
	stops = 0;
	while ((err = kt_delete(&h, cn)) == HOST_PREEMPTED && stops < 1000)
		stops++;
	CHECK_ERR("empty_cnode_deleted", err, KOZO_OK);
	CHECK("empty_slots_stop", stops >= 1024 / PREEMPT_BUDGET / 2);
	CHECK("drained", h.k->dying == NULL);
	h.m->preempt_every = 0;
	kt_end(&h);
}

/* DEBUG_STATS' longest stretch (MR5) is kept only when asked for
 * (KOZO_DEBUG_PREEMPT_MEASURE): by default it stays 0, whatever ran. */
void test_preempt_measure_on_request(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	word_t cn = kt_new(&h, KOZO_OBJ_CNODE, 10), out[7] = { 0 };
	CHECK_ERR("delete_unmeasured", kt_delete(&h, cn), KOZO_OK);
	CHECK_ERR("stats", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0, out, 7),
		  KOZO_OK);
	CHECK_EQ("not_measured", out[5], 0);
	word_t on = KOZO_DEBUG_PREEMPT_ON | KOZO_DEBUG_PREEMPT_MEASURE;
	CHECK_ERR("measure_on", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &on, 1, NULL, 0), KOZO_OK);
	cn = kt_new(&h, KOZO_OBJ_CNODE, 10);
	CHECK_ERR("delete_measured", kt_delete(&h, cn), KOZO_OK);
	CHECK_ERR("stats_measured", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0,
						out, 7), KOZO_OK);
	CHECK("measured", out[5] > 0);
	/* A stretch is measured inside one call, from its entry to its exit:
	 * unmeasured work before it does not count.  The host's cycle counter
	 * counts preemption checks (kernel/arch/host/irq.c), so a Delete that
	 * checks once (16 lifts of 4 units) has stretches of 0 (entry to the
	 * check) and 1 (the check to the exit). */
	word_t ep = kt_new(&h, KOZO_OBJ_ENDPOINT, 0), kids = host_slot_alloc(&h, 16);
	bool made = ep && kids;
	for (word_t i = 0; i < 16 && made; i++)
		made &= kt_copy(&h, kids + i, ep, KOZO_RIGHTS_ALL) == KOZO_OK;
	CHECK("copies_made", made);
	word_t plain = KOZO_DEBUG_PREEMPT_ON;
	CHECK_ERR("measure_off", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &plain, 1, NULL, 0), KOZO_OK);
	CHECK_ERR("stats_reset", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0, out, 7),
		  KOZO_OK);
	cn = kt_new(&h, KOZO_OBJ_CNODE, 10);
	CHECK_ERR("unmeasured_work", kt_delete(&h, cn), KOZO_OK);
	CHECK_ERR("measure_on_again", kt_invoke(&h, KOZO_CAP_DEBUG, KOZO_DEBUG_PREEMPTION, &on, 1, NULL, 0), KOZO_OK);
	CHECK_ERR("delete_checking_once", kt_delete(&h, ep), KOZO_OK);
	CHECK_ERR("stats_of_one_call", host_invoke(&h, h.init, KOZO_CAP_DEBUG, KOZO_DEBUG_STATS, NULL, 0, NULL, 0,
						   out, 7), KOZO_OK);
	CHECK_EQ("entry_to_exit_only", out[5], 1);
	kt_end(&h);
}

/* An Untyped deleted while objects it made live: its children are lifted
 * to its parent, and at no stop is it left childless but not yet deleted
 * (the walker, run at every stop, holds a childless Untyped to watermark
 * 0).  Then: every call starts with a full budget (preempt.h), so a Delete
 * of less work than one budget is never stopped, whatever calls before it
 * did. */
void test_preempt_delete_untyped_and_budget(void)
{
	struct host_kernel h;
	if (!kt_boot(&h))
		return kt_end(&h);
	/* 32 lifts of 4 units: two budgets of 64, the second ending at the
	 * last lift, where the Untyped is childless: no stop may come there. */
	enum { OBJS = 32 };
	word_t ut = kt_new_untyped(&h, 14), eps = host_slot_alloc(&h, OBJS);
	if (!ut || !eps)
		return kt_end(&h);
	const word_t mk[6] = { KOZO_OBJ_ENDPOINT, 0, 0, 0, eps, OBJS }, cn[1] = { KOZO_CAP_INIT_CNODE };
	CHECK_ERR("retype_endpoints", kt_invoke(&h, ut, KOZO_UNTYPED_RETYPE, mk, 6, cn, 1), KOZO_OK);
	struct slot *parent = kt_slot(&h, ut)->parent;
	h.m->preempt_every = 1;
	unsigned stops = 0;
	bool walker_ok = true;
	char why[INVARIANT_MSG_SIZE] = "";
	word_t err;
	while ((err = kt_delete(&h, ut)) == HOST_PREEMPTED && stops < 1000) {
		stops++;
		if (walker_ok)
			walker_ok = kernel_invariants_hold(&h, why);
	}
	CHECK_ERR("untyped_deleted", err, KOZO_OK);
	CHECK("stopped", stops >= 1);
	check_true(walker_ok, "walker_at_stops", why);
	bool lifted = true;
	for (word_t i = 0; i < OBJS; i++)
		lifted &= kt_slot(&h, eps + i)->cap.type == KOZO_OBJ_ENDPOINT && kt_slot(&h, eps + i)->parent == parent;
	CHECK("endpoints_lifted", slot_empty(kt_slot(&h, ut)) && lifted);
	/* Three deletions of 16 units each, then a Delete with 5 lifts (20
	 * units) and a deletion (16): each call less than one budget. */
	h.m->preempt_every = 0;
	word_t leaves = host_slot_alloc(&h, 3), kids = host_slot_alloc(&h, 5);
	bool made = leaves && kids;
	for (word_t i = 0; i < 3 && made; i++)
		made &= kt_copy(&h, leaves + i, eps, KOZO_RIGHTS_ALL) == KOZO_OK;
	for (word_t i = 0; i < 5 && made; i++)
		made &= kt_copy(&h, kids + i, eps + 1, KOZO_RIGHTS_ALL) == KOZO_OK;
	CHECK("copies_made", made);
	h.m->preempt_every = 1;
	for (word_t i = 0; i < 3; i++)
		CHECK_ERR("small_delete_not_stopped", kt_delete(&h, leaves + i), KOZO_OK);
	CHECK_ERR("delete_with_5_children_not_stopped", kt_delete(&h, eps + 1), KOZO_OK);
	h.m->preempt_every = 0;
	kt_end(&h);
}
