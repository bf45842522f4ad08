/* fuzz/ipc: the capability IPC boundary.  Each input is a program of
 * system calls and invocations made by several threads in several CSpaces
 * on a freshly booted kernel (kernel/core through the host port, exactly
 * the code QEMU runs).  After every step the kernel's invariants are
 * checked (kernel/arch/host/invariants.h), and after the operations where
 * a simple model predicts the result, the result is compared with it:
 *
 *   Mint/Copy   the new capability has exactly the source's rights ANDed
 *               with the requested ones, and the requested badge (or the
 *               source's, when that one is badged); an IOPort's range is
 *               the source's (Copy) or the requested one (Mint)
 *   IOPort      (op_ioport) a Mint of a port range succeeds exactly when the
 *               range lies inside the source's; an access succeeds exactly
 *               when it lies inside the capability's range and touches no
 *               reserved port, and a refused one writes no port
 *   any op      an occupied destination slot is refused, and an operation
 *               that fails changes no slot of Init's CNode
 *   Delete      the slot is empty afterwards; Revoke: it has no children
 *   Retype      on failure the Untyped's watermark is unchanged
 *
 * Address spaces (vspace_ops.c): VSpaces and page tables of every level,
 * map/unmap/remap at colliding addresses, threads' VSpaces and IPC
 * buffers set to any capability, and user accesses that fill the host
 * port's modelled TLB; the walker's isolation invariant covers them.
 *
 * Preemption (kernel/core/preempt.h): every input runs with an interrupt
 * pending at every n-th preemption check, n = 1 + the input's length mod
 * 7 (so a mutation that adds or drops a byte moves every stop, and the
 * bytes keep their meaning); a stopped system call is made again at once,
 * as the CPU would, after the invariant check runs on the stopped state.
 *
 * A kernel panic on any input is a bug.  Init's debug capability (whose
 * purpose is a deliberate panic) is deleted before the program runs.
 *
 * Input format: a sequence of steps, each an opcode byte and a thread
 * byte followed by the bytes that opcode reads, in the order the code
 * reads them (every read is sequenced, so an input means the same with
 * any compiler); a missing byte reads as zero. */
#include <string.h>

#include "fuzz.h"
#include "harness.h"
#include "invariants.h"
#include "cnode.h"
#include <hw/fw_cfg.h>
#include <hw/uart16550.h>

#define RAM_SIZE (1u << 20)
#define MAX_THREADS 6
#define MAX_STEPS 64
#define WORK_SLOTS 16      /* slots the program names besides the fixed ones */
#define FULL_DEPTH 64      /* Init names its slots with all 64 bits */
#define SMALL_RADIX 4      /* CNodes made for other threads' CSpaces */

struct program {
	const uint8_t *data;
	size_t size, pos;
	struct host_kernel h;
	word_t thread_slot[MAX_THREADS];  /* TCB caps in Init's CNode */
	unsigned threads;
	word_t work;                      /* first work slot */
	char msg[INVARIANT_MSG_SIZE];
};

/* KOZO_FUZZ_TRACE=1 in the environment prints each step and its result:
 * the way to read what a crashing input does. */
static bool tracing;

static word_t traced(const char *what, word_t cptr, word_t result)
{
	if (!tracing)
		return result;
	fprintf(stderr, "  %-12s cptr %#lx -> ", what, (unsigned long)cptr);
	if (result == HOST_PANICKED)
		fprintf(stderr, "PANIC\n");
	else if (result == HOST_NOT_RUNNABLE)
		fprintf(stderr, "(the thread is not runnable)\n");
	else if (result >= KOZO_SYSCALL_BASE)
		fprintf(stderr, "(blocked)\n");   /* the register still holds the number */
	else
		fprintf(stderr, "%s\n", kozo_error_name((unsigned)result));
	return result;
}

static uint8_t next(struct program *p)
{
	return p->pos < p->size ? p->data[p->pos++] : 0;
}

static word_t next_word(struct program *p)
{
	word_t w = 0;
	for (int i = 0; i < 8; i++)
		w |= (word_t)next(p) << (8 * i);
	return w;
}

/* A capability address: mostly slots that hold something or are free in
 * Init's CNode, sometimes the fixed capabilities, sometimes nonsense. */
static word_t pick_cptr(struct program *p)
{
	uint8_t b = next(p);
	const struct kozo_bootinfo *bi = p->h.bootinfo;
	switch (b >> 5) {
	case 0: return b & 15;                                   /* fixed caps, 0 = null */
	case 1: if (!(b & 31))
			return p->h.untyped;                     /* the largest */
		return bi->untyped.end > bi->untyped.start
		       ? bi->untyped.start + (b & 31) % (bi->untyped.end - bi->untyped.start) : b;
	case 2: return next_word(p);                             /* anything at all */
	default: return p->work + b % WORK_SLOTS;
	}
}

static word_t pick_depth(struct program *p)
{
	uint8_t b = next(p);
	return b < 240 ? FULL_DEPTH : b - 240 + 60;         /* mostly 64 */
}

static struct tcb *thread(struct program *p, unsigned i)
{
	word_t s = p->thread_slot[i % p->threads];
	const struct slot *slot = &p->h.cnode[s];
	return slot->cap.type == KOZO_OBJ_TCB ? (struct tcb *)slot->cap.obj : NULL;
}

static const struct slot *init_slot(struct program *p, word_t cptr)
{
	return cptr < ((word_t)1 << KOZO_INIT_CNODE_RADIX) && cptr ? &p->h.cnode[cptr] : NULL;
}

/* ---- the model's expectations ---- */

static void expect_derived(struct program *p, const struct slot *dest, struct cap src,
			   bool mint, word_t rights, word_t badge)
{
	const struct cap *c = &dest->cap;
	REQUIRE(c->type == src.type);
	REQUIRE(c->rights == (src.rights & rights));
	bool badged = src.type == KOZO_OBJ_ENDPOINT || src.type == KOZO_OBJ_NOTIFICATION;
	if (badged && mint)
		REQUIRE(cap_badge(c) == (cap_badge(&src) ? cap_badge(&src) : badge));
	else if (badged)
		REQUIRE(cap_badge(c) == cap_badge(&src));
	if (src.type == KOZO_OBJ_IOPORT && mint)
		REQUIRE(cap_ioport_first(c) == (badge & 0xffff) && cap_ioport_last(c) == (badge >> 16 & 0xffff));
	else if (src.type == KOZO_OBJ_IOPORT)
		REQUIRE(cap_ioport_first(c) == cap_ioport_first(&src) && cap_ioport_last(c) == cap_ioport_last(&src));
}

/* CNode Copy or Mint within Init's CNode, with a model check. */
static void op_derive(struct program *p, struct tcb *t, bool mint)
{
	word_t dest = pick_cptr(p), src = pick_cptr(p), rights = next(p) & 15;
	word_t badge = next(p) & 3 ? next(p) : next_word(p);
	word_t dest_depth = pick_depth(p), src_depth = pick_depth(p);
	word_t mr[6] = { dest, dest_depth, src, src_depth, rights, badge };
	word_t root = next(p) & 7 ? KOZO_CAP_INIT_CNODE : pick_cptr(p);
	const struct slot *d = init_slot(p, dest), *s = init_slot(p, src);
	bool dest_full = d && !slot_empty(d);
	struct cap before = s ? s->cap : (struct cap){ 0 };
	word_t err = traced(mint ? "mint" : "copy", src,
			    host_invoke(&p->h, t, root, mint ? KOZO_CNODE_MINT : KOZO_CNODE_COPY,
					mr, mint ? 6 : 5, &root, 1, NULL, 0));
	if (err == KOZO_OK && t == p->h.init && root == KOZO_CAP_INIT_CNODE &&
	    mr[1] == FULL_DEPTH && mr[3] == FULL_DEPTH) {
		REQUIRE(!dest_full);
		expect_derived(p, d, before, mint, rights, badge);
	}
}

static void op_move(struct program *p, struct tcb *t)
{
	word_t dest = pick_cptr(p), src = pick_cptr(p);
	word_t dest_depth = pick_depth(p), src_depth = pick_depth(p);
	word_t mr[4] = { dest, dest_depth, src, src_depth };
	word_t root = KOZO_CAP_INIT_CNODE;
	const struct slot *d = init_slot(p, dest);
	bool dest_full = d && !slot_empty(d);
	word_t err = traced("move", src,
			    host_invoke(&p->h, t, root, KOZO_CNODE_MOVE, mr, 4, &root, 1, NULL, 0));
	if (err == KOZO_OK && t == p->h.init && src != dest)
		REQUIRE(!dest_full);
}

static void op_remove(struct program *p, struct tcb *t, bool revoke)
{
	word_t slot = pick_cptr(p), depth = pick_depth(p);
	word_t mr[2] = { slot, depth };
	word_t err = traced(revoke ? "revoke" : "delete", slot,
			    host_invoke(&p->h, t, KOZO_CAP_INIT_CNODE,
					revoke ? KOZO_CNODE_REVOKE : KOZO_CNODE_DELETE, mr, 2, NULL,
					0, NULL, 0));
	const struct slot *s = init_slot(p, slot);
	if (err == KOZO_OK && t == p->h.init && s && mr[1] == FULL_DEPTH) {
		if (revoke)
			REQUIRE(s->first_child == NULL);
		else
			REQUIRE(slot_empty(s));
	}
}

static void op_retype(struct program *p, struct tcb *t)
{
	word_t ut = pick_cptr(p);
	word_t type = next(p) % 16, size_bits = next(p) % 72, offset = pick_cptr(p);
	word_t count = next(p) % 5;
	word_t mr[6] = { type, size_bits, 0, 0, offset, count };
	if (next(p) & 1) {   /* into Init's CNode itself, as Init addresses it */
		mr[2] = 0;
		mr[3] = 0;
	} else {
		mr[2] = pick_cptr(p);
		mr[3] = pick_depth(p);
	}
	word_t root = KOZO_CAP_INIT_CNODE;
	const struct slot *u = init_slot(p, ut);
	word_t watermark = u && u->cap.type == KOZO_OBJ_UNTYPED ? cap_untyped_watermark(&u->cap) : 0;
	word_t err = traced("retype", ut,
			    host_invoke(&p->h, t, ut, KOZO_UNTYPED_RETYPE, mr, 6, &root, 1, NULL, 0));
	if (err != KOZO_OK && err != HOST_PANICKED && u && u->cap.type == KOZO_OBJ_UNTYPED &&
	    t == p->h.init)
		REQUIRE(cap_untyped_watermark(&u->cap) == watermark);
}

/* A thread of its own in Init's VSpace; sometimes with a CSpace of its
 * own: a small CNode holding a copy of some capability. */
static void op_spawn(struct program *p)
{
	if (p->threads == MAX_THREADS)
		return;
	unsigned prio = next(p);
	bool own_cspace = next(p) & 1;
	word_t slot;
	struct tcb *t;
	if (host_spawn(&p->h, prio, &slot, &t) != KOZO_OK)
		return;
	p->thread_slot[p->threads++] = slot;
	if (!own_cspace)
		return;
	word_t cn = host_slot_alloc(&p->h, 2);
	if (!cn || host_retype(&p->h, p->h.untyped, KOZO_OBJ_CNODE, SMALL_RADIX, cn, 1) != KOZO_OK)
		return;
	/* A guard makes the small CNode resolve 64-bit addresses. */
	word_t root = KOZO_CAP_INIT_CNODE;
	word_t mint[6] = { cn + 1, FULL_DEPTH, cn, FULL_DEPTH, KOZO_RIGHTS_ALL,
			   FULL_DEPTH - SMALL_RADIX };
	if (host_invoke(&p->h, p->h.init, root, KOZO_CNODE_MINT, mint, 6, &root, 1, NULL, 0))
		return;
	word_t index = 1 + next(p) % 15, src = pick_cptr(p), rights = next(p) & 15;
	word_t copy[5] = { index, SMALL_RADIX, src, FULL_DEPTH, rights };
	word_t small = cn;
	traced("copy-in", small,
	       host_invoke(&p->h, p->h.init, small, KOZO_CNODE_COPY, copy, 5, &root, 1, NULL, 0));
	word_t conf[3] = { 0, prio, 0 };
	word_t caps[3] = { cn + 1, 0, 0 };
	traced("configure", slot,
	       host_invoke(&p->h, p->h.init, slot, KOZO_TCB_CONFIGURE, conf, 3, caps, 3, NULL, 0));
}

/* ---- issue 18: registers, interrupts, timer ticks, raw messages ----
 * Opcode 12 (op_more) reaches what the operations above do not: TCB
 * WriteRegisters / ReadRegisters with counts around the register file's
 * size, IRQControl_Get and the IRQHandler operations, timer ticks
 * (kernel_timer_tick: round robin), a thread's receive slot (so that
 * capabilities are transferred), and messages made with a raw message-info
 * word: lengths up to 127 and labels the kernel has to clamp or refuse,
 * which host_send_msg would cut to its own limits first.
 *
 * And a model check for every IPC system call through Init's CSpace: a
 * send (Send, NBSend, Call) through an endpoint or notification
 * capability without Write, or a receive (Recv, NBRecv, ReplyRecv)
 * through one without Read, fails with INSUFFICIENT_RIGHTS, on the fast
 * path as on the general one. */

/* The slot cptr names when t's CSpace is Init's CNode (as Init's and
 * every thread spawned without a CSpace of its own); NULL otherwise. */
static const struct slot *shared_cspace_slot(struct program *p, const struct tcb *t, word_t cptr)
{
	const struct cap *root = tcb_cspace(t), *init_root = tcb_cspace(p->h.init);
	if (root->type != KOZO_OBJ_CNODE || root->obj != init_root->obj || cap_cnode_guard(root) != cap_cnode_guard(init_root) ||
	    cap_cnode_radix(root) != cap_cnode_radix(init_root) ||
	    cap_cnode_guard_bits(root) != cap_cnode_guard_bits(init_root))
		return NULL;
	return init_slot(p, cptr);
}

struct rights_expectation {
	bool refused;   /* the call must fail with INSUFFICIENT_RIGHTS */
};

static struct rights_expectation rights_before(struct program *p, const struct tcb *t, word_t sysno,
					       word_t cptr)
{
	struct rights_expectation e = { false };
	const struct slot *s = shared_cspace_slot(p, t, cptr);
	if (!s || t->personality != KOZO_PERSONALITY_NATIVE || t->state != THREAD_RUNNABLE ||
	    (s->cap.type != KOZO_OBJ_ENDPOINT && s->cap.type != KOZO_OBJ_NOTIFICATION))
		return e;
	bool send = sysno == KOZO_SYS_CALL || sysno == KOZO_SYS_SEND || sysno == KOZO_SYS_NB_SEND;
	bool recv = sysno == KOZO_SYS_RECV || sysno == KOZO_SYS_NB_RECV || sysno == KOZO_SYS_REPLY_RECV;
	e.refused = (send && !(s->cap.rights & KOZO_RIGHT_WRITE)) || (recv && !(s->cap.rights & KOZO_RIGHT_READ));
	return e;
}

static void rights_after(struct program *p, const struct tcb *t, struct rights_expectation e, word_t result)
{
	if (!e.refused || p->h.dead || result == HOST_NO_BUFFER || result == HOST_NOT_RUNNABLE)
		return;
	if (t->ctx.regs[ARCH_REG_SYSNO] != KOZO_ERR_INSUFFICIENT_RIGHTS || t->state != THREAD_RUNNABLE) {
		fprintf(stderr, "call without the right it needs was not refused: error %#lx, state %u\n",
			(unsigned long)t->ctx.regs[ARCH_REG_SYSNO], t->state);
		REQUIRE(!"rights: a call without Write/Read went through");
	}
}

/* A message with a raw info word: label, length and extra-capability
 * count exactly as given (the IPC buffer, if t has one, is filled). */
static void op_raw_msg(struct program *p, struct tcb *t)
{
	static const word_t sysno[] = { KOZO_SYS_CALL, KOZO_SYS_REPLY_RECV, KOZO_SYS_SEND,
					KOZO_SYS_NB_SEND, KOZO_SYS_RECV, KOZO_SYS_NB_RECV };
	word_t nr = sysno[next(p) % 6], cptr = pick_cptr(p);
	word_t label = next(p) & 1 ? next(p) : next_word(p);
	unsigned len = next(p) & 127, extra = next(p) & 3;
	word_t info = kozo_msginfo(label, 0, extra, len);
	word_t mr[KOZO_FASTPATH_MRS];
	for (unsigned i = 0; i < KOZO_FASTPATH_MRS; i++)
		mr[i] = next(p) & 1 ? next_word(p) : i;
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	if (b) {
		for (unsigned i = KOZO_FASTPATH_MRS; i < KOZO_MSG_MAX_LENGTH; i++)
			b->msg[i] = i * 0x101;
		for (unsigned i = 0; i < KOZO_MSG_MAX_EXTRA_CAPS; i++)
			b->caps_or_badges[i] = i < extra ? pick_cptr(p) : 0;
	}
	struct rights_expectation e = rights_before(p, t, nr, cptr);
	rights_after(p, t, e, traced("raw-msg", cptr, host_syscall(&p->h, t, nr, cptr, info, mr, NULL)));
}

static void op_registers(struct program *p, struct tcb *t, bool write)
{
	word_t target = next(p) & 1 ? p->thread_slot[next(p) % p->threads] : pick_cptr(p);
	word_t mr[2 + 48];
	unsigned len;
	if (write) {
		mr[0] = next(p) & 1;                    /* resume afterwards */
		mr[1] = next(p) % 48;                   /* count, around ARCH_REG_COUNT */
		len = next(p) % (2 + 48);
		for (unsigned i = 2; i < 2 + 48; i++)
			mr[i] = next(p) & 1 ? next_word(p) : 0;
	} else {
		mr[0] = next(p) % 48;
		len = next(p) & 1 ? 1 : 0;
	}
	word_t out[48];
	traced(write ? "write-regs" : "read-regs", target,
	       host_invoke(&p->h, t, target, write ? KOZO_TCB_WRITE_REGISTERS : KOZO_TCB_READ_REGISTERS, mr,
			   len, NULL, 0, out, 48));
}

static void op_irq_cap(struct program *p, struct tcb *t)
{
	word_t root = KOZO_CAP_INIT_CNODE;
	switch (next(p) % 5) {
	case 0: {
		/* (Line 31 stands for the kernel's timer line.) */
		word_t line = next(p) % 32;
		word_t mr[3] = { line == 31 ? KOZO_IRQ_TIMER : line, pick_cptr(p), pick_depth(p) };
		word_t ctl = next(p) & 7 ? KOZO_CAP_IRQ_CONTROL : pick_cptr(p);
		traced("irq-get", ctl, host_invoke(&p->h, t, ctl, KOZO_IRQ_CONTROL_GET, mr, 3, &root, 1, NULL, 0));
		break;
	}
	case 1: {
		word_t handler = pick_cptr(p), ntfn = pick_cptr(p);
		traced("irq-set-ntfn", handler, host_invoke(&p->h, t, handler, KOZO_IRQ_HANDLER_SET_NOTIFICATION,
							    NULL, 0, &ntfn, 1, NULL, 0));
		break;
	}
	case 2: {
		word_t handler = pick_cptr(p);
		traced("irq-ack", handler, host_invoke(&p->h, t, handler, KOZO_IRQ_HANDLER_ACK, NULL, 0, NULL, 0,
						       NULL, 0));
		break;
	}
	case 4: {
		/* A deadline near the host's cycle counter (its preemption
		 * checks), so that the fuzzer's timer ticks reach it. */
		word_t handler = pick_cptr(p), mr[1] = { next(p) & 3 ? p->h.m->preempt_checks + next(p) % 64 : 0 };
		traced("irq-deadline", handler, host_invoke(&p->h, t, handler, KOZO_IRQ_HANDLER_SET_DEADLINE, mr,
							    next(p) & 7 ? 1 : 0, NULL, 0, NULL, 0));
		break;
	}
	default: {
		word_t handler = pick_cptr(p);
		traced("irq-clear", handler, host_invoke(&p->h, t, handler, KOZO_IRQ_HANDLER_CLEAR, NULL, 0, NULL,
							 0, NULL, 0));
		break;
	}
	}
}

/* Where t receives a capability: a slot of its CSpace, or of a CNode in it. */
static void op_receive_slot(struct program *p, struct tcb *t)
{
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	word_t cnode = next(p) & 3 ? 0 : pick_cptr(p), index = pick_cptr(p), depth = pick_depth(p);
	if (!b)
		return;
	b->receive_cnode = cnode;
	b->receive_index = index;
	b->receive_depth = depth;
	if (tracing)
		fprintf(stderr, "  receive-slot %#lx/%#lx depth %lu\n", (unsigned long)cnode, (unsigned long)index,
			(unsigned long)depth);
}

/* ---- IOPort narrowing ----
 * Mint of an IOPort capability with a port range (KOZO_IOPORT_RANGE) into
 * Init's CNode, then one access through some capability, both with a model
 * check when t addresses Init's CNode: the Mint succeeds exactly when the
 * range lies inside the source's, the access exactly when it lies inside
 * its capability's range and touches neither COM2 nor fw_cfg. */

/* Mostly ports at the edges that matter (COM1, COM2, fw_cfg, PCI
 * configuration, reset, the top), sometimes any 16-bit value. */
static word_t pick_port(struct program *p)
{
	static const uint16_t ports[] = { 0, 1, 0x2f7, 0x2f8, 0x2ff, 0x300, 0x3f7, 0x3f8, 0x3fb, 0x3fc,
					  0x3fd, 0x3fe, 0x3ff, 0x400, 0x50f, 0x510, 0x51b, 0x51c,
					  0xcf8, 0xcf9, 0xcfc, 0xfffc, 0xfffe, 0xffff };
	uint8_t b = next(p);
	if (b < 0xe0)
		return ports[b % (sizeof(ports) / sizeof(ports[0]))];
	return next(p) | (word_t)next(p) << 8;
}

/* The IOPort capability at cptr when t's CSpace is Init's CNode and t can
 * invoke (native, runnable); NULL when the model does not apply. */
static const struct slot *model_ioport(struct program *p, const struct tcb *t, word_t cptr)
{
	const struct slot *s = shared_cspace_slot(p, t, cptr);
	if (!s || s->cap.type != KOZO_OBJ_IOPORT || t->personality != KOZO_PERSONALITY_NATIVE ||
	    t->state != THREAD_RUNNABLE)
		return NULL;
	return s;
}

static bool model_reserved(word_t port, unsigned width)
{
	return (port + width > UART16550_COM2 && port < UART16550_COM2 + UART16550_PORTS) ||
	       (port + width > FW_CFG_IO_SEL && port < FW_CFG_IO_SEL + FW_CFG_IO_PORTS);
}

static void op_ioport(struct program *p, struct tcb *t)
{
	word_t src = next(p) & 1 ? KOZO_CAP_IOPORT : pick_cptr(p), dest = pick_cptr(p);
	word_t first = pick_port(p), last = pick_port(p), rights = next(p) & 15;
	word_t range = KOZO_IOPORT_RANGE(first, last) | (next(p) == 0xff ? (word_t)next(p) << 32 : 0);
	word_t root = KOZO_CAP_INIT_CNODE;
	word_t mr[6] = { dest, FULL_DEPTH, src, FULL_DEPTH, rights, range };
	const struct slot *s = model_ioport(p, t, src), *d = shared_cspace_slot(p, t, dest);
	const struct slot *r = shared_cspace_slot(p, t, root);
	const struct cap *init_root = tcb_cspace(p->h.init);
	bool model = s && d && slot_empty(d) && r && r->cap.type == KOZO_OBJ_CNODE &&
		     r->cap.obj == init_root->obj && cap_cnode_guard(&r->cap) == cap_cnode_guard(init_root) &&
		     cap_cnode_guard_bits(&r->cap) == cap_cnode_guard_bits(init_root) &&
		     cap_cnode_radix(&r->cap) == cap_cnode_radix(init_root) && tcb_ipc_buffer(t);
	struct cap before = s ? s->cap : (struct cap){ 0 };
	word_t err = traced("ioport-mint", src, host_invoke(&p->h, t, root, KOZO_CNODE_MINT, mr, 6, &root, 1,
								  NULL, 0));
	if (model && err != HOST_PANICKED) {
		bool inside = !(range >> 32) && first <= last && first >= cap_ioport_first(&before) &&
			      last <= cap_ioport_last(&before);
		if (err != (inside ? KOZO_OK : KOZO_ERR_RANGE)) {
			fprintf(stderr, "ioport mint of 0x%lx..0x%lx (%#lx) from 0x%lx..0x%lx: %s\n",
				(unsigned long)first, (unsigned long)last, (unsigned long)range,
				(unsigned long)cap_ioport_first(&before), (unsigned long)cap_ioport_last(&before),
				kozo_error_name((unsigned)err));
			REQUIRE(!"ioport: a Mint of a port range against the model");
		}
		if (err == KOZO_OK)
			expect_derived(p, d, before, true, rights, range);
	}
	static const word_t labels[6] = { KOZO_IOPORT_IN8, KOZO_IOPORT_IN16, KOZO_IOPORT_IN32,
					   KOZO_IOPORT_OUT8, KOZO_IOPORT_OUT16, KOZO_IOPORT_OUT32 };
	word_t cap = next(p) & 1 ? dest : pick_cptr(p);
	unsigned which = next(p) % 6, width = 1u << (which % 3);
	word_t io[2] = { next(p) & 7 ? pick_port(p) : next_word(p), next(p) };
	const struct slot *c = model_ioport(p, t, cap);
	struct cap held = c ? c->cap : (struct cap){ 0 };
	uint64_t writes = p->h.m->ioport_writes;
	word_t out[1];
	err = traced("ioport", cap, host_invoke(&p->h, t, cap, labels[which], io, 2, NULL, 0, out, 1));
	if (!c || err == HOST_PANICKED)
		return;
	word_t expected = io[0] > 0xffff || io[0] < cap_ioport_first(&held) ||
			  io[0] + width - 1 > cap_ioport_last(&held) ? KOZO_ERR_RANGE
			  : model_reserved(io[0], width) ? KOZO_ERR_ILLEGAL_OPERATION : KOZO_OK;
	if (err != expected) {
		fprintf(stderr, "ioport %u bytes at 0x%lx through 0x%lx..0x%lx: %s, model %s\n", width,
			(unsigned long)io[0], (unsigned long)cap_ioport_first(&held),
			(unsigned long)cap_ioport_last(&held), kozo_error_name((unsigned)err),
			kozo_error_name((unsigned)expected));
		REQUIRE(!"ioport: an access against the model");
	}
	if (expected != KOZO_OK)
		REQUIRE(p->h.m->ioport_writes == writes);
}

static void op_more(struct program *p, struct tcb *t)
{
	switch (next(p) % 7) {
	case 0: op_registers(p, t, true); break;
	case 1: op_registers(p, t, false); break;
	case 2: op_irq_cap(p, t); break;
	case 3: {
		unsigned n = 1 + next(p) % 8;
		for (unsigned i = 0; i < n && !p->h.dead; i++)
			traced("timer-tick", i, host_timer_tick(&p->h) ? KOZO_OK : HOST_PANICKED);
		break;
	}
	case 4: op_raw_msg(p, t); break;
	case 6: op_ioport(p, t); break;
	default: op_receive_slot(p, t); break;
	}
}
/* ---- end of issue 18's block ---- */

/* Unknown system calls both ways, whichever path (the IPC fast path takes
 * both when it can): a Linux thread's system call never returns at once,
 * it is a fault (queued, delivered with its number in MR0 and the label
 * UnknownSyscall, or stopping the thread when there is no handler); a
 * reply of label 0 to such a thread resumes it with MR0 as the result, any
 * other label stops it. */
struct fault_expectation {
	bool linux_call;        /* t is a Linux thread making a call */
	struct tcb *faulted;    /* t answers this faulted thread */
	word_t label, mr0;
	unsigned len;
};

static struct fault_expectation faults_before(const struct tcb *t, word_t sysno, const struct host_msg *m)
{
	struct fault_expectation e = { false };
	if (t->state != THREAD_RUNNABLE)
		return e;
	e.linux_call = t->personality == KOZO_PERSONALITY_LINUX;
	if (!e.linux_call && (sysno == KOZO_SYS_REPLY_RECV || sysno == KOZO_SYS_REPLY) && t->reply_to &&
	    t->reply_to->pending_fault == KOZO_FAULT_UNKNOWN_SYSCALL) {
		e.faulted = t->reply_to;
		e.label = kozo_msginfo_label(kozo_msginfo(m->label, 0, 0, 0));
		e.len = m->len < KOZO_MSG_MAX_LENGTH ? m->len : KOZO_MSG_MAX_LENGTH;
		e.mr0 = m->mr[0];
	}
	return e;
}

static void faults_after(struct program *p, const struct tcb *t, struct fault_expectation e, word_t result)
{
	if (p->h.dead || result == HOST_NO_BUFFER || result == HOST_NOT_RUNNABLE)
		return;
	if (e.linux_call) {
		bool ok = t->state == THREAD_BLOCKED_SEND ? t->pending_fault == KOZO_FAULT_UNKNOWN_SYSCALL
			: t->state == THREAD_BLOCKED_REPLY
				? t->pending_fault == KOZO_FAULT_UNKNOWN_SYSCALL && t->reply_from &&
				  t->reply_from->state == THREAD_RUNNABLE &&
				  kozo_msginfo_label(t->reply_from->ctx.regs[ARCH_REG_INFO]) == KOZO_FAULT_UNKNOWN_SYSCALL &&
				  t->reply_from->ctx.regs[ARCH_REG_MR0] == t->fault_msg[0]
			: t->state == THREAD_INACTIVE && !t->pending_fault;
		if (!ok) {
			fprintf(stderr, "a Linux thread's system call: state %u, fault %u\n", t->state, t->pending_fault);
			REQUIRE(!"unknown syscall: not delivered as a fault");
		}
	}
	if (e.faulted && !t->reply_to) {
		const struct tcb *f = e.faulted;
		bool ok = e.label ? f->state == THREAD_INACTIVE
				  : f->state == THREAD_RUNNABLE && !f->pending_fault &&
				    (e.len == 0 || f->ctx.regs[ARCH_REG_RET] == e.mr0);
		if (!ok) {
			fprintf(stderr, "reply to an unknown syscall: label %lu, state %u, fault %u\n",
				(unsigned long)e.label, f->state, f->pending_fault);
			REQUIRE(!"unknown syscall reply: not resumed as fault.h says");
		}
	}
}

static void op_ipc(struct program *p, struct tcb *t, uint8_t which)
{
	static const word_t sysno[] = { KOZO_SYS_CALL, KOZO_SYS_REPLY_RECV, KOZO_SYS_SEND,
					KOZO_SYS_NB_SEND, KOZO_SYS_RECV, KOZO_SYS_NB_RECV,
					KOZO_SYS_REPLY, KOZO_SYS_YIELD };
	struct host_msg m = { 0 };
	word_t cptr = pick_cptr(p);
	m.label = next(p) & 1 ? next(p) : next_word(p);
	m.len = next(p) % (KOZO_MSG_MAX_LENGTH + 8);   /* too long too, sometimes */
	m.extra_caps = next(p) % 4;
	for (unsigned i = 0; i < KOZO_MSG_MAX_LENGTH && i < m.len; i++)
		m.mr[i] = i < 4 ? next_word(p) : i;
	for (unsigned i = 0; i < m.extra_caps; i++)
		m.caps[i] = pick_cptr(p);
	static const char *const names[] = { "call", "reply-recv", "send", "nb-send",
					     "recv", "nb-recv", "reply", "yield" };
	struct rights_expectation e = rights_before(p, t, sysno[which % 8], cptr);
	struct fault_expectation fe = faults_before(t, sysno[which % 8], &m);
	word_t result = traced(names[which % 8], cptr, host_send_msg(&p->h, t, sysno[which % 8], cptr, &m, NULL));
	rights_after(p, t, e, result);
	faults_after(p, t, fe, result);
}

static void op_tcb(struct program *p, struct tcb *t)
{
	static const word_t labels[] = { KOZO_TCB_RESUME, KOZO_TCB_SUSPEND,
					 KOZO_TCB_SET_PRIORITY, KOZO_TCB_BIND_NOTIFICATION,
					 KOZO_TCB_UNBIND_NOTIFICATION, KOZO_TCB_CONFIGURE,
					 KOZO_TCB_SET_PERSONALITY, KOZO_TCB_READ_REGISTERS };
	word_t target = next(p) & 1 ? p->thread_slot[next(p) % p->threads] : pick_cptr(p);
	word_t label = labels[next(p) % 8];
	word_t arg0 = label == KOZO_TCB_CONFIGURE ? pick_cptr(p) : next(p), arg1 = next(p);
	word_t mr[3] = { arg0, arg1, 0 };
	word_t caps[3] = { pick_cptr(p), 0, 0 };
	if (label == KOZO_TCB_CONFIGURE && next(p) & 1)
		caps[0] = KOZO_CAP_INIT_CNODE;
	unsigned ncaps = label == KOZO_TCB_CONFIGURE ? 3 : 1;
	traced("tcb", target, host_invoke(&p->h, t, target, label, mr, 3, caps, ncaps, NULL, 0));
}

static void op_fault(struct program *p, struct tcb *t)
{
	unsigned kind = next(p) & 1 ? KOZO_FAULT_VM : KOZO_FAULT_USER_EXCEPTION;
	word_t addr = next_word(p), code = next(p), vector = next(p);
	bool exec = next(p) & 1;
	traced("fault", addr, host_fault(&p->h, t, kind, addr, code, vector, exec));
}

/* Address-space operations: their own file, opcodes VSPACE_OP_FIRST up. */
#include "vspace_ops.c"

static void step(struct program *p)
{
	uint8_t op = next(p);
	struct tcb *t = thread(p, next(p));
	if (!t)
		return;
	if (op >= VSPACE_OP_FIRST) {
		vspace_step(p, t, op - VSPACE_OP_FIRST);
		return;
	}
	switch (op % 13) {
	case 0: op_retype(p, t); break;
	case 1: op_derive(p, t, false); break;
	case 2: op_derive(p, t, true); break;
	case 3: op_move(p, t); break;
	case 4: op_remove(p, t, false); break;
	case 5: op_remove(p, t, true); break;
	case 6: op_spawn(p); break;
	case 7: case 8: op_ipc(p, t, next(p)); break;
	case 9: op_tcb(p, t); break;
	case 10: op_fault(p, t); break;
	case 11: {
		word_t irq = next(p);
		traced("irq", irq, host_irq(&p->h, irq) ? KOZO_OK : HOST_PANICKED);
		break;
	}
	case 12: op_more(p, t); break;
	}
}

/* A preemption point stopped a call: the state in between must hold every
 * invariant too. */
static struct program *preempted_program;

static void check_at_stop(struct host_kernel *h)
{
	struct program *p = preempted_program;
	if (tracing)
		fprintf(stderr, "  (preempted, made again)\n");
	if (!kernel_invariants_hold(h, p->msg)) {
		fprintf(stderr, "at a preemption point: %s\n", p->msg);
		REQUIRE(!"kernel invariant broken at a preemption point");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct program p;
	memset(&p, 0, sizeof(p));
	tracing = getenv("KOZO_FUZZ_TRACE") != NULL;
	p.data = data;
	p.size = size;
	struct host_boot_options opt = { .ram_size = RAM_SIZE };
	word_t err = host_kernel_boot(&p.h, &opt);
	REQUIRE(err == KOZO_OK);
	p.thread_slot[0] = KOZO_CAP_INIT_TCB;
	p.threads = 1;
	p.work = host_slot_alloc(&p.h, WORK_SLOTS);
	REQUIRE(p.work);
	word_t del[2] = { KOZO_CAP_DEBUG, FULL_DEPTH };
	REQUIRE(host_invoke(&p.h, p.h.init, KOZO_CAP_INIT_CNODE, KOZO_CNODE_DELETE, del, 2, NULL,
			    0, NULL, 0) == KOZO_OK);
	REQUIRE(kernel_invariants_hold(&p.h, p.msg));
	preempted_program = &p;
	p.h.on_preempt = check_at_stop;
	p.h.m->preempt_every = 1 + size % 7;
	for (unsigned n = 0; n < MAX_STEPS && p.pos < p.size; n++) {
		if (tracing)
			fprintf(stderr, "step %u at byte %zu:\n", n, p.pos);
		step(&p);
		if (p.h.dead) {
			fprintf(stderr, "kernel panic: %s\n", p.h.m->panic_msg);
			REQUIRE(!p.h.dead);
		}
		if (!kernel_invariants_hold(&p.h, p.msg)) {
			fprintf(stderr, "after step %u: %s\n", n, p.msg);
			REQUIRE(!"kernel invariant broken");
		}
	}
	host_kernel_free(&p.h);
	return 0;
}
