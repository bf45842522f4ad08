/* Address spaces: ASIDs, and mapping Frames and page tables.
 *
 *   VSpace (level 0) -> PT_L1 -> PT_L2 -> PT_L3 -> Frame
 *
 * A mapping capability records (asid, vaddr).  Unmapping looks the ASID up
 * again and clears the entry only if it still names this object, so a
 * mapping into a destroyed (or reused) address space is harmless.
 *
 * Page tables have one owner (docs/KERNEL.md, "Address spaces"): a table
 * has exactly one capability (Copy, Mint and IPC transfer refuse them), it
 * is linked into at most one parent, and whenever that capability drops
 * its mapping (Unmap, Delete) the table is emptied.  So a table's entries
 * are reachable only while it is mapped; a table that went out of its
 * address space (its parent emptied, its VSpace deleted) keeps entries no
 * walk reaches until its own Unmap or Delete empties it.  The records of
 * the mappings it held become stale and are found so by the exact check
 * above. */
#include "vspace.h"
#include "invocation.h"
#include "kernel.h"
#include <kozo/errors.h>
#include <kozo/invocation.h>
#include "lib.h"

/* ASIDs in use are 1 .. vspace_asid_limit() - 1. */
static unsigned vspace_asid_limit(void)
{
	unsigned bits = arch_asid_bits();
	return bits >= 10 ? ASID_COUNT : 1u << bits;
}

bool vspace_asid_alloc(struct kernel *k, word_t *root, word_t *asid)
{
	/* Round robin, so a freed ASID is reused as late as possible. ASID 0
	 * is never used: a zero in a capability means "none".  A freed ASID's
	 * translations were flushed when it was freed (arch_vspace_retire). */
	unsigned limit = vspace_asid_limit();
	for (unsigned n = 0; n < limit; n++) {
		word_t a = (k->next_asid + n) % limit;
		if (a == 0 || k->asids[a].root)
			continue;
		k->asids[a].root = root;
		k->asids[a].refs = 0;
		k->next_asid = a + 1;
		*asid = a;
		return true;
	}
	return false;
}

unsigned vspace_asids_free(const struct kernel *k)
{
	unsigned n = 0;
	for (unsigned a = 1; a < vspace_asid_limit(); a++)
		n += k->asids[a].root == NULL;
	return n;
}

void vspace_release(struct kernel *k, word_t asid)
{
	struct asid_entry *e = &k->asids[asid];
	kassert(e->root && e->refs > 0);
	if (--e->refs == 0) {
		/* The root's entries stay as they are: nothing walks a freed
		 * root, and the tables it links are emptied by their own
		 * Unmap or Delete before any can be mapped again. */
		arch_vspace_retire(e->root, asid);
		e->root = NULL;
	}
}

/* Index of vaddr in a table of the given level (0 = root). */
static unsigned pt_index(word_t vaddr, unsigned level)
{
	return (vaddr >> (KOZO_PAGE_SIZE_BITS + 9 * (VSPACE_LEVELS - 1 - level))) & (PT_ENTRIES - 1);
}

/* The table of `level` on the way to vaddr, or NULL if not present. */
static word_t *walk(word_t *root, word_t vaddr, unsigned level)
{
	word_t *table = root;
	for (unsigned l = 0; l < level; l++) {
		word_t e = table[pt_index(vaddr, l)];
		if (!arch_pte_present(e))
			return NULL;
		table = arch_phys_to_kernel(arch_pte_addr(e));
	}
	return table;
}

/* Level at which an object of this type is referenced (its parent table's
 * entries point to it): frames from level 3 entries, PT_L3 from level 2... */
static unsigned entry_level(unsigned type)
{
	switch (type) {
	case KOZO_OBJ_PT_L1: return 0;
	case KOZO_OBJ_PT_L2: return 1;
	case KOZO_OBJ_PT_L3: return 2;
	default: return 3;  /* Frame */
	}
}

/* Planted bugs for fuzz/ipc's self-checks (mk/fuzz.mk), one switch per
 * isolation fix; never defined in a kernel build. */
#ifdef KOZO_FUZZ_REVERT_PT_OWNER
#define EMPTY_UNMAPPED_TABLES 0   /* a table keeps its entries when unmapped */
#else
#define EMPTY_UNMAPPED_TABLES 1
#endif

void vspace_unmap_cap(struct kernel *k, struct cap *c)
{
	if (!cap_mapped(c))
		return;
	word_t asid = cap_mapped_asid(c), vaddr = cap_mapped_vaddr(c);
	cap_clear_mapping(c);
	bool table = cap_is_table(c->type);
	word_t *root = asid < ASID_COUNT ? k->asids[asid].root : NULL;
	word_t *parent = root ? walk(root, vaddr, entry_level(c->type)) : NULL;
	word_t *e = parent ? &parent[pt_index(vaddr, entry_level(c->type))] : NULL;
	if (e && arch_pte_present(*e) && arch_pte_addr(*e) == arch_kernel_to_phys((void *)c->obj)) {
		*e = 0;
#ifdef KOZO_FUZZ_REVERT_TLB
		arch_tlb_flush_page(root, asid, vaddr);  /* one page of 2^(9n) */
#else
		if (table)
			arch_tlb_flush_asid(root, asid);
		else
			arch_tlb_flush_page(root, asid, vaddr);
#endif
	}
	/* Found or not (its parent may have been emptied, its address space
	 * deleted), the table's own entries go with its mapping.  The TLB
	 * holds none of them: they became unreachable either just now
	 * (flushed above) or when they left the address space (flushed
	 * then, or the ASID retired). */
	if (table && EMPTY_UNMAPPED_TABLES)
		memset((void *)c->obj, 0, KOZO_PAGE_SIZE);
}

/* A checked mapping: the entry to fill, its value, and the record the
 * capability keeps. */
struct vspace_map {
	word_t *entry;
	word_t pte;
	word_t asid, vaddr;
};

static int decode_frame_map(const struct cap *frame, const struct cap *vs, word_t vaddr,
			    unsigned rights, bool exec, struct vspace_map *a)
{
	if (cap_mapped(frame))
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "frame map: already mapped at 0x%lx",
			      (unsigned long)cap_mapped_vaddr(frame));
	if (!IS_ALIGNED(vaddr, KOZO_PAGE_SIZE_BITS))
		return refuse(KOZO_ERR_ALIGNMENT, "frame map: address 0x%lx not page aligned",
			      (unsigned long)vaddr);
	if (vs->type != KOZO_OBJ_VSPACE)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "frame map: a %s, not a VSpace",
			      kozo_object_name(vs->type));
	if (vaddr >= ARCH_USER_TOP)
		return refuse(KOZO_ERR_INVALID_ARGUMENT, "frame map: address 0x%lx not in user space",
			      (unsigned long)vaddr);
	rights &= frame->rights;
	if (!(rights & KOZO_RIGHT_READ))
		return refuse(KOZO_ERR_INSUFFICIENT_RIGHTS, "frame map: without Read");
	word_t *table = walk((word_t *)vs->obj, vaddr, 3);
	if (!table)
		return refuse(KOZO_ERR_FAILED_LOOKUP, "frame map: no page table for 0x%lx",
			      (unsigned long)vaddr);
	word_t *e = &table[pt_index(vaddr, 3)];
	if (arch_pte_present(*e))
		return refuse(KOZO_ERR_DELETE_FIRST, "frame map: 0x%lx already mapped",
			      (unsigned long)vaddr);
	*a = (struct vspace_map){ .entry = e, .asid = cap_vspace_asid(vs), .vaddr = vaddr,
				  .pte = arch_pte_page(arch_kernel_to_phys((void *)frame->obj),
						       rights, exec) };
	return KOZO_OK;
}

static int decode_page_table_map(const struct cap *pt, const struct cap *vs, word_t vaddr,
				 struct vspace_map *a)
{
	if (cap_mapped(pt))
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "page table map: already mapped at 0x%lx",
			      (unsigned long)cap_mapped_vaddr(pt));
	if (vs->type != KOZO_OBJ_VSPACE)
		return refuse(KOZO_ERR_INVALID_CAPABILITY, "page table map: a %s, not a VSpace",
			      kozo_object_name(vs->type));
	if (vaddr >= ARCH_USER_TOP)
		return refuse(KOZO_ERR_INVALID_ARGUMENT, "page table map: address 0x%lx not in user space",
			      (unsigned long)vaddr);
	unsigned level = entry_level(pt->type);
	/* The table covers an aligned range; keep only the bits that name it. */
	vaddr &= ~MASK(KOZO_PAGE_SIZE_BITS + 9 * (VSPACE_LEVELS - 1 - level));
	word_t *table = walk((word_t *)vs->obj, vaddr, level);
	if (!table)
		return refuse(KOZO_ERR_FAILED_LOOKUP, "page table map: no level %u table for 0x%lx",
			      level, (unsigned long)vaddr);
	word_t *e = &table[pt_index(vaddr, level)];
	if (arch_pte_present(*e))
		return refuse(KOZO_ERR_DELETE_FIRST, "page table map: 0x%lx already has a %s",
			      (unsigned long)vaddr, kozo_object_name(pt->type));
	*a = (struct vspace_map){ .entry = e, .asid = cap_vspace_asid(vs), .vaddr = vaddr,
				  .pte = arch_pte_table(arch_kernel_to_phys((void *)pt->obj)) };
	return KOZO_OK;
}

bool vspace_table_present(const struct cap *vs, word_t vaddr, unsigned type)
{
	unsigned level = entry_level(type);
	vaddr &= ~MASK(KOZO_PAGE_SIZE_BITS + 9 * (VSPACE_LEVELS - 1 - level));
	word_t *table = walk((word_t *)vs->obj, vaddr, level);
	return table && arch_pte_present(table[pt_index(vaddr, level)]);
}

static void perform_vspace_map(struct cap *c, const struct vspace_map *a)
{
	*a->entry = a->pte;
	cap_set_mapping(c, a->asid, a->vaddr);
}

int vspace_map_frame(struct kernel *k, struct cap *frame, const struct cap *vs, word_t vaddr,
		     unsigned rights, bool exec)
{
	(void)k;
	struct vspace_map a;
	int err = decode_frame_map(frame, vs, vaddr, rights, exec, &a);
	if (!err)
		perform_vspace_map(frame, &a);
	return err;
}

int vspace_map_table(struct kernel *k, struct cap *pt, const struct cap *vs, word_t vaddr)
{
	(void)k;
	struct vspace_map a;
	int err = decode_page_table_map(pt, vs, vaddr, &a);
	if (!err)
		perform_vspace_map(pt, &a);
	return err;
}

static void perform_frame_get_address(struct invocation *inv, const struct cap *c)
{
	inv->out[0] = arch_kernel_to_phys((void *)c->obj);
	inv->out_len = 1;
}

int frame_invoke(struct invocation *inv)
{
	struct cap *c = &inv->slot->cap;
	switch (inv->label) {
	case KOZO_FRAME_MAP:
		if (inv->len < 3 || inv->extra_count < 1)
			return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
				      "frame map: %u message registers and %u capabilities, needs 3 and 1",
				      inv->len, inv->extra_count);
		return vspace_map_frame(inv->k, c, &inv->extra[0]->cap, inv->mr[0],
					(unsigned)inv->mr[1] & KOZO_RIGHTS_ALL, inv->mr[2] & 1);
	case KOZO_FRAME_UNMAP:
		vspace_unmap_cap(inv->k, c);
		return KOZO_OK;
	case KOZO_FRAME_GET_ADDRESS:
		perform_frame_get_address(inv, c);
		return KOZO_OK;
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "frame: no method %lu",
			      (unsigned long)inv->label);
	}
}

int page_table_invoke(struct invocation *inv)
{
	struct cap *c = &inv->slot->cap;
	switch (inv->label) {
	case KOZO_PAGE_TABLE_MAP:
		if (inv->len < 1 || inv->extra_count < 1)
			return refuse(KOZO_ERR_TRUNCATED_MESSAGE,
				      "page table map: %u message registers and %u capabilities, needs 1 and 1",
				      inv->len, inv->extra_count);
		return vspace_map_table(inv->k, c, &inv->extra[0]->cap, inv->mr[0]);
	case KOZO_PAGE_TABLE_UNMAP:
		vspace_unmap_cap(inv->k, c);
		return KOZO_OK;
	default:
		return refuse(KOZO_ERR_ILLEGAL_OPERATION, "page table: no method %lu",
			      (unsigned long)inv->label);
	}
}
