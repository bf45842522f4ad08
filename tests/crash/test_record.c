/* Unit tests of the panic record (the kernel's real encoder, the collector's
 * parser), normalization, scrubbing, pseudonyms and the Crash-ID.  Built
 * with ASan and UBSan, so an out-of-bounds read fails the run.
 * Prints PASS/FAIL lines and "N passed, N failed". */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "panic.h"
#include "blake3.h"
#include "crashlog.h"
#include "normalize.h"
#include "pseudonym.h"
#include "scrub.h"

#define REC KOZO_PANIC_RECORD_SIZE

static int passes, failures;
static char why[512];
static const char *tmpdir = "/tmp";

/* Each test returns true, or false after setting why with fail(). */
static bool fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

#define CHECK(cond, ...)                         \
	do {                                     \
		if (!(cond))                     \
			return fail(__VA_ARGS__); \
	} while (0)

static void run(const char *name, bool (*test)(void))
{
	why[0] = '\0';
	if (test()) {
		printf("PASS %s\n", name);
		passes++;
	} else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void reseal(uint8_t *rec)
{
	put_le(rec + KOZO_PANIC_OFF_CHECKSUM, crashlog_checksum(rec), 8);
}

static bool str_is(struct crash_str s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

/* The specification's example, with hardware IDs, registers and frames. */
static const struct panic_arg example_args[] = {
	{ KOZO_PANIC_ARG_ADDRESS, 0xdeadbeef, NULL },
	{ KOZO_PANIC_ARG_USER, 0, "alice" },
	{ KOZO_PANIC_ARG_HWID, 0, "4c4c4544-0042-3510-8052-b7c04f4e3232" },
};
static const struct panic_frame example_frames[] = {
	{ 0x10, "panic" },
	{ 0x20, "arch_panic_entry" },
	{ 0x1234, "cnode_copy" },
	{ 0x2345, "syscall_dispatch.cold" },
	{ 0x3456, NULL },
};
static const uint64_t example_regs[] = { 1, 2, 3, 0xffffffff80001234ull };
static const char example_log[] = "boot ok\ninit: shell ready\n";

static struct panic_report example(void)
{
	struct panic_report r = { 0 };

	r.version = KOZO_PANIC_VERSION_1; /* raw hardware IDs: the old layout */
	r.build_id = "0.0.1-dev-a1b2";
	r.arch = KOZO_PANIC_ARCH_X86_64;
	r.cpu = 3;
	r.fmt = "Capability violation at %p by user '%s'";
	r.args = example_args;
	r.nargs = 3;
	r.reg_arch = KOZO_PANIC_ARCH_X86_64;
	r.regs = example_regs;
	r.nregs = 4;
	r.frames = example_frames;
	r.nframes = 5;
	r.log[1] = example_log;
	r.log_len[1] = strlen(example_log);
	return r;
}

static struct crash_keys test_keys(uint8_t seed)
{
	uint8_t secret[32];
	struct crash_keys k;

	memset(secret, seed, sizeof(secret));
	crash_keys_derive(secret, &k);
	return k;
}

/* Encodes r and decodes it; fails the test on a decode error. */
static bool encode_decode(const struct panic_report *r, uint8_t *rec, struct crash_record *out)
{
	char reason[CRASHLOG_REASON_LEN];

	CHECK(panic_record_build(rec, r) == REC, "encoder did not return 4096");
	CHECK(crashlog_decode(rec, REC, out, reason), "decode failed: %s", reason);
	return true;
}

static bool test_roundtrip(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_report r = example();

	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(str_is(d.build_id, "0.0.1-dev-a1b2"), "build id");
	CHECK(d.arch == KOZO_PANIC_ARCH_X86_64 && d.cpu == 3, "arch/cpu");
	CHECK(str_is(d.fmt, r.fmt), "format");
	CHECK(d.nargs == 3 && d.args[0].kind == KOZO_PANIC_ARG_ADDRESS &&
		      d.args[0].value == 0xdeadbeef && d.args[1].kind == KOZO_PANIC_ARG_USER &&
		      str_is(d.args[1].str, "alice") && d.args[2].kind == KOZO_PANIC_ARG_HWID,
	      "arguments");
	CHECK(d.reg_arch == KOZO_PANIC_ARCH_X86_64 && d.nregs == 4 &&
		      d.regs[3] == 0xffffffff80001234ull, "registers");
	CHECK(d.nframes == 5 && d.frames[2].offset == 0x1234 &&
		      str_is(d.frames[2].name, "cnode_copy") && d.frames[4].name.len == 0,
	      "frames");
	CHECK(str_is(d.log, example_log), "log");
	CHECK(!d.truncated, "unexpected truncation flag");
	CHECK(get_le(rec + KOZO_PANIC_OFF_LENGTH, 4) == d.length && d.length < REC, "length");
	for (size_t i = d.length; i < REC; i++)
		CHECK(rec[i] == 0, "padding byte %zu not zero", i);
	CHECK(memcmp(rec, "\x7fKOZOPNC", 8) == 0, "magic");
	CHECK(get_le(rec + KOZO_PANIC_OFF_CHECKSUM, 8) == panic_record_checksum(rec) &&
		      panic_record_checksum(rec) == crashlog_checksum(rec),
	      "encoder and parser checksums differ");
	return true;
}

static bool test_null_inputs(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char reason[CRASHLOG_REASON_LEN];
	struct panic_report r = { 0 };

	CHECK(panic_record_build(NULL, &r) == 0, "NULL out must return 0");
	memset(rec, 0xaa, sizeof(rec));
	CHECK(panic_record_build(rec, NULL) == REC, "NULL report");
	CHECK(crashlog_decode(rec, REC, &d, reason), "empty record invalid: %s", reason);
	CHECK(d.build_id.len == 0 && d.fmt.len == 0 && d.nargs == 0 && d.nframes == 0,
	      "empty record fields");
	/* Counts with NULL arrays are ignored, not dereferenced. */
	r.nargs = 5;
	r.nframes = 5;
	r.nregs = 5;
	r.log_len[0] = 100;
	CHECK(panic_record_build(rec, &r) == REC, "NULL arrays");
	CHECK(crashlog_decode(rec, REC, &d, reason) && d.nargs == 0 && d.nregs == 0,
	      "NULL arrays decode");
	return true;
}

/* Inputs exactly as long as their caps and not NUL-terminated: ASan would
 * catch a read past them. */
static bool test_caps_never_overread(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char *bid = malloc(KOZO_PANIC_MAX_BUILD_ID);
	char *fmt = malloc(KOZO_PANIC_MAX_FORMAT);
	char *str = malloc(KOZO_PANIC_MAX_STR);
	char *name = malloc(KOZO_PANIC_MAX_NAME);
	struct panic_arg arg = { KOZO_PANIC_ARG_TEXT, 0, str };
	struct panic_frame fr = { 1, name };
	struct panic_report r = { 0 };
	bool ok;

	memset(bid, 'b', KOZO_PANIC_MAX_BUILD_ID);
	memset(fmt, 'f', KOZO_PANIC_MAX_FORMAT);
	memset(str, 's', KOZO_PANIC_MAX_STR);
	memset(name, 'n', KOZO_PANIC_MAX_NAME);
	r.build_id = bid;
	r.fmt = fmt;
	r.args = &arg;
	r.nargs = 1;
	r.frames = &fr;
	r.nframes = 1;
	ok = encode_decode(&r, rec, &d);
	if (ok)
		ok = d.build_id.len == KOZO_PANIC_MAX_BUILD_ID &&
		     d.fmt.len == KOZO_PANIC_MAX_FORMAT &&
		     d.args[0].str.len == KOZO_PANIC_MAX_STR &&
		     d.frames[0].name.len == KOZO_PANIC_MAX_NAME;
	free(bid);
	free(fmt);
	free(str);
	free(name);
	CHECK(ok, "capped lengths wrong: %s", why);
	return true;
}

static bool test_truncation_log_tail(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	static char big[8192];
	struct panic_report r = example();

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	r.log[0] = "OLDEST";
	r.log_len[0] = 6;
	r.log[1] = big;
	r.log_len[1] = sizeof(big);
	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(d.truncated, "truncation flag not set");
	CHECK(d.length == REC, "a cut log should fill the record (length %u)", d.length);
	CHECK(d.log.len > 0 && memcmp(d.log.ptr + d.log.len - 10, big + sizeof(big) - 10, 10) == 0,
	      "the newest log bytes must be kept");
	CHECK(d.nframes == 5 && d.nargs == 3, "earlier sections lost");
	/* Both log pieces fit: oldest first. */
	r.log_len[1] = 10;
	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(!d.truncated && d.log.len == 16 && memcmp(d.log.ptr, "OLDESTabcdefghij", 16) == 0,
	      "two-piece log");
	return true;
}

static bool test_truncation_priority(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	static struct panic_arg args[KOZO_PANIC_MAX_ARGS + 4];
	static struct panic_frame frames[KOZO_PANIC_MAX_FRAMES + 8];
	static char text[KOZO_PANIC_MAX_STR + 1], name[KOZO_PANIC_MAX_NAME + 1];
	static uint64_t regs[KOZO_PANIC_MAX_REGS + 5];
	struct panic_report r = example();

	memset(text, 't', KOZO_PANIC_MAX_STR);
	memset(name, 'n', KOZO_PANIC_MAX_NAME);
	for (size_t i = 0; i < KOZO_PANIC_MAX_ARGS; i++)
		args[i] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, text };
	for (size_t i = 0; i < KOZO_PANIC_MAX_FRAMES + 8; i++)
		frames[i] = (struct panic_frame){ i, name };
	r.args = args;
	r.nargs = KOZO_PANIC_MAX_ARGS;
	r.regs = regs;
	r.nregs = KOZO_PANIC_MAX_REGS + 5;
	r.frames = frames;
	r.nframes = KOZO_PANIC_MAX_FRAMES + 8;
	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(d.truncated, "truncation flag not set");
	CHECK(d.nargs == KOZO_PANIC_MAX_ARGS && d.nregs == KOZO_PANIC_MAX_REGS,
	      "args/regs lost (%zu, %zu)", d.nargs, d.nregs);
	CHECK(d.nframes > 0 && d.nframes < KOZO_PANIC_MAX_FRAMES, "frames should be cut (%zu)",
	      d.nframes);
	CHECK(d.log.len == 0, "the log comes after the dropped frames and must be gone");
	CHECK(REC - d.length < KOZO_PANIC_SEC_HDR_SIZE + KOZO_PANIC_FRAME_HDR + KOZO_PANIC_MAX_NAME,
	      "dropped a frame that would have fit");
	/* Too many arguments: the first sixteen are kept, the rest dropped. */
	for (size_t i = 0; i < KOZO_PANIC_MAX_ARGS + 4; i++)
		args[i] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, i, NULL };
	r.nargs = KOZO_PANIC_MAX_ARGS + 4;
	r.nframes = 2;
	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(d.truncated && d.nargs == KOZO_PANIC_MAX_ARGS && d.args[15].value == 15,
	      "argument overflow");
	return true;
}

/* Every single-byte flip inside the record is detected. */
static bool test_corruption_detected(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char reason[CRASHLOG_REASON_LEN];
	struct panic_report r = example();

	panic_record_build(rec, &r);
	for (size_t i = 0; i < REC; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			rec[i] ^= (uint8_t)(1u << bit);
			bool ok = crashlog_decode(rec, REC, &d, reason);

			rec[i] ^= (uint8_t)(1u << bit);
			CHECK(!ok, "flip of byte %zu bit %d accepted", i, bit);
		}
	}
	rec[100] ^= 0x40;
	CHECK(!crashlog_decode(rec, REC, &d, reason) && strstr(reason, "checksum"),
	      "a payload flip should be a checksum error, got: %s", reason);
	return true;
}

struct collected {
	size_t offsets[16], nrec;
	size_t bad_offsets[16], nbad;
	char reasons[16][CRASHLOG_REASON_LEN];
	char builds[16][80];
};

static void collect_record(const struct crash_record *r, void *ctx)
{
	struct collected *c = ctx;

	if (c->nrec < 16) {
		snprintf(c->builds[c->nrec], 80, "%.*s", (int)r->build_id.len,
			 (const char *)r->build_id.ptr);
		c->offsets[c->nrec] = r->offset;
	}
	c->nrec++;
}

static void collect_error(size_t offset, const char *reason, void *ctx)
{
	struct collected *c = ctx;

	if (c->nbad < 16) {
		c->bad_offsets[c->nbad] = offset;
		snprintf(c->reasons[c->nbad], CRASHLOG_REASON_LEN, "%s", reason);
	}
	c->nbad++;
}

static size_t append_record(uint8_t *buf, size_t at, const char *build_id)
{
	struct panic_report r = example();

	r.build_id = build_id;
	panic_record_build(buf + at, &r);
	return at + REC;
}

static bool test_garbage_and_partial(void)
{
	size_t cap = 6 * REC;
	uint8_t *buf = calloc(1, cap);
	struct collected c = { 0 };
	struct crashlog_stats st;
	size_t pos = 0, o1, o2, o3, o4;

	memcpy(buf, "garbage before\n\x7fKOZ but not a record\n", 38); /* lone partial magic */
	pos = 100;
	o1 = pos;
	pos = append_record(buf, pos, "one");
	memset(buf + pos, 0x7f, 37);
	pos += 37;
	o2 = pos;
	pos = append_record(buf, pos, "two");
	o3 = pos;
	pos = append_record(buf, pos, "three");
	o4 = pos;
	pos = append_record(buf, pos, "four");
	size_t len = o4 + 1000; /* the last record is cut short */
	uint8_t *exact = malloc(len);

	memcpy(exact, buf, len);
	free(buf);
	size_t n = crashlog_parse(exact, len, collect_record, collect_error, &c, &st);

	free(exact);
	CHECK(n == 3 && c.nrec == 3 && st.records == 3, "want 3 records, got %zu", n);
	CHECK(c.offsets[0] == o1 && c.offsets[1] == o2 && c.offsets[2] == o3, "record offsets");
	CHECK(strcmp(c.builds[0], "one") == 0 && strcmp(c.builds[2], "three") == 0, "order");
	CHECK(c.nbad >= 1 && c.bad_offsets[c.nbad - 1] == o4 &&
		      strstr(c.reasons[c.nbad - 1], "truncated"),
	      "partial last record not reported at %zu (bad=%zu, last at %zu: %s)", o4, c.nbad,
	      c.nbad ? c.bad_offsets[c.nbad - 1] : 0, c.nbad ? c.reasons[c.nbad - 1] : "");
	CHECK(st.garbage_bytes == len - 3 * REC, "garbage count");
	return true;
}

static bool test_corrupt_middle_reported(void)
{
	size_t len = 3 * REC;
	uint8_t *buf = calloc(1, len);
	struct collected c = { 0 };

	append_record(buf, 0, "a");
	append_record(buf, REC, "b");
	append_record(buf, 2 * REC, "c");
	buf[REC + 200] ^= 1;
	size_t n = crashlog_parse(buf, len, collect_record, collect_error, &c, NULL);

	free(buf);
	CHECK(n == 2 && strcmp(c.builds[0], "a") == 0 && strcmp(c.builds[1], "c") == 0,
	      "the good records around a bad one must survive (%zu)", n);
	CHECK(c.nbad == 1 && c.bad_offsets[0] == REC && strstr(c.reasons[0], "checksum"),
	      "bad record: n=%zu offset=%zu reason=%s", c.nbad, c.bad_offsets[0], c.reasons[0]);
	return true;
}

/* Hand-made malformed records with a valid checksum reach the section
 * checks; each must be rejected with its reason. */
static bool test_malformed_sections(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char reason[CRASHLOG_REASON_LEN];
	struct panic_report r = example();
	size_t first = KOZO_PANIC_HDR_SIZE_V1;
	struct {
		const char *what;
		size_t off;
		uint64_t val;
		unsigned n;
		const char *want;
	} cases[] = {
		{ "version", KOZO_PANIC_OFF_VERSION, 3, 2, "version" },
		{ "header length", KOZO_PANIC_OFF_HDR_LEN, 40, 2, "header length" },
		{ "length too big", KOZO_PANIC_OFF_LENGTH, REC + 1, 4, "length" },
		{ "length too small", KOZO_PANIC_OFF_LENGTH, 3, 4, "length" },
		{ "flags", KOZO_PANIC_OFF_FLAGS, 6, 4, "flags" },
		{ "reserved", KOZO_PANIC_OFF_RESERVED, 1, 4, "reserved" },
		{ "overrun", first + 2, 0xfff0, 2, "overruns" },
		{ "tag zero", first, 0, 2, "tag 0" },
		{ "order", first, KOZO_PANIC_TAG_LOG, 2, "out of order" },
		{ "padding", REC - 1, 1, 1, "padding" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		panic_record_build(rec, &r);
		put_le(rec + cases[i].off, cases[i].val, cases[i].n);
		reseal(rec);
		CHECK(!crashlog_decode(rec, REC, &d, reason), "%s accepted", cases[i].what);
		CHECK(strstr(reason, cases[i].want), "%s: reason '%s'", cases[i].what, reason);
	}
	/* Only a build id: the other mandatory sections are missing. */
	r = (struct panic_report){ 0 };
	panic_record_build(rec, &r);
	put_le(rec + KOZO_PANIC_OFF_LENGTH, KOZO_PANIC_HDR_SIZE + 4, 4);
	memset(rec + KOZO_PANIC_HDR_SIZE + 4, 0, REC - KOZO_PANIC_HDR_SIZE - 4);
	/* (a version 2 record: the zero report is the current layout) */
	reseal(rec);
	CHECK(!crashlog_decode(rec, REC, &d, reason) && strstr(reason, "missing arch"),
	      "missing sections: %s", reason);
	/* An unknown argument kind. */
	r = example();
	panic_record_build(rec, &r);
	size_t pos = KOZO_PANIC_HDR_SIZE_V1;

	while (get_le(rec + pos, 2) != KOZO_PANIC_TAG_ARG)
		pos += KOZO_PANIC_SEC_HDR_SIZE + get_le(rec + pos + 2, 2);
	rec[pos + KOZO_PANIC_SEC_HDR_SIZE] = 9;
	reseal(rec);
	CHECK(!crashlog_decode(rec, REC, &d, reason) && strstr(reason, "argument kind"),
	      "bad argument kind: %s", reason);
	/* A duplicate singleton section. */
	rec[pos + KOZO_PANIC_SEC_HDR_SIZE] = KOZO_PANIC_ARG_ADDRESS;
	put_le(rec + pos, KOZO_PANIC_TAG_FORMAT, 2);
	reseal(rec);
	CHECK(!crashlog_decode(rec, REC, &d, reason) && strstr(reason, "duplicate"),
	      "duplicate section: %s", reason);
	return true;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random damage, re-sealed so the section walker sees it; the sanitizers
 * turn any overread into a failure.  Also random garbage streams. */
static bool test_random_damage(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	static uint8_t stream[3 * REC];
	char reason[CRASHLOG_REASON_LEN];
	struct panic_report r = example();
	static const struct crash_keys zero_keys;

	for (int iter = 0; iter < 20000; iter++) {
		panic_record_build(rec, &r);
		int flips = 1 + (int)(rng() % 8);

		for (int f = 0; f < flips; f++) {
			size_t at = KOZO_PANIC_OFF_LENGTH + rng() % 300;

			if (at >= KOZO_PANIC_OFF_CHECKSUM && at < KOZO_PANIC_OFF_CHECKSUM + 8)
				continue;
			rec[at] = (uint8_t)rng();
		}
		reseal(rec);
		if (crashlog_decode(rec, REC, &d, reason)) {
			char msg[CRASH_MSG_MAX];
			struct crash_frames fr;
			uint8_t id[32];

			crash_normalize_frames(&d, &fr);
			crash_id(&d, &fr, id);
			crash_render(&d, &zero_keys, msg, sizeof(msg));
		}
		size_t cut = rng() % (REC + 1);
		uint8_t *part = malloc(cut ? cut : 1);

		memcpy(part, rec, cut);
		crashlog_parse(part, cut, NULL, NULL, NULL, NULL);
		free(part);
	}
	for (int iter = 0; iter < 200; iter++) {
		for (size_t i = 0; i < sizeof(stream); i++)
			stream[i] = (uint8_t)(rng() % 4 == 0 ? 0x7f : rng());
		for (size_t i = 0; i < 20; i++)
			memcpy(stream + rng() % (sizeof(stream) - 8), "\x7fKOZOPNC", 8);
		crashlog_parse(stream, sizeof(stream), NULL, NULL, NULL, NULL);
	}
	crashlog_parse(NULL, 100, NULL, NULL, NULL, NULL);
	return true;
}

static bool scrub_is(const char *in, const char *want)
{
	char out[512];

	scrub_text(in, strlen(in), out, sizeof(out));
	if (strcmp(out, want) != 0)
		return fail("scrub(\"%s\") = \"%s\", want \"%s\"", in, out, want);
	return true;
}

static bool test_scrub_patterns(void)
{
	static const char *const cases[][2] = {
		{ "mail bob.smith+x@example.co.uk now", "mail <email> now" },
		{ "to <alice@corp.example>.", "to <<email>>." },
		{ "from 192.168.1.20:8080 ok", "from <ip>:8080 ok" },
		{ "version 0.0.1 and 1.2.3.4.5", "version 0.0.1 and 1.2.3.4.5" },
		{ "v6 fe80::1ff:fe23:4567:890a%eth0", "v6 <ip>%eth0" },
		{ "v6 2001:0db8:85a3:0000:0000:8a2e:0370:7334 end", "v6 <ip> end" },
		{ "loopback ::1", "loopback <ip>" },
		{ "mapped ::ffff:10.0.0.1", "mapped <ip>" },
		{ "at 12:34:56 std::vector", "at 12:34:56 std::vector" },
		{ "mac 52:54:00:AB:cd:01 and 52-54-00-12-34-56", "mac <mac> and <mac>" },
		{ "uuid 123e4567-e89b-12d3-a456-426614174000!", "uuid <uuid>!" },
		{ "file /home/carol/secret/plan.txt missing", "file <path> missing" },
		{ "mac os /Users/dave/x and /root/.ssh", "mac os <path> and <path>" },
		{ "ptr 0xdeadbeef and 0x12", "ptr <hex> and 0x12" },
		{ "hash 0123456789abcdef0123 deadbeef", "hash <hex> <hex>" },
		{ "serial C02XK0ABJG5H, SN-88A1-2234-99", "serial <id>, <id>" },
		{ "imei 490154203237518", "imei <num>" },
		{ "Capability violation by cnode_copy", "Capability violation by cnode_copy" },
		{ "x86_64 aarch64 page fault at level 3", "x86_64 aarch64 page fault at level 3" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!scrub_is(cases[i][0], cases[i][1]))
			return false;
	/* A cut never leaves half a placeholder or half a value. */
	char small[12];

	scrub_text("ab 0xdeadbeefcafe", 17, small, sizeof(small));
	CHECK(strcmp(small, "ab <hex>") == 0, "cut output '%s'", small);
	scrub_text("abcdefgh 192.168.0.1", 20, small, sizeof(small));
	CHECK(strcmp(small, "abcdefgh ") == 0, "cut output '%s'", small);
	return true;
}

static bool render_is(const struct panic_report *r, const struct crash_keys *k, const char *want)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char msg[CRASH_MSG_MAX];

	if (!encode_decode(r, rec, &d))
		return false;
	crash_render(&d, k, msg, sizeof(msg));
	if (strcmp(msg, want) != 0)
		return fail("render(\"%s\") = \"%s\", want \"%s\"", r->fmt, msg, want);
	return true;
}

static bool test_render(void)
{
	struct crash_keys k = test_keys(1);
	struct panic_report r = example();
	struct panic_arg a[6];

	if (!render_is(&r, &k, "Capability violation at <addr> by user '<user>'"))
		return false;
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, (uint64_t)-5, NULL };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, 255, NULL };
	a[2] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, 42, NULL };
	a[3] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, "bob@example.com at 10.1.2.3" };
	r.args = a;
	r.nargs = 4;
	r.fmt = "%d %lx %zu 100%% %q [%s] %s";
	if (!render_is(&r, &k, "-5 ff 42 100% %q [<email> at <ip>] <?>"))
		return false;
	/* Hardware IDs become keyed pseudonyms, wherever else they appear too. */
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, "SN-ZZ9" };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, "disk sn-zz9 failed" };
	a[2] = (struct panic_arg){ KOZO_PANIC_ARG_USER, 0, "mallory" };
	a[3] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, "by Mallory at 1234" };
	a[4] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 0x1234, NULL };
	r.nargs = 5;
	r.fmt = "dev %s: %s; %s %s %p";
	uint8_t ps[32];
	char hex[65], want[256];

	crash_hwid_pseudonym(&k, (const uint8_t *)"SN-ZZ9", 6, ps);
	blake3_hex(ps, 8, hex);
	snprintf(want, sizeof(want), "dev <hw:%s>: disk <hwid> failed; <user> by <user> at <addr> <addr>", hex);
	if (!render_is(&r, &k, want))
		return false;
	/* Control bytes cannot forge the placeholder sentinel. */
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, "\x01\x01\x02 x" };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 7, NULL };
	r.nargs = 2;
	r.fmt = "%s %p";
	return render_is(&r, &k, "??? x <addr>");
}

static bool test_pseudonyms(void)
{
	struct crash_keys k1 = test_keys(1), k1b = test_keys(1), k2 = test_keys(2);
	const uint8_t *mac = (const uint8_t *)"52:54:00:12:34:56";
	uint8_t a[32], b[32], c[32], plain[32], upper[32];

	crash_hwid_pseudonym(&k1, mac, 17, a);
	crash_hwid_pseudonym(&k1b, mac, 17, b);
	crash_hwid_pseudonym(&k2, mac, 17, c);
	blake3_hash(mac, 17, plain);
	crash_hwid_pseudonym(&k1, (const uint8_t *)"52:54:00:12:34:56", 17, upper);
	CHECK(memcmp(a, b, 32) == 0, "same key must give the same pseudonym");
	CHECK(memcmp(a, c, 32) != 0, "another key must give another pseudonym");
	CHECK(memcmp(a, plain, 32) != 0, "pseudonym equals the plain hash");
	CHECK(memcmp(a, upper, 32) == 0, "case folding");
	/* The three subkeys differ from each other and from the secret. */
	CHECK(memcmp(k1.hwid, k1.device, 32) != 0 && memcmp(k1.device, k1.occurrence, 32) != 0,
	      "subkeys must differ");
	/* The device pseudonym depends on the hardware IDs and the key only. */
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_report r = example();
	uint8_t d1[32], d2[32], d3[32];

	if (!encode_decode(&r, rec, &d))
		return false;
	crash_device_pseudonym(&k1, &d, d1);
	r.args = example_args;
	r.nargs = 2; /* no hardware ID */
	if (!encode_decode(&r, rec, &d))
		return false;
	crash_device_pseudonym(&k1, &d, d2);
	crash_device_pseudonym(&k2, &d, d3);
	CHECK(memcmp(d1, d2, 32) != 0 && memcmp(d2, d3, 32) != 0, "device pseudonyms");
	return true;
}

static bool test_key_file(void)
{
	char path[256], err[256];
	struct crash_keys a, b;
	struct stat st;

	snprintf(path, sizeof(path), "%s/test-key-%d", tmpdir, (int)getpid());
	unlink(path);
	CHECK(crash_keys_load(path, &a, err, sizeof(err)) == 0, "create: %s", err);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 32,
	      "key file mode %o size %lld", st.st_mode & 0777, (long long)st.st_size);
	CHECK(crash_keys_load(path, &b, err, sizeof(err)) == 0 && memcmp(&a, &b, sizeof(a)) == 0,
	      "reload gives other keys");
	chmod(path, 0644);
	CHECK(crash_keys_load(path, &b, err, sizeof(err)) != 0, "a world-readable key was accepted");
	chmod(path, 0600);
	truncate(path, 31);
	CHECK(crash_keys_load(path, &b, err, sizeof(err)) != 0, "a short key was accepted");
	unlink(path);
	return true;
}

/* Crash-ID of a report; fails the test on error. */
static bool id_of(const struct panic_report *r, char hex[65])
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct crash_frames f;
	uint8_t id[32];

	if (!encode_decode(r, rec, &d))
		return false;
	crash_normalize_frames(&d, &f);
	crash_id(&d, &f, id);
	blake3_hex(id, 32, hex);
	return true;
}

static bool test_crash_id_stability(void)
{
	struct panic_report r = example();
	char base[65], other[65];
	struct panic_arg a[3];
	struct panic_frame f[5];

	if (!id_of(&r, base))
		return false;
	/* Other user, address, hardware, CPU, registers, log, offsets: same. */
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 0x1234, NULL };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_USER, 0, "bob" };
	a[2] = (struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, "other-machine" };
	memcpy(f, example_frames, sizeof(f));
	for (int i = 0; i < 5; i++)
		f[i].offset += 0x100000;
	f[3].name = "syscall_dispatch"; /* without the .cold suffix */
	r.args = a;
	r.frames = f;
	r.cpu = 0;
	r.nregs = 1;
	r.log[1] = "different log";
	r.log_len[1] = 13;
	r.build_id = "0.0.2-dev-ffff";
	if (!id_of(&r, other))
		return false;
	CHECK(strcmp(base, other) == 0, "same bug, different ID");
	/* Panic-machinery frames are skipped: dropping them changes nothing. */
	r.frames = f + 2;
	r.nframes = 3;
	if (!id_of(&r, other))
		return false;
	CHECK(strcmp(base, other) == 0, "skip list not applied");
	/* A different message: another ID. */
	r.fmt = "Capability violation at %p by process '%s'";
	if (!id_of(&r, other))
		return false;
	CHECK(strcmp(base, other) != 0, "different message, same ID");
	/* A different call path: another ID. */
	r = example();
	f[2].name = "cnode_move";
	r.frames = f;
	if (!id_of(&r, other))
		return false;
	CHECK(strcmp(base, other) != 0, "different frames, same ID");
	/* Fewer frames: another ID. */
	r = example();
	r.nframes = 3;
	if (!id_of(&r, other))
		return false;
	CHECK(strcmp(base, other) != 0, "fewer frames, same ID");
	return true;
}

/* The Crash-ID is exactly the documented derivation. */
static bool test_crash_id_definition(void)
{
	struct panic_report r = example();
	char got[65], want_hex[65];
	uint8_t ser[512], want[32];
	size_t n = 0;
	const char *fmt = r.fmt;
	const char *names[] = { "cnode_copy", "syscall_dispatch", "<unknown>" };

	put_le(ser + n, strlen(fmt), 8);
	n += 8;
	memcpy(ser + n, fmt, strlen(fmt));
	n += strlen(fmt);
	put_le(ser + n, 3, 8);
	n += 8;
	for (int i = 0; i < 3; i++) {
		put_le(ser + n, strlen(names[i]), 8);
		n += 8;
		memcpy(ser + n, names[i], strlen(names[i]));
		n += strlen(names[i]);
	}
	blake3_derive_key("KOZO 2026 crash-id v1", ser, n, want);
	blake3_hex(want, 32, want_hex);
	if (!id_of(&r, got))
		return false;
	CHECK(strcmp(got, want_hex) == 0, "got %s want %s", got, want_hex);
	return true;
}

static bool test_skip_list(void)
{
	CHECK(crash_frame_skipped("panic") && crash_frame_skipped("panic_record_build") &&
		      crash_frame_skipped("arch_panic_entry") && crash_frame_skipped("kassert_fail"),
	      "panic machinery not skipped");
	CHECK(!crash_frame_skipped("cnode_copy") && !crash_frame_skipped("do_panic_test"),
	      "ordinary frames skipped");
	return true;
}

static bool test_build_id_sanitized(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_report r = example();
	char out[CRASH_BUILD_ID_MAX];

	r.build_id = "0.0.1-dev-a1b2\n<x>@y";
	if (!encode_decode(&r, rec, &d))
		return false;
	crash_build_id(&d, out);
	CHECK(strcmp(out, "0.0.1-dev-a1b2??x??y") == 0, "build id '%s'", out);
	return true;
}


/* Issue 15, item 5: the scrubber replaces whole tokens of argument text
 * only; the format's words and typed integers stay as they are. */
static bool test_scrub_whole_tokens(void)
{
	struct crash_keys k = test_keys(1);
	struct panic_report r = example();
	struct panic_arg a[4];

	r.args = a;
	r.nargs = 2;
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 0xdeadbeef, NULL };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_USER, 0, "user" };
	if (!render_is(&r, &k, "Capability violation at <addr> by user '<user>'"))
		return false;
	a[1].str = "tion";
	if (!render_is(&r, &k, "Capability violation at <addr> by user '<user>'"))
		return false;
	a[1].str = "tion";
	a[2] = (struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, "the tion went to tion-2 and station" };
	r.nargs = 3;
	r.fmt = "%p %s: %s";
	if (!render_is(&r, &k, "<addr> <user>: the <user> went to <user>-2 and station"))
		return false;
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 0xffff000000000000ull, NULL };
	a[1] = (struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, 0xffff000000000000ull, NULL };
	a[2] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, 0x96000006, NULL };
	r.nargs = 3;
	r.fmt = "kernel fault: data abort at %p (address %p, ESR %x)";
	if (!render_is(&r, &k, "kernel fault: data abort at <addr> (address <addr>, ESR 96000006)"))
		return false;
	a[0] = (struct panic_arg){ KOZO_PANIC_ARG_INTEGER, 0xdeadbeef, NULL };
	r.nargs = 1;
	r.fmt = "magic %x, as %d";
	return render_is(&r, &k, "magic deadbeef, as <?>");
}

/* ---- version 2: what the kernel writes ---- */

static const char *const raw_ids[PANIC_HWIDS] = {
	"4c4c4544-0042-3510-8052-b7c04f4e3232", "GenuineIntel", "", "6-55-4",
};

static bool bytes_contain(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

/* A v2 report as panic_report() builds it, from an identity. */
static struct panic_report example_v2(const struct panic_identity *id, struct panic_arg *args,
				      bool release)
{
	struct panic_report r = example();
	size_t n = 0;

	r.version = 0;
	args[n++] = example_args[0];
	args[n++] = example_args[1];
	for (size_t i = 0; i < PANIC_HWIDS; i++)
		if (id->hwid[i][0])
			args[n++] = (struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, id->hwid[i] };
	r.args = args;
	r.nargs = n;
	r.nonce = id->nonce;
	r.device = id->device;
	r.entropy = id->entropy;
	r.uptime = 123456789;
	r.hz = 1000000000;
	r.debug = !release;
	r.redact = release;
	if (release) {
		r.nregs = 0;
		r.log_len[1] = 0;
	}
	return r;
}

static struct panic_identity identity(uint8_t secret_byte, const char *const ids[PANIC_HWIDS],
				      const char *entropy)
{
	struct panic_identity id;
	uint8_t secret[PANIC_SECRET_SIZE];

	memset(secret, secret_byte, sizeof(secret));
	panic_identity_compute(&id, ids, secret_byte ? secret : NULL, (const uint8_t *)entropy,
			       strlen(entropy), KOZO_PANIC_ENTROPY_JITTER);
	return id;
}

static bool test_v2_roundtrip(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_arg args[8];
	struct panic_identity id = identity(7, raw_ids, "boot 1");
	struct panic_report r = example_v2(&id, args, false);

	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(d.version == 2 && get_le(rec + KOZO_PANIC_OFF_HDR_LEN, 2) == KOZO_PANIC_HDR_SIZE,
	      "version %u", d.version);
	CHECK(memcmp(d.nonce, id.nonce, KOZO_PANIC_NONCE_SIZE) == 0 && d.uptime == 123456789 &&
		      d.hz == 1000000000 && memcmp(d.device, id.device, 32) == 0,
	      "header fields");
	CHECK(d.debug && !d.redacted, "debug flag");
	CHECK(d.nargs == 5 && d.args[2].kind == KOZO_PANIC_ARG_HWID &&
		      d.args[2].str.len == 64, "pseudonym arguments (%zu)", d.nargs);
	/* The pseudonym is keyed BLAKE3 as documented, computed here apart. */
	uint8_t secret[32], key[32], want[32];
	char hex[65];

	memset(secret, 7, sizeof(secret));
	blake3_derive_key(PANIC_CTX_HWID, secret, 32, key);
	blake3_keyed_hash(key, "4c4c4544-0042-3510-8052-b7c04f4e3232", 36, want);
	blake3_hex(want, 32, hex);
	CHECK(str_is(d.args[2].str, hex), "hwid pseudonym differs from keyed BLAKE3");
	blake3_keyed_hash(key, "genuineintel", 12, want);
	blake3_hex(want, 32, hex);
	CHECK(str_is(d.args[3].str, hex), "pseudonym not of the case-folded ID");
	for (size_t i = 0; i < PANIC_HWIDS; i++)
		CHECK(!raw_ids[i][0] || !bytes_contain(rec, REC, raw_ids[i], strlen(raw_ids[i])),
		      "raw ID %s in the record", raw_ids[i]);
	return true;
}

static bool test_v2_rejects_raw_hwid(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	char reason[CRASHLOG_REASON_LEN];
	struct panic_arg args[8];
	struct panic_identity id = identity(7, raw_ids, "boot 1");
	struct panic_report r = example_v2(&id, args, false);

	args[2] = (struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, raw_ids[0] };
	panic_record_build(rec, &r);
	CHECK(!crashlog_decode(rec, REC, &d, reason) && strstr(reason, "not a pseudonym"),
	      "raw hardware ID in a v2 record: %s", reason);
	/* Upper-case hex is not the kernel's either. */
	char upper[65];

	for (int i = 0; i < 64; i++)
		upper[i] = id.hwid[0][i] >= 'a' ? (char)(id.hwid[0][i] - 32) : id.hwid[0][i];
	upper[64] = '\0';
	args[2].str = upper;
	panic_record_build(rec, &r);
	CHECK(!crashlog_decode(rec, REC, &d, reason), "upper-case pseudonym accepted");
	return true;
}

static bool test_v2_release_redacted(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_arg args[8];
	struct panic_identity id = identity(7, raw_ids, "boot 1");
	struct panic_report r = example_v2(&id, args, true);
	char msg[CRASH_MSG_MAX];
	const uint8_t addr_le[4] = { 0xef, 0xbe, 0xad, 0xde };

	if (!encode_decode(&r, rec, &d))
		return false;
	CHECK(d.redacted && !d.debug, "flags");
	CHECK(d.args[0].kind == KOZO_PANIC_ARG_ADDRESS && d.args[1].kind == KOZO_PANIC_ARG_USER &&
		      d.args[1].str.len == 0 && d.nregs == 0 && d.log.len == 0,
	      "values, registers or log kept");
	CHECK(!bytes_contain(rec, REC, "alice", 5) && !bytes_contain(rec, REC, addr_le, 4) &&
		      !bytes_contain(rec, REC, "deadbeef", 8),
	      "a value is in the release record");
	crash_render(&d, NULL, msg, sizeof(msg));
	CHECK(strcmp(msg, "Capability violation at <addr> by user '<user>'") == 0, "render: %s",
	      msg);
	/* A value-less address is a release record's only. */
	put_le(rec + KOZO_PANIC_OFF_FLAGS, KOZO_PANIC_F_DEBUG, 4);
	reseal(rec);
	char reason[CRASHLOG_REASON_LEN];

	CHECK(!crashlog_decode(rec, REC, &d, reason), "value-less address in a debug record");
	return true;
}

static bool test_v2_occurrences_and_devices(void)
{
	static uint8_t rec[REC];
	static struct crash_record d;
	struct panic_arg args[8];
	uint8_t dev[32], o1[32], o1b[32], o2[32], o3[32];
	static const char *const none[PANIC_HWIDS] = { "", "", "", "" };

	struct panic_identity boot1 = identity(7, raw_ids, "boot 1");
	struct panic_identity boot2 = identity(7, raw_ids, "boot 2");
	struct panic_report r = example_v2(&boot1, args, false);

	CHECK(memcmp(boot1.device, boot2.device, 32) == 0, "one device, two device pseudonyms");
	CHECK(memcmp(boot1.nonce, boot2.nonce, 16) != 0, "two boots, one nonce");
	if (!encode_decode(&r, rec, &d))
		return false;
	crash_device_pseudonym(NULL, &d, dev);
	crash_occurrence_key(NULL, &d, dev, o1);
	crash_occurrence_key(NULL, &d, dev, o1b);
	r = example_v2(&boot2, args, false);
	if (!encode_decode(&r, rec, &d))
		return false;
	crash_occurrence_key(NULL, &d, dev, o2);
	r.uptime++;
	if (!encode_decode(&r, rec, &d))
		return false;
	crash_occurrence_key(NULL, &d, dev, o3);
	CHECK(memcmp(o1, o1b, 32) == 0, "the same record is two occurrences");
	CHECK(memcmp(o1, o2, 32) != 0 && memcmp(o2, o3, 32) != 0,
	      "two panics are one occurrence");
	/* Boards with no ID at all: the secret tells them apart. */
	struct panic_identity a = identity(1, none, "x"), b = identity(2, none, "x");
	struct panic_identity c = identity(0, raw_ids, "x");

	CHECK(memcmp(a.device, b.device, 32) != 0, "two secrets, no IDs: one device");
	uint8_t zero[32] = { 0 };

	CHECK(!c.provisioned && memcmp(c.device, zero, 32) == 0 && !c.hwid[0][0] &&
		      !c.hwid[1][0], "no secret: IDs must be withheld");
	return true;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		tmpdir = argv[1];
	run("record_roundtrip", test_roundtrip);
	run("record_null_inputs", test_null_inputs);
	run("record_caps_never_overread", test_caps_never_overread);
	run("record_truncation_log_tail", test_truncation_log_tail);
	run("record_truncation_priority", test_truncation_priority);
	run("record_every_flip_detected", test_corruption_detected);
	run("parse_garbage_several_partial", test_garbage_and_partial);
	run("parse_corrupt_middle_reported", test_corrupt_middle_reported);
	run("parse_malformed_sections", test_malformed_sections);
	run("parse_random_damage_no_crash", test_random_damage);
	run("scrub_patterns", test_scrub_patterns);
	run("render_message", test_render);
	run("pseudonyms_keyed", test_pseudonyms);
	run("pseudonym_key_file", test_key_file);
	run("crash_id_stability", test_crash_id_stability);
	run("crash_id_definition", test_crash_id_definition);
	run("frame_skip_list", test_skip_list);
	run("build_id_sanitized", test_build_id_sanitized);
	run("scrub_whole_tokens_of_arguments_only", test_scrub_whole_tokens);
	run("v2_roundtrip_pseudonyms_no_raw_id", test_v2_roundtrip);
	run("v2_rejects_raw_hwid", test_v2_rejects_raw_hwid);
	run("v2_release_redacted", test_v2_release_redacted);
	run("v2_occurrences_and_devices", test_v2_occurrences_and_devices);
	printf("%d passed, %d failed\n", passes, failures);
	return failures != 0;
}
