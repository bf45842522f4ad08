/* BLAKE3 against the official test vectors (tests/crash/blake3_vectors.json,
 * a copy of the upstream test_vectors.json): every case in hash, keyed_hash
 * and derive_key mode at the full extended output length, fed whole and in
 * uneven pieces, and read back through the seekable output.
 * Usage: test_blake3 VECTORS.json.  Prints PASS/FAIL lines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blake3.h"

static int failures, passes;

static void result(bool ok, const char *name, const char *why)
{
	if (ok) {
		printf("PASS %s\n", name);
		passes++;
	} else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The string value of "name": "..." at or after p; copied into out. */
static const char *json_string(const char *p, const char *name, char *out, size_t cap)
{
	char key[64];

	snprintf(key, sizeof(key), "\"%s\"", name);
	p = strstr(p, key);
	if (!p)
		return NULL;
	p = strchr(p + strlen(key), '"');
	if (!p)
		return NULL;
	const char *e = strchr(p + 1, '"');

	if (!e || (size_t)(e - p - 1) >= cap)
		return NULL;
	memcpy(out, p + 1, (size_t)(e - p - 1));
	out[e - p - 1] = '\0';
	return e + 1;
}

static bool unhex(const char *hex, unsigned char *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	return true;
}

enum mode { HASH, KEYED, DERIVE };

static void init_mode(struct blake3_hasher *h, enum mode m, const char *key,
		      const char *context)
{
	if (m == HASH)
		blake3_init(h);
	else if (m == KEYED)
		blake3_init_keyed(h, (const uint8_t *)key);
	else
		blake3_init_derive_key(h, context);
}

/* Checks one mode of one case; returns a reason or NULL. */
static const char *check(enum mode m, const unsigned char *in, size_t len,
			 const char *expect_hex, const char *key, const char *context)
{
	static unsigned char expect[1024], got[1024];
	size_t out_len = strlen(expect_hex) / 2;
	struct blake3_hasher h;

	if (out_len > sizeof(expect) || !unhex(expect_hex, expect, out_len))
		return "bad vector";
	init_mode(&h, m, key, context);
	blake3_update(&h, in, len);
	blake3_finalize(&h, got, out_len);
	if (memcmp(got, expect, out_len) != 0)
		return "one-shot output differs";
	/* Uneven pieces cross block and chunk boundaries differently. */
	init_mode(&h, m, key, context);
	for (size_t off = 0, step = 1; off < len; off += step, step = step * 3 + 1)
		blake3_update(&h, in + off, step < len - off ? step : len - off);
	memset(got, 0, out_len);
	blake3_finalize(&h, got, out_len);
	if (memcmp(got, expect, out_len) != 0)
		return "incremental output differs";
	for (size_t seek = 1; seek < out_len; seek += 37) {
		blake3_finalize_seek(&h, seek, got, out_len - seek);
		if (memcmp(got, expect + seek, out_len - seek) != 0)
			return "seeked output differs";
	}
	if (m == HASH && out_len >= 32) {
		blake3_hash(in, len, got);
		if (memcmp(got, expect, 32) != 0)
			return "blake3_hash differs";
	}
	if (m == KEYED && out_len >= 32) {
		blake3_keyed_hash((const uint8_t *)key, in, len, got);
		if (memcmp(got, expect, 32) != 0)
			return "blake3_keyed_hash differs";
	}
	if (m == DERIVE && out_len >= 32) {
		blake3_derive_key(context, in, len, got);
		if (memcmp(got, expect, 32) != 0)
			return "blake3_derive_key differs";
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "hash", "keyed_hash", "derive_key" };
	static char key[64], context[128], hex[2048];
	char *json = argc > 1 ? slurp(argv[1]) : NULL;

	if (!json || !json_string(json, "key", key, sizeof(key)) ||
	    !json_string(json, "context_string", context, sizeof(context)) ||
	    strlen(key) != BLAKE3_KEY_LEN) {
		result(false, "blake3_vectors_load", "cannot read the vectors file");
		printf("%d passed, %d failed\n", passes, failures);
		return 1;
	}
	unsigned char *input = malloc(102400);

	for (size_t i = 0; i < 102400; i++)
		input[i] = (unsigned char)(i % 251);
	for (int m = HASH; m <= DERIVE; m++) {
		const char *p = json;
		int cases = 0;
		char why[256] = "";

		while ((p = strstr(p, "\"input_len\"")) != NULL) {
			size_t len = strtoul(strchr(p, ':') + 1, NULL, 10);
			const char *r;

			p = json_string(p, modes[m], hex, sizeof(hex));
			if (!p || len > 102400) {
				snprintf(why, sizeof(why), "malformed case %d", cases);
				break;
			}
			r = check((enum mode)m, input, len, hex, key, context);
			if (r && !why[0])
				snprintf(why, sizeof(why), "input_len %zu: %s", len, r);
			cases++;
		}
		if (!why[0] && cases != 35)
			snprintf(why, sizeof(why), "found %d cases, expected 35", cases);
		char name[64];

		snprintf(name, sizeof(name), "blake3_vectors_%s_35_cases", modes[m]);
		result(!why[0], name, why);
	}
	free(input);
	free(json);
	printf("%d passed, %d failed\n", passes, failures);
	return failures != 0;
}
