/* Panic-log parser.  The input is untrusted: every length is checked against
 * what remains before it is used, and a record is accepted only whole. */
#include "crashlog.h"

#include <stdio.h>
#include <string.h>

static const uint8_t magic[KOZO_PANIC_MAGIC_LEN] = KOZO_PANIC_MAGIC_INIT;

#define CRASHLOG_MIN_PARTIAL_MAGIC 4u

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint64_t crashlog_checksum(const uint8_t rec[KOZO_PANIC_RECORD_SIZE])
{
	uint64_t h = KOZO_PANIC_FNV_OFFSET;

	/* Three loops, no branch per byte: the field reads as zero. */
	for (size_t i = 0; i < KOZO_PANIC_OFF_CHECKSUM; i++)
		h = (h ^ rec[i]) * KOZO_PANIC_FNV_PRIME;
	for (size_t i = 0; i < 8; i++)
		h *= KOZO_PANIC_FNV_PRIME;
	for (size_t i = KOZO_PANIC_OFF_CHECKSUM + 8; i < KOZO_PANIC_RECORD_SIZE; i++)
		h = (h ^ rec[i]) * KOZO_PANIC_FNV_PRIME;
	return h;
}

/* The first non-zero byte of p[from..n), or n. */
static size_t first_nonzero(const uint8_t *p, size_t from, size_t n)
{
	size_t i = from;

	for (; i < n && i % 8; i++)
		if (p[i])
			return i;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w)
			break;
	}
	for (; i < n; i++)
		if (p[i])
			return i;
	return n;
}

#define FAIL(...)                                               \
	do {                                                    \
		snprintf(reason, CRASHLOG_REASON_LEN, __VA_ARGS__); \
		return false;                                   \
	} while (0)

/* The cheap checks first (magic, version, lengths, flags, padding), the
 * checksum over all 4096 bytes last: input full of magics costs little. */
static bool check_header(const uint8_t *rec, size_t avail, struct crash_record *out,
			 char *reason)
{
	if (avail < KOZO_PANIC_RECORD_SIZE)
		FAIL("truncated record: %zu of %u bytes", avail, KOZO_PANIC_RECORD_SIZE);
	if (memcmp(rec, magic, sizeof(magic)) != 0)
		FAIL("bad magic");
	uint64_t version = get_le(rec + KOZO_PANIC_OFF_VERSION, 2);
	uint64_t hdr_len = get_le(rec + KOZO_PANIC_OFF_HDR_LEN, 2);
	uint64_t length = get_le(rec + KOZO_PANIC_OFF_LENGTH, 4);
	uint64_t flags = get_le(rec + KOZO_PANIC_OFF_FLAGS, 4);
	uint64_t stored = get_le(rec + KOZO_PANIC_OFF_CHECKSUM, 8);
	bool v1 = version == KOZO_PANIC_VERSION_1;
	uint64_t want_hdr = v1 ? KOZO_PANIC_HDR_SIZE_V1 : KOZO_PANIC_HDR_SIZE;
	uint64_t known_flags = KOZO_PANIC_F_TRUNCATED;

	if (!v1 && version != KOZO_PANIC_VERSION)
		FAIL("unsupported version %llu", (unsigned long long)version);
	if (hdr_len != want_hdr)
		FAIL("bad header length %llu", (unsigned long long)hdr_len);
	if (length < hdr_len || length > KOZO_PANIC_RECORD_SIZE)
		FAIL("bad length %llu", (unsigned long long)length);
	if (!v1)
		known_flags |= KOZO_PANIC_F_DEBUG | KOZO_PANIC_F_REDACTED;
	if (flags & ~known_flags)
		FAIL("unknown flags 0x%llx", (unsigned long long)flags);
	if ((flags & KOZO_PANIC_F_DEBUG) && (flags & KOZO_PANIC_F_REDACTED))
		FAIL("flags 0x%llx: debug and redacted", (unsigned long long)flags);
	if (get_le(rec + KOZO_PANIC_OFF_RESERVED, 4) != 0 ||
	    (!v1 && get_le(rec + KOZO_PANIC_OFF_RESERVED2, 4) != 0))
		FAIL("reserved header field not zero");
	size_t nz = first_nonzero(rec, length, KOZO_PANIC_RECORD_SIZE);

	if (nz < KOZO_PANIC_RECORD_SIZE)
		FAIL("non-zero padding at +%zu", nz);
	uint64_t computed = crashlog_checksum(rec);

	if (stored != computed)
		FAIL("checksum mismatch (stored %016llx, computed %016llx)",
		     (unsigned long long)stored, (unsigned long long)computed);
	out->length = (uint32_t)length;
	out->truncated = (flags & KOZO_PANIC_F_TRUNCATED) != 0;
	out->version = (uint16_t)version;
	if (!v1) {
		out->nonce = rec + KOZO_PANIC_OFF_NONCE;
		out->uptime = get_le(rec + KOZO_PANIC_OFF_UPTIME, 8);
		out->hz = get_le(rec + KOZO_PANIC_OFF_HZ, 8);
		out->device = rec + KOZO_PANIC_OFF_DEVICE;
		out->entropy = (uint32_t)get_le(rec + KOZO_PANIC_OFF_ENTROPY, 4);
		out->debug = (flags & KOZO_PANIC_F_DEBUG) != 0;
		out->redacted = (flags & KOZO_PANIC_F_REDACTED) != 0;
	}
	return true;
}

/* Version 2: a HWID argument is the kernel's pseudonym, 64 lower-case hex
 * digits; anything else could be a raw identifier and is refused. */
static bool is_pseudonym(const uint8_t *p, size_t len)
{
	if (len != KOZO_PANIC_HWID_PSEUDONYM_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static bool arg_kind_numeric(uint8_t k)
{
	return k == KOZO_PANIC_ARG_ADDRESS || k == KOZO_PANIC_ARG_INTEGER;
}

static bool arg_kind_string(uint8_t k)
{
	return k == KOZO_PANIC_ARG_USER || k == KOZO_PANIC_ARG_TEXT ||
	       k == KOZO_PANIC_ARG_HWID;
}

/* Decodes one section's payload p[0..len) into out. */
static bool decode_section(unsigned tag, const uint8_t *p, size_t len, size_t at,
			   struct crash_record *out, char *reason)
{
	switch (tag) {
	case KOZO_PANIC_TAG_BUILD_ID:
		if (len > KOZO_PANIC_MAX_BUILD_ID)
			FAIL("build-id too long at +%zu", at);
		out->build_id = (struct crash_str){ p, len };
		return true;
	case KOZO_PANIC_TAG_ARCH:
	case KOZO_PANIC_TAG_CPU:
		if (len != 4)
			FAIL("bad %s section length %zu at +%zu",
			     tag == KOZO_PANIC_TAG_ARCH ? "arch" : "cpu", len, at);
		if (tag == KOZO_PANIC_TAG_ARCH)
			out->arch = (uint32_t)get_le(p, 4);
		else
			out->cpu = (uint32_t)get_le(p, 4);
		return true;
	case KOZO_PANIC_TAG_FORMAT:
		if (len > KOZO_PANIC_MAX_FORMAT)
			FAIL("format string too long at +%zu", at);
		out->fmt = (struct crash_str){ p, len };
		return true;
	case KOZO_PANIC_TAG_ARG: {
		if (out->nargs >= KOZO_PANIC_MAX_ARGS)
			FAIL("too many arguments at +%zu", at);
		if (len < 1)
			FAIL("empty argument at +%zu", at);
		struct crash_arg *a = &out->args[out->nargs];

		a->kind = p[0];
		a->value = 0;
		a->str = (struct crash_str){ p + 1, 0 };
		if (len == 1 && out->redacted &&
		    (a->kind == KOZO_PANIC_ARG_ADDRESS || a->kind == KOZO_PANIC_ARG_USER)) {
			/* a release build's argument: the kind, no value */
		} else if (arg_kind_numeric(a->kind)) {
			if (len != KOZO_PANIC_ARG_NUM_PAYLOAD)
				FAIL("bad numeric argument length %zu at +%zu", len, at);
			a->value = get_le(p + 1, 8);
		} else if (arg_kind_string(a->kind)) {
			if (len - 1 > KOZO_PANIC_MAX_STR)
				FAIL("string argument too long at +%zu", at);
			a->str.len = len - 1;
			if (out->version != KOZO_PANIC_VERSION_1 &&
			    a->kind == KOZO_PANIC_ARG_HWID && !is_pseudonym(a->str.ptr, a->str.len))
				FAIL("hardware ID that is not a pseudonym at +%zu", at);
		} else {
			FAIL("unknown argument kind %u at +%zu", a->kind, at);
		}
		out->nargs++;
		return true;
	}
	case KOZO_PANIC_TAG_REGS: {
		if (len < KOZO_PANIC_REGS_HDR)
			FAIL("short register section at +%zu", at);
		size_t n = p[1];

		if (n > KOZO_PANIC_MAX_REGS || len != KOZO_PANIC_REGS_HDR + 8 * n)
			FAIL("bad register count %zu at +%zu", n, at);
		out->reg_arch = p[0];
		out->nregs = n;
		for (size_t i = 0; i < n; i++)
			out->regs[i] = get_le(p + KOZO_PANIC_REGS_HDR + 8 * i, 8);
		return true;
	}
	case KOZO_PANIC_TAG_FRAME: {
		if (out->nframes >= KOZO_PANIC_MAX_FRAMES)
			FAIL("too many frames at +%zu", at);
		if (len < KOZO_PANIC_FRAME_HDR ||
		    len - KOZO_PANIC_FRAME_HDR > KOZO_PANIC_MAX_NAME)
			FAIL("bad frame length %zu at +%zu", len, at);
		struct crash_frame *f = &out->frames[out->nframes++];

		f->offset = get_le(p, 8);
		f->name = (struct crash_str){ p + KOZO_PANIC_FRAME_HDR,
					      len - KOZO_PANIC_FRAME_HDR };
		return true;
	}
	case KOZO_PANIC_TAG_LOG:
		out->log = (struct crash_str){ p, len };
		return true;
	default:
		return true; /* a later minor revision's section: skip */
	}
}

static bool tag_repeats(unsigned tag)
{
	return tag == KOZO_PANIC_TAG_ARG || tag == KOZO_PANIC_TAG_FRAME;
}

static bool decode_sections(const uint8_t *rec, struct crash_record *out, char *reason)
{
	size_t pos = out->version == KOZO_PANIC_VERSION_1 ? KOZO_PANIC_HDR_SIZE_V1
							  : KOZO_PANIC_HDR_SIZE;
	unsigned last = 0;
	unsigned seen = 0; /* bit per known tag */

	while (pos < out->length) {
		if (out->length - pos < KOZO_PANIC_SEC_HDR_SIZE)
			FAIL("section header past record length at +%zu", pos);
		unsigned tag = (unsigned)get_le(rec + pos, 2);
		size_t len = (size_t)get_le(rec + pos + 2, 2);
		size_t at = pos;

		pos += KOZO_PANIC_SEC_HDR_SIZE;
		if (len > out->length - pos)
			FAIL("section at +%zu overruns record length", at);
		if (tag == 0)
			FAIL("section tag 0 at +%zu", at);
		if (tag <= KOZO_PANIC_TAG_LOG) {
			if (tag < last)
				FAIL("section tag %u out of order at +%zu", tag, at);
			if ((seen & (1u << tag)) && !tag_repeats(tag))
				FAIL("duplicate section tag %u at +%zu", tag, at);
			seen |= 1u << tag;
			last = tag;
		}
		if (!decode_section(tag, rec + pos, len, at, out, reason))
			return false;
		pos += len;
	}
	static const char *const names[] = { "", "build-id", "arch", "cpu", "format" };
	for (unsigned t = KOZO_PANIC_TAG_BUILD_ID; t <= KOZO_PANIC_TAG_FORMAT; t++)
		if (!(seen & (1u << t)))
			FAIL("missing %s section", names[t]);
	return true;
}

bool crashlog_decode(const uint8_t *rec, size_t avail, struct crash_record *out,
		     char reason[CRASHLOG_REASON_LEN])
{
	memset(out, 0, sizeof(*out));
	out->raw = rec;
	if (!check_header(rec, avail, out, reason))
		return false;
	return decode_sections(rec, out, reason);
}

/* Next magic at or after from and before end, or end if none. */
static size_t find_magic(const uint8_t *buf, size_t len, size_t from, size_t end)
{
	for (size_t i = from; i < end; i++) {
		if (buf[i] != magic[0])
			continue;
		size_t n = len - i < sizeof(magic) ? len - i : sizeof(magic);

		/* A magic cut by the end of the input still starts a (truncated)
		 * record, if enough of it is there to tell. */
		if (n >= CRASHLOG_MIN_PARTIAL_MAGIC && memcmp(buf + i, magic, n) == 0)
			return i;
	}
	return end;
}

size_t crashlog_scan(const uint8_t *buf, size_t len, size_t scan_end, size_t base,
		     crashlog_record_fn on_record, crashlog_error_fn on_error, void *ctx,
		     struct crashlog_stats *st)
{
	struct crash_record rec;
	char reason[CRASHLOG_REASON_LEN];
	size_t pos = 0;

	if (!buf)
		len = 0;
	if (scan_end > len)
		scan_end = len;
	while (pos < scan_end) {
		size_t at = find_magic(buf, len, pos, scan_end);

		if (at >= scan_end) {
			pos = scan_end;
			break;
		}
		if (crashlog_decode(buf + at, len - at, &rec, reason)) {
			rec.offset = base + at;
			st->records++;
			if (on_record)
				on_record(&rec, ctx);
			pos = at + KOZO_PANIC_RECORD_SIZE;
		} else {
			st->bad++;
			if (on_error)
				on_error(base + at, reason, ctx);
			pos = at + 1;
		}
	}
	return pos > scan_end ? pos : scan_end;
}

size_t crashlog_parse(const uint8_t *buf, size_t len, crashlog_record_fn on_record,
		      crashlog_error_fn on_error, void *ctx, struct crashlog_stats *st)
{
	struct crashlog_stats s = { 0, 0, 0 };

	if (!buf)
		len = 0;
	crashlog_scan(buf, len, len, 0, on_record, on_error, ctx, &s);
	s.garbage_bytes = len - s.records * KOZO_PANIC_RECORD_SIZE;
	if (st)
		*st = s;
	return s.records;
}
