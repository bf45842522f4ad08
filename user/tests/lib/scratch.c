/* A scratch window in the test program's own VSpace, for filling frames
 * before they are mapped elsewhere (selftest, ipcthread). */
#include "tests.h"
#include "invoke.h"

/* Map the three tables under vaddr in vspace (tables from the given
 * slots).  A level already present is fine. */
int init_map_tables(uint64_t vspace, uint64_t vaddr, const uint64_t tables[3])
{
	for (int i = 0; i < 3; i++) {
		int err = kozo_page_table_map(tables[i], vspace, vaddr);
		if (err && err != KOZO_ERR_DELETE_FIRST)
			return err;
	}
	return KOZO_OK;
}

/* The scratch window: tables made once, kept while the program runs. */
int init_scratch_window(void)
{
	static bool ready;
	uint64_t t[3];
	if (ready)
		return KOZO_OK;
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	for (int i = 0; i < 3; i++) {
		int err = init_alloc_object(types[i], 0, &t[i]);
		if (err)
			return err;
	}
	int err = init_map_tables(KOZO_CAP_INIT_VSPACE, SCRATCH_VADDR, t);
	ready = err == KOZO_OK;
	return err;
}
