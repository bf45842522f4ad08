/* PostgreSQL backend; see crashdb_pg.h.  Parameters always travel apart
 * from the statement (PQexecParams), never pasted into it. */
#include "crashdb_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_COLS_MAX 16

struct pgdb {
	PGconn *conn;
	char err[512];
};

bool pgdb_is_url(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

static void set_err(struct pgdb *p, const char *msg)
{
	snprintf(p->err, sizeof(p->err), "%s", msg && *msg ? msg : "PostgreSQL error");
	p->err[strcspn(p->err, "\n")] = '\0';
}

struct pgdb *pgdb_open(const char *url, char *err, size_t errlen)
{
	struct pgdb *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->conn = PQconnectdb(url);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		/* The URL may hold a password: name only the failure. */
		char msg[400];

		snprintf(msg, sizeof(msg), "%s", p->conn ? PQerrorMessage(p->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(err, errlen, "cannot connect to the PostgreSQL database: %s", msg);
		pgdb_close(p);
		return NULL;
	}
	PGresult *r = PQexec(p->conn, "SET client_min_messages = warning");

	PQclear(r);
	return p;
}

void pgdb_close(struct pgdb *p)
{
	if (!p)
		return;
	if (p->conn)
		PQfinish(p->conn);
	free(p);
}

const char *pgdb_error(struct pgdb *p)
{
	return p->err;
}

int pgdb_run(struct pgdb *p, const char *sql, const char *const *params, int n,
	     crashdb_row_fn fn, void *ctx, long long *changed)
{
	/* Without parameters several statements may go at once (PQexec). */
	PGresult *r = n ? PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0)
			: PQexec(p->conn, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		set_err(p, r ? PQresultErrorMessage(r) : PQerrorMessage(p->conn));
		PQclear(r);
		return -1;
	}
	if (changed)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	int rows = PQntuples(r), cols = PQnfields(r);

	if (cols > PG_COLS_MAX)
		cols = PG_COLS_MAX;
	for (int i = 0; fn && i < rows && rc == 0; i++) {
		const char *c[PG_COLS_MAX];

		for (int j = 0; j < cols; j++)
			c[j] = PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j);
		rc = fn(ctx, c, cols);
	}
	PQclear(r);
	return rc;
}
