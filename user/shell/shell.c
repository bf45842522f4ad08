/* The shell: read a line (echo, backspace, Ctrl-U, history on the arrow
 * keys), split it into words as a POSIX shell does (single quotes, double
 * quotes, backslash escapes), run the command.
 *
 * A line holds up to LINE_MAX - 1 characters (4095).  A longer one is not
 * cut: it is refused as a whole after Enter, with an error, and nothing
 * runs.  Words are limited only by the line. */
#include "shell.h"
#include <console.h>
#include <printf.h>
#include <string.h>

#define LINE_MAX 4096
#define ARGS_MAX (LINE_MAX / 2)
#define HISTORY 16
#define PROMPT "kozo> "

const struct command commands[] = {
	{ "help", "", "list the commands", cmd_help },
	{ "bootinfo", "", "print the BootInfo page", cmd_bootinfo },
	{ "version", "", "Build-ID, source commit and whether the tree was modified", cmd_version },
	{ "untyped", "", "Untyped regions: slot, base, size, free bytes", cmd_untyped },
	{ "caps", "[server]", "occupied slots: type, rights, badge; a server's: what it holds",
	  cmd_caps },
	{ "retype", "<untyped> <type> <count> [size_bits] [@dest]",
	  "carve objects from an Untyped", cmd_retype },
	{ "copy", "<src> <dest>", "copy a capability", cmd_copy },
	{ "mint", "<src> <dest> <rights> <badge>", "copy with fewer rights and a badge",
	  cmd_mint },
	{ "move", "<src> <dest>", "move a capability", cmd_move },
	{ "delete", "<slot>", "delete a capability", cmd_delete },
	{ "revoke", "<slot>", "delete everything derived from a capability", cmd_revoke },
	{ "ps", "", "processes: pid, priority, state, restarts, faults", cmd_ps },
	{ "selftest", "", "run a thread in a new address space, exchange messages",
	  cmd_test },
	{ "forbidden", "", "a thread touches kernel memory; the kernel survives",
	  cmd_test },
	{ "isolation", "", "try issue 12's attacks on memory isolation; each must fail",
	  cmd_test },
	{ "retypebench", "", "cycles (instructions under -icount) per Untyped_Retype",
	  cmd_test },
	{ "preemptbench", "", "longest masked stretch (instructions under -icount): Revoke, big CNodes",
	  cmd_preemptbench },
	{ "ipcbench", "[rounds]", "IPC round trips: instructions per Call/ReplyRecv",
	  cmd_test },
	{ "ipctest", "", "IPC checks: fast path, badges, caps, IRQ, faults, deletion",
	  cmd_test },
	{ "faulttest", "", "a test program that faults: the shell reports it and goes on",
	  cmd_test },
	{ "echo", "<text>...", "print the arguments", cmd_echo },
	{ "panic", "[<user> [<address>]] | fault",
	  "deliberate kernel panic (crash telemetry test)", cmd_panic },
	{ "linux", "<path> [args...]", "run a static Linux program (of this architecture) from the archive",
	  cmd_linux },
	{ "linuxmem", "", "the Linux server's page pool: whole (every page back), bytes",
	  cmd_linuxmem },
	{ "linuxattack", "", "the Linux server's isolation test (its LINUX_ISOTEST=1 build)",
	  cmd_linuxattack },
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

/* ---- the line editor ---- */

static char history[HISTORY][LINE_MAX];
static unsigned history_count; /* lines stored so far (the last HISTORY kept) */

static void out(const char *s, size_t n)
{
	console_write(s, n);
}

/* Show buf instead of what the line holds now: back to the prompt, the
 * new text, the rest of the old line cleared. */
static void redraw(const char *buf, size_t len)
{
	out("\r" PROMPT, sizeof("\r" PROMPT) - 1);
	out(buf, len);
	out("\x1b[K", 3);
}

enum line_result { LINE_OK, LINE_TOO_LONG, LINE_INTERRUPTED };

/* Read one line into buf (LINE_MAX bytes), echoing.  Backspace and DEL
 * erase one character (a UTF-8 character's bytes together), Ctrl-U the
 * whole line, Ctrl-C abandons it; the up and down arrows (ESC [ A, ESC [ B)
 * walk the history, and any other escape sequence (ESC [, parameters, a
 * final byte, as ECMA-48 defines a control sequence) is read whole and
 * ignored.  Other control characters are ignored; bytes from 0x80 on
 * (UTF-8) are kept.  CR, LF or CR LF end the line.  Past LINE_MAX - 1
 * bytes the rest is read and dropped, and the line is refused. */
static enum line_result read_line(char *buf)
{
	static bool last_cr;
	size_t len = 0;
	bool too_long = false;
	unsigned back = 0;  /* history entries walked back; 0: the new line */
	int esc = 0;        /* 1: after ESC, 2: after ESC [, 3: after parameters */
	for (;;) {
		int c = console_getc();
		if (c < 0)
			c = '\n';
		if (esc == 1) {
			esc = c == '[' ? 2 : 0;
			continue;
		}
		if (esc >= 2 && c >= 0x20 && c <= 0x3f) {
			esc = 3;  /* a parameter or intermediate byte: more follows */
			continue;
		}
		if (esc == 3) {
			esc = 0;  /* the final byte of a sequence with parameters */
			continue;
		}
		if (esc == 2) {
			esc = 0;
			unsigned want = back;
			if (c == 'A' && back < history_count && back < HISTORY)
				want = back + 1;
			else if (c == 'B' && back > 0)
				want = back - 1;
			if (want == back)
				continue;
			back = want;
			if (back == 0) {
				len = 0;
			} else {
				const char *h = history[(history_count - back) % HISTORY];
				len = strlen(h);
				memcpy(buf, h, len);
			}
			too_long = false;
			redraw(buf, len);
			continue;
		}
		if (c == '\n' && last_cr) {
			last_cr = false;
			continue;
		}
		last_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			out("\n", 1);
			break;
		}
		if (c == 0x1b) {
			esc = 1;
			continue;
		}
		if (c == 0x03) {
			out("^C\n", 3);
			buf[0] = '\0';
			return LINE_INTERRUPTED;
		}
		if (c == 0x15) { /* Ctrl-U */
			len = 0;
			too_long = false;
			redraw(buf, 0);
			continue;
		}
		if (c == '\b' || c == 0x7f) {
			if (len && !too_long) {
				while (len > 1 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
					len--;  /* a UTF-8 character's continuation bytes */
				len--;
				out("\b \b", 3);
			}
			continue;
		}
		if (c == '\t')
			c = ' ';
		if (c < 0x20 || c == 0x7f || c > 0xff)
			continue;
		if (len + 1 >= LINE_MAX) {
			too_long = true;
			continue;
		}
		buf[len++] = (char)c;
		char echo = (char)c;
		out(&echo, 1);
	}
	buf[len] = '\0';
	if (too_long)
		return LINE_TOO_LONG;
	if (len) {
		memcpy(history[history_count % HISTORY], buf, len + 1);
		history_count++;
	}
	return LINE_OK;
}

/* ---- words ---- */

/* Split line in place into words, as a POSIX shell reads them: blanks
 * separate words; 'single quotes' keep everything; "double quotes" keep
 * everything but a backslash before $ ` " \ or newline; outside quotes a
 * backslash keeps the next character.  Quotes may join parts of a word
 * (a'b'"c" is abc) and make empty words (''). Returns the count, or -1
 * with *why set. */
static int split(char *line, char **argv, int max, const char **why)
{
	int argc = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return argc;
		if (argc == max) {
			*why = "too many words";
			return -1;
		}
		char *w = p; /* the word is rewritten in place, never longer */
		argv[argc++] = w;
		while (*p && *p != ' ') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					*w++ = *p++;
				if (!*p) {
					*why = "unterminated single quote";
					return -1;
				}
				p++;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '$' || p[1] == '`' || p[1] == '"' ||
							   p[1] == '\\'))
						p++;
					*w++ = *p++;
				}
				if (!*p) {
					*why = "unterminated double quote";
					return -1;
				}
				p++;
			} else if (*p == '\\') {
				p++;
				if (!*p) {
					*why = "backslash at the end of the line";
					return -1;
				}
				*w++ = *p++;
			} else {
				*w++ = *p++;
			}
		}
		bool more = *p != '\0';
		if (more)
			p++;
		*w = '\0';
		if (!more)
			return argc;
	}
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
	static char line[LINE_MAX];
	static char *argv[ARGS_MAX];
	for (;;) {
		out(PROMPT, sizeof(PROMPT) - 1);
		enum line_result r = read_line(line);
		(void)console_take_signals();
		if (r == LINE_TOO_LONG) {
			printf("shell: line too long (more than %d characters): not run\n",
			       LINE_MAX - 1);
			continue;
		}
		if (r != LINE_OK)
			continue;
		const char *why = "";
		int argc = split(line, argv, ARGS_MAX, &why);
		if (argc < 0)
			printf("shell: %s: not run\n", why);
		else if (argc > 0)
			run(argc, argv);
	}
}
