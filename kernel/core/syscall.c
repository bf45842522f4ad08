/* System call entry: decode the trap, look the capability up, dispatch. */
#include "cnode.h"
#include "endpoint.h"
#include "fastpath.h"
#include "invocation.h"
#include "kernel.h"
#include "kprintf.h"
#include "notification.h"
#include "preempt.h"
#include "schedule.h"
#include <kozo/errors.h>
#include <kozo/fault.h>
#include <kozo/invocation.h>
#include <kozo/syscall.h>

/* Gather label, message registers and extra capabilities of t's message.
 * A zero cptr ends the extra-capability list; any other that does not
 * resolve fails the invocation. */
static int gather(struct kernel *k, struct tcb *t, struct slot *s, struct invocation *inv)
{
	word_t info = t->ctx.regs[ARCH_REG_INFO];
	struct kozo_ipc_buffer *b = tcb_ipc_buffer(t);
	inv->k = k;
	inv->caller = t;
	inv->slot = s;
	inv->label = kozo_msginfo_label(info);
	inv->len = kozo_msginfo_length(info);
	if (inv->len > INVOCATION_MAX_MRS)
		inv->len = INVOCATION_MAX_MRS;
	if (!b && inv->len > KOZO_FASTPATH_MRS)
		inv->len = KOZO_FASTPATH_MRS;
	for (unsigned i = 0; i < inv->len; i++)
		inv->mr[i] = tcb_get_mr(t, i);
	inv->extra_count = 0;
	inv->out_len = 0;
	unsigned extra = kozo_msginfo_extra_caps(info);
	if (extra > KOZO_MSG_MAX_EXTRA_CAPS)
		extra = KOZO_MSG_MAX_EXTRA_CAPS;
	for (unsigned i = 0; i < extra && b; i++) {
		struct slot *x;
		if (b->caps_or_badges[i] == 0)
			break;
		int err = cspace_lookup(tcb_cspace(t), b->caps_or_badges[i], 64, false, &x);
		if (err)
			return err;
		if (slot_empty(x))
			return KOZO_ERR_FAILED_LOOKUP;
		inv->extra[inv->extra_count++] = x;
	}
	return KOZO_OK;
}

/* Write an invocation's result into the caller's reply registers. */
static void reply_invocation(struct tcb *t, int err, const struct invocation *inv)
{
	unsigned n = err ? 0 : inv->out_len;
	for (unsigned i = 0; i < n; i++)
		tcb_set_mr(t, i, inv->out[i]);
	t->ctx.regs[ARCH_REG_SYSNO] = (word_t)err;
	t->ctx.regs[ARCH_REG_CAP] = 0;
	t->ctx.regs[ARCH_REG_INFO] = kozo_msginfo((word_t)err, 0, 0, n);
}

static void handle_send(struct kernel *k, struct tcb *t, bool blocking, bool is_call)
{
	struct slot *s;
	int err = cspace_lookup(tcb_cspace(t), t->ctx.regs[ARCH_REG_CAP], 64, false, &s);
	if (err) {
		thread_set_result(t, err);
		return;
	}
	switch (s->cap.type) {
	case KOZO_OBJ_ENDPOINT:
		if (!(s->cap.rights & KOZO_RIGHT_WRITE)) {
			thread_set_result(t, KOZO_ERR_INSUFFICIENT_RIGHTS);
			return;
		}
		ep_send(k, t, &s->cap, blocking, is_call);
		return;
	case KOZO_OBJ_NOTIFICATION:
		if (!(s->cap.rights & KOZO_RIGHT_WRITE)) {
			thread_set_result(t, KOZO_ERR_INSUFFICIENT_RIGHTS);
			return;
		}
		ntfn_signal(k, (struct notification *)s->cap.obj, cap_badge(&s->cap));
		thread_set_result(t, KOZO_OK);
		return;
	default: {
		/* A dying CNode left by a finalised TCB or by a preempted call
		 * is emptied before any invocation (cnode.h). */
		struct invocation inv;
		err = unlikely(k->dying != NULL) ? cnode_drain(k) : KOZO_OK;
		if (!err)
			err = gather(k, t, s, &inv);
		if (!err)
			err = invoke_capability(&inv);
		if (err == KERNEL_PREEMPTED) {
			/* Nothing written to t: the same call again continues. */
			arch_syscall_restart(&t->ctx);
			return;
		}
		/* The CNodes this call's deletions left (TCB_Configure's old
		 * CSpace): emptied now, or, when that is preempted, before
		 * the next invocation; the call itself is done either way. */
		if (unlikely(k->dying != NULL))
			cnode_drain(k);
		/* Send (no reply wanted) still reports the error in the
		 * syscall register; only Call gets results. */
		if (is_call)
			reply_invocation(t, err, &inv);
		else
			thread_set_result(t, err);
		return;
	}
	}
}

static void handle_recv(struct kernel *k, struct tcb *t, bool blocking)
{
	struct slot *s;
	int err = cspace_lookup(tcb_cspace(t), t->ctx.regs[ARCH_REG_CAP], 64, false, &s);
	if (err) {
		thread_set_result(t, err);
		return;
	}
	if (!(s->cap.rights & KOZO_RIGHT_READ)) {
		thread_set_result(t, s->cap.type == KOZO_OBJ_ENDPOINT || s->cap.type == KOZO_OBJ_NOTIFICATION
					 ? KOZO_ERR_INSUFFICIENT_RIGHTS : KOZO_ERR_INVALID_CAPABILITY);
		return;
	}
	if (s->cap.type == KOZO_OBJ_ENDPOINT)
		ep_recv(k, t, &s->cap, blocking);
	else if (s->cap.type == KOZO_OBJ_NOTIFICATION)
		ntfn_wait(k, t, (struct notification *)s->cap.obj, blocking);
	else
		thread_set_result(t, KOZO_ERR_INVALID_CAPABILITY);
}

/* DEBUG_PUTCHAR: the byte in MR0 to serial 0, for a thread that names a
 * Debug capability with the Write right in the cap register (Init's, or a
 * copy Init hands out).  Without it a thread with an empty CSpace could
 * write to the console (fake prompts) and into a panic record's log. */
static void debug_putchar(struct tcb *t)
{
	struct slot *s;
	int err = cspace_lookup(tcb_cspace(t), t->ctx.regs[ARCH_REG_CAP], 64, false, &s);
	if (!err && s->cap.type != KOZO_OBJ_DEBUG)
		err = KOZO_ERR_INVALID_CAPABILITY;
	if (!err && !(s->cap.rights & KOZO_RIGHT_WRITE))
		err = KOZO_ERR_INSUFFICIENT_RIGHTS;
	if (!err)
		arch_console_putc((char)t->ctx.regs[ARCH_REG_MR0]);
	thread_set_result(t, err);
}

/* Everything but the fast path (kernel_syscall stays as the panic frame
 * walk's end). */
static __attribute__((noinline)) void syscall_general(struct kernel *k)
{
	struct tcb *t = k->current;
	word_t nr = t->ctx.regs[ARCH_REG_SYSNO];
	if (t->personality == KOZO_PERSONALITY_LINUX || nr < KOZO_SYSCALL_BASE ||
	    nr >= KOZO_SYS_END) {
		fault_unknown_syscall(k, t);
		schedule_choose(k);
		return;
	}
	switch (nr) {
	case KOZO_SYS_CALL: handle_send(k, t, true, true); break;
	case KOZO_SYS_SEND: handle_send(k, t, true, false); break;
	case KOZO_SYS_NB_SEND: handle_send(k, t, false, false); break;
	case KOZO_SYS_RECV: handle_recv(k, t, true); break;
	case KOZO_SYS_NB_RECV: handle_recv(k, t, false); break;
	case KOZO_SYS_REPLY:
		ep_reply(k, t);
		thread_set_result(t, KOZO_OK);
		break;
	case KOZO_SYS_REPLY_RECV:
		ep_reply(k, t);
		handle_recv(k, t, true);
		break;
	case KOZO_SYS_YIELD:
		sched_rotate(&k->sched, t);
		thread_set_result(t, KOZO_OK);
		break;
	case KOZO_SYS_DEBUG_PUTCHAR: debug_putchar(t); break;
	}
	schedule_choose(k);
}

/* No tail call to syscall_general: kernel_syscall must stay on the stack,
 * where a panic's frame walk ends (panic_frame_is_entry). */
/* The same, timed for DEBUG_STATS's longest masked stretch (preempt.h):
 * from here to the first preemption check, and from the last to the end. */
static __attribute__((noinline)) void syscall_measured(struct kernel *k)
{
	k->last_chance = arch_cycles();
	syscall_general(k);
	preempt_note(k);
}

__attribute__((disable_tail_calls)) void kernel_syscall(struct kernel *k)
{
	k->stats.general_syscalls++;
	k->preempt_work = 0;   /* a full budget of progress before the first check */
	if (unlikely(k->measure_masked))
		syscall_measured(k);
	else
		syscall_general(k);
}
