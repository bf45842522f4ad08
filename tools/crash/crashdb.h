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

#define CRASHDB_SCHEMA_VERSION "1"

struct crashdb;

/* One occurrence, all anonymized; hex strings are 64 lower-case digits. */
struct crash_occurrence {
	const char *crash_id;
	const char *occurrence; /* keyed identity: re-ingest counts once */
	const char *device;     /* keyed device pseudonym */
	const char *build_id;
	const char *sample;     /* anonymized message */
	const char *frames;     /* normalized frame names, " < " joined */
	int64_t now;            /* seconds since the epoch */
};

/* Opens (creating on first use) the database at path.  Returns NULL with
 * a message in err on failure. */
struct crashdb *crashdb_open(const char *path, char *err, size_t errlen);
void crashdb_close(struct crashdb *db);

/* Transactions: an ingest is all or nothing. */
int crashdb_begin(struct crashdb *db);
int crashdb_commit(struct crashdb *db);
void crashdb_rollback(struct crashdb *db);

/* Counts o unless its occurrence key is already known; *is_new says which.
 * Returns 0, or -1 (see crashdb_error). */
int crashdb_add(struct crashdb *db, const struct crash_occurrence *o, bool *is_new);

/* Buckets by frequency, as a table or as JSON.  Returns 0 or -1. */
int crashdb_report(struct crashdb *db, FILE *out, bool json);

/* One bucket by Crash-ID or a unique prefix of at least 8 hex digits.
 * Returns 0, 1 if not found / ambiguous, -1 on a database error. */
int crashdb_show(struct crashdb *db, const char *id, FILE *out);

const char *crashdb_error(struct crashdb *db);

#endif
