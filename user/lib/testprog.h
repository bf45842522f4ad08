/* Test programs (user/tests/<name>): how the shell starts them and how they
 * end.  The shell spawns one (user/lib/spawn.c) with the capabilities its
 * entry in docs/SERVERS.md lists, waits for it and destroys it again.
 *
 *   KOZO_PROC_SUPERVISOR  the shell's endpoint, badged TESTPROG_EXIT_BADGE:
 *                         the program Calls it with label TESTPROG_EXIT,
 *                         MR0 its status, when it is done (no reply comes:
 *                         the shell destroys it)
 *   its TCB's fault endpoint  the same endpoint, badged
 *                         TESTPROG_FAULT_BADGE: a fault of the program's
 *                         first thread ends the run ("stopped: ...")
 *
 * Arguments: the words after the command name, each ended by a NUL, packed
 * into startup arg[1..3] (at most TESTPROG_ARGS_MAX bytes); arg[0] holds
 * their number. */
#ifndef KOZO_USER_TESTPROG_H
#define KOZO_USER_TESTPROG_H

#define TESTPROG_EXIT 1
#define TESTPROG_EXIT_BADGE 1
#define TESTPROG_FAULT_BADGE 2
#define TESTPROG_ARGS_MAX 24

#endif
