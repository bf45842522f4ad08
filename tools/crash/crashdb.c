/* The crash database; see crashdb.h.  All SQL takes bound parameters, never
 * text pasted into a statement. */
#include "crashdb.h"

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

struct crashdb {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
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

struct crashdb *crashdb_open(const char *path, enum crashdb_mode mode, char *err,
			     size_t errlen)
{
	struct crashdb *d = calloc(1, sizeof(*d));
	struct stat st;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (mode != CRASHDB_WRITE && stat(path, &st) != 0) {
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
	      sqlite3_exec(d->db, schema, NULL, NULL, NULL) != SQLITE_OK))) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 d->db ? sqlite3_errmsg(d->db) : "out of memory");
		crashdb_close(d);
		return NULL;
	}
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
	free(d);
}

const char *crashdb_error(struct crashdb *d)
{
	return sqlite3_errmsg(d->db);
}

int crashdb_begin(struct crashdb *d)
{
	return sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int crashdb_commit(struct crashdb *d)
{
	if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* Fold the WAL into the database now (without waiting for readers):
	 * readers then find pages in the file, not in a long WAL. */
	sqlite3_wal_checkpoint_v2(d->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return 0;
}

void crashdb_rollback(struct crashdb *d)
{
	sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs one statement with text parameters (NULL ends the list; "#now" binds
 * the integer now). */
static int exec_bound(struct crashdb *d, int which, int64_t now, const char *const *params)
{
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
	if (sqlite3_changes(d->db) == 0)
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

static const char report_sql[] =
	"SELECT c.crash_id, c.count,"
	" (SELECT count(*) FROM crash_devices d WHERE d.crash_id = c.crash_id),"
	" c.first_seen, c.last_seen,"
	" (SELECT group_concat(build_id, ',') FROM"
	"   (SELECT build_id FROM crash_builds b WHERE b.crash_id = c.crash_id"
	"    ORDER BY build_id)),"
	" c.sample, c.frames,"
	" (SELECT group_concat(arch, ',') FROM"
	"   (SELECT arch FROM crash_arches a WHERE a.crash_id = c.crash_id ORDER BY arch))"
	" FROM crashes c WHERE c.count > 0 AND c.last_seen >= ?1"
	/* new in build ?2: seen in it, and in no build seen earlier */
	" AND (?2 IS NULL OR (EXISTS (SELECT 1 FROM crash_builds n"
	"       WHERE n.crash_id = c.crash_id AND n.build_id = ?2)"
	"   AND NOT EXISTS (SELECT 1 FROM crash_builds o, crash_builds n"
	"       WHERE o.crash_id = c.crash_id AND n.crash_id = c.crash_id AND n.build_id = ?2"
	"       AND o.build_id <> ?2 AND o.first_seen <= n.first_seen)))"
	" ORDER BY c.count DESC, c.last_seen DESC, c.crash_id LIMIT ?3 OFFSET ?4";

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* A bucket's builds (count, first and last seen) and architectures. */
static int json_details(struct crashdb *d, FILE *out, const char *crash_id)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(d->db,
			       "SELECT build_id, count, first_seen, last_seen FROM crash_builds"
			       " WHERE crash_id = ?1 ORDER BY first_seen, build_id",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, crash_id, -1, SQLITE_STATIC);
	fputs(", \"builds\": [", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char first[32], last[32];

		fmt_time(sqlite3_column_int64(st, 2), first);
		fmt_time(sqlite3_column_int64(st, 3), last);
		fputs(n++ ? ", {\"build_id\": " : "{\"build_id\": ", out);
		crashdb_json_string(out, col(st, 0));
		fprintf(out, ", \"count\": %lld, \"first_seen\": \"%s\", \"last_seen\": \"%s\"}",
			(long long)sqlite3_column_int64(st, 1), first, last);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE ||
	    sqlite3_prepare_v2(d->db,
			       "SELECT arch, count FROM crash_arches WHERE crash_id = ?1 ORDER BY arch",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, crash_id, -1, SQLITE_STATIC);
	fputs("], \"arches\": {", out);
	n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(n++ ? ", " : "", out);
		crashdb_json_string(out, col(st, 0));
		fprintf(out, ": %lld", (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	fputc('}', out);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int report_row_json(struct crashdb *d, FILE *out, sqlite3_stmt *st, const char *lead)
{
	char first_seen[32], last_seen[32];
	char builds[4096];

	fmt_time(sqlite3_column_int64(st, 3), first_seen);
	fmt_time(sqlite3_column_int64(st, 4), last_seen);
	fprintf(out, "%s{\"crash_id\": ", lead);
	crashdb_json_string(out, col(st, 0));
	fprintf(out, ", \"count\": %lld, \"devices\": %lld, \"first_seen\": \"%s\","
		     " \"last_seen\": \"%s\", \"build_ids\": [",
		(long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2),
		first_seen, last_seen);
	snprintf(builds, sizeof(builds), "%s", col(st, 5));
	char *save = NULL;
	bool first_build = true;

	for (char *b = strtok_r(builds, ",", &save); b; b = strtok_r(NULL, ",", &save)) {
		fputs(first_build ? "" : ", ", out);
		crashdb_json_string(out, b);
		first_build = false;
	}
	fputs("], \"sample\": ", out);
	crashdb_json_string(out, col(st, 6));
	fputs(", \"signature\": ", out);
	crashdb_json_string(out, col(st, 7));
	if (json_details(d, out, col(st, 0)) != 0)
		return -1;
	fputc('}', out);
	return 0;
}

int crashdb_report(struct crashdb *d, FILE *out, const struct crashdb_query *q)
{
	sqlite3_stmt *st;
	int rc, rows = 0;

	if (sqlite3_prepare_v2(d->db, report_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, q->since);
	if (q->new_in)
		sqlite3_bind_text(st, 2, q->new_in, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, q->limit > 0 ? q->limit : -1);
	sqlite3_bind_int64(st, 4, q->offset);
	if (q->format == CRASHDB_JSON)
		fputc('[', out);
	else if (q->format == CRASHDB_TABLE)
		fprintf(out, "%6s %7s  %-20s  %-64s  %-14s %s\n", "COUNT", "DEVICES", "LAST SEEN",
			"CRASH-ID", "ARCHES", "SAMPLE");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (q->format != CRASHDB_TABLE) {
			const char *lead = q->format == CRASHDB_NDJSON ? "" : rows ? ",\n  " : "\n  ";

			if (report_row_json(d, out, st, lead) != 0) {
				rc = SQLITE_ERROR;
				break;
			}
			if (q->format == CRASHDB_NDJSON)
				fputc('\n', out);
		} else {
			char last_seen[32];

			fmt_time(sqlite3_column_int64(st, 4), last_seen);
			fprintf(out, "%6lld %7lld  %-20s  %-64s  %-14s %s\n",
				(long long)sqlite3_column_int64(st, 1),
				(long long)sqlite3_column_int64(st, 2), last_seen, col(st, 0),
				col(st, 8), col(st, 6));
		}
		rows++;
	}
	sqlite3_finalize(st);
	if (q->format == CRASHDB_JSON)
		fputs(rows ? "\n]\n" : "]\n", out);
	else if (q->format == CRASHDB_TABLE)
		fprintf(out, "%d crash bucket%s\n", rows, rows == 1 ? "" : "s");
	return rc == SQLITE_DONE ? 0 : -1;
}

long long crashdb_prune(struct crashdb *d, int64_t before)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(d->db, "DELETE FROM occurrences WHERE seen < ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? sqlite3_changes(d->db) : -1;
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

int crashdb_show(struct crashdb *d, const char *id, FILE *out, bool json)
{
	sqlite3_stmt *st;
	char pattern[80];
	int rc, rows = 0;

	if (!hex_prefix_ok(id))
		return 1;
	snprintf(pattern, sizeof(pattern), "%s*", id);
	if (sqlite3_prepare_v2(d->db,
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
			       " WHERE crash_id GLOB ?1 AND count > 0 LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
	char *mem = NULL;
	size_t memlen = 0;
	FILE *m = open_memstream(&mem, &memlen);

	if (!m) {
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++rows == 1) {
		char first_seen[32], last_seen[32];

		fmt_time(sqlite3_column_int64(st, 3), first_seen);
		fmt_time(sqlite3_column_int64(st, 4), last_seen);
		if (json) {
			fputs("{\"crash_id\": ", m);
			crashdb_json_string(m, col(st, 0));
			fprintf(m, ", \"count\": %lld, \"devices\": %lld, \"first_seen\": \"%s\","
				   " \"last_seen\": \"%s\", \"builds\": ",
				(long long)sqlite3_column_int64(st, 1),
				(long long)sqlite3_column_int64(st, 2), first_seen, last_seen);
			crashdb_json_string(m, col(st, 5));
			fputs(", \"sample\": ", m);
			crashdb_json_string(m, col(st, 6));
			fputs(", \"frames\": ", m);
			crashdb_json_string(m, col(st, 7));
			if (json_details(d, m, col(st, 0)) != 0) {
				rc = SQLITE_ERROR;
				break;
			}
			fputs("}\n", m);
		} else {
			fprintf(m,
				"Crash-ID:   %s\nCount:      %lld\nDevices:    %lld\n"
				"First seen: %s\nLast seen:  %s\nBuild-IDs:  %s\n"
				"Arches:     %s\nSample:     %s\nFrames:     %s\n",
				col(st, 0), (long long)sqlite3_column_int64(st, 1),
				(long long)sqlite3_column_int64(st, 2), first_seen, last_seen,
				col(st, 5), col(st, 8), col(st, 6), col(st, 7));
		}
	}
	sqlite3_finalize(st);
	fclose(m);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || rows != 1) {
		free(mem);
		return rc != SQLITE_ROW && rc != SQLITE_DONE ? -1 : rows == 0 ? 1 : 2;
	}
	fwrite(mem, 1, memlen, out);
	free(mem);
	return 0;
}
