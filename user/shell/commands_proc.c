/* ps: the processes Init supervises, asked of Init over the supervisor
 * endpoint (user/lib/supervisor.h); Init replies and never waits on us. */
#include "shell.h"
#include <printf.h>
#include <string.h>
#include <supervisor.h>
#include <syscall.h>

static const char *state_name(unsigned s)
{
	return s == PROC_RUNNING ? "running" : s == PROC_STOPPED ? "stopped" : "?";
}

void cmd_ps(int argc, char **argv)
{
	if (argc != 1) {
		print_usage("ps");
		return;
	}
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(SUPERVISOR_PS, 0, 0, 0);
	int err = kozo_call_status(KOZO_PROC_SUPERVISOR, &info, mr);
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err) {
		printf("ps: error: %s\n", kozo_error_name((unsigned)err));
		return;
	}
	unsigned len = kozo_msginfo_length(info);
	uint64_t words[KOZO_MSG_MAX_LENGTH];
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	for (unsigned i = 0; i < len; i++)
		words[i] = i < 4 ? mr[i] : ipc->msg[i];
	uint64_t n = len ? words[0] : 0;
	if (n > (len - 1) / 4)
		n = (len - 1) / 4;
	printf("  pid  name          priority  state     restarts  faults\n");
	for (unsigned i = 0; i < n; i++) {
		const uint64_t *w = &words[1 + 4 * i];
		char name[17];
		memcpy(name, &w[2], 16);
		name[16] = '\0';
		printf("  %3lu  %-12s  %8lu  %-8s  %8lu  %6lu\n", w[0] & 0xffff, name,
		       (w[0] >> 16) & 0xffff, state_name((unsigned)(w[0] >> 32) & 0xff),
		       (w[0] >> 40) & 0xffff, w[1]);
	}
}
