/* A minimal b3sum for the tests and the benchmark: prints the BLAKE3 hash
 * of each FILE (or stdin) as lower-case hex, like `b3sum --no-names`.
 * Usage: b3cli [--length N] [FILE...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blake3.h"

static int hash_stream(FILE *f, size_t out_len)
{
	static unsigned char buf[1 << 16];
	struct blake3_hasher h;
	size_t n;

	blake3_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		blake3_update(&h, buf, n);
	if (ferror(f))
		return -1;
	unsigned char *out = malloc(out_len);
	char *hex = malloc(2 * out_len + 1);

	if (!out || !hex)
		return -1;
	blake3_finalize(&h, out, out_len);
	blake3_hex(out, out_len, hex);
	puts(hex);
	free(out);
	free(hex);
	return 0;
}

int main(int argc, char **argv)
{
	size_t out_len = BLAKE3_OUT_LEN;
	int i = 1, rc = 0;

	if (i + 1 < argc && strcmp(argv[i], "--length") == 0) {
		out_len = strtoul(argv[i + 1], NULL, 10);
		i += 2;
	}
	if (out_len == 0 || out_len > (1u << 20))
		return 2;
	if (i == argc)
		return hash_stream(stdin, out_len) ? 1 : 0;
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");

		if (!f || hash_stream(f, out_len) != 0) {
			fprintf(stderr, "b3cli: cannot read %s\n", argv[i]);
			rc = 1;
		}
		if (f)
			fclose(f);
	}
	return rc;
}
