/* kozo-crash: the crash collector.
 *
 *   kozo-crash ingest [--db F] [--key F] [--json] FILE...   (FILE "-" is stdin)
 *   kozo-crash report [--db F] [--create] [--json]
 *   kozo-crash show   [--db F] [--create] [--json] CRASH-ID
 *   kozo-crash --version   this program's source note (commit, dirty flag)
 *
 * ingest prints, per valid record, "Crash-ID: <64 hex> | Build-ID: <id>" and
 * the anonymized message indented by two spaces (with --json, one JSON
 * object per line); bad records go to stderr with their byte offset and
 * reason, the first BAD_SHOWN per file, then a count.  Files are read in
 * windows of constant size, whatever their length.  Exit status: 0 if
 * every file was read and the database updated with at least one valid
 * record, 3 if the files held none (nothing stored; for show: no such
 * crash), 1 for usage errors, 2 if a file could not be read or the database
 * failed (then nothing of this run is stored). */
#define _XOPEN_SOURCE 700 /* strptime */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kozo/source_note.h>

#include "blake3.h"
#include "crashdb.h"
#include "crashlog.h"
#include "crashdb_pg.h"
#include "event.h"
#include "fleet.h"
#include "normalize.h"
#include "pseudonym.h"

#define DEFAULT_DB "build/crash.db"
#define WINDOW (1u << 20) /* bytes read at a time, plus a record's overlap */
#define BAD_SHOWN 10      /* bad-record lines per file; the rest are counted */
#define BAD_KEPT 100      /* bad records quarantined per file */

#define EXIT_OK 0
#define EXIT_USAGE 1
#define EXIT_FAILED 2
#define EXIT_NOTHING 3

struct options {
	const char *db;
	const char *key;
	bool json;
	bool create;
	const char *since, *new_in, *limit, *offset, *before, *quarantine;
	const char *spool, *listen, *token_file, *server, *max_tries, *rate, *burst;
	const char *tls_cert, *tls_key, *cacert;
	bool no_quarantine, accept_debug;
	int nargs;
	char **args;
};

struct ingest {
	struct crashdb *db;
	const char *key_file; /* for version 1 records only */
	bool keys_loaded, key_failed;
	struct crash_keys keys;
	const char *file;
	size_t new_records, known_records;
	bool db_failed;
	bool json;
	size_t bad_in_file, valid_total;
	int64_t now;
	/* Bad records are kept: the window they are read from, and where. */
	const uint8_t *window;
	size_t window_len, window_base;
	const char *quarantine; /* directory, or NULL */
	const char *spool;      /* fleet spool directory, or NULL */
	FILE *qindex;
	size_t quarantined, file_no;
	bool quarantine_failed;
};

static void usage(FILE *out)
{
	fputs("usage: kozo-crash ingest [--db F] [--key F] [--json] [--quarantine DIR | --no-quarantine]\n"
	      "                         [--spool DIR] FILE...  (FILE - is stdin; bad records kept\n"
	      "                         in DIR, default <database>.quarantine; --spool: also\n"
	      "                         write each occurrence as an anonymized event for send)\n"
	      "       kozo-crash serve  --listen HOST:PORT --db F --token-file F [--rate R]\n"
	      "                         [--burst N] [--accept-debug] [--tls-cert F --tls-key F]\n"
	      "       kozo-crash send   --server URL --token-file F [--spool DIR] [--max-tries N]\n"
	      "                         [--cacert F]\n"
	      "       kozo-crash report [--db F] [--create] [--json] [--since T] [--new-in BUILD]\n"
	      "                         [--limit N] [--offset N]\n"
	      "       kozo-crash export [--db F] [--since T] [--new-in BUILD]   NDJSON, a bucket a line\n"
	      "       kozo-crash prune  [--db F] --before T    forget occurrences, keep bucket totals\n"
	      "T: seconds since the epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n"
	      "       kozo-crash show [--db F] [--create] [--json] CRASH-ID\n"
	      "       kozo-crash --help\n"
	      "       kozo-crash --version\n"
	      "CRASH-ID: the 64 hex digits or a unique prefix of at least 8, any case\n"
	      "exit: 0 done, 1 usage, 2 failure (nothing stored), 3 nothing valid / no match\n"
	      "database: --db, else $KOZO_CRASH_DB, else " DEFAULT_DB
	      "; report and show need it to exist unless --create\n"
	      "device key (version 1 records only): --key, else $KOZO_CRASH_KEY,\n"
	      "  else <database>.key\n",
	      out);
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

	/* Version 1 records carry raw hardware IDs: only they need the
	 * collector's own key, made on the first one (version 2 records
	 * carry the kernel's pseudonyms and need none). */
	if (r->version == KOZO_PANIC_VERSION_1 && !in->keys_loaded) {
		char err[512];

		if (in->key_failed)
			return;
		if (crash_keys_load(in->key_file, &in->keys, err, sizeof(err)) != 0) {
			fprintf(stderr, "kozo-crash: %s\n", err);
			in->key_failed = in->db_failed = true;
			return;
		}
		in->keys_loaded = true;
	}
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

	in->valid_total++;
	if (!in->json)
		printf("Crash-ID: %s | Build-ID: %s\n  %s\n", id_hex, build_id, msg);
	if (in->db_failed)
		return;
	char arch[16];

	if (r->arch == KOZO_PANIC_ARCH_X86_64)
		snprintf(arch, sizeof(arch), "x86_64");
	else if (r->arch == KOZO_PANIC_ARCH_AARCH64)
		snprintf(arch, sizeof(arch), "aarch64");
	else if (r->arch == KOZO_PANIC_ARCH_HOST)
		snprintf(arch, sizeof(arch), "host");
	else
		snprintf(arch, sizeof(arch), "arch-%u", r->arch);
	struct crash_occurrence o = { id_hex, occ_hex, device_hex, build_id, arch,
				      msg, frames_text, in->now };
	bool is_new;

	if (crashdb_add(in->db, &o, &is_new) != 0) {
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(in->db));
		in->db_failed = true;
		return;
	}
	if (in->spool) {
		struct event e = { .debug = r->debug };
		char err[512];

		memcpy(e.event_id, occ_hex, 65);
		memcpy(e.crash_id, id_hex, 65);
		memcpy(e.device, device_hex, 65);
		snprintf(e.build_id, sizeof(e.build_id), "%s", build_id);
		snprintf(e.arch, sizeof(e.arch), "%s", arch);
		snprintf(e.sample, sizeof(e.sample), "%s", msg);
		snprintf(e.frames, sizeof(e.frames), "%s", frames_text);
		if (event_spool(in->spool, &e, err, sizeof(err)) != 0) {
			fprintf(stderr, "kozo-crash: %s\n", err);
			in->db_failed = true;
			return;
		}
	}
	if (is_new)
		in->new_records++;
	else
		in->known_records++;
	if (in->json) {
		printf("{\"crash_id\": \"%s\", \"build_id\": ", id_hex);
		crashdb_json_string(stdout, build_id);
		printf(", \"arch\": %u, \"record_version\": %u, \"debug_build\": %s, \"new\": %s,"
		       " \"message\": ",
		       r->arch, r->version, r->debug ? "true" : "false", is_new ? "true" : "false");
		crashdb_json_string(stdout, msg);
		printf(", \"frames\": ");
		crashdb_json_string(stdout, frames_text);
		printf("}\n");
	}
}

/* Keeps a bad record's bytes (up to a record's length) as
 * <dir>/<run>-<file number>-<offset>.bad, 0600, and a line "name, file,
 * offset, reason" in <dir>/index.tsv, so nothing bad is silently dropped. */
static void quarantine_write(struct ingest *in, size_t offset, const char *reason, size_t at,
			     size_t n);

static void quarantine_record(struct ingest *in, size_t offset, const char *reason)
{
	size_t at = offset - in->window_base;
	size_t n = in->window_len - at < KOZO_PANIC_RECORD_SIZE ? in->window_len - at
								: KOZO_PANIC_RECORD_SIZE;

	mode_t old = umask(077); /* they are the device's own bytes */

	quarantine_write(in, offset, reason, at, n);
	umask(old);
}

static void quarantine_write(struct ingest *in, size_t offset, const char *reason, size_t at,
			     size_t n)
{
	char name[4096];

	if (!in->qindex) {
		mkdir(in->quarantine, 0700);
		snprintf(name, sizeof(name), "%s/index.tsv", in->quarantine);
		in->qindex = fopen(name, "a");
		if (!in->qindex) {
			fprintf(stderr, "kozo-crash: cannot write %s: %s; bad records not kept\n", name,
				strerror(errno));
			in->quarantine_failed = true;
			return;
		}
	}
	snprintf(name, sizeof(name), "%s/%lld-%d-%zu-%zu.bad", in->quarantine,
		 (long long)in->now, (int)getpid(), in->file_no, offset);
	FILE *f = fopen(name, "wb");

	if (!f || fwrite(in->window + at, 1, n, f) != n) {
		fprintf(stderr, "kozo-crash: cannot write %s; bad records not kept\n", name);
		in->quarantine_failed = true;
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	fprintf(in->qindex, "%s\t%s\t%zu\t%s\n", strrchr(name, '/') + 1, in->file, offset, reason);
	in->quarantined++;
}

static void on_error(size_t offset, const char *reason, void *ctx)
{
	struct ingest *in = ctx;

	if (in->bad_in_file < BAD_SHOWN)
		fprintf(stderr, "kozo-crash: %s: offset %zu: bad record: %s\n", in->file, offset,
			reason);
	if (in->quarantine && in->bad_in_file < BAD_KEPT && !in->quarantine_failed)
		quarantine_record(in, offset, reason);
	in->bad_in_file++;
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

	if (pgdb_is_url(path))
		return; /* PostgreSQL: nothing local */
	snprintf(copy, sizeof(copy), "%s", path);
	char *dir = dirname(copy);

	if (strcmp(dir, ".") != 0)
		mkdir(dir, 0755);
}

/* Reads path (or stdin for "-") a window at a time: memory stays
 * constant whatever the file's size; records across window borders are
 * kept whole by carrying the window's last bytes over. */
static int ingest_file(struct ingest *in, const char *path)
{
	static uint8_t buf[WINDOW + KOZO_PANIC_RECORD_SIZE];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct crashlog_stats st = { 0, 0, 0 };
	size_t keep = 0, base = 0;
	bool eof = false, failed = false;

	if (!f) {
		fprintf(stderr, "kozo-crash: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	in->file = path;
	in->file_no++;
	in->new_records = in->known_records = in->bad_in_file = 0;
	while (!eof && !in->db_failed) {
		size_t n = keep;

		while (n < sizeof(buf)) {
			size_t got = fread(buf + n, 1, sizeof(buf) - n, f);

			n += got;
			if (got == 0) {
				eof = true;
				failed = ferror(f) != 0;
				break;
			}
		}
		if (failed)
			break;
		size_t scan_end = eof ? n : n - (KOZO_PANIC_RECORD_SIZE - 1);

		in->window = buf;
		in->window_len = n;
		in->window_base = base;
		size_t resume = crashlog_scan(buf, n, scan_end, base, on_record, on_error, in, &st);

		memmove(buf, buf + resume, n - resume);
		keep = n - resume;
		base += resume;
	}
	if (f != stdin)
		fclose(f);
	if (failed) {
		fprintf(stderr, "kozo-crash: cannot read %s: read error\n", path);
		return -1;
	}
	size_t total = base + keep;

	if (st.bad > BAD_SHOWN)
		fprintf(stderr, "kozo-crash: %s: %zu more bad records not shown\n", path,
			st.bad - BAD_SHOWN);
	if (in->quarantine && st.bad)
		fprintf(stderr, "kozo-crash: %s: %zu bad record%s kept in %s (index.tsv)%s\n", path,
			st.bad < BAD_KEPT ? st.bad : BAD_KEPT, st.bad == 1 ? "" : "s",
			in->quarantine, st.bad > BAD_KEPT ? "; the rest only counted" : "");
	fprintf(stderr,
		"kozo-crash: %s: %zu valid record%s (%zu new, %zu already counted), "
		"%zu bad record%s, %zu bytes outside valid records\n",
		path, st.records, st.records == 1 ? "" : "s", in->new_records,
		in->known_records, st.bad, st.bad == 1 ? "" : "s",
		total - st.records * KOZO_PANIC_RECORD_SIZE);
	return 0;
}

static int cmd_ingest(const struct options *o)
{
	struct ingest in = { 0 };
	char kbuf[4096], err[512];

	if (o->nargs < 1) {
		fprintf(stderr, "kozo-crash: ingest needs at least one FILE (- for stdin)\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	in.json = o->json;
	make_parent(o->db);
	char qbuf[4096];

	if (!o->no_quarantine) {
		if (o->quarantine) {
			in.quarantine = o->quarantine;
		} else {
			snprintf(qbuf, sizeof(qbuf), "%s.quarantine", o->db);
			in.quarantine = qbuf;
		}
	}
	in.key_file = key_path(o, kbuf, sizeof(kbuf));
	if (o->spool) {
		struct stat sst;

		mkdir(o->spool, 0700);
		if (stat(o->spool, &sst) != 0 || !S_ISDIR(sst.st_mode)) {
			fprintf(stderr, "kozo-crash: spool %s is not a directory\n", o->spool);
			return EXIT_FAILED;
		}
		in.spool = o->spool;
	}
	in.db = crashdb_open(o->db, CRASHDB_WRITE, err, sizeof(err));
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
	if (in.qindex)
		fclose(in.qindex);
	memset(&in.keys, 0, sizeof(in.keys));
	if (rc == 0 && in.valid_total == 0) {
		fprintf(stderr, "kozo-crash: no valid record in the input; nothing stored\n");
		return EXIT_NOTHING;
	}
	return rc;
}

/* T as seconds since the epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC). */
static bool parse_time(const char *t, int64_t *out)
{
	struct tm tm = { 0 };
	char *end;
	long long v = strtoll(t, &end, 10);

	if (*t && *end == '\0' && v >= 0) {
		*out = v;
		return true;
	}
	end = strptime(t, "%Y-%m-%d", &tm);
	if (end && *end == 'T')
		end = strptime(end, "T%H:%M:%SZ", &tm);
	if (!end || *end != '\0')
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

static bool parse_count(const char *s, long long *out)
{
	char *end;

	*out = s ? strtoll(s, &end, 10) : 0;
	return !s || (*s && *end == '\0' && *out >= 0);
}

static int cmd_prune(const struct options *o)
{
	char err[512];
	int64_t before;

	if (!o->before || o->nargs != 0 || !parse_time(o->before, &before)) {
		fprintf(stderr, "kozo-crash: prune needs --before T (a time, see --help)\n");
		return EXIT_USAGE;
	}
	struct crashdb *db = crashdb_open(o->db, CRASHDB_WRITE_EXISTING, err, sizeof(err));

	if (!db) {
		fprintf(stderr, "kozo-crash: %s\n", err);
		return EXIT_FAILED;
	}
	long long n = crashdb_prune(db, before);

	if (n < 0)
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(db));
	else
		fprintf(stderr, "kozo-crash: pruned %lld occurrence%s seen before %s; bucket totals kept\n",
			n, n == 1 ? "" : "s", o->before);
	crashdb_close(db);
	return n < 0 ? EXIT_FAILED : EXIT_OK;
}

static int cmd_query(const struct options *o, bool show, bool export)
{
	char err[512];

	if (show ? o->nargs != 1 : o->nargs != 0) {
		fprintf(stderr, show ? "kozo-crash: show needs exactly one CRASH-ID\n"
				     : "kozo-crash: report takes no arguments\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	char prefix[65];

	if (show) {
		const char *id = o->args[0];
		size_t n = strlen(id);
		bool hex = n >= 8 && n <= 64;

		for (size_t i = 0; hex && i < n; i++) {
			hex = isxdigit((unsigned char)id[i]);
			prefix[i] = (char)tolower((unsigned char)id[i]);
		}
		if (!hex) {
			fprintf(stderr, "kozo-crash: '%s' is not a Crash-ID: give its 64 hex digits"
					" or a prefix of at least 8\n", id);
			return EXIT_USAGE;
		}
		prefix[n] = '\0';
	}
	if (o->create)
		make_parent(o->db);
	struct crashdb *db = crashdb_open(o->db, o->create ? CRASHDB_WRITE : CRASHDB_READ, err,
					  sizeof(err));

	if (!db) {
		fprintf(stderr, "kozo-crash: %s\n", err);
		return EXIT_FAILED;
	}
	struct crashdb_query q = { export ? CRASHDB_NDJSON : o->json ? CRASHDB_JSON : CRASHDB_TABLE,
				   0, o->new_in, 0, 0 };

	if ((o->since && !parse_time(o->since, &q.since)) || !parse_count(o->limit, &q.limit) ||
	    !parse_count(o->offset, &q.offset)) {
		fprintf(stderr, "kozo-crash: bad --since, --limit or --offset (see --help)\n");
		crashdb_close(db);
		return EXIT_USAGE;
	}
	int rc = show ? crashdb_show(db, prefix, stdout, o->json) : crashdb_report(db, stdout, &q);

	if (rc < 0)
		fprintf(stderr, "kozo-crash: database: %s\n", crashdb_error(db));
	else if (rc == 1)
		fprintf(stderr, "kozo-crash: no crash matches %s\n", prefix);
	else if (rc == 2)
		fprintf(stderr, "kozo-crash: %s matches several crashes; give more digits\n",
			prefix);
	crashdb_close(db);
	return rc < 0 ? EXIT_FAILED : rc > 0 ? EXIT_NOTHING : EXIT_OK;
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0;
}

/* Options anywhere after the command; positional arguments are kept in
 * argv order, as many as there are ("--" ends the options). */
static int parse_options(int argc, char **argv, struct options *o)
{
	bool options = true;

	o->db = getenv("KOZO_CRASH_DB");
	if (!o->db || !*o->db)
		o->db = DEFAULT_DB;
	o->args = calloc((size_t)argc, sizeof(char *));
	if (!o->args) {
		fprintf(stderr, "kozo-crash: out of memory\n");
		return -1;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		static const char *const valued[] = { "--db", "--key", "--since", "--new-in",
						      "--limit", "--offset", "--before",
						      "--quarantine", "--spool", "--listen",
						      "--token-file", "--server", "--max-tries",
						      "--rate", "--burst", "--tls-cert", "--tls-key",
						      "--cacert" };
		const char **slot[] = { &o->db, &o->key, &o->since, &o->new_in,
					&o->limit, &o->offset, &o->before, &o->quarantine,
					&o->spool, &o->listen, &o->token_file, &o->server,
					&o->max_tries, &o->rate, &o->burst, &o->tls_cert,
					&o->tls_key, &o->cacert };
		size_t v = 0;

		while (v < sizeof(valued) / sizeof(valued[0]) && strcmp(a, valued[v]) != 0)
			v++;
		if (options && v < sizeof(valued) / sizeof(valued[0])) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "kozo-crash: %s needs a value\n", a);
				return -1;
			}
			*slot[v] = argv[++i];
		} else if (options && strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (options && strcmp(a, "--accept-debug") == 0) {
			o->accept_debug = true;
		} else if (options && strcmp(a, "--no-quarantine") == 0) {
			o->no_quarantine = true;
		} else if (options && strcmp(a, "--create") == 0) {
			o->create = true;
		} else if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "kozo-crash: unknown option %s\n", a);
			return -1;
		} else {
			o->args[o->nargs++] = argv[i];
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
	int rc;

	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return print_version();
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (is_help(argv[i])) {
			usage(stdout);
			return EXIT_OK;
		}
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (parse_options(argc, argv, &o) != 0)
		rc = EXIT_USAGE;
	else if (strcmp(argv[1], "ingest") == 0)
		rc = cmd_ingest(&o);
	else if (strcmp(argv[1], "report") == 0)
		rc = cmd_query(&o, false, false);
	else if (strcmp(argv[1], "export") == 0)
		rc = cmd_query(&o, false, true);
	else if (strcmp(argv[1], "show") == 0)
		rc = cmd_query(&o, true, false);
	else if (strcmp(argv[1], "prune") == 0)
		rc = cmd_prune(&o);
	else if (strcmp(argv[1], "serve") == 0)
		rc = fleet_serve(&(struct fleet_serve_opts){ o.listen, o.db, o.token_file, o.rate,
							     o.burst, o.tls_cert, o.tls_key,
							     o.accept_debug });
	else if (strcmp(argv[1], "send") == 0)
		rc = fleet_send(&(struct fleet_send_opts){ o.server, o.token_file, o.spool,
							   o.max_tries, o.cacert });
	else {
		fprintf(stderr, "kozo-crash: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	free(o.args);
	return rc;
}
