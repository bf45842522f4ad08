/* Free-text scrubbing: replaces values that identify a person, a machine or
 * a memory location with fixed placeholders.  The rules, in the order they
 * are tried at each token start (docs/CRASH-TELEMETRY.md has the details):
 *
 *   /home/x, /Users/x, /root/x paths   -> <path>   (the whole path)
 *   e-mail addresses                   -> <email>
 *   UUIDs 8-4-4-4-12                   -> <uuid>
 *   MACs aa:bb:cc:dd:ee:ff / aa-bb-..  -> <mac>
 *   IPv6 (with "::" or 8 groups)       -> <ip>
 *   IPv4 dotted quads                  -> <ip>
 *   0x followed by 4+ hex digits       -> <hex>
 *   9+ decimal digits                  -> <num>
 *   8+ hex digits                      -> <hex>
 *   serial-like: 8+ alphanumerics (and inner '-') with 3+ digits and a
 *   letter                             -> <id>
 *
 * Input is expected to be sanitized (printable ASCII); any other byte is a
 * token boundary that no rule crosses (the renderer uses 0x01 as a
 * placeholder sentinel). */
#ifndef KOZO_TOOLS_SCRUB_H
#define KOZO_TOOLS_SCRUB_H

#include <stddef.h>

#define SCRUB_RULES_VERSION 1

/* Scrubs in[0..len) into out (at most cap-1 bytes, NUL-terminated; cap > 0).
 * Output that does not fit is cut at a character boundary outside any
 * match, so a cut never reveals part of a scrubbed value.  Returns the
 * output length. */
size_t scrub_text(const char *in, size_t len, char *out, size_t cap);

/* Replaces every case-insensitive occurrence of secret[0..slen) in
 * s[0..len) as a whole token (not inside a longer run of [A-Za-z0-9_])
 * with placeholder, into out as above.  Secrets shorter than 3 bytes are
 * ignored (they would match everywhere). */
size_t scrub_known(const char *s, size_t len, const char *secret, size_t slen,
		   const char *placeholder, char *out, size_t cap);

#endif
