/* The crash database's PostgreSQL backend (libpq): a connection that runs
 * statements with text parameters and hands back rows as text.  The SQL
 * itself is crashdb.c's, next to SQLite's. */
#ifndef KOZO_TOOLS_CRASHDB_PG_H
#define KOZO_TOOLS_CRASHDB_PG_H

#include <stdbool.h>
#include <stddef.h>

struct pgdb;

/* A row's columns as text ("" for NULL); return non-zero to stop. */
typedef int (*crashdb_row_fn)(void *ctx, const char *const *cols, int ncols);

bool pgdb_is_url(const char *s);
struct pgdb *pgdb_open(const char *url, char *err, size_t errlen);
void pgdb_close(struct pgdb *p);
/* Runs sql with n text parameters (NULL: SQL NULL); rows to fn (may be
 * NULL); *changed (may be NULL) gets the rows a command changed.  Returns
 * 0, or -1 (pgdb_error), or fn's non-zero value. */
int pgdb_run(struct pgdb *p, const char *sql, const char *const *params, int n,
	     crashdb_row_fn fn, void *ctx, long long *changed);
const char *pgdb_error(struct pgdb *p);

#endif
