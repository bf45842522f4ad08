/* Init: the root task.  Takes over the console, learns its capabilities
 * from BootInfo, and runs the shell. */
#include "init.h"
#include <printf.h>
#include <syscall.h>

const struct kozo_bootinfo *boot_info;

_Noreturn void init_main(const struct kozo_bootinfo *bi);

_Noreturn void init_main(const struct kozo_bootinfo *bi)
{
	boot_info = bi;
	if (bi->magic != KOZO_BOOTINFO_MAGIC || bi->version != KOZO_BOOTINFO_VERSION) {
		printf("init: bad BootInfo (magic %lx version %lu)\n", bi->magic, bi->version);
		for (;;)
			kozo_wait(0);
	}
	slots_init(bi);
	alloc_init();
	console_init();

	uint64_t total = 0;
	for (uint64_t s = bi->untyped.start; s < bi->untyped.end; s++)
		total += untyped_free_bytes(s);
	printf("\nKOZO init: %lu untyped regions, %lu KiB free, slots %lu..%lu empty; "
	       "type 'help'\n",
	       bi->untyped_count, total >> 10, bi->empty.start, bi->empty.end - 1);
	shell_run();
}
