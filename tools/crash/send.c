/* kozo-crash send: moves the spool's events (<event_id>.json, written by
 * `ingest --spool`) to a server, one POST each over one kept-alive
 * connection.  An event file is deleted only after the server answered
 * 200 (stored or duplicate: a resend after a lost answer counts once). */
#include "fleet.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "event.h"

#define DEFAULT_TRIES 8
#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS 30000
#define RETRY_AFTER_MAX_S 60

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool spooled_name(const char *n)
{
	return strlen(n) == 69 && strcmp(n + 64, ".json") == 0 && n[0] != '.' &&
	       strspn(n, "0123456789abcdef") == 64;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	char *buf = ctx;
	size_t have = strlen(buf), len = size * n;
	size_t room = 255 - have;

	memcpy(buf + have, p, len < room ? len : room);
	buf[have + (len < room ? len : room)] = '\0';
	return len;
}

/* Reads a spooled event and checks it is one (nothing else is sent). */
static int load_event(const char *path, char *body, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct event e;

	if (!f) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return -1;
	}
	*len = fread(body, 1, EVENT_MAX_BODY + 1, f);
	fclose(f);
	while (*len && body[*len - 1] == '\n')
		(*len)--;
	return event_decode(body, *len, &e, err, errlen);
}

int fleet_send(const struct fleet_send_opts *o)
{
	char token[300], err[512], auth[320], url[2048];
	const char *spool = o->spool ? o->spool : getenv("KOZO_CRASH_SPOOL");
	long max_tries = DEFAULT_TRIES;
	char *end;

	if (o->max_tries) {
		max_tries = strtol(o->max_tries, &end, 10);
		if (!*o->max_tries || *end || max_tries < 1 || max_tries > 1000)
			max_tries = 0;
	}
	if (!o->server || !spool || !*spool || !max_tries ||
	    (strncmp(o->server, "http://", 7) != 0 && strncmp(o->server, "https://", 8) != 0)) {
		fprintf(stderr, "kozo-crash send: needs --server http[s]://HOST:PORT, --token-file,"
				" --spool DIR (or $KOZO_CRASH_SPOOL); --max-tries 1 to 1000\n");
		return 1;
	}
	if (fleet_read_token(o->token_file, token, sizeof(token) - 20, err, sizeof(err)) != 0) {
		fprintf(stderr, "kozo-crash send: %s\n", err);
		return 1;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(url, sizeof(url), "%s%sv1/events", o->server,
		 o->server[strlen(o->server) - 1] == '/' ? "" : "/");
	DIR *dir = opendir(spool);

	if (!dir) {
		fprintf(stderr, "kozo-crash send: cannot open spool %s: %s\n", spool, strerror(errno));
		return 2;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(dir))) {
		if (!spooled_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;

	hdr = curl_slist_append(hdr, auth);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	size_t sent = 0, dup = 0, rejected = 0;
	int rc = 0;
	static char body[EVENT_MAX_BODY + 2];
	char rejdir[4200];

	snprintf(rejdir, sizeof(rejdir), "%s/rejected", spool);
	for (size_t i = 0; c && hdr && i < n && rc == 0; i++) {
		char path[4200], reply[256];
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", spool, names[i]);
		if (load_event(path, body, &len, err, sizeof(err)) != 0) {
			char to[4400];

			mkdir(rejdir, 0700);
			snprintf(to, sizeof(to), "%s/%s", rejdir, names[i]);
			fprintf(stderr, "kozo-crash send: %s: not an event (%s); moved to %s\n",
				path, err, rejdir);
			rename(path, to);
			rejected++;
			continue;
		}
		long backoff = BACKOFF_FIRST_MS;

		for (long t = 1;; t++) {
			long status = 0;

			reply[0] = '\0';
			curl_easy_reset(c);
			curl_easy_setopt(c, CURLOPT_URL, url);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
			curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
			curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
			curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
			curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
			curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
			curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
			if (o->cacert)
				curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
			CURLcode cr = curl_easy_perform(c);
			curl_off_t retry_after = 0;

			if (cr == CURLE_OK) {
				curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
				curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
			}
			if (status == 200) {
				/* Acknowledged: only now may the event go.  No
				 * directory fsync: should the unlink be lost to a
				 * power cut, the resend counts as a duplicate. */
				unlink(path);
				if (strstr(reply, "duplicate"))
					dup++;
				else
					sent++;
				break;
			}
			if (status == 401 || status == 403) {
				fprintf(stderr, "kozo-crash send: %s refused the token (HTTP %ld);"
						" events kept\n", o->server, status);
				rc = 2;
				break;
			}
			if (status >= 400 && status < 500 && status != 429 && status != 408) {
				char to[4400];

				mkdir(rejdir, 0700);
				snprintf(to, sizeof(to), "%s/%s", rejdir, names[i]);
				reply[strcspn(reply, "\r\n")] = '\0';
				fprintf(stderr, "kozo-crash send: %s: refused (HTTP %ld: %.200s);"
						" moved to %s\n", names[i], status, reply, rejdir);
				rename(path, to);
				sync_dir(spool);
				rejected++;
				break;
			}
			if (t >= max_tries) {
				fprintf(stderr, "kozo-crash send: %s: no acknowledgement after %ld"
						" tries (%s); it and the rest stay spooled\n",
					names[i], t,
					cr != CURLE_OK ? curl_easy_strerror(cr) : "server busy");
				rc = 2;
				break;
			}
			long wait = backoff;

			if (status == 429 && retry_after > 0)
				wait = (retry_after < RETRY_AFTER_MAX_S ? retry_after
									: RETRY_AFTER_MAX_S) * 1000L;
			sleep_ms(wait);
			backoff = backoff * 2 < BACKOFF_MAX_MS ? backoff * 2 : BACKOFF_MAX_MS;
		}
	}
	if (!c || !hdr) {
		fprintf(stderr, "kozo-crash send: cannot set up libcurl\n");
		rc = 2;
	}
	fprintf(stderr, "kozo-crash send: %zu sent, %zu already counted, %zu refused, %zu left\n",
		sent, dup, rejected, n - sent - dup - rejected);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
