/* kozo-crash: the crash collector.
 *
 *   kozo-crash ingest [--db F] [--key F] FILE...   (FILE "-" is stdin)
 *   kozo-crash report [--db F] [--json]
 *   kozo-crash show   [--db F] CRASH-ID
 *   kozo-crash --version   this program's source note (commit, dirty flag)
 *
 * ingest prints, per valid record, "Crash-ID: <64 hex> | Build-ID: <id>" and
 * the anonymized message indented by two spaces; bad records go to stderr
 * with their byte offset and reason.  Exit status: 0 if every file was read
 * and the database updated (bad records do not count), 1 for usage errors,
 * 2 if a file could not be read or the database failed (then nothing of
 * this run is stored). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <kozo/source_note.h>

#include "blake3.h"
#include "crashdb.h"
#include "crashlog.h"
#include "normalize.h"
#include "pseudonym.h"

#define DEFAULT_DB "build/crash.db"
#define MAX_INPUT (1u << 30)

struct options {
	const char *db;
	const char *key;
	bool json;
	int nargs;
	char **args;
};

struct ingest {
	struct crashdb *db;
	struct crash_keys keys;
	const char *file;
	size_t new_records, known_records;
	bool db_failed;
	int64_t now;
};

static void usage(void)
{
	fputs("usage: kozo-crash ingest [--db F] [--key F] FILE...\n"
	      "       kozo-crash report [--db F] [--json]\n"
	      "       kozo-crash show [--db F] CRASH-ID\n"
	      "       kozo-crash --version\n"
	      "database: --db, else $KOZO_CRASH_DB, else " DEFAULT_DB "\n"
	      "device key: --key, else $KOZO_CRASH_KEY, else <database>.key\n",
	      stderr);
}

/* Reads a whole file (or stdin for "-") into a malloc'd buffer. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			uint8_t *nb = ncap <= MAX_INPUT ? realloc(buf, ncap) : NULL;

			if (!nb) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static void join_frames(const struct crash_frames *f, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		int m = snprintf(out + n, cap - n, "%s%s", i ? " <- " : "", f->names[i]);

		if (m < 0 || (size_t)m >= cap - n)
			break;
		n += (size_t)m;
	}
}

static void on_record(const struct crash_record *r, void *ctx)
{
	struct ingest *in = ctx;
	struct crash_frames frames;
	uint8_t id[BLAKE3_OUT_LEN], device[BLAKE3_OUT_LEN], occ[BLAKE3_OUT_LEN];
	char id_hex[65], device_hex[65], occ_hex[65];
	char build_id[CRASH_BUILD_ID_MAX], msg[CRASH_MSG_MAX];
	char frames_text[KOZO_PANIC_MAX_FRAMES * (KOZO_PANIC_MAX_NAME + 4) + 1];

	crash_normalize_frames(r, &frames);
	crash_id(r, &frames, id);
	crash_render(r, &in->keys, msg, sizeof(msg));
	crash_build_id(r, build_id);
	crash_device_pseudonym(&in->keys, r, device);
	crash_occurrence_key(&in->keys, r, device, occ);
	blake3_hex(id, sizeof(id), id_hex);
	blake3_hex(device, sizeof(device), device_hex);
	blake3_hex(occ, sizeof(occ), occ_hex);
	join_frames(&frames, frames_text, sizeof(frames_text));

	printf("Crash-ID: %s | Build-ID: %s\n  %s\n", id_hex, build_id, msg);
	if (in->db_failed)
		return;
	struct crash_occurrence o = { id_hex, occ_hex, device_hex, build_id,
				      msg, frames_text, in->now };
	bool is_new;

	if (crashdb_add(in->db, &o, &is_new) != 0) {
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(in->db));
		in->db_failed = true;
		return;
	}
	if (is_new)
		in->new_records++;
	else
		in->known_records++;
}

static void on_error(size_t offset, const char *reason, void *ctx)
{
	struct ingest *in = ctx;

	fprintf(stderr, "kozo-crash: %s: offset %zu: bad record: %s\n", in->file, offset,
		reason);
}

static const char *key_path(const struct options *o, char *buf, size_t cap)
{
	if (o->key)
		return o->key;
	const char *env = getenv("KOZO_CRASH_KEY");

	if (env && *env)
		return env;
	snprintf(buf, cap, "%s.key", o->db);
	return buf;
}

/* Creates the database's directory if it is missing (one level). */
static void make_parent(const char *path)
{
	char copy[4096];

	snprintf(copy, sizeof(copy), "%s", path);
	char *dir = dirname(copy);

	if (strcmp(dir, ".") != 0)
		mkdir(dir, 0755);
}

static int ingest_file(struct ingest *in, const char *path)
{
	size_t len;
	uint8_t *buf = read_file(path, &len);
	struct crashlog_stats st;

	if (!buf) {
		fprintf(stderr, "kozo-crash: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	in->file = path;
	in->new_records = in->known_records = 0;
	crashlog_parse(buf, len, on_record, on_error, in, &st);
	free(buf);
	fprintf(stderr,
		"kozo-crash: %s: %zu valid record%s (%zu new, %zu already counted), "
		"%zu bad record%s, %zu bytes outside valid records\n",
		path, st.records, st.records == 1 ? "" : "s", in->new_records,
		in->known_records, st.bad, st.bad == 1 ? "" : "s", st.garbage_bytes);
	return 0;
}

static int cmd_ingest(const struct options *o)
{
	struct ingest in = { 0 };
	char kbuf[4096], err[512];

	if (o->nargs < 1) {
		usage();
		return 1;
	}
	make_parent(o->db);
	if (crash_keys_load(key_path(o, kbuf, sizeof(kbuf)), &in.keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "kozo-crash: %s\n", err);
		return 2;
	}
	in.db = crashdb_open(o->db, err, sizeof(err));
	if (!in.db) {
		fprintf(stderr, "kozo-crash: %s\n", err);
		return 2;
	}
	in.now = (int64_t)time(NULL);
	if (crashdb_begin(in.db) != 0) {
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(in.db));
		crashdb_close(in.db);
		return 2;
	}
	int rc = 0;

	for (int i = 0; i < o->nargs && rc == 0 && !in.db_failed; i++)
		if (ingest_file(&in, o->args[i]) != 0)
			rc = 2;
	if (rc == 0 && !in.db_failed && crashdb_commit(in.db) != 0) {
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(in.db));
		in.db_failed = true;
	}
	if (rc != 0 || in.db_failed) {
		crashdb_rollback(in.db);
		fprintf(stderr, "kozo-crash: nothing from this run was stored\n");
		rc = 2;
	}
	crashdb_close(in.db);
	memset(&in.keys, 0, sizeof(in.keys));
	return rc;
}

static int cmd_query(const struct options *o, bool show)
{
	char err[512];

	if (show ? o->nargs != 1 : o->nargs != 0) {
		usage();
		return 1;
	}
	struct crashdb *db = crashdb_open(o->db, err, sizeof(err));

	if (!db) {
		fprintf(stderr, "kozo-crash: %s\n", err);
		return 2;
	}
	int rc = show ? crashdb_show(db, o->args[0], stdout) : crashdb_report(db, stdout, o->json);

	if (rc < 0)
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(db));
	else if (rc > 0)
		fprintf(stderr, "kozo-crash: no single crash matches %s\n", o->args[0]);
	crashdb_close(db);
	return rc < 0 ? 2 : rc;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static char *positional[256];

	o->db = getenv("KOZO_CRASH_DB");
	if (!o->db || !*o->db)
		o->db = DEFAULT_DB;
	o->args = positional;
	for (int i = 2; i < argc; i++) {
		if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--key") == 0) &&
		    i + 1 < argc) {
			*(argv[i][2] == 'd' ? &o->db : &o->key) = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "kozo-crash: unknown option %s\n", argv[i]);
			return -1;
		} else if (o->nargs < 256) {
			positional[o->nargs++] = argv[i];
		} else {
			return -1;
		}
	}
	return 0;
}

/* The source note linked into this program (mk/source.mk). */
static int print_version(void)
{
	const struct kozo_source_note *n = &kozo_source_note;
	printf("kozo-crash %s\ncommit %s\nsource %s\ntree %s\n", n->build_id, n->commit,
	       n->flags & KOZO_SOURCE_DIRTY ? "dirty" : "clean", n->tree);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };

	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return print_version();
	if (argc < 2 || parse_options(argc, argv, &o) != 0) {
		usage();
		return 1;
	}
	if (strcmp(argv[1], "ingest") == 0)
		return cmd_ingest(&o);
	if (strcmp(argv[1], "report") == 0)
		return cmd_query(&o, false);
	if (strcmp(argv[1], "show") == 0)
		return cmd_query(&o, true);
	usage();
	return 1;
}
