/* Fleet events; see event.h.  JSON through Jansson (Debian's libjansson):
 * duplicate keys, NUL bytes in strings and trailing bytes are refused. */
#include "event.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool event_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

char *event_encode(const struct event *e)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "v", EVENT_VERSION,
			      "event_id", e->event_id, "crash_id", e->crash_id, "device",
			      e->device, "build_id", e->build_id, "arch", e->arch, "debug",
			      (int)e->debug, "sample", e->sample, "frames", e->frames);

	if (!o)
		return NULL;
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

	json_decref(o);
	return s;
}

/* Printable ASCII only: the collector's anonymized text never has more. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static bool arch_ok(const char *a)
{
	if (!strcmp(a, "x86_64") || !strcmp(a, "aarch64") || !strcmp(a, "host"))
		return true;
	if (strncmp(a, "arch-", 5) != 0 || !a[5] || strlen(a) > 15)
		return false;
	for (a += 5; *a; a++)
		if (*a < '0' || *a > '9')
			return false;
	return true;
}

/* Copies the string field name of o into out (cap bytes, NUL included). */
static int get_str(json_t *o, const char *name, char *out, size_t cap, size_t min, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, name);

	if (!v || !json_is_string(v)) {
		snprintf(err, errlen, "field \"%s\" missing or not a string", name);
		return -1;
	}
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);

	if (n < min || n >= cap || strlen(s) != n || !printable(s)) {
		snprintf(err, errlen, "field \"%s\": %zu bytes, want %zu to %zu printable ASCII",
			 name, n, min, cap - 1);
		return -1;
	}
	memcpy(out, s, n + 1);
	return 0;
}

int event_decode(const char *body, size_t len, struct event *e, char *err, size_t errlen)
{
	static const char *const known[] = { "v", "event_id", "crash_id", "device", "build_id",
					     "arch", "debug", "sample", "frames" };
	json_error_t je;

	memset(e, 0, sizeof(*e));
	if (len > EVENT_MAX_BODY) {
		snprintf(err, errlen, "body of %zu bytes, at most %d", len, EVENT_MAX_BODY);
		return -1;
	}
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);

	if (!o) {
		snprintf(err, errlen, "malformed JSON at byte %d: %s", je.position, je.text);
		return -1;
	}
	int rc = -1;
	const char *key;
	json_t *val;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "an event is a JSON object");
		goto out;
	}
	json_object_foreach(o, key, val) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) && strcmp(key, known[i]) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0])) {
			char k[40];

			snprintf(k, sizeof(k), "%s", key);
			snprintf(err, errlen, "unknown field \"%s\"%s", printable(k) ? k : "?",
				 strlen(key) >= sizeof(k) ? "..." : "");
			goto out;
		}
	}
	val = json_object_get(o, "v");
	if (!json_is_integer(val) || json_integer_value(val) != EVENT_VERSION) {
		snprintf(err, errlen, "field \"v\" must be %d", EVENT_VERSION);
		goto out;
	}
	struct { const char *name; char *out; } ids[] = {
		{ "event_id", e->event_id }, { "crash_id", e->crash_id }, { "device", e->device } };

	for (size_t i = 0; i < 3; i++) {
		if (get_str(o, ids[i].name, ids[i].out, 65, 64, err, errlen) != 0)
			goto out;
		if (!event_is_hex(ids[i].out, 64)) {
			snprintf(err, errlen, "field \"%s\" must be 64 lower-case hex digits (a"
				 " pseudonym, never a raw identifier)", ids[i].name);
			goto out;
		}
	}
	if (get_str(o, "build_id", e->build_id, sizeof(e->build_id), 1, err, errlen) != 0 ||
	    get_str(o, "arch", e->arch, sizeof(e->arch), 1, err, errlen) != 0 ||
	    get_str(o, "sample", e->sample, sizeof(e->sample), 0, err, errlen) != 0 ||
	    get_str(o, "frames", e->frames, sizeof(e->frames), 0, err, errlen) != 0)
		goto out;
	if (!arch_ok(e->arch)) {
		snprintf(err, errlen, "field \"arch\" must be x86_64, aarch64, host or arch-N");
		goto out;
	}
	val = json_object_get(o, "debug");
	if (!json_is_boolean(val)) {
		snprintf(err, errlen, "field \"debug\" missing or not a boolean");
		goto out;
	}
	e->debug = json_is_true(val);
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int event_spool(const char *dir, const struct event *e, char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.json", dir, e->event_id);
	if (stat(path, &st) == 0)
		return 0; /* spooled before: the same occurrence */
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d.tmp", dir, e->event_id, (int)getpid());
	char *json = event_encode(e);

	if (!json) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t n = strlen(json);

	json[n] = '\n'; /* the terminator becomes the line's end */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, json, n + 1) == (ssize_t)(n + 1) && fsync(fd) == 0;

	free(json);
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "cannot spool %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0 || fsync(dfd) != 0) {
		snprintf(err, errlen, "cannot sync spool %s: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	close(dfd);
	return 0;
}
