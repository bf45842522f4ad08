/* Address spaces: four-level page tables built by user space from VSpace,
 * PT_L1..PT_L3 and Frame objects, as in seL4.  VSpaces are named by an ASID
 * so a mapping capability can find (or find gone) the space it maps into. */
#ifndef KOZO_CORE_VSPACE_H
#define KOZO_CORE_VSPACE_H

#include "cap.h"

#define VSPACE_LEVELS 4
#define PT_ENTRIES 512
#define ASID_COUNT 1024

struct asid_entry {
	word_t *root;     /* NULL: free */
	uint32_t refs;    /* VSpace capabilities naming it */
};

struct kernel;
/* Assign an ASID to a new root; false when none is free. */
bool vspace_asid_alloc(struct kernel *k, word_t *root, word_t *asid);
unsigned vspace_asids_free(const struct kernel *k);
/* A VSpace capability was deleted: free the ASID with the last one. */
void vspace_release(struct kernel *k, word_t asid);
/* Undo the mapping a Frame or page-table capability records, if any. */
void vspace_unmap_cap(struct kernel *k, struct cap *c);
/* Map (kernel use at boot): a Frame or a table into root at vaddr. */
int vspace_map_frame(struct kernel *k, struct cap *frame, const struct cap *vspace,
		     word_t vaddr, unsigned rights, bool exec);
/* Does vs already have a table of this type (PT_L1..PT_L3) for vaddr? */
bool vspace_table_present(const struct cap *vs, word_t vaddr, unsigned type);
int vspace_map_table(struct kernel *k, struct cap *table, const struct cap *vspace,
		     word_t vaddr);

#endif
