/* Shared fixtures of the kernel tests (see kt.h). */
#include <stdio.h>
#include <string.h>
#include "kt.h"
#include "invariants.h"

bool kt_boot(struct host_kernel *h)
{
	word_t err = host_kernel_boot(h, NULL);
	if (err != KOZO_OK)
		return CHECK_ERR("boot", err, KOZO_OK);
	return true;
}

void kt_end(struct host_kernel *h)
{
	char why[160] = "";
	if (h->m) {
		if (!CHECK_EQ("no_panic", h->m->panics, 0))
			printf("  panic message: %s\n", h->m->panic_msg);
		if (!h->dead) {
			check_true(kt_cdt_consistent(h, why, sizeof(why)), "cdt_consistent", why);
			kt_check_invariants(h, "invariants");
		}
	}
	host_kernel_free(h);
}

bool kt_check_invariants(struct host_kernel *h, const char *name)
{
	char msg[INVARIANT_MSG_SIZE] = "";
	return check_true(kernel_invariants_hold(h, msg), name, msg);
}

bool kt_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static word_t cnode_op(struct host_kernel *h, word_t label, const word_t *mr, unsigned len,
		       bool with_cap)
{
	const word_t caps[1] = { KOZO_CAP_INIT_CNODE };
	return host_invoke(h, h->init, KOZO_CAP_INIT_CNODE, label, mr, len, caps, with_cap, NULL, 0);
}

word_t kt_copy(struct host_kernel *h, word_t dst, word_t src, unsigned rights)
{
	const word_t mr[5] = { dst, 64, src, 64, rights };
	return cnode_op(h, KOZO_CNODE_COPY, mr, 5, true);
}

word_t kt_mint(struct host_kernel *h, word_t dst, word_t src, unsigned rights, word_t badge)
{
	const word_t mr[6] = { dst, 64, src, 64, rights, badge };
	return cnode_op(h, KOZO_CNODE_MINT, mr, 6, true);
}

word_t kt_move(struct host_kernel *h, word_t dst, word_t src)
{
	const word_t mr[4] = { dst, 64, src, 64 };
	return cnode_op(h, KOZO_CNODE_MOVE, mr, 4, true);
}

word_t kt_delete(struct host_kernel *h, word_t slot)
{
	const word_t mr[2] = { slot, 64 };
	return cnode_op(h, KOZO_CNODE_DELETE, mr, 2, false);
}

word_t kt_revoke(struct host_kernel *h, word_t slot)
{
	const word_t mr[2] = { slot, 64 };
	return cnode_op(h, KOZO_CNODE_REVOKE, mr, 2, false);
}

word_t kt_invoke(struct host_kernel *h, word_t cptr, word_t label, const word_t *mr, unsigned len,
		 const word_t *caps, unsigned ncaps)
{
	return host_invoke(h, h->init, cptr, label, mr, len, caps, ncaps, NULL, 0);
}

void kt_receive_slot(struct tcb *rx, word_t cnode, word_t index, word_t depth)
{
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(rx);
	b->receive_cnode = cnode;
	b->receive_index = index;
	b->receive_depth = depth;
}

static word_t new_from(struct host_kernel *h, word_t ut, unsigned type, unsigned size_bits)
{
	word_t slot = host_slot_alloc(h, 1);
	word_t err = host_retype(h, ut, type, size_bits, slot, 1);
	if (!slot || err) {
		CHECK_ERR("fixture_retype", err, KOZO_OK);
		return 0;
	}
	return slot;
}

word_t kt_new(struct host_kernel *h, unsigned type, unsigned size_bits)
{
	return new_from(h, h->untyped, type, size_bits);
}

word_t kt_new_untyped(struct host_kernel *h, unsigned bits)
{
	return new_from(h, h->untyped, KOZO_OBJ_UNTYPED, bits);
}

struct tcb *kt_spawn(struct host_kernel *h, unsigned prio, word_t *slot)
{
	struct tcb *t = NULL;
	word_t err = host_spawn(h, prio, slot, &t);
	if (err != KOZO_OK || !t) {
		CHECK_ERR("fixture_spawn", err, KOZO_OK);
		return NULL;
	}
	return t;
}

struct tcb *kt_boot_spawn(struct host_kernel *h, unsigned prio, word_t *slot)
{
	return kt_boot(h) ? kt_spawn(h, prio, slot) : NULL;
}

bool kt_recv_blocks(struct host_kernel *h, struct tcb *t, word_t cptr)
{
	word_t err = host_syscall(h, t, KOZO_SYS_RECV, cptr, 0, NULL, NULL);
	if (!t || (t->state != THREAD_BLOCKED_RECV && t->state != THREAD_BLOCKED_NTFN)) {
		char detail[160];
		snprintf(detail, sizeof(detail), "Recv on %#lx did not block (error register %#lx)",
			 (unsigned long)cptr, (unsigned long)err);
		check_fail("fixture_recv_blocks", detail);
		return false;
	}
	return true;
}

bool kt_ok(word_t err, const char *expr, const char *file, int line)
{
	if (err == KOZO_OK)
		return true;
	char name[200];
	snprintf(name, sizeof(name), "setup(%s:%d)", file, line);
	check_err(name, err, KOZO_OK);
	printf("  in: %s\n", expr);
	return false;
}

word_t kt_sys(const char *file, int line, struct host_kernel *h, struct tcb *t, word_t sysno, word_t cptr,
	      word_t info, const word_t *mr, struct host_regs *out)
{
	word_t err = host_syscall(h, t, sysno, cptr, info, mr, out);
	bool blocked = t && t->state != THREAD_RUNNABLE;
	if (err == HOST_PANICKED || err == HOST_NOT_RUNNABLE || (!blocked && err != KOZO_OK)) {
		char name[200];
		snprintf(name, sizeof(name), "syscall(%s:%d)", file, line);
		check_err(name, err, KOZO_OK);
	}
	return err;
}

word_t kt_pte(word_t *root, word_t vaddr)
{
	word_t *table = root;
	for (unsigned l = 0; l < 4; l++) {
		word_t e = table[(vaddr >> (KOZO_PAGE_SIZE_BITS + 9 * (3 - l))) & 511];
		if (l == 3 || !arch_pte_present(e))
			return l == 3 ? e : 0;
		table = arch_phys_to_kernel(arch_pte_addr(e));
	}
	return 0;
}

bool kt_is_child(const struct slot *parent, const struct slot *child)
{
	for (const struct slot *c = parent->first_child; c; c = c->next_sibling)
		if (c == child)
			return child->parent == parent;
	return false;
}

unsigned kt_children(const struct slot *s)
{
	unsigned n = 0;
	for (const struct slot *c = s->first_child; c; c = c->next_sibling)
		n++;
	return n;
}

/* The links of one slot agree with its neighbours'. */
static bool slot_links_ok(const struct slot *s, word_t index, char *why, size_t size)
{
	if (slot_empty(s)) {
		if (s->parent || s->first_child || s->next_sibling || s->prev_sibling) {
			snprintf(why, size, "empty slot %lu has links", (unsigned long)index);
			return false;
		}
		return true;
	}
	if (s->parent && !kt_is_child(s->parent, s)) {
		snprintf(why, size, "slot %lu not among its parent's children", (unsigned long)index);
		return false;
	}
	if (!s->parent && s->prev_sibling) {
		snprintf(why, size, "root slot %lu has a previous sibling", (unsigned long)index);
		return false;
	}
	const struct slot *prev = NULL;
	unsigned n = 0;
	for (const struct slot *c = s->first_child; c; c = c->next_sibling) {
		if (c->parent != s || c->prev_sibling != prev || slot_empty(c) || ++n > 100000) {
			snprintf(why, size, "child list of slot %lu broken at child %u",
				 (unsigned long)index, n);
			return false;
		}
		prev = c;
	}
	return true;
}

bool kt_cdt_consistent(const struct host_kernel *h, char *why, size_t why_size)
{
	for (word_t i = 1; i < BIT(KOZO_INIT_CNODE_RADIX); i++)
		if (!slot_links_ok(&h->cnode[i], i, why, why_size))
			return false;
	for (unsigned i = 0; i < TCB_SLOTS; i++)
		if (!slot_links_ok(&h->init->slots[i], 10000 + i, why, why_size))
			return false;
	return true;
}

/* Is v a pointer into h's machine memory or its struct kernel?  Its
 * offset (with bit 62 for the latter) goes to *off. */
static bool kt_relocatable(const struct host_kernel *h, word_t v, word_t *off)
{
	word_t ram = (word_t)h->m->ram, k = (word_t)h->k;
	if (v >= ram && v < ram + h->m->ram_size) {
		*off = v - ram;
		return true;
	}
	if (v >= k && v < k + sizeof(*h->k)) {
		*off = (v - k) | (1ull << 62);
		return true;
	}
	return false;
}

static bool kt_same_word(const struct host_kernel *a, const struct host_kernel *b, word_t x, word_t y)
{
	word_t ox, oy;
	return x == y || (kt_relocatable(a, x, &ox) && kt_relocatable(b, y, &oy) && ox == oy);
}

bool kt_same_state(const struct host_kernel *a, const struct host_kernel *b, char *why, size_t why_size)
{
	if (a->m->ram_size != b->m->ram_size) {
		snprintf(why, why_size, "memory sizes differ");
		return false;
	}
	if (!kt_same_word(a, b, (word_t)a->k->current, (word_t)b->k->current)) {
		snprintf(why, why_size, "thread %lu runs, not %lu",
			 a->k->current ? (unsigned long)a->k->current->id : 0ul,
			 b->k->current ? (unsigned long)b->k->current->id : 0ul);
		return false;
	}
	for (unsigned p = 0; p < SCHED_PRIORITIES; p++)
		if (!kt_same_word(a, b, (word_t)a->k->sched.head[p], (word_t)b->k->sched.head[p]) ||
		    !kt_same_word(a, b, (word_t)a->k->sched.tail[p], (word_t)b->k->sched.tail[p])) {
			snprintf(why, why_size, "run queue %u differs", p);
			return false;
		}
	const word_t *ra = (const word_t *)a->m->ram, *rb = (const word_t *)b->m->ram;
	for (size_t i = 0; i < a->m->ram_size / sizeof(word_t); i++)
		if (!kt_same_word(a, b, ra[i], rb[i])) {
			snprintf(why, why_size, "memory at %#zx: %#lx, not %#lx", i * sizeof(word_t),
				 (unsigned long)ra[i], (unsigned long)rb[i]);
			return false;
		}
	if (strcmp(a->m->console, b->m->console) != 0) {
		snprintf(why, why_size, "console output differs");
		return false;
	}
	return true;
}
