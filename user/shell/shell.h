/* The shell, a process of its own (Init starts it): shared state and the
 * pieces of the shell.  Its CSpace and VSpace are its own; the KOZO_CAP_INIT_*
 * names below are its own TCB, CNode, VSpace and IPC buffer frame (proc.h
 * gives processes those slots). */
#ifndef KOZO_SHELL_H
#define KOZO_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <kozo/kozo.h>
#include <proc.h>
#include <slots.h>
#include <args.h>

/* The shell's CNode addresses a slot by its number at full depth. */
#define INIT_DEPTH 64

/* What Init gave the shell (read-only page, proc.h). */
extern const struct kozo_startup *startup;
/* BootInfo, mapped read-only on first use (for `bootinfo`); NULL when the
 * shell holds no capability to it. */
const struct kozo_bootinfo *shell_bootinfo(void);

/* ---- shell.c ---- */
_Noreturn void shell_run(void);
/* Commands: argv[0] is the command name. */
typedef void (*command_fn)(int argc, char **argv);
struct command {
	const char *name;
	const char *usage;  /* arguments, for "usage: name <usage>" */
	const char *help;
	command_fn fn;      /* NULL: not on this architecture */
};
extern const struct command commands[];
extern const unsigned command_count;

void cmd_help(int argc, char **argv);
void cmd_bootinfo(int argc, char **argv);
void cmd_version(int argc, char **argv);
void cmd_untyped(int argc, char **argv);
void cmd_caps(int argc, char **argv);
void cmd_echo(int argc, char **argv);
void cmd_retype(int argc, char **argv);
void cmd_mint(int argc, char **argv);
void cmd_copy(int argc, char **argv);
void cmd_move(int argc, char **argv);
void cmd_delete(int argc, char **argv);
void cmd_revoke(int argc, char **argv);
void cmd_preemptbench(int argc, char **argv);  /* preemptbench.c */
void cmd_panic(int argc, char **argv);
void cmd_ps(int argc, char **argv);
/* caps <server>: what Init finds in that process's CNode. */
void cmd_server_caps(const char *server);
/* Print a process's capabilities as `caps <server>` does: header, the
 * well-known slots of the `known` mask, then the counts. */
void print_process_caps(const char *header, uint64_t known, uint64_t image, uint64_t untyped,
			uint64_t other);

/* ---- commands_tests.c: the test programs (user/tests) ---- */
/* Run the test program argv[0] with the arguments after it: spawned with
 * its capabilities (docs/SERVERS.md), waited for, destroyed. */
void cmd_test(int argc, char **argv);
/* True if name is a test program; then `caps <name>` lists what it holds
 * when it starts (spawned stopped, listed, destroyed). */
bool is_test_program(const char *name);
void cmd_test_caps(const char *name);
/* commands_linux.c: requests to the Linux server (both architectures). */
void cmd_linux(int argc, char **argv);
void cmd_linuxmem(int argc, char **argv);
void cmd_linuxattack(int argc, char **argv);

#endif
