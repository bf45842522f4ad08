/* Normalization and the Crash-ID; see normalize.h.  The message is built in
 * three passes: render with a 0x01 sentinel where a placeholder goes (so
 * the scrubber sees the placeholders as boundaries and nothing forged by an
 * argument can look like one), scrub, then expand the sentinels. */
#include "normalize.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scrub.h"

#define SENTINEL '\x01'
#define STAGE_MAX 4096
#define MAX_PLACEHOLDERS 256

/* Frames named with one of these prefixes are the panic path itself. */
static const char *const skip_prefixes[] = {
	"panic", "_panic", "__panic", "arch_panic", "kassert", "assert_fail", "__assert",
};

bool crash_frame_skipped(const char *name)
{
	for (size_t i = 0; i < sizeof(skip_prefixes) / sizeof(skip_prefixes[0]); i++)
		if (strncmp(name, skip_prefixes[i], strlen(skip_prefixes[i])) == 0)
			return true;
	return false;
}

static bool symbol_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$';
}

void crash_normalize_frames(const struct crash_record *r, struct crash_frames *f)
{
	f->n = 0;
	for (size_t i = 0; i < r->nframes && i < KOZO_PANIC_MAX_FRAMES; i++) {
		const struct crash_str *s = &r->frames[i].name;
		char *name = f->names[f->n];
		size_t n = 0;

		for (size_t j = 0; j < s->len && j < KOZO_PANIC_MAX_NAME; j++) {
			if (s->ptr[j] == '.')
				break;
			if (symbol_char(s->ptr[j]))
				name[n++] = (char)s->ptr[j];
		}
		name[n] = '\0';
		if (n == 0)
			snprintf(name, KOZO_PANIC_MAX_NAME + 1, "<unknown>");
		if (!crash_frame_skipped(name))
			f->n++;
	}
}

static void update_len(struct blake3_hasher *h, uint64_t n)
{
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(n >> (8 * i));
	blake3_update(h, le, sizeof(le));
}

void crash_id(const struct crash_record *r, const struct crash_frames *f,
	      uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	blake3_init_derive_key(&h, CRASH_ID_CONTEXT);
	update_len(&h, r->fmt.len);
	blake3_update(&h, r->fmt.ptr, r->fmt.len);
	update_len(&h, f->n);
	for (size_t i = 0; i < f->n; i++) {
		size_t n = strlen(f->names[i]);

		update_len(&h, n);
		blake3_update(&h, f->names[i], n);
	}
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void crash_build_id(const struct crash_record *r, char out[CRASH_BUILD_ID_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < r->build_id.len && n < CRASH_BUILD_ID_MAX - 1; i++) {
		uint8_t c = r->build_id.ptr[i];

		out[n++] = symbol_char(c) || c == '.' || c == '+' || c == '-' ? (char)c : '?';
	}
	out[n] = '\0';
}

/* The stage buffer: the message with sentinels, and what each stands for. */
struct stage {
	char text[STAGE_MAX];
	size_t len;
	int ph[MAX_PLACEHOLDERS]; /* >= 0: HWID argument index; else PH_* */
	size_t nph;
};

enum { PH_ADDR = -1, PH_USER = -2, PH_MISSING = -3 };

static void stage_put(struct stage *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n && s->len < STAGE_MAX - 1; i++) {
		uint8_t c = (uint8_t)p[i];

		/* Printable ASCII only: the scrubber's input contract. */
		s->text[s->len++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	s->text[s->len] = '\0';
}

static void stage_placeholder(struct stage *s, int what)
{
	if (s->len >= STAGE_MAX - 1 || s->nph >= MAX_PLACEHOLDERS)
		return;
	s->text[s->len++] = SENTINEL;
	s->text[s->len] = '\0';
	s->ph[s->nph++] = what;
}

static void put_scrubbed(struct stage *s, const struct crash_record *r, const char *p,
			 size_t n, bool by_pattern);

static void render_number(struct stage *s, const struct crash_record *r,
			  const struct crash_arg *a, char conv)
{
	char num[32];

	switch (conv) {
	case 'd':
	case 'i':
		snprintf(num, sizeof(num), "%" PRId64, (int64_t)a->value);
		break;
	case 'x':
		snprintf(num, sizeof(num), "%" PRIx64, a->value);
		break;
	case 'X':
		snprintf(num, sizeof(num), "%" PRIX64, a->value);
		break;
	case 'p':
		snprintf(num, sizeof(num), "0x%" PRIx64, a->value);
		break;
	default:
		snprintf(num, sizeof(num), "%" PRIu64, a->value);
		break;
	}
	put_scrubbed(s, r, num, strlen(num), false);
}

/* A piece of an argument, sanitized (printable ASCII), then scrubbed. */
struct piece {
	char text[STAGE_MAX];
	size_t len;
};

/* Scrubs p in place for one known secret (sanitized like the text). */
static void scrub_secret(struct piece *p, const uint8_t *secret, size_t len,
			 const char *placeholder)
{
	char clean[KOZO_PANIC_MAX_STR + 1];
	char out[STAGE_MAX];
	size_t n = 0;

	for (size_t i = 0; i < len && n < KOZO_PANIC_MAX_STR; i++)
		clean[n++] = secret[i] >= 0x20 && secret[i] < 0x7f ? (char)secret[i] : '?';
	p->len = scrub_known(p->text, p->len, clean, n, placeholder, out, sizeof(out));
	memcpy(p->text, out, p->len + 1);
}

/* The record's own user names, hardware IDs and addresses (in hex). */
static void scrub_secrets(struct piece *p, const struct crash_record *r)
{
	for (size_t i = 0; i < r->nargs; i++) {
		const struct crash_arg *a = &r->args[i];
		char hex[24];

		if (a->kind == KOZO_PANIC_ARG_USER)
			scrub_secret(p, a->str.ptr, a->str.len, "<user>");
		else if (a->kind == KOZO_PANIC_ARG_HWID)
			scrub_secret(p, a->str.ptr, a->str.len, "<hwid>");
		else if (a->kind == KOZO_PANIC_ARG_ADDRESS && a->value > 0xfff) {
			int n = snprintf(hex, sizeof(hex), "%" PRIx64, a->value);

			scrub_secret(p, (const uint8_t *)hex, (size_t)n, "<addr>");
		}
	}
}

/* An argument's text into the stage: free text scrubbed by pattern, text
 * and numbers both for the record's own secrets.  The format's literal
 * text is the kernel's constant and is never scrubbed, and an integer the
 * kernel typed as one is not a "hex serial". */
static void put_scrubbed(struct stage *s, const struct crash_record *r, const char *p,
			 size_t n, bool by_pattern)
{
	static struct piece raw, clean;

	raw.len = 0;
	for (size_t i = 0; i < n && raw.len < STAGE_MAX - 1; i++) {
		uint8_t c = (uint8_t)p[i];

		raw.text[raw.len++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	raw.text[raw.len] = '\0';
	if (by_pattern) {
		clean.len = scrub_text(raw.text, raw.len, clean.text, sizeof(clean.text));
	} else {
		memcpy(clean.text, raw.text, raw.len + 1);
		clean.len = raw.len;
	}
	scrub_secrets(&clean, r);
	stage_put(s, clean.text, clean.len);
}

static void render_arg(struct stage *s, const struct crash_record *r, size_t i, char conv)
{
	if (i >= r->nargs) {
		stage_placeholder(s, PH_MISSING);
		return;
	}
	const struct crash_arg *a = &r->args[i];

	switch (a->kind) {
	case KOZO_PANIC_ARG_ADDRESS:
		stage_placeholder(s, PH_ADDR);
		break;
	case KOZO_PANIC_ARG_USER:
		stage_placeholder(s, PH_USER);
		break;
	case KOZO_PANIC_ARG_HWID:
		stage_placeholder(s, (int)i);
		break;
	case KOZO_PANIC_ARG_INTEGER:
		render_number(s, r, a, conv);
		break;
	default: /* TEXT */
		put_scrubbed(s, r, (const char *)a->str.ptr, a->str.len, true);
		break;
	}
}

/* Length of the conversion spec at fmt[i] == '%' (flags, width, precision,
 * length modifiers, conversion); *conv gets the conversion or 0. */
static size_t conversion(const uint8_t *fmt, size_t len, size_t i, char *conv)
{
	size_t j = i + 1;

	while (j < len && fmt[j] && strchr("-+ #0", fmt[j]))
		j++;
	while (j < len && fmt[j] >= '0' && fmt[j] <= '9')
		j++;
	if (j < len && fmt[j] == '.')
		for (j++; j < len && fmt[j] >= '0' && fmt[j] <= '9'; j++)
			;
	while (j < len && fmt[j] && strchr("hlzjt", fmt[j]))
		j++;
	*conv = 0;
	if (j < len && fmt[j] && strchr("sdiuxXp", fmt[j])) {
		*conv = (char)fmt[j];
		return j + 1 - i;
	}
	return j - i;
}

static void render_format(struct stage *s, const struct crash_record *r)
{
	const uint8_t *fmt = r->fmt.ptr;
	size_t len = r->fmt.len, next_arg = 0;

	for (size_t i = 0; i < len;) {
		if (fmt[i] != '%') {
			stage_put(s, (const char *)fmt + i, 1);
			i++;
			continue;
		}
		if (i + 1 < len && fmt[i + 1] == '%') {
			stage_put(s, "%", 1);
			i += 2;
			continue;
		}
		char conv;
		size_t n = conversion(fmt, len, i, &conv);

		if (conv)
			render_arg(s, r, next_arg++, conv);
		else
			stage_put(s, (const char *)fmt + i, n); /* unknown: literal */
		i += n;
	}
}

static void expand(const struct stage *s, const struct crash_record *r,
		   const struct crash_keys *k, char *out, size_t cap)
{
	size_t n = 0, next = 0;

	for (size_t i = 0; i < s->len; i++) {
		char buf[40];
		const char *p = buf;

		if (s->text[i] != SENTINEL) {
			buf[0] = s->text[i];
			buf[1] = '\0';
		} else if (next >= s->nph) {
			p = "<?>";
		} else {
			int what = s->ph[next++];

			if (what == PH_ADDR) {
				p = "<addr>";
			} else if (what == PH_USER) {
				p = "<user>";
			} else if (what == PH_MISSING) {
				p = "<?>";
			} else {
				uint8_t ps[BLAKE3_OUT_LEN];
				char hex[2 * BLAKE3_OUT_LEN + 1];
				const struct crash_arg *a = &r->args[what];

				if (r->version != KOZO_PANIC_VERSION_1) {
					/* the kernel's pseudonym (the parser checked it) */
					memcpy(hex, a->str.ptr, 16);
					hex[16] = '\0';
				} else {
					crash_hwid_pseudonym(k, a->str.ptr, a->str.len, ps);
					blake3_hex(ps, 8, hex);
				}
				snprintf(buf, sizeof(buf), "<hw:%s>", hex);
			}
		}
		size_t m = strlen(p);

		if (m > cap - 1 - n)
			break; /* placeholders go in whole or not at all */
		memcpy(out + n, p, m);
		n += m;
	}
	out[n] = '\0';
}

size_t crash_render(const struct crash_record *r, const struct crash_keys *k,
		    char *out, size_t cap)
{
	struct stage s;

	if (cap == 0)
		return 0;
	s.len = 0;
	s.nph = 0;
	s.text[0] = '\0';
	render_format(&s, r);
	expand(&s, r, k, out, cap);
	return strlen(out);
}
