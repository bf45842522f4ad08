/* Per-capability-type decisions (objecttype.h). */
#include "objecttype.h"
#include "cnode.h"
#include "endpoint.h"
#include "invocation.h"
#include "irq.h"
#include "kernel.h"
#include "lib.h"
#include "notification.h"
#include "tcb.h"
#include "vspace.h"
#include <kozo/errors.h>

/* ---- create ---- */

struct cap untyped_cap(void *base, unsigned size_bits, bool device)
{
	return cap_untyped_make((uintptr_t)base, size_bits, device);
}

struct cap object_create(struct kernel *k, unsigned type, unsigned size_bits, void *base)
{
	struct cap c = { .type = (uint8_t)type, .rights = KOZO_RIGHTS_ALL, .obj = (uintptr_t)base };
	switch (type) {
	case KOZO_OBJ_UNTYPED:
		return untyped_cap(base, size_bits, false);
	case KOZO_OBJ_TCB: {
		struct tcb *t = base;
		arch_context_init(&t->ctx);
		t->id = ++k->next_thread_id;
		break;
	}
	case KOZO_OBJ_CNODE: {
		((struct cnode_header *)base)->radix = (uint8_t)size_bits;
		cap_cnode_set_guard(&c, size_bits, 0, 0);
		break;
	}
	case KOZO_OBJ_VSPACE: {
		word_t asid = 0;
		if (!vspace_asid_alloc(k, base, &asid))
			panic("retype: no ASID although decode checked");
		arch_vspace_init(base);
		cap_vspace_set_asid(&c, asid);
		break;
	}
	case KOZO_OBJ_ENDPOINT:
	case KOZO_OBJ_NOTIFICATION:
	case KOZO_OBJ_FRAME:
	case KOZO_OBJ_PT_L1:
	case KOZO_OBJ_PT_L2:
	case KOZO_OBJ_PT_L3:
		break;
	default:
		panic("object_create: type %u", PANIC_INT(type));
	}
	return c;
}

bool object_type_allowed_from_device(unsigned type)
{
	return type == KOZO_OBJ_FRAME || type == KOZO_OBJ_UNTYPED;
}

struct cap object_create_device(unsigned type, unsigned size_bits, void *base)
{
	if (type == KOZO_OBJ_UNTYPED)
		return untyped_cap(base, size_bits, true);
	return (struct cap){ .type = KOZO_OBJ_FRAME, .rights = KOZO_RIGHTS_ALL,
			     .flags = CAP_FLAG_DEVICE, .obj = (uintptr_t)base };
}

/* ---- derive ---- */

/* Page tables have one capability each (vspace.c): a second one could map
 * the table a second time, or keep naming it after it was emptied and
 * freed.  (seL4 lets a mapped table's capability be copied, the copy
 * recording the same mapping, and unmaps only through the last one; KOZO
 * keeps the simpler rule, docs/KERNEL.md.)  KOZO_FUZZ_REVERT_PT_OWNER
 * plants the old rule for fuzz/ipc's self-check. */
bool cap_type_is_copyable(unsigned type)
{
#ifndef KOZO_FUZZ_REVERT_PT_OWNER
	if (cap_is_table(type))
		return false;
#endif
	return type != KOZO_OBJ_NULL && type != KOZO_OBJ_UNTYPED;
}

struct cap cap_copy(const struct cap *src)
{
	struct cap c = *src;
	if (cap_is_mapping(c.type))
		cap_clear_mapping(&c);
	return c;
}

struct cap cap_mask_rights(struct cap c, unsigned rights)
{
	c.rights = c.rights & rights & KOZO_RIGHTS_ALL;
	return c;
}

int cap_derive(const struct cap *src, unsigned rights, bool mint, word_t badge, struct cap *out)
{
	struct cap c = cap_mask_rights(cap_copy(src), rights);
#ifdef KOZO_FUZZ_PLANT_MINT_BUG
	/* Deliberately wrong, for fuzz/ipc's self-check only (mk/fuzz.mk):
	 * Mint grants the requested rights whatever the source had. */
	if (mint)
		c.rights = rights & KOZO_RIGHTS_ALL;
#endif
	if (!mint) {
		*out = c;
		return KOZO_OK;
	}
	switch (src->type) {
	case KOZO_OBJ_ENDPOINT:
	case KOZO_OBJ_NOTIFICATION:
		if (cap_badge(src) != 0 && badge != cap_badge(src))
			return KOZO_ERR_ILLEGAL_OPERATION; /* already badged */
		cap_set_badge(&c, badge);
		break;
	case KOZO_OBJ_CNODE: {
		/* Badge = guard_bits (low 6) | guard << 6, as seL4. */
		unsigned gbits = badge & 63;
		word_t guard = badge >> 6;
		if (gbits + cap_cnode_radix(src) > 64)
			return KOZO_ERR_RANGE;
		if (gbits < 64 && (guard & ~MASK(gbits)))
			return KOZO_ERR_RANGE;
		cap_cnode_set_guard(&c, cap_cnode_radix(src), gbits, guard);
		break;
	}
	case KOZO_OBJ_IOPORT:
		return ioport_derive(src, badge, c, out);
	default:
		break;
	}
	*out = c;
	return KOZO_OK;
}

/* ---- acquire, finalise, same object ---- */

static struct cnode_header *cnode_header(const struct cap *c)
{
	return (struct cnode_header *)c->obj;
}

void cap_acquire(struct kernel *k, const struct cap *c)
{
	switch (c->type) {
	case KOZO_OBJ_TCB: ((struct tcb *)c->obj)->refs++; break;
	case KOZO_OBJ_ENDPOINT: ((struct endpoint *)c->obj)->refs++; break;
	case KOZO_OBJ_NOTIFICATION: ((struct notification *)c->obj)->refs++; break;
	case KOZO_OBJ_CNODE: cnode_header(c)->refs++; break;
	case KOZO_OBJ_VSPACE: k->asids[cap_vspace_asid(c)].refs++; break;
	case KOZO_OBJ_IRQ_HANDLER: k->irq_refs[cap_irq_number(c)]++; break;
	default: break;
	}
}

void cap_release(struct kernel *k, struct cap *c)
{
	switch (c->type) {
	case KOZO_OBJ_TCB: {
		struct tcb *t = (struct tcb *)c->obj;
		kassert(t->refs > 0);
		if (--t->refs == 0)
			tcb_finalize(k, t);
		break;
	}
	case KOZO_OBJ_ENDPOINT: {
		struct endpoint *ep = (struct endpoint *)c->obj;
		kassert(ep->refs > 0);
		if (--ep->refs == 0)
			ep_finalize(k, ep);
		break;
	}
	case KOZO_OBJ_NOTIFICATION: {
		struct notification *n = (struct notification *)c->obj;
		kassert(n->refs > 0);
		if (--n->refs == 0)
			ntfn_finalize(k, n);
		break;
	}
	case KOZO_OBJ_CNODE: {
		/* Emptied later, by cnode_drain: no recursion. */
		struct cnode_header *h = cnode_header(c);
		kassert(h->refs > 0);
		if (--h->refs == 0 && !h->dying) {
			h->dying = 1;
			h->next_slot = 1;
			h->next_dying = k->dying;
			k->dying = h;
		}
		break;
	}
	case KOZO_OBJ_VSPACE: vspace_release(k, cap_vspace_asid(c)); break;
	case KOZO_OBJ_FRAME:
	case KOZO_OBJ_PT_L1:
	case KOZO_OBJ_PT_L2:
	case KOZO_OBJ_PT_L3: vspace_unmap_cap(k, c); break;
	case KOZO_OBJ_IRQ_HANDLER: irq_handler_release(k, cap_irq_number(c)); break;
	default: break;
	}
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
	return a->type == b->type && a->obj == b->obj;
}

/* ---- invoke ---- */

int invoke_capability(struct invocation *inv)
{
	switch (inv->slot->cap.type) {
	case KOZO_OBJ_UNTYPED: return untyped_invoke(inv);
	case KOZO_OBJ_CNODE: return cnode_invoke(inv);
	case KOZO_OBJ_TCB: return tcb_invoke(inv);
	case KOZO_OBJ_IRQ_CONTROL: return irq_control_invoke(inv);
	case KOZO_OBJ_IRQ_HANDLER: return irq_handler_invoke(inv);
	case KOZO_OBJ_FRAME: return frame_invoke(inv);
	case KOZO_OBJ_PT_L1:
	case KOZO_OBJ_PT_L2:
	case KOZO_OBJ_PT_L3: return page_table_invoke(inv);
	case KOZO_OBJ_DEBUG: return debug_invoke(inv);
	case KOZO_OBJ_IOPORT:
		return ioport_invoke(inv);
	case KOZO_OBJ_VSPACE:
		return KOZO_ERR_ILLEGAL_OPERATION;
	default:
		return KOZO_ERR_INVALID_CAPABILITY;
	}
}
