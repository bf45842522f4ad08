/* spawn: build a process from an ELF image (spawn.h). */
#include "spawn.h"
#include "elf.h"
#include "invoke.h"
#include "string.h"
#include <thread_arch.h>

#define PAGE KOZO_PAGE_SIZE
#define MAX_TABLES 16

/* Page tables made so far for one VSpace: the vaddr >> shift of each. */
struct tables {
	uint64_t key[3][MAX_TABLES];
	unsigned n[3];
};

static const unsigned table_type[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
static const unsigned table_shift[3] = { 39, 30, 21 };

/* The startup page as build() fills it, copied into the process's frame. */
static struct kozo_startup startup;

struct build {
	struct kozo_spawner *sp;
	struct kozo_ut_alloc ua;       /* the slice */
	struct kozo_process *p;
	uint64_t vspace;                /* parent's cptr while building */
	uint64_t next_slot;             /* next image slot in the child's CNode */
	uint64_t slot_end;
	struct tables t;
	const char *why;
};

#define TRY(what, expr)                  \
	do {                             \
		int err_ = (expr);       \
		if (err_) {              \
			b->why = (what); \
			return err_;     \
		}                        \
	} while (0)

/* The parent slots holding the process's objects (freed by the revoke). */
static void hold(struct kozo_process *p, uint64_t s)
{
	if (p->nheld < KOZO_PROCESS_MAX_HELD)
		p->held[p->nheld++] = s;
}

static void unhold(struct build *b, uint64_t s)
{
	struct kozo_process *p = b->p;
	for (unsigned i = 0; i < p->nheld; i++)
		if (p->held[i] == s)
			p->held[i] = p->held[--p->nheld];
	kozo_cspace_mark(b->sp->cs, s, false);
}

/* Move a capability from the parent's slot into the child's next image
 * slot. */
static int keep_in_child(struct build *b, uint64_t parent_slot)
{
	if (b->next_slot >= b->slot_end)
		return KOZO_ERR_RANGE;
	int err = kozo_cnode_move(b->p->cnode, b->next_slot, b->p->radix, b->sp->cs->root,
				  parent_slot, b->sp->cs->depth);
	if (err)
		return err;
	kozo_cspace_mark(b->sp->cs, parent_slot, false);
	b->next_slot++;
	return KOZO_OK;
}

static int ensure_tables(struct build *b, uint64_t vaddr)
{
	for (unsigned l = 0; l < 3; l++) {
		uint64_t key = vaddr >> table_shift[l];
		bool have = false;
		for (unsigned i = 0; i < b->t.n[l]; i++)
			have = have || b->t.key[l][i] == key;
		if (have)
			continue;
		if (b->t.n[l] == MAX_TABLES)
			return KOZO_ERR_RANGE;
		uint64_t s;
		TRY("page table", kozo_ut_retype(&b->ua, table_type[l], 0, &s));
		int err = kozo_page_table_map(s, b->vspace, vaddr);
		if (!err)
			err = keep_in_child(b, s);
		if (err) {
			kozo_cspace_delete(b->sp->cs, s);
			b->why = "map page table";
			return err;
		}
		b->t.key[l][b->t.n[l]++] = key;
	}
	return KOZO_OK;
}

/* A fresh frame filled with len bytes of src (the rest zero) and mapped at
 * vaddr in the child.  *slot (optional) gets the parent slot before it
 * moves: it is then moved to `dest` (0: the next image slot). */
static int place_frame(struct build *b, uint64_t vaddr, const void *src, size_t len,
		       unsigned rights, bool exec, unsigned dest, uint64_t *keep)
{
	uint64_t f;
	uint64_t scratch = b->sp->scratch;
	TRY("frame", kozo_ut_retype(&b->ua, KOZO_OBJ_FRAME, 0, &f));
	b->why = "map frame to fill it";
	int err = kozo_frame_map(f, b->sp->vspace, scratch, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE,
				 false);
	if (!err) {
		/* Fresh frames are zeroed by the kernel. */
		if (len)
			memcpy((void *)scratch, src, len);
		err = kozo_frame_unmap(f);
	}
	if (!err)
		err = ensure_tables(b, vaddr);
	if (!err) {
		b->why = "map frame";
		err = kozo_frame_map(f, b->vspace, vaddr, rights, exec);
	}
	if (!err && keep) {
		*keep = f;
		b->p->frames++;
		return KOZO_OK;
	}
	if (!err && dest)
		err = kozo_cnode_move(b->p->cnode, dest, b->p->radix, b->sp->cs->root, f,
				      b->sp->cs->depth);
	else if (!err)
		err = keep_in_child(b, f);
	if (err) {
		kozo_cspace_delete(b->sp->cs, f);
		return err;
	}
	b->why = NULL;
	if (dest)
		kozo_cspace_mark(b->sp->cs, f, false);
	b->p->frames++;
	return KOZO_OK;
}

static int load_image(struct build *b, const struct kozo_elf *e)
{
	for (unsigned i = 0; i < e->nsegments; i++) {
		const struct kozo_elf_segment *s = &e->seg[i];
		unsigned rights = KOZO_RIGHT_READ | (s->flags & 2 ? KOZO_RIGHT_WRITE : 0);
		for (uint64_t off = 0; off < s->memsz; off += PAGE) {
			size_t len = off < s->filesz ? (size_t)(s->filesz - off) : 0;
			if (len > PAGE)
				len = PAGE;
			int err = place_frame(b, s->vaddr + off, s->data + off, len, rights,
					      s->flags & 1, 0, NULL);
			if (err)
				return err;
		}
	}
	return KOZO_OK;
}

/* Copy or mint a capability of the parent into the child's slot. */
static int grant(struct build *b, const struct kozo_grant *g)
{
	struct kozo_cspace *cs = b->sp->cs;
	if (g->mint)
		return kozo_cnode_mint(b->p->cnode, g->dest, b->p->radix, cs->root, g->src,
				       cs->depth, g->rights, g->badge);
	return kozo_cnode_copy(b->p->cnode, g->dest, b->p->radix, cs->root, g->src, cs->depth,
			       g->rights);
}

int kozo_scratch_init(struct kozo_spawner *sp, struct kozo_ut_alloc *ua, uint64_t vaddr)
{
	sp->scratch = vaddr;
	for (unsigned l = 0; l < 3; l++) {
		uint64_t s;
		int err = kozo_ut_retype(ua, table_type[l], 0, &s);
		if (err)
			return err;
		err = kozo_page_table_map(s, sp->vspace, vaddr);
		if (err == KOZO_ERR_DELETE_FIRST) {
			/* Present already (a higher level Init's image uses). */
			kozo_cspace_delete(sp->cs, s);
			continue;
		}
		if (err)
			return err;
	}
	return KOZO_OK;
}

static int build(struct build *b, const struct kozo_spawn_args *a, uint64_t *caps_out)
{
	struct kozo_cspace *cs = b->sp->cs;
	struct kozo_process *p = b->p;
	struct kozo_elf e;
	const char *bad = kozo_elf_parse(a->image, a->image_size, &e);
	if (bad) {
		b->why = bad;
		return KOZO_ERR_INVALID_ARGUMENT;
	}
	p->entry = e.entry;
	uint64_t caps = 0;
	uint64_t cnode, guarded, vspace, tcb, ipc = 0;
	TRY("cnode", kozo_ut_retype(&b->ua, KOZO_OBJ_CNODE, a->cnode_radix, &cnode));
	p->cnode = cnode;
	hold(p, cnode);
	p->radix = a->cnode_radix;
	b->next_slot = KOZO_PROC_FIRST_FREE;
	b->slot_end = 1ull << a->cnode_radix;
	TRY("vspace", kozo_ut_retype(&b->ua, KOZO_OBJ_VSPACE, 0, &vspace));
	b->vspace = vspace;
	hold(p, vspace);
	TRY("tcb", kozo_ut_retype(&b->ua, KOZO_OBJ_TCB, 0, &tcb));
	p->tcb = tcb;
	hold(p, tcb);
	guarded = kozo_cspace_alloc(cs, 1);
	if (!guarded) {
		b->why = "parent slots";
		return KOZO_ERR_RANGE;
	}
	hold(p, guarded);
	TRY("guarded cnode", kozo_cnode_mint(cs->root, guarded, cs->depth, cs->root, cnode,
					     cs->depth, KOZO_RIGHTS_ALL, 64 - a->cnode_radix));

	TRY("load image", load_image(b, &e));
	/* Stack, then the IPC buffer frame with the first buffer's own
	 * address in its user_data word (the thread pointer names it). */
	for (unsigned i = 1; i <= KOZO_PROC_STACK_PAGES; i++)
		TRY("stack", place_frame(b, KOZO_PROC_STACK_TOP - i * PAGE, 0, 0,
					 KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false, 0, NULL));
	{
		static struct kozo_ipc_buffer first;
		memset(&first, 0, sizeof(first));
		first.user_data = KOZO_PROC_IPC_ADDR;
		TRY("ipc buffer", place_frame(b, KOZO_PROC_IPC_ADDR, &first, sizeof(first),
					      KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false, 0, &ipc));
		hold(p, ipc);
	}
	if (a->device_frame) {
		TRY("device tables", ensure_tables(b, KOZO_PROC_DEVICE_ADDR));
		TRY("map device", kozo_frame_map(a->device_frame, vspace, KOZO_PROC_DEVICE_ADDR,
						 KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false));
		TRY("device frame", kozo_cnode_move(cnode, KOZO_PROC_DEVICE, a->cnode_radix,
						    cs->root, a->device_frame, cs->depth));
		kozo_cspace_mark(cs, a->device_frame, false);
		caps |= 1ull << KOZO_PROC_DEVICE;
	}
	for (unsigned i = 0; i < a->ngrants; i++) {
		TRY("grant", grant(b, &a->grants[i]));
		caps |= 1ull << a->grants[i].dest;
	}
	if (a->ntfn) {
		TRY("bind notification", kozo_tcb_bind_notification(tcb, a->ntfn));
		/* Read: to wait on or poll it; the bound thread has no need to
		 * signal itself. */
		TRY("grant notification", kozo_cnode_copy(cnode, KOZO_PROC_NTFN, a->cnode_radix,
							  cs->root, a->ntfn, cs->depth, KOZO_RIGHT_READ));
		caps |= 1ull << KOZO_PROC_NTFN;
	}
	/* The budget, after the image slots. */
	struct kozo_startup *st = &startup;
	memset(st, 0, sizeof(*st));
	st->untyped.start = b->next_slot + 1; /* +1: the startup frame's slot */
	for (unsigned i = 0; i < a->nbudget && i < KOZO_STARTUP_MAX_UNTYPED; i++) {
		uint64_t dest = st->untyped.start + i;
		if (dest >= b->slot_end) {
			b->why = "cnode too small for the budget";
			return KOZO_ERR_RANGE;
		}
		TRY("budget", kozo_untyped_retype(a->budget[i].src, KOZO_OBJ_UNTYPED,
						  a->budget[i].size_bits, cnode, 0, 0, dest, 1));
		st->untyped_list[i] = (struct kozo_untyped_desc){
			.paddr = a->budget[i].paddr, .size_bits = (uint8_t)a->budget[i].size_bits
		};
		st->untyped_count++;
	}
	st->untyped.end = st->untyped.start + st->untyped_count;
	TRY("configure tcb", kozo_tcb_configure(tcb, a->fault_ep, a->priority, guarded, vspace,
						KOZO_PROC_IPC_ADDR, ipc));
	TRY("own ipc frame", kozo_cnode_move(cnode, KOZO_PROC_IPC_FRAME, a->cnode_radix, cs->root,
					     ipc, cs->depth));
	unhold(b, ipc);

	st->magic = KOZO_STARTUP_MAGIC;
	st->pid = a->pid;
	for (unsigned i = 0; a->name[i] && i + 1 < sizeof(st->name); i++)
		st->name[i] = a->name[i];
	st->cnode_radix = a->cnode_radix;
	st->priority = a->priority;
	st->image.start = KOZO_PROC_FIRST_FREE;
	st->image.end = b->next_slot + 1; /* and the startup frame's */
	p->image_end = st->image.end;
	st->empty.start = st->untyped.end;
	st->empty.end = b->slot_end;
	st->device_paddr = a->device_frame ? a->device_paddr : 0;
	for (unsigned i = 0; i < 4; i++)
		st->arg[i] = a->arg[i];
	caps |= 1ull << KOZO_PROC_TCB | 1ull << KOZO_PROC_CNODE | 1ull << KOZO_PROC_VSPACE |
		1ull << KOZO_PROC_IPC_FRAME;
	st->caps = caps;
	*caps_out = caps;
	TRY("startup page", place_frame(b, KOZO_PROC_STARTUP_ADDR, st, sizeof(*st),
					KOZO_RIGHT_READ, false, 0, NULL));

	/* Its own TCB, CSpace root and VSpace. */
	TRY("own tcb", kozo_cnode_copy(cnode, KOZO_PROC_TCB, a->cnode_radix, cs->root, tcb,
				       cs->depth, KOZO_RIGHTS_ALL));
	TRY("own cnode", kozo_cnode_move(cnode, KOZO_PROC_CNODE, a->cnode_radix, cs->root,
					 guarded, cs->depth));
	unhold(b, guarded);
	TRY("own vspace", kozo_cnode_move(cnode, KOZO_PROC_VSPACE, a->cnode_radix, cs->root,
					  vspace, cs->depth));
	unhold(b, vspace);
	return KOZO_OK;
}

int kozo_spawn(struct kozo_spawner *sp, uint64_t slice, const struct kozo_spawn_args *a,
	       struct kozo_process *p, const char **why)
{
	static struct build bb;
	struct build *b = &bb;
	memset(b, 0, sizeof(*b));
	memset(p, 0, sizeof(*p));
	b->sp = sp;
	b->p = p;
	p->slice = slice;
	kozo_ut_init(&b->ua, sp->cs);
	kozo_ut_add(&b->ua, slice);
	uint64_t caps = 0;
	int err = a->cnode_radix < 6 || a->cnode_radix > 15 ? KOZO_ERR_INVALID_ARGUMENT : KOZO_OK;
	if (err)
		b->why = "cnode radix";
	if (!err)
		err = build(b, a, &caps);
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	if (!err) {
		kozo_arch_thread_regs(regs, p->entry, KOZO_PROC_STACK_TOP - 8, KOZO_PROC_STARTUP_ADDR,
				      KOZO_PROC_IPC_ADDR);
		b->why = "start";
		err = kozo_tcb_write_registers(p->tcb, !a->suspended, KOZO_ARCH_REG_COUNT, regs);
	}
	if (err) {
		*why = b->why ? b->why : "?";
		kozo_process_destroy(sp, p);
	}
	return err;
}

int kozo_process_caps(struct kozo_spawner *sp, const struct kozo_process *p,
		      struct kozo_process_caps *out)
{
	struct kozo_cspace *cs = sp->cs;
	uint64_t scratch = kozo_cspace_alloc(cs, 1);
	if (!scratch)
		return KOZO_ERR_RANGE;
	memset(out, 0, sizeof(*out));
	for (uint64_t s = 1; s < (1ull << p->radix); s++) {
		int err = kozo_cnode_copy(cs->root, scratch, cs->depth, p->cnode, s, p->radix,
					  KOZO_RIGHTS_ALL);
		uint64_t first, last;
		if (err == KOZO_OK && s == KOZO_PROC_IOPORT &&
		    kozo_ioport_range(scratch, &first, &last) == KOZO_OK)
			out->known |= KOZO_IOPORT_RANGE(first, last) << 32;
		if (err == KOZO_OK)
			kozo_cnode_delete(cs->root, scratch, cs->depth);
		else if (err != KOZO_ERR_ILLEGAL_OPERATION)
			continue; /* empty */
		if (s < KOZO_PROC_FIRST_FREE)
			out->known |= 1ull << s;
		else if (err == KOZO_ERR_ILLEGAL_OPERATION)
			out->untyped++;
		else if (s < p->image_end)
			out->image++;
		else
			out->other++;
	}
	kozo_cspace_mark(cs, scratch, false);
	return KOZO_OK;
}

int kozo_process_destroy(struct kozo_spawner *sp, struct kozo_process *p)
{
	if (p->tcb)
		kozo_tcb_suspend(p->tcb);
	int err = kozo_cnode_revoke(sp->cs->root, p->slice, sp->cs->depth);
	/* The parent's slots that held slice objects are empty now. */
	if (!err) {
		for (unsigned i = 0; i < p->nheld; i++)
			kozo_cspace_mark(sp->cs, p->held[i], false);
		p->nheld = 0;
		p->tcb = p->cnode = 0;
	}
	return err;
}

const char *kozo_fault_name(uint64_t label)
{
	switch (label) {
	case KOZO_FAULT_VM: return "VM fault";
	case KOZO_FAULT_USER_EXCEPTION: return "exception";
	case KOZO_FAULT_UNKNOWN_SYSCALL: return "unknown syscall";
	case KOZO_FAULT_CAP: return "capability fault";
	default: return "fault";
	}
}
