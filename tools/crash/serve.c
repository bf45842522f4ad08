/* kozo-crash serve: POST /v1/events, one event (event.h) per request,
 * counted once per event_id (the occurrence identity) in the crash
 * database.  libmicrohttpd with one internal polling thread: requests are
 * handled one at a time, so the database needs no lock. */
#include "fleet.h"

#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crashdb.h"
#include "event.h"

#define TOKEN_MAX 257
#define BUCKETS 4096 /* devices tracked for rate limits; more: oldest reset */

struct bucket {
	char device[65];
	double tokens;
	double at; /* last refill, seconds */
};

struct server {
	struct crashdb *db;
	char token[TOKEN_MAX];
	size_t token_len;
	double rate, burst;
	bool accept_debug;
	struct bucket buckets[BUCKETS];
	unsigned long long stored, duplicates, refused;
};

struct request {
	char body[EVENT_MAX_BODY];
	size_t len;
	bool too_big;
};

int fleet_read_token(const char *path, char *out, unsigned cap, char *err, unsigned errlen)
{
	FILE *f = path ? fopen(path, "r") : NULL;

	if (!f) {
		snprintf(err, errlen, "cannot read token file %s: %s", path ? path : "(none)",
			 path ? strerror(errno) : "--token-file is required");
		return -1;
	}
	bool ok = fgets(out, (int)cap, f) != NULL;

	fclose(f);
	size_t n = ok ? strcspn(out, "\r\n") : 0;

	if (ok)
		out[n] = '\0';
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)out[i] > 0x20 && (unsigned char)out[i] < 0x7f;
	if (!ok || n < 16 || n >= cap - 1) {
		snprintf(err, errlen, "token file %s: want one line of 16 to %u printable characters",
			 path, cap - 2);
		return -1;
	}
	return 0;
}

/* Constant time in the presented token's contents: every byte of the
 * expected token is compared, whatever differs first. */
static bool token_ok(const struct server *s, const char *auth)
{
	static const char prefix[] = "Bearer ";
	const char *t;
	size_t n;
	unsigned diff;

	if (!auth || strncmp(auth, prefix, sizeof(prefix) - 1) != 0)
		return false;
	t = auth + sizeof(prefix) - 1;
	n = strlen(t);
	diff = n != s->token_len;
	for (size_t i = 0; i < s->token_len; i++)
		diff |= (unsigned char)s->token[i] ^ (unsigned char)(i < n ? t[i] : 0);
	return diff == 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Token bucket per device pseudonym.  Returns 0 if the event may pass,
 * else the seconds to wait. */
static unsigned rate_check(struct server *s, const char *device)
{
	/* The pseudonym is a keyed hash already: its digits index the table. */
	char head[5];

	memcpy(head, device, 4);
	head[4] = '\0';
	size_t i = strtoul(head, NULL, 16) % BUCKETS;
	struct bucket *b = &s->buckets[i];
	double t = now_s();

	/* One slot per hash: another device there starts afresh (a device
	 * gains at most a fresh burst by colliding, never more). */
	if (strcmp(b->device, device) != 0) {
		memcpy(b->device, device, 65);
		b->tokens = s->burst;
		b->at = t;
	}
	b->tokens += (t - b->at) * s->rate;
	if (b->tokens > s->burst)
		b->tokens = s->burst;
	b->at = t;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 0;
	}
	double wait = (1.0 - b->tokens) / s->rate;

	return wait < 1.0 ? 1 : (unsigned)(wait + 0.999);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum MHD_Result reply_retry(struct MHD_Connection *c, unsigned status, unsigned retry,
				   const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								  MHD_RESPMEM_MUST_COPY);
	char ra[16];

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (retry) {
		snprintf(ra, sizeof(ra), "%u", retry);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	enum MHD_Result rc = MHD_queue_response(c, status, r);

	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char msg[600], body[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* msg is our own text (printable ASCII, no quotes from input). */
	for (char *p = msg; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '\'';
	snprintf(body, sizeof(body), status < 300 ? "{\"status\": \"%s\"}\n" : "{\"error\": \"%s\"}\n",
		 msg);
	return reply_retry(c, status, 0, body);
}

static enum MHD_Result handle_event(struct server *s, struct MHD_Connection *c,
				    struct request *rq)
{
	struct event e;
	char err[256];

	if (rq->too_big) {
		s->refused++;
		return reply(c, 413, "body larger than %d bytes", EVENT_MAX_BODY);
	}
	if (event_decode(rq->body, rq->len, &e, err, sizeof(err)) != 0) {
		s->refused++;
		return reply(c, 400, "%s", err);
	}
	if (e.debug && !s->accept_debug) {
		s->refused++;
		return reply(c, 422, "debug-build event refused (values inside); the server"
				     " accepts them only with --accept-debug");
	}
	unsigned wait = rate_check(s, e.device);

	if (wait) {
		s->refused++;
		return reply_retry(c, 429, wait, "{\"error\": \"rate limit for this device\"}\n");
	}
	struct crash_occurrence o = { e.crash_id, e.event_id, e.device, e.build_id, e.arch,
				      e.sample, e.frames, (int64_t)time(NULL) };
	bool is_new = false;

	if (crashdb_begin(s->db) != 0 || crashdb_add(s->db, &o, &is_new) != 0 ||
	    crashdb_commit(s->db) != 0) {
		fprintf(stderr, "kozo-crash serve: database: %s\n", crashdb_error(s->db));
		crashdb_rollback(s->db);
		return reply(c, 503, "database unavailable; retry later");
	}
	if (is_new)
		s->stored++;
	else
		s->duplicates++;
	return reply(c, 200, is_new ? "stored" : "duplicate");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct request *rq = *con_cls;

	(void)version;
	if (!rq) {
		/* Headers: refuse early what needs no body. */
		if (strcmp(url, "/v1/events") != 0)
			return reply(c, 404, "no such endpoint; POST /v1/events");
		if (strcmp(method, "POST") != 0)
			return reply(c, 405, "POST only");
		if (!token_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_AUTHORIZATION))) {
			s->refused++;
			return reply(c, 401, "missing or wrong bearer token");
		}
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_TYPE);

		if (!ct || strncmp(ct, "application/json", 16) != 0)
			return reply(c, 415, "Content-Type must be application/json");
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);

		if (cl && strtoull(cl, NULL, 10) > EVENT_MAX_BODY) {
			s->refused++;
			return reply(c, 413, "body larger than %d bytes", EVENT_MAX_BODY);
		}
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		if (rq->too_big || n > sizeof(rq->body) - rq->len)
			rq->too_big = true;
		else
			memcpy(rq->body + rq->len, upload, n);
		if (!rq->too_big)
			rq->len += n;
		*upload_size = 0;
		return MHD_YES;
	}
	return handle_event(s, c, rq);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)c, (void)code;
	free(*con_cls);
	*con_cls = NULL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;

	while (m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	if (m)
		fclose(m);
	return buf;
}

static bool parse_positive(const char *s, double def, double *out)
{
	char *end;

	if (!s) {
		*out = def;
		return true;
	}
	*out = strtod(s, &end);
	return *s && *end == '\0' && *out > 0 && *out < 1e9;
}

int fleet_serve(const struct fleet_serve_opts *o)
{
	static struct server s;
	char err[512], host[256];
	const char *colon = o->listen ? strrchr(o->listen, ':') : NULL;

	if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof(host) ||
	    !parse_positive(o->rate, 10, &s.rate) || !parse_positive(o->burst, 100, &s.burst) ||
	    s.burst < 1 || !o->token_file || (!o->tls_cert != !o->tls_key)) {
		fprintf(stderr, "kozo-crash serve: needs --listen HOST:PORT, --db, --token-file;"
				" --rate and --burst positive (burst >= 1); --tls-cert with --tls-key\n");
		return 1;
	}
	memcpy(host, o->listen, (size_t)(colon - o->listen));
	host[colon - o->listen] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (fleet_read_token(o->token_file, s.token, sizeof(s.token), err, sizeof(err)) != 0) {
		fprintf(stderr, "kozo-crash serve: %s\n", err);
		return 1;
	}
	s.token_len = strlen(s.token);
	s.accept_debug = o->accept_debug;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;

	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
		fprintf(stderr, "kozo-crash serve: --listen %s: want a numeric address and port\n",
			o->listen);
		return 1;
	}
	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (o->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			fprintf(stderr, "kozo-crash serve: this libmicrohttpd has no TLS\n");
			freeaddrinfo(ai);
			return 2;
		}
		cert = read_file(o->tls_cert);
		key = read_file(o->tls_key);
		if (!cert || !key) {
			fprintf(stderr, "kozo-crash serve: cannot read %s or %s\n", o->tls_cert,
				o->tls_key);
			free(cert), free(key), freeaddrinfo(ai);
			return 1;
		}
		flags |= MHD_USE_TLS;
	}
	s.db = crashdb_open(o->db, CRASHDB_WRITE_DURABLE, err, sizeof(err));
	if (!s.db) {
		fprintf(stderr, "kozo-crash serve: %s\n", err);
		free(cert), free(key), freeaddrinfo(ai);
		return 2;
	}
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's thread inherits it */
	struct MHD_Daemon *d =
		cert ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s,
					MHD_OPTION_SOCK_ADDR, ai->ai_addr,
					MHD_OPTION_NOTIFY_COMPLETED, on_done, &s,
					MHD_OPTION_CONNECTION_TIMEOUT, 30u,
					MHD_OPTION_CONNECTION_LIMIT, 256u,
					MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
					MHD_OPTION_END)
		     : MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s,
					MHD_OPTION_SOCK_ADDR, ai->ai_addr,
					MHD_OPTION_NOTIFY_COMPLETED, on_done, &s,
					MHD_OPTION_CONNECTION_TIMEOUT, 30u,
					MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);

	freeaddrinfo(ai);
	if (!d) {
		fprintf(stderr, "kozo-crash serve: cannot listen on %s\n", o->listen);
		crashdb_close(s.db);
		free(cert), free(key);
		return 2;
	}
	fprintf(stderr, "kozo-crash serve: listening on %s%s (rate %g/s, burst %g per device)\n",
		o->listen, cert ? " with TLS" : "", s.rate, s.burst);
	int sig = 0;

	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	fprintf(stderr, "kozo-crash serve: stopping: %llu stored, %llu duplicates, %llu refused\n",
		s.stored, s.duplicates, s.refused);
	crashdb_close(s.db);
	free(cert), free(key);
	return 0;
}
