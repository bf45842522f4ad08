/* The shell's process: Init starts it with the capabilities listed in
 * docs/SERVERS.md and the startup info saying where they are. */
#include "shell.h"
#include <console.h>
#include <invoke.h>
#include <printf.h>
#include <syscall.h>

/* BootInfo's frame, mapped read-only beside the startup page (the same
 * page table). */
#define BOOTINFO_VADDR (KOZO_PROC_STARTUP_ADDR + 2 * KOZO_PAGE_SIZE)

const struct kozo_startup *startup;

const struct kozo_bootinfo *shell_bootinfo(void)
{
	static bool mapped;
	if (!kozo_startup_has(startup, KOZO_PROC_BOOTINFO))
		return NULL;
	if (!mapped)
		mapped = kozo_frame_map(KOZO_PROC_BOOTINFO, KOZO_CAP_INIT_VSPACE, BOOTINFO_VADDR,
					KOZO_RIGHT_READ, false) == KOZO_OK;
	return mapped ? (const struct kozo_bootinfo *)BOOTINFO_VADDR : NULL;
}

_Noreturn void kozo_main(const struct kozo_startup *st);

_Noreturn void kozo_main(const struct kozo_startup *st)
{
	startup = st;
	console_client_init(KOZO_PROC_CONSOLE, KOZO_PROC_NTFN);
	/* A byte at a time: what follows a command line stays with the
	 * console for the program the command starts (a Linux program reads
	 * its input from there). */
	console_read_max(1);
	kozo_set_output(console_write);
	if (st->magic != KOZO_STARTUP_MAGIC) {
		printf("shell: bad startup info\n");
		for (;;)
			kozo_wait(KOZO_PROC_NTFN);
	}
	slots_init(st);
	shell_run();
}
