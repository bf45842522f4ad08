/* The fleet: `kozo-crash serve` (an HTTP collector over libmicrohttpd)
 * and `kozo-crash send` (a spool sender over libcurl).  Protocol, spool
 * and limits: docs/CRASH-TELEMETRY.md, "Fleet". */
#ifndef KOZO_TOOLS_FLEET_H
#define KOZO_TOOLS_FLEET_H

#include <stdbool.h>

struct fleet_serve_opts {
	const char *listen;     /* HOST:PORT */
	const char *db;
	const char *token_file;
	const char *rate;       /* events per second per device (default 10) */
	const char *burst;      /* bucket size (default 100) */
	const char *tls_cert, *tls_key;
	bool accept_debug;
};

struct fleet_send_opts {
	const char *server;     /* base URL, e.g. http://127.0.0.1:8080 */
	const char *token_file;
	const char *spool;
	const char *max_tries;  /* per event (default 8) */
	const char *cacert;
};

/* Both return the tool's exit status (0, 1 usage, 2 failure). */
int fleet_serve(const struct fleet_serve_opts *o);
int fleet_send(const struct fleet_send_opts *o);

/* Reads the bearer token: the file's first line, 16 to 256 printable
 * characters.  Returns 0 or -1 with a message in err. */
int fleet_read_token(const char *path, char *out, unsigned cap, char *err, unsigned errlen);

#endif
