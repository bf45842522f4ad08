/* fuzz/crashlog: the collector's panic-log parser and everything it feeds
 * (frame normalization, Crash-ID, the anonymized message, pseudonyms) on
 * arbitrary bytes, as `kozo-crash ingest` runs them minus the database.
 *
 * Beyond "no crash, no out-of-bounds read" (ASan, UBSan), it checks what
 * the parser promises: every valid record lies inside the input, records
 * do not overlap and come in file order, the byte accounting adds up, a
 * decoded string points into its record, the rendered message is
 * NUL-terminated within its buffer, and the Crash-ID of a record does not
 * depend on where in the file it sits. */
#include <string.h>

#include "crashlog.h"
#include "fuzz.h"
#include "normalize.h"
#include "pseudonym.h"

struct walk {
	const uint8_t *buf;
	size_t len;
	size_t next_free;      /* first byte after the previous valid record */
	size_t records;
	struct crash_keys keys;
};

static void require_inside(const struct crash_record *r, struct crash_str s)
{
	if (s.len == 0)
		return;
	REQUIRE(s.ptr >= r->raw && s.ptr + s.len <= r->raw + KOZO_PANIC_RECORD_SIZE);
}

static void crash_id_of_copy(const struct crash_record *r, uint8_t out[BLAKE3_OUT_LEN])
{
	/* The same record alone in a fresh buffer must give the same ID. */
	uint8_t *copy = malloc(KOZO_PANIC_RECORD_SIZE);
	struct crash_record again;
	struct crash_frames frames;
	char reason[CRASHLOG_REASON_LEN];
	REQUIRE(copy);
	memcpy(copy, r->raw, KOZO_PANIC_RECORD_SIZE);
	REQUIRE(crashlog_decode(copy, KOZO_PANIC_RECORD_SIZE, &again, reason));
	crash_normalize_frames(&again, &frames);
	crash_id(&again, &frames, out);
	free(copy);
}

static void on_record(const struct crash_record *r, void *ctx)
{
	struct walk *w = ctx;
	struct crash_frames frames;
	uint8_t id[BLAKE3_OUT_LEN], id2[BLAKE3_OUT_LEN], device[BLAKE3_OUT_LEN];
	uint8_t occ[BLAKE3_OUT_LEN];
	char msg[CRASH_MSG_MAX], build_id[CRASH_BUILD_ID_MAX];

	REQUIRE(r->raw == w->buf + r->offset);
	REQUIRE(r->offset >= w->next_free);
	REQUIRE(r->offset + KOZO_PANIC_RECORD_SIZE <= w->len);
	REQUIRE(r->length <= KOZO_PANIC_RECORD_SIZE);
	REQUIRE(r->nargs <= KOZO_PANIC_MAX_ARGS && r->nregs <= KOZO_PANIC_MAX_REGS);
	REQUIRE(r->nframes <= KOZO_PANIC_MAX_FRAMES);
	w->next_free = r->offset + KOZO_PANIC_RECORD_SIZE;
	w->records++;

	require_inside(r, r->build_id);
	require_inside(r, r->fmt);
	require_inside(r, r->log);
	for (size_t i = 0; i < r->nargs; i++)
		require_inside(r, r->args[i].str);
	for (size_t i = 0; i < r->nframes; i++)
		require_inside(r, r->frames[i].name);

	crash_normalize_frames(r, &frames);
	REQUIRE(frames.n <= r->nframes);
	for (size_t i = 0; i < frames.n; i++)
		REQUIRE(memchr(frames.names[i], '\0', sizeof(frames.names[i])));
	crash_id(r, &frames, id);
	crash_id_of_copy(r, id2);
	REQUIRE(memcmp(id, id2, sizeof(id)) == 0);

	size_t n = crash_render(r, &w->keys, msg, sizeof(msg));
	REQUIRE(n < sizeof(msg) && msg[n] == '\0');
	crash_build_id(r, build_id);
	REQUIRE(memchr(build_id, '\0', sizeof(build_id)));
	crash_device_pseudonym(&w->keys, r, device);
	crash_occurrence_key(&w->keys, r, device, occ);
}

static void on_error(size_t offset, const char *reason, void *ctx)
{
	struct walk *w = ctx;
	REQUIRE(offset < w->len);
	REQUIRE(reason && memchr(reason, '\0', CRASHLOG_REASON_LEN));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t secret[BLAKE3_KEY_LEN] = { 1, 2, 3 };
	struct walk w = { .buf = data, .len = size };
	struct crashlog_stats st;

	crash_keys_derive(secret, &w.keys);
	size_t valid = crashlog_parse(data, size, on_record, on_error, &w, &st);
	REQUIRE(valid == w.records && st.records == valid);
	REQUIRE(st.garbage_bytes == size - valid * KOZO_PANIC_RECORD_SIZE);
	return 0;
}
