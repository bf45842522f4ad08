/* fuzz/ipc's address-space operations (issue 12), included by fuzz_ipc.c
 * after its helpers (next, pick_cptr, traced...), and reached through the
 * opcodes VSPACE_OP_FIRST and up.  They make VSpaces and page tables of
 * every level, map and unmap Frames and tables at addresses chosen among a
 * few that collide often (and any at all), set a thread's VSpace and IPC
 * buffer to any capability, and let threads touch addresses, which fills
 * the host port's modelled TLB (machine.h).  Copies, Delete, Revoke and
 * Retype of these capabilities come from fuzz_ipc.c's own operations, and
 * ASID reuse from deleting VSpaces and making new ones.  The isolation
 * invariant (invariants.h) is checked after every step.
 *
 * Operation bytes, after the opcode and thread bytes:
 *   NEW      type, untyped choice, work slot
 *   SMALL_UT size, work slot               (4-16 KiB Untyped: memory reuse)
 *   MAP_PT   cptr, vspace, vaddr
 *   MAP_FR   cptr, vspace, vaddr, rights, exec
 *   UNMAP    cptr, which label
 *   TOUCH    vspace choice, vaddr
 *   CONFIG   target thread, vspace, frame, buffer offset, rights (0x10
 *            clear: configure a copy of the frame with these rights)
 *   COPY     as fuzz_ipc.c's Copy (mint when the opcode's low bit is set) */

#define VSPACE_OP_FIRST 0xf0    /* opcodes 0xf0..0xff */
#define VSPACE_VA_BASE 0x100000000000ull

/* Mostly a few addresses that share tables: 8 pages in 4 L3 ranges in 2 L2
 * ranges in 4 L1 ranges; sometimes any word (kernel half, misaligned). */
static word_t pick_vaddr(struct program *p)
{
	uint8_t b = next(p);
	if (b >= 0xf0)
		return next_word(p);
	return VSPACE_VA_BASE + ((word_t)(b & 7) << 12) + ((word_t)((b >> 3) & 3) << 21) +
	       ((word_t)((b >> 5) & 1) << 30) + ((word_t)((b >> 6) & 3) << 39);
}

static word_t pick_vspace(struct program *p)
{
	return next(p) & 1 ? KOZO_CAP_INIT_VSPACE : pick_cptr(p);
}

static void op_vs_new(struct program *p, struct tcb *t)
{
	static const word_t types[] = { KOZO_OBJ_VSPACE, KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2,
					KOZO_OBJ_PT_L3, KOZO_OBJ_FRAME };
	word_t type = types[next(p) % 5], ut = next(p) & 1 ? p->h.untyped : pick_cptr(p);
	word_t mr[6] = { type, 0, 0, 0, p->work + next(p) % WORK_SLOTS, 1 };
	word_t root = KOZO_CAP_INIT_CNODE;
	traced("vs-new", ut, host_invoke(&p->h, t, ut, KOZO_UNTYPED_RETYPE, mr, 6, &root, 1, NULL, 0));
}

static void op_vs_small_untyped(struct program *p, struct tcb *t)
{
	word_t mr[6] = { KOZO_OBJ_UNTYPED, KOZO_PAGE_SIZE_BITS + next(p) % 3, 0, 0,
			 p->work + next(p) % WORK_SLOTS, 1 };
	word_t root = KOZO_CAP_INIT_CNODE;
	traced("small-ut", p->h.untyped, host_invoke(&p->h, t, p->h.untyped, KOZO_UNTYPED_RETYPE,
						      mr, 6, &root, 1, NULL, 0));
}

static void op_vs_map(struct program *p, struct tcb *t, bool frame)
{
	word_t cptr = pick_cptr(p), vspace = pick_vspace(p);
	word_t mr[3] = { pick_vaddr(p), 0, 0 };
	if (frame) {
		mr[1] = next(p) & KOZO_RIGHTS_ALL;
		mr[2] = next(p) & 1;
	}
	traced(frame ? "map-frame" : "map-table", cptr,
	       host_invoke(&p->h, t, cptr, frame ? KOZO_FRAME_MAP : KOZO_PAGE_TABLE_MAP, mr,
			   frame ? 3 : 1, &vspace, 1, NULL, 0));
}

static void op_vs_unmap(struct program *p, struct tcb *t)
{
	word_t cptr = pick_cptr(p);
	word_t label = next(p) & 1 ? KOZO_FRAME_UNMAP : KOZO_PAGE_TABLE_UNMAP;
	traced("unmap", cptr, host_invoke(&p->h, t, cptr, label, NULL, 0, NULL, 0, NULL, 0));
}

/* A user access: thread t's address space, or the VSpace a capability of
 * Init's CNode names (as a thread running in it would). */
static void op_vs_touch(struct program *p, struct tcb *t)
{
	const struct cap *vs = &t->slots[TCB_VSPACE].cap;
	if (next(p) & 1) {
		const struct slot *s = init_slot(p, pick_cptr(p));
		vs = s ? &s->cap : NULL;
	}
	word_t va = pick_vaddr(p);
	if (!vs || vs->type != KOZO_OBJ_VSPACE)
		return;
	bool hit = host_tlb_fill((word_t *)vs->obj, cap_vspace_asid(vs), va);
	if (tracing)
		fprintf(stderr, "  touch        asid %lu va %#lx -> %s\n", (unsigned long)cap_vspace_asid(vs),
			(unsigned long)va, hit ? "cached" : "nothing mapped");
}

/* Configure a thread with Init's CSpace, any VSpace and any IPC buffer:
 * any capability, or a copy of one with any rights (a read-only Frame). */
static void op_vs_configure(struct program *p, struct tcb *t)
{
	word_t target = next(p) & 1 ? p->thread_slot[next(p) % p->threads] : pick_cptr(p);
	word_t caps[3] = { KOZO_CAP_INIT_CNODE, pick_vspace(p), pick_cptr(p) };
	word_t mr[3] = { 0, 0, VSPACE_VA_BASE + ((word_t)(next(p) & 3) << KOZO_IPC_BUFFER_SIZE_BITS) };
	uint8_t rights = next(p);
	word_t copy = rights & 0x10 ? 0 : host_slot_alloc(&p->h, 1);
	if (copy) {
		word_t root = KOZO_CAP_INIT_CNODE;
		word_t cm[5] = { copy, FULL_DEPTH, caps[2], FULL_DEPTH, rights & KOZO_RIGHTS_ALL };
		if (traced("buffer-copy", caps[2], host_invoke(&p->h, p->h.init, root, KOZO_CNODE_COPY,
							       cm, 5, &root, 1, NULL, 0)) == KOZO_OK)
			caps[2] = copy;
	}
	traced("configure-vs", target,
	       host_invoke(&p->h, t, target, KOZO_TCB_CONFIGURE, mr, 3, caps, 3, NULL, 0));
}

static void vspace_step(struct program *p, struct tcb *t, unsigned op)
{
	switch (op) {
	case 0: case 1: op_vs_new(p, t); break;
	case 2: op_vs_small_untyped(p, t); break;
	case 3: case 4: op_vs_map(p, t, false); break;
	case 5: case 6: op_vs_map(p, t, true); break;
	case 7: case 8: op_vs_unmap(p, t); break;
	case 9: case 10: case 11: op_vs_touch(p, t); break;
	case 12: op_vs_configure(p, t); break;
	case 13: op_derive(p, t, false); break;
	case 14: op_derive(p, t, true); break;
	default: op_remove(p, t, next(p) & 1); break;
	}
}
