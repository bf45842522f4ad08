/* Invocations on arch-only objects: aarch64 has none (no I/O ports; device
 * registers are Frames from device Untyped). */
#include "kernel.h"
#include <kozo/errors.h>

int arch_invoke(struct kernel *k, struct tcb *t, struct slot *s, word_t label,
		const word_t *mr, unsigned len, word_t *out, unsigned *out_len)
{
	*out_len = 0;
	return KOZO_ERR_INVALID_CAPABILITY;
}
