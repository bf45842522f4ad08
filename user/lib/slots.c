/* A process's mirror of its CNode and its slot allocator (slots.h). */
#include "slots.h"
#include "string.h"
#include "invoke.h"

static struct slot_info table[SLOT_COUNT];
static uint64_t empty_start, empty_end;
static char own_name[16];

static void record_range(struct kozo_slot_range r, unsigned type, unsigned flags)
{
	for (uint64_t s = r.start; s < r.end && s < SLOT_COUNT; s++) {
		table[s] = (struct slot_info){ .type = (uint8_t)type,
					       .rights = KOZO_RIGHTS_ALL,
					       .flags = (uint8_t)flags };
	}
}

void slots_init(const struct kozo_startup *st)
{
	static const uint8_t fixed[] = {
		[KOZO_PROC_TCB] = KOZO_OBJ_TCB,
		[KOZO_PROC_CNODE] = KOZO_OBJ_CNODE,
		[KOZO_PROC_VSPACE] = KOZO_OBJ_VSPACE,
		[KOZO_PROC_IRQ_HANDLER] = KOZO_OBJ_IRQ_HANDLER,
		[KOZO_PROC_IOPORT] = KOZO_OBJ_IOPORT,
		[KOZO_PROC_IPC_FRAME] = KOZO_OBJ_FRAME,
		[KOZO_PROC_BOOTINFO] = KOZO_OBJ_FRAME,
		[KOZO_PROC_DEBUG] = KOZO_OBJ_DEBUG,
		[KOZO_PROC_CONSOLE] = KOZO_OBJ_ENDPOINT,
		[KOZO_PROC_NTFN] = KOZO_OBJ_NOTIFICATION,
		[KOZO_PROC_SUPERVISOR] = KOZO_OBJ_ENDPOINT,
		[KOZO_PROC_SERVICE] = KOZO_OBJ_ENDPOINT,
		[KOZO_PROC_DEVICE] = KOZO_OBJ_FRAME,
		[KOZO_PROC_CONSOLE_FG] = KOZO_OBJ_NOTIFICATION,
		[KOZO_PROC_CONSOLE_FG_INTR] = KOZO_OBJ_NOTIFICATION,
		[KOZO_PROC_LINUX] = KOZO_OBJ_ENDPOINT,
		[KOZO_PROC_CONSOLE_LX] = KOZO_OBJ_NOTIFICATION,
		[KOZO_PROC_CONSOLE_LX_INTR] = KOZO_OBJ_NOTIFICATION,
	};
	memset(table, 0, sizeof(table));
	for (unsigned s = 1; s < sizeof(fixed); s++) {
		if (!kozo_startup_has(st, s) || !fixed[s])
			continue;
		table[s] = (struct slot_info){ .type = fixed[s], .rights = KOZO_RIGHTS_ALL,
					       .flags = SLOT_FIXED };
	}
	table[KOZO_PROC_CNODE].size_bits = (uint8_t)st->cnode_radix;
	/* The image's frames and tables, not told apart: call them frames. */
	record_range(st->image, KOZO_OBJ_FRAME, SLOT_IMAGE);
	for (uint64_t i = 0; i < st->untyped_count && i < KOZO_STARTUP_MAX_UNTYPED; i++) {
		uint64_t s = st->untyped.start + i;
		if (s >= st->untyped.end || s >= SLOT_COUNT)
			break;
		const struct kozo_untyped_desc *d = &st->untyped_list[i];
		table[s] = (struct slot_info){
			.type = KOZO_OBJ_UNTYPED, .rights = KOZO_RIGHTS_ALL,
			.size_bits = d->size_bits, .flags = d->is_device ? SLOT_DEVICE : 0,
			.paddr = d->paddr,
		};
	}
	memcpy(own_name, st->name, sizeof(own_name) - 1);
	empty_start = st->empty.start;
	empty_end = st->empty.end < SLOT_COUNT ? st->empty.end : SLOT_COUNT;
}

struct slot_info *slot_get(uint64_t s)
{
	return s > 0 && s < SLOT_COUNT ? &table[s] : NULL;
}

uint64_t slots_alloc(unsigned count)
{
	uint64_t run = 0;
	for (uint64_t s = empty_start; s < empty_end && count; s++) {
		run = table[s].type == KOZO_OBJ_NULL ? run + 1 : 0;
		if (run == count)
			return s + 1 - count;
	}
	return 0;
}

void slots_record(uint64_t s, unsigned type, unsigned rights, uint64_t badge, uint64_t parent,
		  uint64_t paddr, unsigned size_bits)
{
	struct slot_info *e = slot_get(s);
	if (!e)
		return;
	*e = (struct slot_info){ .type = (uint8_t)type, .rights = (uint8_t)rights,
				 .size_bits = (uint8_t)size_bits, .badge = badge,
				 .parent = (uint16_t)(slot_get(parent) ? parent : 0),
				 .paddr = paddr };
	/* A derived capability inherits what it knows of the object. */
	struct slot_info *p = slot_get(parent);
	if (p && p->type == type) {
		e->flags = p->flags & SLOT_DEVICE;
		if (!paddr)
			e->paddr = p->paddr;
		if (!size_bits)
			e->size_bits = p->size_bits;
	}
}

void slots_record_retype(uint64_t ut, unsigned type, unsigned size_bits, uint64_t dest,
			 unsigned count)
{
	struct slot_info *u = slot_get(ut);
	unsigned bits = kozo_object_size_bits(type, size_bits);
	uint64_t start = 0;
	if (u && u->type == KOZO_OBJ_UNTYPED && bits) {
		/* The kernel's rule: natural alignment from the watermark, which
		 * counts only while the Untyped has children. */
		uint64_t wm = slot_has_children(ut) ? u->watermark : 0;
		uint64_t align = 1ull << bits;
		start = (u->paddr + wm + align - 1) & ~(align - 1);
	}
	for (unsigned i = 0; i < count; i++)
		slots_record(dest + i, type, KOZO_RIGHTS_ALL, 0, ut,
			     start ? start + ((uint64_t)i << bits) : 0,
			     type == KOZO_OBJ_UNTYPED || type == KOZO_OBJ_CNODE ? size_bits : 0);
	if (start)
		u->watermark = start + ((uint64_t)count << bits) - u->paddr;
}

bool slot_has_children(uint64_t s)
{
	for (unsigned i = 1; i < SLOT_COUNT; i++)
		if (table[i].type != KOZO_OBJ_NULL && table[i].parent == s)
			return true;
	return false;
}

void slots_forget(uint64_t s)
{
	struct slot_info *e = slot_get(s);
	if (!e)
		return;
	for (unsigned i = 1; i < SLOT_COUNT; i++)
		if (table[i].type != KOZO_OBJ_NULL && table[i].parent == s)
			table[i].parent = e->parent;
	*e = (struct slot_info){ 0 };
}

void slots_move(uint64_t src, uint64_t dest)
{
	struct slot_info *a = slot_get(src), *b = slot_get(dest);
	if (!a || !b)
		return;
	*b = *a;
	*a = (struct slot_info){ 0 };
	for (unsigned i = 1; i < SLOT_COUNT; i++)
		if (table[i].type != KOZO_OBJ_NULL && table[i].parent == src)
			table[i].parent = (uint16_t)dest;
}

void slots_forget_children(uint64_t s)
{
	/* Delete leaves first so no child is orphaned halfway. */
	for (bool again = true; again;) {
		again = false;
		for (unsigned i = 1; i < SLOT_COUNT; i++) {
			if (table[i].type == KOZO_OBJ_NULL || table[i].parent != s)
				continue;
			slots_forget_children(i);
			table[i] = (struct slot_info){ 0 };
			again = true;
		}
	}
	struct slot_info *e = slot_get(s);
	if (e && e->type == KOZO_OBJ_UNTYPED)
		e->watermark = 0;
}

uint64_t untyped_free_bytes(uint64_t s)
{
	struct slot_info *e = slot_get(s);
	if (!e || e->type != KOZO_OBJ_UNTYPED)
		return 0;
	uint64_t size = 1ull << e->size_bits;
	return slot_has_children(s) ? size - e->watermark : size;
}

uint64_t slots_find_idle_untyped(struct kozo_slot_range r, unsigned min_bits, uint64_t except)
{
	uint64_t best = 0;
	for (uint64_t s = r.start; s < r.end; s++) {
		struct slot_info *e = slot_get(s);
		if (!e || e->type != KOZO_OBJ_UNTYPED || e->flags & SLOT_DEVICE ||
		    e->size_bits < min_bits || s == except || slot_has_children(s))
			continue;
		if (!best || e->size_bits < slot_get(best)->size_bits)
			best = s;
	}
	return best;
}

int slots_retype_one(uint64_t ut, unsigned type, unsigned size_bits, uint64_t *slot)
{
	uint64_t s = slots_alloc(1);
	if (!s)
		return KOZO_ERR_RANGE;
	/* Depth 0: the CNode itself is the destination, slot s its index. */
	int err = kozo_untyped_retype(ut, type, size_bits, KOZO_PROC_CNODE, 0, 0, s, 1);
	if (err)
		return err;
	slots_record_retype(ut, type, size_bits, s, 1);
	*slot = s;
	return KOZO_OK;
}

const char *slot_note(uint64_t s)
{
	static const char *const notes[] = {
		[KOZO_PROC_TCB] = " tcb",
		[KOZO_PROC_CNODE] = " cnode (root)",
		[KOZO_PROC_VSPACE] = " vspace",
		[KOZO_PROC_IPC_FRAME] = " ipc buffers",
		[KOZO_PROC_BOOTINFO] = "bootinfo page (read-only)",
		[KOZO_PROC_DEBUG] = "debug",
		[KOZO_PROC_CONSOLE] = "console (badged)",
		[KOZO_PROC_NTFN] = "console input notification",
		[KOZO_PROC_SUPERVISOR] = "supervisor (badged)",
		[KOZO_PROC_LINUX] = "linux server (badged)",
	};
	/* " tcb" and the like get the process's name in front. */
	static char named[32];
	struct slot_info *e = slot_get(s);
	if (!e)
		return "";
	if (e->flags & SLOT_FIXED && s < sizeof(notes) / sizeof(notes[0]) && notes[s]) {
		if (notes[s][0] != ' ')
			return notes[s];
		size_t n = strlen(own_name);
		memcpy(named, own_name, n);
		memcpy(named + n, notes[s], strlen(notes[s]) + 1);
		return named;
	}
	if (e->flags & SLOT_IMAGE) {
		size_t n = strlen(own_name);
		memcpy(named, own_name, n);
		memcpy(named + n, " image", 7);
		return named;
	}
	if (e->flags & SLOT_DEVICE)
		return "device";
	return "";
}
