/* The panic channel (the secure PL011 at 0x09040000) must be out of user
 * space's reach: no Untyped a test program holds (its budget, carved from
 * the shell's Untyped) may cover it, so no Frame can map it. */
#include "tests.h"

#define PANIC_UART_PADDR 0x09040000ull

int try_panic_channel(const char **what)
{
	*what = "the secure PL011 (0x09040000) through a device Untyped";
	for (uint64_t s = startup->untyped.start; s < startup->untyped.end; s++) {
		const struct slot_info *e = slot_get(s);
		if (e && e->type == KOZO_OBJ_UNTYPED && PANIC_UART_PADDR >= e->paddr &&
		    PANIC_UART_PADDR - e->paddr < (1ull << e->size_bits))
			return KOZO_OK;   /* reachable: retype a Frame there and map it */
	}
	return KOZO_ERR_FAILED_LOOKUP;
}
