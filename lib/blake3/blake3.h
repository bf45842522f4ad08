/* BLAKE3, portable C (no SIMD, one thread): hash, keyed_hash, derive_key
 * and extendable output.  Follows the reference implementation of the
 * BLAKE3 paper; checked against the official vectors and b3sum in
 * tests/crash.  One implementation for the kernel (which computes the
 * hardware-ID pseudonyms of panic records itself; freestanding, no
 * allocation) and the host collector. */
#ifndef KOZO_LIB_BLAKE3_H
#define KOZO_LIB_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE3_KEY_LEN 32
#define BLAKE3_OUT_LEN 32
#define BLAKE3_BLOCK_LEN 64
#define BLAKE3_CHUNK_LEN 1024
#define BLAKE3_MAX_DEPTH 54 /* 2^64 bytes of input */

struct blake3_chunk {
	uint32_t cv[8];
	uint64_t counter;
	uint8_t block[BLAKE3_BLOCK_LEN];
	uint8_t block_len;
	uint8_t blocks_compressed;
	uint32_t flags;
};

struct blake3_hasher {
	uint32_t key[8];
	struct blake3_chunk chunk;
	uint32_t cv_stack[BLAKE3_MAX_DEPTH][8];
	uint8_t cv_stack_len;
	uint32_t flags;
};

void blake3_init(struct blake3_hasher *h);
void blake3_init_keyed(struct blake3_hasher *h, const uint8_t key[BLAKE3_KEY_LEN]);
/* context: a hard-coded, globally unique, application-specific string. */
void blake3_init_derive_key(struct blake3_hasher *h, const char *context);
void blake3_update(struct blake3_hasher *h, const void *in, size_t len);
/* Any output length (extendable output); the hasher is not modified, so
 * more input may follow. */
void blake3_finalize(const struct blake3_hasher *h, uint8_t *out, size_t out_len);
/* Output from byte offset seek of the extendable output. */
void blake3_finalize_seek(const struct blake3_hasher *h, uint64_t seek,
			  uint8_t *out, size_t out_len);

/* One-shot helpers, 32-byte output. */
void blake3_hash(const void *in, size_t len, uint8_t out[BLAKE3_OUT_LEN]);
void blake3_keyed_hash(const uint8_t key[BLAKE3_KEY_LEN], const void *in,
		       size_t len, uint8_t out[BLAKE3_OUT_LEN]);
void blake3_derive_key(const char *context, const void *material, size_t len,
		       uint8_t out[BLAKE3_OUT_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void blake3_hex(const uint8_t *in, size_t n, char *out);

#endif
