/* Normalization: from a verified record to what may leave the device — the
 * anonymized message, the normalized frame names, the Crash-ID. */
#ifndef KOZO_TOOLS_NORMALIZE_H
#define KOZO_TOOLS_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "blake3.h"
#include "crashlog.h"
#include "pseudonym.h"

/* Changing the serialization or the skip list changes Crash-IDs: bump the
 * version in both. */
#define CRASH_ID_CONTEXT "KOZO 2026 crash-id v1"
#define CRASH_SKIP_LIST_VERSION 1

#define CRASH_MSG_MAX 1024
#define CRASH_BUILD_ID_MAX (KOZO_PANIC_MAX_BUILD_ID + 1)

struct crash_frames {
	size_t n;
	char names[KOZO_PANIC_MAX_FRAMES][KOZO_PANIC_MAX_NAME + 1];
};

/* True if a (normalized) frame name belongs to the panic machinery. */
bool crash_frame_skipped(const char *name);

/* Frame names of r: characters outside [A-Za-z0-9_$] and anything from the
 * first '.' (".cold", ".isra.0") dropped, unnamed frames "<unknown>", frames
 * on the skip list removed.  Offsets are not kept. */
void crash_normalize_frames(const struct crash_record *r, struct crash_frames *f);

/* BLAKE3 derive_key(CRASH_ID_CONTEXT) over
 *   u64le(len fmt) fmt  u64le(nframes)  { u64le(len name) name }...
 * The arguments are deliberately not part of it. */
void crash_id(const struct crash_record *r, const struct crash_frames *f,
	      uint8_t out[BLAKE3_OUT_LEN]);

/* The anonymized message (NUL-terminated, at most cap-1 bytes): the format
 * rendered with addresses "<addr>", users "<user>", hardware IDs
 * "<hw:16 hex of pseudonym>", integers as numbers, text arguments inline;
 * then the whole scrubbed by pattern and for the record's own user names,
 * hardware IDs and addresses. */
size_t crash_render(const struct crash_record *r, const struct crash_keys *k,
		    char *out, size_t cap);

/* The Build-ID with characters outside [A-Za-z0-9._+-] replaced by '?'. */
void crash_build_id(const struct crash_record *r, char out[CRASH_BUILD_ID_MAX]);

#endif
