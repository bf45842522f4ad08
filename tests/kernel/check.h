/* A small test framework: every check prints "PASS <test>.<name>" or
 * "FAIL <test>.<name>: <detail>", and check_summary() ends the run with
 * "N passed, N failed". */
#ifndef KOZO_TEST_CHECK_H
#define KOZO_TEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Name the test the following checks belong to. */
void check_begin(const char *test);
bool check_true(bool ok, const char *name, const char *expr);
bool check_u64(const char *name, uint64_t got, uint64_t want, const char *expr);
/* got and want are kozo_errors (or the harness's HOST_* values). */
bool check_err(const char *name, uint64_t got, uint64_t want);
/* A failure found outside a named check (a broken fixture). */
void check_fail(const char *name, const char *detail);
/* Failures so far. */
unsigned check_failures(void);
/* Print the summary line; returns the process exit status. */
int check_summary(void);

#define CHECK(name, cond) check_true((cond), (name), #cond)
#define CHECK_EQ(name, got, want) check_u64((name), (uint64_t)(got), (uint64_t)(want), #got)
#define CHECK_ERR(name, got, want) check_err((name), (uint64_t)(got), (uint64_t)(want))

#endif
