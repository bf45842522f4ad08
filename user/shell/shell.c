/* The shell: read a line with echo and backspace, split it into words,
 * run the command. */
#include "shell.h"
#include <printf.h>
#include <console.h>
#include <string.h>

#define LINE_MAX 160
#define ARGS_MAX 12
#define PROMPT "kozo> "

const struct command commands[] = {
	{ "help", "", "list the commands", cmd_help },
	{ "bootinfo", "", "print the BootInfo page", cmd_bootinfo },
	{ "untyped", "", "Untyped regions: slot, base, size, free bytes", cmd_untyped },
	{ "caps", "", "occupied slots: type, rights, badge", cmd_caps },
	{ "retype", "<untyped> <type> <count> [size_bits] [@dest]",
	  "carve objects from an Untyped", cmd_retype },
	{ "copy", "<src> <dest>", "copy a capability", cmd_copy },
	{ "mint", "<src> <dest> <rights> <badge>", "copy with fewer rights and a badge",
	  cmd_mint },
	{ "move", "<src> <dest>", "move a capability", cmd_move },
	{ "delete", "<slot>", "delete a capability", cmd_delete },
	{ "revoke", "<slot>", "delete everything derived from a capability", cmd_revoke },
	{ "selftest", "", "run a thread in a new address space, exchange messages",
	  cmd_selftest },
	{ "forbidden", "", "a thread touches kernel memory; the kernel survives",
	  cmd_forbidden },
	{ "retypebench", "", "cycles (instructions under -icount) per Untyped_Retype",
	  cmd_retypebench },
	{ "ipcbench", "[rounds]", "IPC round trips: instructions per Call/ReplyRecv",
	  cmd_ipcbench },
	{ "ipctest", "", "IPC checks: fast path, badges, caps, IRQ, faults, deletion",
	  cmd_ipctest },
	{ "echo", "<text>...", "print the arguments", cmd_echo },
	{ "panic", "[<user> [<address>]] | fault",
	  "deliberate kernel panic (crash telemetry test)", cmd_panic },
	{ "linux", "<path> [args...]", "run a static Linux x86_64 program from the archive",
	  cmd_linux },
};
const unsigned command_count = sizeof(commands) / sizeof(commands[0]);

void print_usage(const char *name)
{
	for (unsigned i = 0; i < command_count; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			printf("usage: %s %s\n", name, commands[i].usage);
			return;
		}
	}
}

bool parse_arg(const char *cmd, const char *arg, uint64_t *out)
{
	if (kozo_parse_u64_all(arg, out))
		return true;
	printf("%s: '%s' is not a number; ", cmd, arg);
	print_usage(cmd);
	return false;
}

/* Read one line into buf, echoing.  Backspace and DEL erase; other control
 * characters are ignored; CR, LF or CR LF end the line. */
static void read_line(char *buf, size_t size)
{
	static bool last_cr;
	size_t len = 0;
	for (;;) {
		int c = console_getc();
		if (c == '\n' && last_cr) {
			last_cr = false;
			continue;
		}
		last_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			puts_raw("\n");
			break;
		}
		if (c == '\b' || c == 0x7f) {
			if (len) {
				len--;
				puts_raw("\b \b");
			}
			continue;
		}
		if (c < 0x20 || c > 0x7e || len + 1 >= size)
			continue;
		buf[len++] = (char)c;
		char echo[2] = { (char)c, 0 };
		puts_raw(echo);
	}
	buf[len] = '\0';
}

static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == ARGS_MAX)
			return -1;
		/* 'a single-quoted word' keeps its spaces (for `linux ... sh -c '...'`) */
		if (*p == '\'') {
			argv[argc++] = ++p;
			while (*p && *p != '\'')
				p++;
			if (*p)
				*p++ = '\0';
			continue;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

static void run(int argc, char **argv)
{
	for (unsigned i = 0; i < command_count; i++) {
		if (commands[i].fn && strcmp(commands[i].name, argv[0]) == 0) {
			commands[i].fn(argc, argv);
			return;
		}
	}
	printf("unknown command '%s'; try help\n", argv[0]);
}

_Noreturn void shell_run(void)
{
	char line[LINE_MAX];
	char *argv[ARGS_MAX];
	for (;;) {
		puts_raw(PROMPT);
		read_line(line, sizeof(line));
		int argc = split(line, argv);
		if (argc < 0)
			printf("too many arguments (at most %d)\n", ARGS_MAX - 1);
		else if (argc > 0)
			run(argc, argv);
	}
}
