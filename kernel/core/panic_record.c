/* Panic-record encoder: see panic_record.h and <kozo/panic_record.h>.
 * Runs in the panic path, so it uses only its arguments and the stack: no
 * libc (own byte loops), no globals, nothing that could fault on bad input
 * beyond reading the strings and arrays it is given, each within its cap. */
#include "panic_record.h"

/* A write cursor over the record; every write checks the bound. */
struct rec_cursor {
	uint8_t *buf;
	uint32_t pos;
	int truncated;
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t bounded_len(const char *s, size_t cap)
{
	size_t n = 0;

	if (!s)
		return 0;
	while (n < cap && s[n] != '\0')
		n++;
	return n;
}

static void copy_bytes(uint8_t *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (uint8_t)src[i];
}

/* Reserves a section with a payload of len bytes and returns a pointer to
 * the payload, or NULL (and marks the record truncated) if it does not fit
 * or an earlier section was already dropped. */
static uint8_t *section(struct rec_cursor *c, unsigned tag, size_t len)
{
	if (c->truncated)
		return NULL;
	if (len > KOZO_PANIC_RECORD_SIZE ||
	    KOZO_PANIC_RECORD_SIZE - c->pos < KOZO_PANIC_SEC_HDR_SIZE + len) {
		c->truncated = 1;
		return NULL;
	}
	put_le(c->buf + c->pos, tag, 2);
	put_le(c->buf + c->pos + 2, len, 2);
	c->pos += KOZO_PANIC_SEC_HDR_SIZE;
	uint8_t *p = c->buf + c->pos;
	c->pos += (uint32_t)len;
	return p;
}

static void put_string(struct rec_cursor *c, unsigned tag, const char *s, size_t cap)
{
	size_t n = bounded_len(s, cap);
	uint8_t *p = section(c, tag, n);

	if (p)
		copy_bytes(p, s, n);
}

static void put_u32_section(struct rec_cursor *c, unsigned tag, uint32_t v)
{
	uint8_t *p = section(c, tag, 4);

	if (p)
		put_le(p, v, 4);
}

static int arg_is_numeric(uint32_t kind)
{
	return kind == KOZO_PANIC_ARG_ADDRESS || kind == KOZO_PANIC_ARG_INTEGER;
}

static void put_args(struct rec_cursor *c, const struct panic_report *r)
{
	size_t n = r->args ? r->nargs : 0;
	int too_many = n > KOZO_PANIC_MAX_ARGS;

	if (too_many)
		n = KOZO_PANIC_MAX_ARGS;
	for (size_t i = 0; i < n; i++) {
		const struct panic_arg *a = &r->args[i];
		uint8_t kind = (uint8_t)a->kind;
		uint8_t *p;

		if (r->redact && (a->kind == KOZO_PANIC_ARG_ADDRESS ||
				  a->kind == KOZO_PANIC_ARG_USER)) {
			p = section(c, KOZO_PANIC_TAG_ARG, 1); /* the kind, no value */
			if (!p)
				return;
			p[0] = kind;
		} else if (arg_is_numeric(a->kind)) {
			p = section(c, KOZO_PANIC_TAG_ARG, KOZO_PANIC_ARG_NUM_PAYLOAD);
			if (!p)
				return;
			p[0] = kind;
			put_le(p + 1, a->value, 8);
		} else {
			size_t len = bounded_len(a->str, KOZO_PANIC_MAX_STR);

			p = section(c, KOZO_PANIC_TAG_ARG, 1 + len);
			if (!p)
				return;
			p[0] = kind;
			copy_bytes(p + 1, a->str, len);
		}
	}
	if (too_many)
		c->truncated = 1; /* like a section that did not fit */
}

static void put_regs(struct rec_cursor *c, const struct panic_report *r)
{
	size_t n = r->regs ? r->nregs : 0;

	if (n == 0)
		return;
	if (n > KOZO_PANIC_MAX_REGS)
		n = KOZO_PANIC_MAX_REGS;
	uint8_t *p = section(c, KOZO_PANIC_TAG_REGS, KOZO_PANIC_REGS_HDR + 8 * n);
	if (!p)
		return;
	p[0] = (uint8_t)r->reg_arch;
	p[1] = (uint8_t)n;
	p[2] = 0;
	p[3] = 0;
	for (size_t i = 0; i < n; i++)
		put_le(p + KOZO_PANIC_REGS_HDR + 8 * i, r->regs[i], 8);
}

static void put_frames(struct rec_cursor *c, const struct panic_report *r)
{
	size_t n = r->frames ? r->nframes : 0;

	if (n > KOZO_PANIC_MAX_FRAMES)
		n = KOZO_PANIC_MAX_FRAMES; /* the outermost frames matter least */
	for (size_t i = 0; i < n; i++) {
		const struct panic_frame *f = &r->frames[i];
		size_t len = bounded_len(f->name, KOZO_PANIC_MAX_NAME);
		uint8_t *p = section(c, KOZO_PANIC_TAG_FRAME, KOZO_PANIC_FRAME_HDR + len);

		if (!p)
			return;
		put_le(p, f->offset, 8);
		copy_bytes(p + KOZO_PANIC_FRAME_HDR, f->name, len);
	}
}

/* The log goes last and is cut from the front: the newest bytes matter. */
static void put_log(struct rec_cursor *c, const struct panic_report *r)
{
	size_t len0 = r->log[0] ? r->log_len[0] : 0;
	size_t len1 = r->log[1] ? r->log_len[1] : 0;

	if (c->truncated || (len0 == 0 && len1 == 0))
		return;
	if (KOZO_PANIC_RECORD_SIZE - c->pos <= KOZO_PANIC_SEC_HDR_SIZE) {
		c->truncated = 1;
		return;
	}
	size_t room = KOZO_PANIC_RECORD_SIZE - c->pos - KOZO_PANIC_SEC_HDR_SIZE;
	size_t take1 = len1 < room ? len1 : room;
	size_t take0 = len0 < room - take1 ? len0 : room - take1;

	uint8_t *p = section(c, KOZO_PANIC_TAG_LOG, take0 + take1);
	if (!p)
		return;
	if (take1 < len1 || take0 < len0)
		c->truncated = 1;
	if (take0)
		copy_bytes(p, r->log[0] + (len0 - take0), take0);
	if (take1)
		copy_bytes(p + take0, r->log[1] + (len1 - take1), take1);
}

uint64_t panic_record_checksum(const uint8_t rec[KOZO_PANIC_RECORD_SIZE])
{
	uint64_t h = KOZO_PANIC_FNV_OFFSET;

	for (uint32_t i = 0; i < KOZO_PANIC_RECORD_SIZE; i++) {
		uint8_t b = rec[i];

		if (i >= KOZO_PANIC_OFF_CHECKSUM && i < KOZO_PANIC_OFF_CHECKSUM + 8)
			b = 0;
		h = (h ^ b) * KOZO_PANIC_FNV_PRIME;
	}
	return h;
}

size_t panic_record_build(uint8_t out[KOZO_PANIC_RECORD_SIZE],
			  const struct panic_report *r)
{
	static const uint8_t magic[KOZO_PANIC_MAGIC_LEN] = KOZO_PANIC_MAGIC_INIT;
	static const struct panic_report empty;
	struct rec_cursor c = { out, KOZO_PANIC_HDR_SIZE, 0 };

	if (!out)
		return 0;
	if (!r)
		r = &empty;
	bool v1 = r->version == KOZO_PANIC_VERSION_1;
	if (v1)
		c.pos = KOZO_PANIC_HDR_SIZE_V1;
	for (uint32_t i = 0; i < KOZO_PANIC_RECORD_SIZE; i++)
		out[i] = 0;
	for (uint32_t i = 0; i < KOZO_PANIC_MAGIC_LEN; i++)
		out[KOZO_PANIC_OFF_MAGIC + i] = magic[i];

	put_string(&c, KOZO_PANIC_TAG_BUILD_ID, r->build_id, KOZO_PANIC_MAX_BUILD_ID);
	put_u32_section(&c, KOZO_PANIC_TAG_ARCH, r->arch);
	put_u32_section(&c, KOZO_PANIC_TAG_CPU, r->cpu);
	put_string(&c, KOZO_PANIC_TAG_FORMAT, r->fmt, KOZO_PANIC_MAX_FORMAT);
	put_args(&c, r);
	put_regs(&c, r);
	put_frames(&c, r);
	put_log(&c, r);

	uint32_t flags = c.truncated ? KOZO_PANIC_F_TRUNCATED : 0;

	if (!v1) {
		for (uint32_t i = 0; r->nonce && i < KOZO_PANIC_NONCE_SIZE; i++)
			out[KOZO_PANIC_OFF_NONCE + i] = r->nonce[i];
		put_le(out + KOZO_PANIC_OFF_UPTIME, r->uptime, 8);
		put_le(out + KOZO_PANIC_OFF_HZ, r->hz, 8);
		for (uint32_t i = 0; r->device && i < KOZO_PANIC_DEVICE_SIZE; i++)
			out[KOZO_PANIC_OFF_DEVICE + i] = r->device[i];
		put_le(out + KOZO_PANIC_OFF_ENTROPY, r->entropy, 4);
		flags |= (r->debug ? KOZO_PANIC_F_DEBUG : 0) |
			 (r->redact ? KOZO_PANIC_F_REDACTED : 0);
	}
	put_le(out + KOZO_PANIC_OFF_VERSION, v1 ? KOZO_PANIC_VERSION_1 : KOZO_PANIC_VERSION, 2);
	put_le(out + KOZO_PANIC_OFF_HDR_LEN, v1 ? KOZO_PANIC_HDR_SIZE_V1 : KOZO_PANIC_HDR_SIZE, 2);
	put_le(out + KOZO_PANIC_OFF_LENGTH, c.pos, 4);
	put_le(out + KOZO_PANIC_OFF_FLAGS, flags, 4);
	put_le(out + KOZO_PANIC_OFF_CHECKSUM, panic_record_checksum(out), 8);
	return KOZO_PANIC_RECORD_SIZE;
}
