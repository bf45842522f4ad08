/* Free-text scrubbing by pattern; see scrub.h for the rules.  Each matcher
 * looks at in[i..len) and returns the length of its match, or 0. */
#include "scrub.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

struct sbuf {
	char *p;
	size_t cap; /* including the NUL */
	size_t len;
	bool full;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->full || n > b->cap - 1 - b->len) {
		b->full = true; /* all or nothing: never half a placeholder */
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool email_local(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("._%+-", c) != NULL);
}

static bool email_domain(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

/* True if in[j] (j may be len) does not continue an alphanumeric token. */
static bool ends_token(const char *in, size_t len, size_t j)
{
	return j >= len || !is_alnum(in[j]);
}

static size_t hex_run(const char *in, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && is_hex(in[j]))
		j++;
	return j - i;
}

static size_t match_path(const char *in, size_t len, size_t i)
{
	static const char *const roots[] = { "/home/", "/Users/", "/root/", "/root" };

	for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		size_t n = strlen(roots[r]);

		if (len - i < n || memcmp(in + i, roots[r], n) != 0)
			continue;
		size_t j = i + n;

		while (j < len && in[j] > ' ' && in[j] < 0x7f &&
		       strchr("'\"<>,;()[]{}`|", in[j]) == NULL)
			j++;
		if (j == i + n && roots[r][n - 1] != '/')
			continue; /* "/root" alone is matched only as a path */
		if (j == i + n && !ends_token(in, len, j))
			continue;
		return j - i;
	}
	return 0;
}

static size_t match_email(const char *in, size_t len, size_t i)
{
	size_t k = i;

	while (k < len && email_local(in[k]))
		k++;
	if (k == i || k >= len || in[k] != '@')
		return 0;
	size_t j = k + 1, last_dot = 0;

	while (j < len && email_domain(in[j])) {
		if (in[j] == '.')
			last_dot = j;
		j++;
	}
	while (j > k + 1 && (in[j - 1] == '.' || in[j - 1] == '-'))
		j--; /* a sentence's full stop is not part of the domain */
	if (last_dot <= k + 1 || last_dot >= j - 1)
		return 0;
	return j - i;
}

/* Hex groups of the given sizes joined by sep (any of seps, consistently). */
static size_t match_groups(const char *in, size_t len, size_t i,
			   const unsigned *sizes, size_t n, const char *seps)
{
	size_t j = i;
	char sep = 0;

	for (size_t g = 0; g < n; g++) {
		if (g > 0) {
			if (j >= len || strchr(seps, in[j]) == NULL || in[j] == '\0')
				return 0;
			if (sep && in[j] != sep)
				return 0;
			sep = in[j++];
		}
		if (hex_run(in, len, j) != sizes[g])
			return 0;
		j += sizes[g];
	}
	return ends_token(in, len, j) ? j - i : 0;
}

static size_t match_uuid(const char *in, size_t len, size_t i)
{
	static const unsigned sizes[] = { 8, 4, 4, 4, 12 };

	return match_groups(in, len, i, sizes, 5, "-");
}

static size_t match_mac(const char *in, size_t len, size_t i)
{
	static const unsigned sizes[] = { 2, 2, 2, 2, 2, 2 };
	size_t n = match_groups(in, len, i, sizes, 6, ":-");

	/* More colon groups follow: an IPv6 address, not a MAC. */
	if (n && i + n < len && in[i + n] == ':')
		return 0;
	return n;
}

/* Dotted quad at in[i]; *end gets its end.  Each part 0..255. */
static bool ipv4_at(const char *in, size_t len, size_t i, size_t *end)
{
	size_t j = i;

	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (j >= len || in[j] != '.')
				return false;
			j++;
		}
		size_t d = 0;
		unsigned v = 0;

		while (j < len && is_digit(in[j]) && d < 4) {
			v = v * 10 + (unsigned)(in[j] - '0');
			j++;
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return false;
	}
	*end = j;
	return true;
}

static size_t match_ipv4(const char *in, size_t len, size_t i)
{
	size_t j;

	if (i > 0 && in[i - 1] == '.')
		return 0;
	if (!ipv4_at(in, len, i, &j) || !ends_token(in, len, j))
		return 0;
	if (j + 1 < len && in[j] == '.' && is_digit(in[j + 1]))
		return 0; /* a longer dotted number, e.g. a version */
	return j - i;
}

static size_t match_ipv6(const char *in, size_t len, size_t i)
{
	size_t j = i, colons = 0, group = 0;
	bool double_colon = false;

	if (i > 0 && in[i - 1] == ':')
		return 0;
	while (j < len) {
		if (in[j] == ':') {
			if (j + 1 < len && in[j + 1] == ':') {
				if (double_colon)
					return 0;
				double_colon = true;
				colons += 2;
				j += 2;
			} else {
				colons++;
				j++;
			}
			group = 0;
		} else if (is_hex(in[j])) {
			size_t e;

			/* An embedded IPv4 ends the address. */
			if (group == 0 && colons >= 2 && ipv4_at(in, len, j, &e)) {
				j = e;
				break;
			}
			if (++group > 4)
				return 0;
			j++;
		} else {
			break;
		}
	}
	/* A single trailing colon is punctuation, not part of the address. */
	if (j > i + 1 && in[j - 1] == ':' && in[j - 2] != ':') {
		j--;
		colons--;
	}
	if (colons < 2 || (!double_colon && colons != 7))
		return 0;
	return ends_token(in, len, j) ? j - i : 0;
}

static size_t match_0x(const char *in, size_t len, size_t i)
{
	if (len - i < 2 || in[i] != '0' || (in[i + 1] != 'x' && in[i + 1] != 'X'))
		return 0;
	size_t n = hex_run(in, len, i + 2);

	return n >= 4 && ends_token(in, len, i + 2 + n) ? 2 + n : 0;
}

static size_t match_long_hex(const char *in, size_t len, size_t i)
{
	size_t n = hex_run(in, len, i);

	return n >= 8 && ends_token(in, len, i + n) ? n : 0;
}

static size_t match_serial(const char *in, size_t len, size_t i)
{
	size_t j = i, alnum = 0, digits = 0, letters = 0;

	while (j < len && (is_alnum(in[j]) || in[j] == '-')) {
		if (is_digit(in[j]))
			digits++;
		if (is_alpha(in[j]))
			letters++;
		if (in[j] != '-')
			alnum++;
		j++;
	}
	while (j > i && in[j - 1] == '-')
		j--;
	return alnum >= 8 && digits >= 3 && letters >= 1 ? j - i : 0;
}

static size_t match_long_num(const char *in, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && is_digit(in[j]))
		j++;
	return j - i >= 9 && ends_token(in, len, j) ? j - i : 0;
}

struct rule {
	size_t (*match)(const char *in, size_t len, size_t i);
	const char *placeholder;
};

static const struct rule token_rules[] = {
	{ match_email, "<email>" },   { match_uuid, "<uuid>" },
	{ match_mac, "<mac>" },       { match_ipv6, "<ip>" },
	{ match_ipv4, "<ip>" },       { match_0x, "<hex>" },
	{ match_long_num, "<num>" },  { match_long_hex, "<hex>" },
	{ match_serial, "<id>" },
};

size_t scrub_text(const char *in, size_t len, char *out, size_t cap)
{
	struct sbuf b = { out, cap, 0, false };
	size_t i = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	while (i < len && !b.full) {
		size_t n = match_path(in, len, i);
		const char *ph = "<path>";
		/* Token rules start only where a token starts; e-mails may
		 * start after any character that cannot be in their local part. */
		bool start = i == 0 || !is_alnum(in[i - 1]);
		bool email_start = i == 0 || !email_local(in[i - 1]);

		if (n == 0 && email_start) {
			n = match_email(in, len, i);
			ph = "<email>";
		}
		for (size_t r = 1; n == 0 && start && r < sizeof(token_rules) / sizeof(token_rules[0]); r++) {
			n = token_rules[r].match(in, len, i);
			ph = token_rules[r].placeholder;
		}
		if (n > 0) {
			sb_put(&b, ph, strlen(ph));
			i += n;
			continue;
		}
		/* No match here: copy the whole alphanumeric run, so no rule
		 * starts in the middle of a word. */
		size_t j = i + 1;

		if (is_alnum(in[i]))
			while (j < len && is_alnum(in[j]))
				j++;
		sb_put(&b, in + i, j - i);
		i = j;
	}
	return b.len;
}

static bool ci_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

size_t scrub_known(const char *s, size_t len, const char *secret, size_t slen,
		   const char *placeholder, char *out, size_t cap)
{
	struct sbuf b = { out, cap, 0, false };
	size_t i = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	while (i < len && !b.full) {
		/* Whole tokens only: a name that is also a word ("user", "tion")
		 * leaves the words that merely contain it alone. */
		if (slen >= 3 && len - i >= slen && ci_equal(s + i, secret, slen) &&
		    !(i > 0 && word_char(s[i - 1]) && word_char(secret[0])) &&
		    !(i + slen < len && word_char(s[i + slen]) && word_char(secret[slen - 1]))) {
			sb_put(&b, placeholder, strlen(placeholder));
			i += slen;
		} else {
			sb_put(&b, s + i, 1);
			i++;
		}
	}
	return b.len;
}
