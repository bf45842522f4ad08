/* linux <path> [args...]: ask the Linux server (its own process) to run a
 * program from its archive; the shell waits for the reply
 * (user/lib/linux_proto.h). */
#include "shell.h"
#include <linux_proto.h>
#include <printf.h>
#include <string.h>
#include <syscall.h>

void cmd_linux(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(argv[0]);
		return;
	}
	if (!kozo_startup_has(startup, KOZO_PROC_LINUX)) {
		printf("linux: no Linux server\n");
		return;
	}
	static uint64_t words[LINUX_ARGS_MAX / 8];
	char *bytes = (char *)words;
	size_t n = 0;
	memset(words, 0, sizeof(words));
	if (argc - 1 > LINUX_ARGC_MAX) {
		printf("linux: too many arguments (at most %d)\n", LINUX_ARGC_MAX);
		return;
	}
	for (int i = 1; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;
		if (len > LINUX_ARGS_MAX - n) {
			printf("linux: arguments too long (at most %d bytes with their NULs)\n",
			       LINUX_ARGS_MAX);
			return;
		}
		memcpy(bytes + n, argv[i], len);
		n += len;
	}
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t mr[4] = { n, 0, 0, 0 };
	unsigned nw = (unsigned)(n + 7) / 8;
	for (unsigned i = 0; i < nw; i++) {
		if (i + 1 < 4)
			mr[i + 1] = words[i];
		else
			ipc->msg[i + 1] = words[i];
	}
	uint64_t info = kozo_msginfo(LINUX_RUN, 0, 0, 1 + nw);
	int err = kozo_call_status(KOZO_PROC_LINUX, &info, mr);
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err == KOZO_ERR_CANCELLED)
		printf("linux: the Linux server stopped before the program ended (Init restarts it)\n");
	else if (err)
		printf("linux: error: %s\n", kozo_error_name((unsigned)err));
}

void cmd_linuxmem(int argc, char **argv)
{
	if (argc != 1) {
		print_usage(argv[0]);
		return;
	}
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(LINUX_MEMORY, 0, 0, 0);
	int err = kozo_startup_has(startup, KOZO_PROC_LINUX)
			  ? kozo_call_status(KOZO_PROC_LINUX, &info, mr)
			  : KOZO_ERR_FAILED_LOOKUP;
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err) {
		printf("linuxmem: error: %s\n", kozo_error_name((unsigned)err));
		return;
	}
	printf("linuxmem: %lu of %lu page pools whole, %lu bytes free\n", mr[0], mr[1],
	       mr[0] * mr[2]);
}

/* linuxattack: the isolation test of the Linux server's test build
 * (LINUX_ISOTEST=1); otherwise the server refuses it. */
void cmd_linuxattack(int argc, char **argv)
{
	if (argc != 1) {
		print_usage(argv[0]);
		return;
	}
	uint64_t mr[4] = { 0, 0, 0, 0 };
	uint64_t info = kozo_msginfo(LINUX_ISOTEST, 0, 0, 0);
	int err = kozo_startup_has(startup, KOZO_PROC_LINUX)
			  ? kozo_call_status(KOZO_PROC_LINUX, &info, mr)
			  : KOZO_ERR_FAILED_LOOKUP;
	if (!err)
		err = (int)kozo_msginfo_label(info);
	if (err == KOZO_ERR_CANCELLED)
		printf("linuxattack: the Linux server stopped (Init restarts it)\n");
	else if (err)
		printf("linuxattack: error: %s\n", kozo_error_name((unsigned)err));
}
