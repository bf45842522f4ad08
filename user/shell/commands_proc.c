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

/* Ask Init for the process list: words[1 + 4 * i ..] per process;
 * returns their number, or -1 (error printed, prefixed with cmd). */
static int ps_query(const char *cmd, uint64_t words[KOZO_MSG_MAX_LENGTH])
{
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(SUPERVISOR_PS, 0, 0, 0);
	int err = kozo_call_status(KOZO_PROC_SUPERVISOR, &info, mr);
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err) {
		printf("%s: error: %s\n", cmd, kozo_error_name((unsigned)err));
		return -1;
	}
	unsigned len = kozo_msginfo_length(info);
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	for (unsigned i = 0; i < len; i++)
		words[i] = i < 4 ? mr[i] : ipc->msg[i];
	uint64_t n = len ? words[0] : 0;
	if (len == 0 || n > (len - 1) / 4)
		n = len ? (len - 1) / 4 : 0;
	return (int)n;
}

static void proc_name(const uint64_t *w, char name[17])
{
	memcpy(name, &w[2], 16);
	name[16] = '\0';
}

void cmd_ps(int argc, char **argv)
{
	if (argc != 1) {
		print_usage("ps");
		return;
	}
	uint64_t words[KOZO_MSG_MAX_LENGTH];
	int n = ps_query("ps", words);
	if (n < 0)
		return;
	printf("  pid  name          priority  state     restarts  faults\n");
	for (int i = 0; i < n; i++) {
		const uint64_t *w = &words[1 + 4 * i];
		char name[17];
		proc_name(w, name);
		printf("  %3lu  %-12s  %8lu  %-8s  %8lu  %6lu\n", w[0] & 0xffff, name,
		       (w[0] >> 16) & 0xffff, state_name((unsigned)(w[0] >> 32) & 0xff),
		       (w[0] >> 40) & 0xffff, w[1]);
	}
}

/* What the well-known slots are for (proc.h). */
static const char *const slot_names[KOZO_PROC_FIRST_FREE] = {
	[KOZO_PROC_TCB] = "its tcb",
	[KOZO_PROC_CNODE] = "its cnode",
	[KOZO_PROC_VSPACE] = "its vspace",
	[KOZO_PROC_IRQ_HANDLER] = "irq handler",
	[KOZO_PROC_IOPORT] = "i/o ports",
	[KOZO_PROC_IPC_FRAME] = "its ipc buffer frame",
	[KOZO_PROC_BOOTINFO] = "bootinfo frame",
	[KOZO_PROC_DEBUG] = "debug",
	[KOZO_PROC_CONSOLE] = "console endpoint",
	[KOZO_PROC_NTFN] = "its notification",
	[KOZO_PROC_SUPERVISOR] = "its supervisor's endpoint",
	[KOZO_PROC_SERVICE] = "the endpoint it serves",
	[KOZO_PROC_DEVICE] = "device frame",
	[KOZO_PROC_CONSOLE_FG] = "shell notification (input)",
	[KOZO_PROC_CONSOLE_FG_INTR] = "shell notification (ctrl-c)",
	[KOZO_PROC_LINUX] = "linux server endpoint",
	[KOZO_PROC_CONSOLE_LX] = "linux notification (input)",
	[KOZO_PROC_CONSOLE_LX_INTR] = "linux notification (ctrl-c)",
};

/* caps <server>: the capabilities a server holds, as the kernel has them
 * (Init tries each slot of its CNode). */
void cmd_server_caps(const char *server)
{
	uint64_t words[KOZO_MSG_MAX_LENGTH];
	int n = ps_query("caps", words);
	uint64_t pid = 0;
	for (int i = 0; i < n && !pid; i++) {
		char name[17];
		proc_name(&words[1 + 4 * i], name);
		if (strcmp(name, server) == 0)
			pid = words[1 + 4 * i] & 0xffff;
	}
	if (n < 0)
		return;
	if (!pid) {
		printf("caps: no server '%s' (ps lists them)\n", server);
		return;
	}
	uint64_t mr[4] = { pid, 0, 0, 0 };
	uint64_t info = kozo_msginfo(SUPERVISOR_CAPS, 0, 0, 1);
	int err = kozo_call_status(KOZO_PROC_SUPERVISOR, &info, mr);
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err) {
		printf("caps: error: %s\n", kozo_error_name((unsigned)err));
		return;
	}
	char header[48];
	snprintf(header, sizeof(header), "caps %s (pid %lu):", server, pid);
	print_process_caps(header, mr[0], mr[1], mr[2], mr[3]);
}

void print_process_caps(const char *header, uint64_t known, uint64_t image, uint64_t untyped,
			uint64_t other)
{
	printf("%s\n", header);
	for (unsigned s = 1; s < KOZO_PROC_FIRST_FREE; s++) {
		if (!(known >> s & 1))
			continue;
		printf("  slot %2u  %s", s, slot_names[s] ? slot_names[s] : "?");
		if (s == KOZO_PROC_IOPORT && known >> 32)  /* the range the kernel reports */
			printf(" 0x%lx-0x%lx", (unsigned long)(known >> 32 & 0xffff),
			       (unsigned long)(known >> 48 & 0xffff));
		printf("\n");
	}
	printf("  image %lu, untyped %lu, other %lu\n", image, untyped, other);
}
