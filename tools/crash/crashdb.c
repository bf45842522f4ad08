/* The crash database; see crashdb.h.  All SQL takes bound parameters, never
 * text pasted into a statement.  Two backends with the same tables and
 * queries: SQLite (a path) and PostgreSQL (a postgresql:// URL, through
 * crashdb_pg.c); where their dialects differ both texts stand side by
 * side, [0] SQLite's and [1] PostgreSQL's. */
#include "crashdb.h"
#include "crashdb_pg.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>

/* The ingest's statements, prepared once per open (preparing them for
 * every record cost more than running them). */
enum { ST_CRASH, ST_OCC, ST_COUNT, ST_DEVICE, ST_BUILD, ST_ARCH, ST_N };

static const char *const add_sql[ST_N] = {
	[ST_CRASH] = "INSERT INTO crashes VALUES(?1, 0, ?2, ?3, ?4, ?5)"
		     " ON CONFLICT(crash_id) DO NOTHING",
	[ST_OCC] = "INSERT OR IGNORE INTO occurrences VALUES(?1, ?2, ?3)",
	[ST_COUNT] = "UPDATE crashes SET count = count + 1,"
		     " first_seen = min(first_seen, ?2), last_seen = max(last_seen, ?2)"
		     " WHERE crash_id = ?1",
	[ST_DEVICE] = "INSERT INTO crash_devices VALUES(?1, ?2, 1)"
		      " ON CONFLICT(crash_id, device) DO UPDATE SET count = count + 1",
	[ST_BUILD] = "INSERT INTO crash_builds VALUES(?1, ?2, 1, ?3, ?3)"
		     " ON CONFLICT(crash_id, build_id) DO UPDATE SET count = count + 1,"
		     " first_seen = min(first_seen, ?3), last_seen = max(last_seen, ?3)",
	[ST_ARCH] = "INSERT INTO crash_arches VALUES(?1, ?2, 1)"
		    " ON CONFLICT(crash_id, arch) DO UPDATE SET count = count + 1",
};

/* The same statements for PostgreSQL (LEAST/GREATEST for min/max). */
static const char *const add_sql_pg[ST_N] = {
	[ST_CRASH] = "INSERT INTO crashes VALUES($1, 0, $2, $3, $4, $5)"
		     " ON CONFLICT(crash_id) DO NOTHING",
	[ST_OCC] = "INSERT INTO occurrences VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
	[ST_COUNT] = "UPDATE crashes SET count = count + 1,"
		     " first_seen = LEAST(first_seen, $2), last_seen = GREATEST(last_seen, $2)"
		     " WHERE crash_id = $1",
	[ST_DEVICE] = "INSERT INTO crash_devices VALUES($1, $2, 1)"
		      " ON CONFLICT(crash_id, device) DO UPDATE SET count = crash_devices.count + 1",
	[ST_BUILD] = "INSERT INTO crash_builds VALUES($1, $2, 1, $3, $3)"
		     " ON CONFLICT(crash_id, build_id) DO UPDATE SET count = crash_builds.count + 1,"
		     " first_seen = LEAST(crash_builds.first_seen, $3),"
		     " last_seen = GREATEST(crash_builds.last_seen, $3)",
	[ST_ARCH] = "INSERT INTO crash_arches VALUES($1, $2, 1)"
		    " ON CONFLICT(crash_id, arch) DO UPDATE SET count = crash_arches.count + 1",
};

struct crashdb {
	struct pgdb *pg; /* PostgreSQL, or NULL: SQLite */
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	bool durable; /* CRASHDB_WRITE_DURABLE */
	long long changed; /* rows the last statement changed */
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES('schema', '" CRASHDB_SCHEMA_VERSION "');"
	"CREATE TABLE IF NOT EXISTS crashes("
	"  crash_id TEXT PRIMARY KEY,"
	"  count INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  sample TEXT NOT NULL,"
	"  frames TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS crash_devices("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  device TEXT NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY(crash_id, device));"
	"CREATE TABLE IF NOT EXISTS crash_builds("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  build_id TEXT NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(crash_id, build_id));"
	"CREATE TABLE IF NOT EXISTS crash_arches("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  arch TEXT NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY(crash_id, arch));"
	"CREATE TABLE IF NOT EXISTS occurrences("
	"  occurrence TEXT PRIMARY KEY,"
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  seen INTEGER NOT NULL);";

/* The same tables for PostgreSQL (64-bit integers are BIGINT there). */
static const char schema_pg[] =
	"CREATE TABLE IF NOT EXISTS meta("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta VALUES('schema', '" CRASHDB_SCHEMA_VERSION "') ON CONFLICT DO NOTHING;"
	"CREATE TABLE IF NOT EXISTS crashes("
	"  crash_id TEXT PRIMARY KEY,"
	"  count BIGINT NOT NULL,"
	"  first_seen BIGINT NOT NULL,"
	"  last_seen BIGINT NOT NULL,"
	"  sample TEXT NOT NULL,"
	"  frames TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS crash_devices("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  device TEXT NOT NULL,"
	"  count BIGINT NOT NULL,"
	"  PRIMARY KEY(crash_id, device));"
	"CREATE TABLE IF NOT EXISTS crash_builds("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  build_id TEXT NOT NULL,"
	"  count BIGINT NOT NULL,"
	"  first_seen BIGINT NOT NULL DEFAULT 0,"
	"  last_seen BIGINT NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(crash_id, build_id));"
	"CREATE TABLE IF NOT EXISTS crash_arches("
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  arch TEXT NOT NULL,"
	"  count BIGINT NOT NULL,"
	"  PRIMARY KEY(crash_id, arch));"
	"CREATE TABLE IF NOT EXISTS occurrences("
	"  occurrence TEXT PRIMARY KEY,"
	"  crash_id TEXT NOT NULL REFERENCES crashes(crash_id),"
	"  seen BIGINT NOT NULL);";

static int keep_first(void *ctx, const char *const *cols, int n)
{
	if (n > 0)
		snprintf(ctx, 8, "%s", cols[0]);
	return 0;
}

static struct crashdb *open_pg(struct crashdb *d, const char *url, enum crashdb_mode mode,
			       char *err, size_t errlen)
{
	char version[8] = "";

	d->pg = pgdb_open(url, err, errlen);
	if (!d->pg) {
		free(d);
		return NULL;
	}
	/* Writers make the tables (under a lock: two may start at once). */
	if (mode == CRASHDB_WRITE || mode == CRASHDB_WRITE_DURABLE) {
		if (pgdb_run(d->pg, "BEGIN; SELECT pg_advisory_xact_lock(1501)", NULL, 0,
			     NULL, NULL, NULL) != 0 ||
		    pgdb_run(d->pg, schema_pg, NULL, 0, NULL, NULL, NULL) != 0 ||
		    pgdb_run(d->pg, "COMMIT", NULL, 0, NULL, NULL, NULL) != 0) {
			snprintf(err, errlen, "cannot make the crash tables: %s", pgdb_error(d->pg));
			crashdb_close(d);
			return NULL;
		}
	}
	if (pgdb_run(d->pg, "SELECT value FROM meta WHERE key = 'schema'", NULL, 0, keep_first,
		     version, NULL) != 0 || strcmp(version, CRASHDB_SCHEMA_VERSION) != 0) {
		snprintf(err, errlen, "the PostgreSQL database is not a crash database of schema "
			 CRASHDB_SCHEMA_VERSION "%s", mode == CRASHDB_READ ?
			 " (ingest or serve makes one; --create for an empty one)" : "");
		crashdb_close(d);
		return NULL;
	}
	return d;
}

struct crashdb *crashdb_open(const char *path, enum crashdb_mode mode, char *err,
			     size_t errlen)
{
	struct crashdb *d = calloc(1, sizeof(*d));
	struct stat st;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (pgdb_is_url(path))
		return open_pg(d, path, mode, err, errlen);
	if ((mode == CRASHDB_READ || mode == CRASHDB_WRITE_EXISTING) && stat(path, &st) != 0) {
		snprintf(err, errlen, "no database at %s (ingest makes one; --create for an empty one)",
			 path);
		free(d);
		return NULL;
	}
	/* The file holds only anonymized data, but it is nobody else's. */
	mode_t old = umask(077);
	int flags = mode == CRASHDB_READ ? SQLITE_OPEN_READONLY
					 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &d->db, flags, NULL);

	umask(old);
	/* WAL: readers (report, show) never wait for an ingest, and an ingest
	 * never waits for them; a second writer waits up to the timeout. */
	if (rc != SQLITE_OK || sqlite3_busy_timeout(d->db, CRASHDB_BUSY_MS) != SQLITE_OK ||
	    (mode != CRASHDB_READ &&
	     (sqlite3_exec(d->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL,
			   NULL) != SQLITE_OK ||
	      (mode == CRASHDB_WRITE_DURABLE &&
	       sqlite3_exec(d->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) ||
	      sqlite3_exec(d->db, schema, NULL, NULL, NULL) != SQLITE_OK))) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 d->db ? sqlite3_errmsg(d->db) : "out of memory");
		crashdb_close(d);
		return NULL;
	}
	d->durable = mode == CRASHDB_WRITE_DURABLE;
	sqlite3_stmt *stmt = NULL;
	char version[8] = "";

	if (sqlite3_prepare_v2(d->db, "SELECT value FROM meta WHERE key='schema'", -1, &stmt,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(version, sizeof(version), "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	/* Schema 1 had no per-build times and no architectures: add them. */
	if (strcmp(version, "1") == 0 && mode != CRASHDB_READ &&
	    sqlite3_exec(d->db,
			 "BEGIN IMMEDIATE;"
			 "ALTER TABLE crash_builds ADD COLUMN first_seen INTEGER NOT NULL DEFAULT 0;"
			 "ALTER TABLE crash_builds ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;"
			 "UPDATE meta SET value = '2' WHERE key = 'schema';"
			 "COMMIT;",
			 NULL, NULL, NULL) == SQLITE_OK)
		snprintf(version, sizeof(version), "2");
	int ok = strcmp(version, CRASHDB_SCHEMA_VERSION) == 0;

	if (!ok) {
		snprintf(err, errlen,
			 "%s is not a crash database of schema " CRASHDB_SCHEMA_VERSION
			 "%s", path, strcmp(version, "1") == 0 ? " (schema 1: ingest upgrades it)" : "");
		crashdb_close(d);
		return NULL;
	}
	return d;
}

void crashdb_close(struct crashdb *d)
{
	if (!d)
		return;
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(d->st[i]);
	sqlite3_close(d->db);
	pgdb_close(d->pg);
	free(d);
}

const char *crashdb_error(struct crashdb *d)
{
	return d->pg ? pgdb_error(d->pg) : sqlite3_errmsg(d->db);
}

int crashdb_begin(struct crashdb *d)
{
	if (d->pg)
		return pgdb_run(d->pg, "BEGIN", NULL, 0, NULL, NULL, NULL) == 0 ? 0 : -1;
	return sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int crashdb_commit(struct crashdb *d)
{
	if (d->pg)
		return pgdb_run(d->pg, "COMMIT", NULL, 0, NULL, NULL, NULL) == 0 ? 0 : -1;
	if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (d->durable)
		return 0;
	/* Fold the WAL into the database now (without waiting for readers):
	 * readers then find pages in the file, not in a long WAL. */
	sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return 0;
}

void crashdb_rollback(struct crashdb *d)
{
	if (d->pg) {
		pgdb_run(d->pg, "ROLLBACK", NULL, 0, NULL, NULL, NULL);
		return;
	}
	sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs one statement with text parameters (NULL ends the list; "#now" binds
 * the integer now). */
static int exec_bound(struct crashdb *d, int which, int64_t now, const char *const *params)
{
	if (d->pg) {
		char now_text[24];
		const char *p[8];
		int n = 0;

		snprintf(now_text, sizeof(now_text), "%lld", (long long)now);
		for (; params[n] && n < 8; n++)
			p[n] = strcmp(params[n], "#now") == 0 ? now_text : params[n];
		return pgdb_run(d->pg, add_sql_pg[which], p, n, NULL, NULL, &d->changed) == 0 ? 0
											      : -1;
	}
	sqlite3_stmt *st = d->st[which];

	if (!st && sqlite3_prepare_v3(d->db, add_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
				      &d->st[which], NULL) != SQLITE_OK)
		return -1;
	st = d->st[which];
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (int i = 0; params[i]; i++) {
		int rc = strcmp(params[i], "#now") == 0
				 ? sqlite3_bind_int64(st, i + 1, now)
				 : sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
		if (rc != SQLITE_OK)
			return -1;
	}
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	d->changed = sqlite3_changes(d->db);
	return rc == SQLITE_DONE ? 0 : -1;
}

int crashdb_add(struct crashdb *d, const struct crash_occurrence *o, bool *is_new)
{
	const char *occ[] = { o->occurrence, o->crash_id, "#now", NULL };
	const char *crash[] = { o->crash_id, "#now", "#now", o->sample, o->frames, NULL };
	const char *dev[] = { o->crash_id, o->device, NULL };
	const char *build[] = { o->crash_id, o->build_id, "#now", NULL };
	const char *arch[] = { o->crash_id, o->arch, NULL };

	*is_new = false;
	/* The crash row goes first so the occurrence's reference exists. */
	if (exec_bound(d, ST_CRASH, o->now, crash) != 0)
		return -1;
	if (exec_bound(d, ST_OCC, o->now, occ) != 0)
		return -1;
	if (d->changed == 0)
		return 0; /* seen before: count once */
	*is_new = true;
	if (exec_bound(d, ST_COUNT, o->now, (const char *[]){ o->crash_id, "#now", NULL }) != 0 ||
	    exec_bound(d, ST_DEVICE, o->now, dev) != 0)
		return -1;
	if (exec_bound(d, ST_BUILD, o->now, build) != 0)
		return -1;
	return exec_bound(d, ST_ARCH, o->now, arch);
}

static void fmt_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

static long long num(const char *s)
{
	return strtoll(s, NULL, 10);
}

void crashdb_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

#define COLS_MAX 16

/* Runs a query (sql[0] SQLite's, sql[1] PostgreSQL's) with text
 * parameters (NULL: SQL NULL), each row's columns as text to fn. */
static int run(struct crashdb *d, const char *const sql[2], const char *const *params, int n,
	       crashdb_row_fn fn, void *ctx, long long *changed)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (d->pg)
		return pgdb_run(d->pg, sql[1], params, n, fn, ctx, changed);
	if (sqlite3_prepare_v2(d->db, sql[0], -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if ((params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC)
			       : sqlite3_bind_null(st, i + 1)) != SQLITE_OK)
			ret = -1;
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c[COLS_MAX];
		int nc = sqlite3_column_count(st);

		nc = nc > COLS_MAX ? COLS_MAX : nc;
		for (int j = 0; j < nc; j++) {
			const char *v = (const char *)sqlite3_column_text(st, j);

			c[j] = v ? v : "";
		}
		if (fn)
			ret = fn(ctx, c, nc);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	if (changed)
		*changed = sqlite3_changes(d->db);
	sqlite3_finalize(st);
	return ret;
}

/* Integer parameters are passed as text and cast in the statement. */
static const char *const report_sql[2] = {
	"SELECT c.crash_id, c.count,"
	" (SELECT count(*) FROM crash_devices d WHERE d.crash_id = c.crash_id),"
	" c.first_seen, c.last_seen,"
	" (SELECT group_concat(build_id, ',') FROM"
	"   (SELECT build_id FROM crash_builds b WHERE b.crash_id = c.crash_id"
	"    ORDER BY build_id)),"
	" c.sample, c.frames,"
	" (SELECT group_concat(arch, ',') FROM"
	"   (SELECT arch FROM crash_arches a WHERE a.crash_id = c.crash_id ORDER BY arch))"
	" FROM crashes c WHERE c.count > 0 AND c.last_seen >= CAST(?1 AS INTEGER)"
	/* new in build ?2: seen in it, and in no build seen earlier */
	" AND (?2 IS NULL OR (EXISTS (SELECT 1 FROM crash_builds n"
	"       WHERE n.crash_id = c.crash_id AND n.build_id = ?2)"
	"   AND NOT EXISTS (SELECT 1 FROM crash_builds o, crash_builds n"
	"       WHERE o.crash_id = c.crash_id AND n.crash_id = c.crash_id AND n.build_id = ?2"
	"       AND o.build_id <> ?2 AND o.first_seen <= n.first_seen)))"
	" ORDER BY c.count DESC, c.last_seen DESC, c.crash_id"
	" LIMIT coalesce(CAST(?3 AS INTEGER), -1) OFFSET CAST(?4 AS INTEGER)",

	"SELECT c.crash_id, c.count,"
	" (SELECT count(*) FROM crash_devices d WHERE d.crash_id = c.crash_id),"
	" c.first_seen, c.last_seen,"
	" (SELECT string_agg(build_id, ',' ORDER BY build_id) FROM crash_builds b"
	"   WHERE b.crash_id = c.crash_id),"
	" c.sample, c.frames,"
	" (SELECT string_agg(arch, ',' ORDER BY arch) FROM crash_arches a"
	"   WHERE a.crash_id = c.crash_id)"
	" FROM crashes c WHERE c.count > 0 AND c.last_seen >= CAST($1 AS BIGINT)"
	" AND ($2::text IS NULL OR (EXISTS (SELECT 1 FROM crash_builds n"
	"       WHERE n.crash_id = c.crash_id AND n.build_id = $2)"
	"   AND NOT EXISTS (SELECT 1 FROM crash_builds o, crash_builds n"
	"       WHERE o.crash_id = c.crash_id AND n.crash_id = c.crash_id AND n.build_id = $2"
	"       AND o.build_id <> $2 AND o.first_seen <= n.first_seen)))"
	" ORDER BY c.count DESC, c.last_seen DESC, c.crash_id COLLATE \"C\""
	" LIMIT CAST($3 AS BIGINT) OFFSET CAST($4 AS BIGINT)",
};

static const char *const builds_sql[2] = {
	"SELECT build_id, count, first_seen, last_seen FROM crash_builds"
	" WHERE crash_id = ?1 ORDER BY first_seen, build_id",
	"SELECT build_id, count, first_seen, last_seen FROM crash_builds"
	" WHERE crash_id = $1 ORDER BY first_seen, build_id COLLATE \"C\"",
};

static const char *const arches_sql[2] = {
	"SELECT arch, count FROM crash_arches WHERE crash_id = ?1 ORDER BY arch",
	"SELECT arch, count FROM crash_arches WHERE crash_id = $1 ORDER BY arch COLLATE \"C\"",
};

static const char *const show_sql[2] = {
	"SELECT crash_id, count,"
	" (SELECT count(*) FROM crash_devices v WHERE v.crash_id = c.crash_id),"
	" first_seen, last_seen,"
	" (SELECT group_concat(build_id || ' (' || count || ')', ', ') FROM"
	"   (SELECT build_id, count FROM crash_builds b"
	"    WHERE b.crash_id = c.crash_id ORDER BY build_id)),"
	" sample, frames,"
	" (SELECT group_concat(arch || ' (' || count || ')', ', ') FROM"
	"   (SELECT arch, count FROM crash_arches a"
	"    WHERE a.crash_id = c.crash_id ORDER BY arch))"
	" FROM crashes c"
	" WHERE substr(crash_id, 1, length(?1)) = ?1 AND count > 0 LIMIT 2",

	"SELECT crash_id, count,"
	" (SELECT count(*) FROM crash_devices v WHERE v.crash_id = c.crash_id),"
	" first_seen, last_seen,"
	" (SELECT string_agg(build_id || ' (' || count || ')', ', ' ORDER BY build_id COLLATE \"C\")"
	"   FROM crash_builds b WHERE b.crash_id = c.crash_id),"
	" sample, frames,"
	" (SELECT string_agg(arch || ' (' || count || ')', ', ' ORDER BY arch COLLATE \"C\")"
	"   FROM crash_arches a WHERE a.crash_id = c.crash_id)"
	" FROM crashes c"
	" WHERE substr(crash_id, 1, length($1::text)) = $1 AND count > 0 LIMIT 2",
};

static const char *const prune_sql[2] = {
	"DELETE FROM occurrences WHERE seen < CAST(?1 AS INTEGER)",
	"DELETE FROM occurrences WHERE seen < CAST($1 AS BIGINT)",
};

struct details {
	FILE *out;
	int n;
};

static int build_row(void *ctx, const char *const *c, int nc)
{
	struct details *x = ctx;
	char first[32], last[32];

	(void)nc;
	fmt_time(num(c[2]), first);
	fmt_time(num(c[3]), last);
	fputs(x->n++ ? ", {\"build_id\": " : "{\"build_id\": ", x->out);
	crashdb_json_string(x->out, c[0]);
	fprintf(x->out, ", \"count\": %lld, \"first_seen\": \"%s\", \"last_seen\": \"%s\"}",
		num(c[1]), first, last);
	return 0;
}

static int arch_row(void *ctx, const char *const *c, int nc)
{
	struct details *x = ctx;

	(void)nc;
	fputs(x->n++ ? ", " : "", x->out);
	crashdb_json_string(x->out, c[0]);
	fprintf(x->out, ": %lld", num(c[1]));
	return 0;
}

/* A bucket's builds (count, first and last seen) and architectures. */
static int json_details(struct crashdb *d, FILE *out, const char *crash_id)
{
	struct details x = { out, 0 };
	const char *p[] = { crash_id };

	fputs(", \"builds\": [", out);
	if (run(d, builds_sql, p, 1, build_row, &x, NULL) != 0)
		return -1;
	fputs("], \"arches\": {", out);
	x.n = 0;
	if (run(d, arches_sql, p, 1, arch_row, &x, NULL) != 0)
		return -1;
	fputc('}', out);
	return 0;
}

static int report_row_json(struct crashdb *d, FILE *out, const char *const *c, const char *lead)
{
	char first_seen[32], last_seen[32];
	char builds[4096];

	fmt_time(num(c[3]), first_seen);
	fmt_time(num(c[4]), last_seen);
	fprintf(out, "%s{\"crash_id\": ", lead);
	crashdb_json_string(out, c[0]);
	fprintf(out, ", \"count\": %lld, \"devices\": %lld, \"first_seen\": \"%s\","
		     " \"last_seen\": \"%s\", \"build_ids\": [",
		num(c[1]), num(c[2]), first_seen, last_seen);
	snprintf(builds, sizeof(builds), "%s", c[5]);
	char *save = NULL;
	bool first_build = true;

	for (char *b = strtok_r(builds, ",", &save); b; b = strtok_r(NULL, ",", &save)) {
		fputs(first_build ? "" : ", ", out);
		crashdb_json_string(out, b);
		first_build = false;
	}
	fputs("], \"sample\": ", out);
	crashdb_json_string(out, c[6]);
	fputs(", \"signature\": ", out);
	crashdb_json_string(out, c[7]);
	if (json_details(d, out, c[0]) != 0)
		return -1;
	fputc('}', out);
	return 0;
}

struct report {
	struct crashdb *d;
	FILE *out;
	enum crashdb_format format;
	int rows;
};

static int report_row(void *ctx, const char *const *c, int nc)
{
	struct report *r = ctx;

	(void)nc;
	if (r->format != CRASHDB_TABLE) {
		const char *lead = r->format == CRASHDB_NDJSON ? "" : r->rows ? ",\n  " : "\n  ";

		if (report_row_json(r->d, r->out, c, lead) != 0)
			return -1;
		if (r->format == CRASHDB_NDJSON)
			fputc('\n', r->out);
	} else {
		char last_seen[32];

		fmt_time(num(c[4]), last_seen);
		fprintf(r->out, "%6lld %7lld  %-20s  %-64s  %-14s %s\n", num(c[1]), num(c[2]),
			last_seen, c[0], c[8], c[6]);
	}
	r->rows++;
	return 0;
}

int crashdb_report(struct crashdb *d, FILE *out, const struct crashdb_query *q)
{
	struct report r = { d, out, q->format, 0 };
	char since[24], limit[24], offset[24];

	snprintf(since, sizeof(since), "%lld", (long long)q->since);
	snprintf(limit, sizeof(limit), "%lld", q->limit);
	snprintf(offset, sizeof(offset), "%lld", q->offset);
	const char *p[] = { since, q->new_in, q->limit > 0 ? limit : NULL, offset };

	if (q->format == CRASHDB_JSON)
		fputc('[', out);
	else if (q->format == CRASHDB_TABLE)
		fprintf(out, "%6s %7s  %-20s  %-64s  %-14s %s\n", "COUNT", "DEVICES", "LAST SEEN",
			"CRASH-ID", "ARCHES", "SAMPLE");
	int rc = run(d, report_sql, p, 4, report_row, &r, NULL);

	if (q->format == CRASHDB_JSON)
		fputs(r.rows ? "\n]\n" : "]\n", out);
	else if (q->format == CRASHDB_TABLE)
		fprintf(out, "%d crash bucket%s\n", r.rows, r.rows == 1 ? "" : "s");
	return rc == 0 ? 0 : -1;
}

long long crashdb_prune(struct crashdb *d, int64_t before)
{
	char t[24];
	const char *p[] = { t };
	long long changed = 0;

	snprintf(t, sizeof(t), "%lld", (long long)before);
	return run(d, prune_sql, p, 1, NULL, NULL, &changed) == 0 ? changed : -1;
}

static bool hex_prefix_ok(const char *id)
{
	size_t n = strlen(id);

	if (n < 8 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}

struct show {
	struct crashdb *d;
	FILE *m;
	bool json;
	int rows;
};

static int show_row(void *ctx, const char *const *c, int nc)
{
	struct show *s = ctx;
	char first_seen[32], last_seen[32];

	(void)nc;
	if (++s->rows > 1)
		return 0; /* ambiguous: said by the count */
	fmt_time(num(c[3]), first_seen);
	fmt_time(num(c[4]), last_seen);
	if (s->json) {
		fputs("{\"crash_id\": ", s->m);
		crashdb_json_string(s->m, c[0]);
		fprintf(s->m, ", \"count\": %lld, \"devices\": %lld, \"first_seen\": \"%s\","
			      " \"last_seen\": \"%s\", \"builds\": ",
			num(c[1]), num(c[2]), first_seen, last_seen);
		crashdb_json_string(s->m, c[5]);
		fputs(", \"sample\": ", s->m);
		crashdb_json_string(s->m, c[6]);
		fputs(", \"frames\": ", s->m);
		crashdb_json_string(s->m, c[7]);
		if (json_details(s->d, s->m, c[0]) != 0)
			return -1;
		fputs("}\n", s->m);
	} else {
		fprintf(s->m,
			"Crash-ID:   %s\nCount:      %lld\nDevices:    %lld\n"
			"First seen: %s\nLast seen:  %s\nBuild-IDs:  %s\n"
			"Arches:     %s\nSample:     %s\nFrames:     %s\n",
			c[0], num(c[1]), num(c[2]), first_seen, last_seen, c[5], c[8], c[6], c[7]);
	}
	return 0;
}

int crashdb_show(struct crashdb *d, const char *id, FILE *out, bool json)
{
	char *mem = NULL;
	size_t memlen = 0;

	if (!hex_prefix_ok(id))
		return 1;
	FILE *m = open_memstream(&mem, &memlen);

	if (!m)
		return -1;
	struct show s = { d, m, json, 0 };
	const char *p[] = { id };
	int rc = run(d, show_sql, p, 1, show_row, &s, NULL);

	fclose(m);
	if (rc != 0 || s.rows != 1) {
		free(mem);
		return rc != 0 ? -1 : s.rows == 0 ? 1 : 2;
	}
	fwrite(mem, 1, memlen, out);
	free(mem);
	return 0;
}
