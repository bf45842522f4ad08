/* The crash database (SQLite): per Crash-ID the count, the distinct device
 * pseudonyms, first and last seen, the Build-IDs seen and one anonymized
 * sample.  Only anonymized values ever reach it.  Schema and the reasons
 * for it: docs/CRASH-TELEMETRY.md. */
#ifndef KOZO_TOOLS_CRASHDB_H
#define KOZO_TOOLS_CRASHDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CRASHDB_SCHEMA_VERSION "2"

struct crashdb;

/* One occurrence, all anonymized; hex strings are 64 lower-case digits. */
struct crash_occurrence {
	const char *crash_id;
	const char *occurrence; /* keyed identity: re-ingest counts once */
	const char *device;     /* keyed device pseudonym */
	const char *build_id;
	const char *arch;       /* "x86_64", "aarch64", "host", "arch-N" */
	const char *sample;     /* anonymized message */
	const char *frames;     /* normalized frame names, " < " joined */
	int64_t now;            /* seconds since the epoch */
};

enum crashdb_mode {
	CRASHDB_WRITE, /* created on first use (mode 0600), WAL journal */
	CRASHDB_READ,  /* must exist; opened read-only (report, show) */
	CRASHDB_WRITE_EXISTING, /* must exist; read-write (prune) */
	/* The server's: as CRASHDB_WRITE, but a commit is on disk before it
	 * returns (an acknowledged event must survive a power cut: the device
	 * deletes it), and the WAL is folded only by SQLite's automatic
	 * checkpoints, not after every commit. */
	CRASHDB_WRITE_DURABLE,
};

/* How long a writer waits for another one (an ingest in progress). */
#define CRASHDB_BUSY_MS 120000

/* Opens the database at path.  Returns NULL with a message in err on
 * failure (for CRASHDB_READ: also when it does not exist). */
struct crashdb *crashdb_open(const char *path, enum crashdb_mode mode, char *err,
			     size_t errlen);
void crashdb_close(struct crashdb *db);

/* Transactions: an ingest is all or nothing. */
int crashdb_begin(struct crashdb *db);
int crashdb_commit(struct crashdb *db);
void crashdb_rollback(struct crashdb *db);

/* Counts o unless its occurrence key is already known; *is_new says which.
 * Returns 0, or -1 (see crashdb_error). */
int crashdb_add(struct crashdb *db, const struct crash_occurrence *o, bool *is_new);

enum crashdb_format { CRASHDB_TABLE, CRASHDB_JSON, CRASHDB_NDJSON };

/* Which buckets a report lists, and how. */
struct crashdb_query {
	enum crashdb_format format;
	int64_t since;      /* last seen at or after (seconds since the epoch) */
	const char *new_in; /* only buckets new in this build (NULL: all) */
	long long limit;    /* at most this many (0: all) */
	long long offset;   /* after skipping this many */
};

/* Buckets by frequency: a table, a JSON array or one JSON object per line
 * (NDJSON, the export).  Returns 0 or -1. */
int crashdb_report(struct crashdb *db, FILE *out, const struct crashdb_query *q);

/* Retention: forgets the occurrences seen before `before`; the buckets'
 * totals (counts per bucket, device, build and architecture, first and
 * last seen) stay.  Returns how many were pruned, or -1. */
long long crashdb_prune(struct crashdb *db, int64_t before);

/* One bucket by Crash-ID or a unique prefix of at least 8 lower-case hex
 * digits, as text or one JSON object.  Returns 0, 1 if not found (or not
 * such a prefix), 2 if ambiguous, -1 on a database error. */
int crashdb_show(struct crashdb *db, const char *id, FILE *out, bool json);

/* s as a JSON string literal (control and non-ASCII bytes escaped). */
void crashdb_json_string(FILE *out, const char *s);

const char *crashdb_error(struct crashdb *db);

#endif
