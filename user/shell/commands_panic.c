/* panic: a deliberate kernel panic through the debug capability, to
 * exercise crash telemetry end to end (docs/CRASH-TELEMETRY.md).
 *
 *   panic [<user> [<address>]]   "Capability violation at <address> by
 *                                user '<user>'"; alice and 0xdeadbeef by
 *                                default, passed as typed arguments
 *   panic fault                  the kernel takes a page fault in kernel mode
 *
 * The kernel checks the user name (length, printable ASCII) and answers a
 * bad one with an error, so this command sends it as typed, unchecked. */
#include "shell.h"
#include "invoke.h"
#include <printf.h>
#include <string.h>

#define USER_SEND_MAX 64 /* more than the kernel takes, so it can refuse */
#define MR_USER 2        /* the name starts at MR2, eight bytes per MR */

void cmd_panic(int argc, char **argv)
{
	uint64_t addr = 0xdeadbeef, mrs[MR_USER + USER_SEND_MAX / 8] = { 0 };
	const char *user = argc > 1 ? argv[1] : "alice";
	size_t len = strlen(user);
	int err;

	if (argc > 3 || len > USER_SEND_MAX) {
		print_usage("panic");
		return;
	}
	if (argc == 2 && strcmp(user, "fault") == 0) {
		err = kozo_invoke(KOZO_PROC_DEBUG, KOZO_DEBUG_FAULT, NULL, 0, NULL, 0, NULL, 0);
		printf("panic: error: %s\n", kozo_error_name((unsigned)err));
		return;
	}
	if (argc == 3 && !parse_arg("panic", argv[2], &addr))
		return;
	mrs[0] = addr;
	mrs[1] = len;
	for (size_t i = 0; i < len; i++)
		mrs[MR_USER + i / 8] |= (uint64_t)(uint8_t)user[i] << (8 * (i % 8));
	printf("panic: asking the kernel to panic (serial 1 gets the record)\n");
	err = kozo_invoke(KOZO_PROC_DEBUG, KOZO_DEBUG_PANIC, mrs,
			  (unsigned)(MR_USER + (len + 7) / 8), NULL, 0, NULL, 0);
	/* Only a refused request returns. */
	printf("panic: error: %s\n", kozo_error_name((unsigned)err));
}
