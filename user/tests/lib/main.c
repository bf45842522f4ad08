/* A test program's start and end: the shell spawns it with the startup
 * info naming its capabilities and its arguments (user/lib/testprog.h),
 * it runs its test and tells the shell it is done. */
#include "tests.h"
#include <console.h>
#include <printf.h>
#include <string.h>
#include <syscall.h>
#include <testprog.h>

const struct kozo_startup *startup;

void print_usage(const char *name)
{
	printf("usage: %s %s\n", name, test_program.usage);
}

/* The words after the name, NUL-ended, in arg[1..3]; arg[0] counts them. */
static int unpack_args(const struct kozo_startup *st, char *buf, char **argv, int max)
{
	int argc = 0;
	argv[argc++] = (char *)test_program.name;
	memcpy(buf, &st->arg[1], TESTPROG_ARGS_MAX);
	buf[TESTPROG_ARGS_MAX] = '\0';
	size_t off = 0;
	for (uint64_t i = 0; i < st->arg[0] && argc < max && off < TESTPROG_ARGS_MAX; i++) {
		argv[argc++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	return argc;
}

/* Tell the shell the run is over; it destroys the program, so no reply. */
static _Noreturn void test_exit(uint64_t status)
{
	for (;;) {
		uint64_t mr[4] = { status, 0, 0, 0 };
		kozo_call(KOZO_PROC_SUPERVISOR, kozo_msginfo(TESTPROG_EXIT, 0, 0, 1), mr);
	}
}

_Noreturn void kozo_main(const struct kozo_startup *st);

_Noreturn void kozo_main(const struct kozo_startup *st)
{
	static char args[TESTPROG_ARGS_MAX + 1];
	char *argv[TESTPROG_ARGS_MAX / 2 + 2];
	startup = st;
	console_client_init(KOZO_PROC_CONSOLE, 0);
	kozo_set_output(console_write);
	if (st->magic != KOZO_STARTUP_MAGIC) {
		printf("%s: bad startup info\n", test_program.name);
		test_exit(1);
	}
	slots_init(st);
	alloc_init();
	int argc = unpack_args(st, args, argv, (int)(sizeof(argv) / sizeof(argv[0])));
	test_program.run(argc, argv);
	test_exit(0);
}
