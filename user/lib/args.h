/* Number arguments of a command (libkozo's optional piece, linked by the
 * programs that take commands: the shell and the test programs,
 * mk/user.mk).  Each such program defines print_usage, which knows its
 * commands' usage lines. */
#ifndef KOZO_USER_ARGS_H
#define KOZO_USER_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* The program's: print "usage: <name> <its arguments>". */
void print_usage(const char *name);
/* Parse a number argument of command cmd (decimal or 0x hex, the whole
 * word); on error say so, print cmd's usage and return false. */
bool parse_arg(const char *cmd, const char *arg, uint64_t *out);

#endif
