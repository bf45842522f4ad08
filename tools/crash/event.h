/* Fleet events: one anonymized occurrence as a JSON object, the unit the
 * device spools, `kozo-crash send` moves and `kozo-crash serve` counts.
 * Only anonymized values are in it (the fields of struct
 * crash_occurrence), never a raw record.  Protocol: docs/CRASH-TELEMETRY.md. */
#ifndef KOZO_TOOLS_EVENT_H
#define KOZO_TOOLS_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "crashdb.h"
#include "normalize.h"

#define EVENT_VERSION 1
#define EVENT_MAX_BODY 16384 /* bytes of JSON the server reads at most */
#define EVENT_FRAMES_MAX 2048

/* An event as parsed (strings copied, NUL-terminated). */
struct event {
	char event_id[65]; /* the occurrence identity: idempotency key */
	char crash_id[65];
	char device[65];   /* the device pseudonym */
	char build_id[CRASH_BUILD_ID_MAX];
	char arch[16];
	char sample[CRASH_MSG_MAX];
	char frames[EVENT_FRAMES_MAX];
	bool debug;
};

/* e as one line of JSON in a malloc'd string (NULL if out of memory). */
char *event_encode(const struct event *e);

/* Parses and validates body (len bytes, not NUL-terminated): a JSON
 * object with exactly the fields of an event, hex identities of 64
 * lower-case digits, bounded printable strings.  Returns 0, or -1 with a
 * reason in err. */
int event_decode(const char *body, size_t len, struct event *e, char *err, size_t errlen);

/* Writes e atomically into dir as <event_id>.json (0600: temporary file,
 * fsync, rename, fsync of the directory).  An event already spooled is
 * left as it is.  Returns 0 or -1 with a message in err. */
int event_spool(const char *dir, const struct event *e, char *err, size_t errlen);

/* s is n lower-case hex digits. */
bool event_is_hex(const char *s, size_t n);

#endif
