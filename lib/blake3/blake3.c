/* BLAKE3, portable C.  Structure of the reference implementation: a chunk
 * state compresses 64-byte blocks of the current 1 KiB chunk; finished chunk
 * chaining values go on a stack that merges whole subtrees as soon as the
 * chunk count says they are complete; the root node is compressed last with
 * the ROOT flag, once per 64 bytes of output. */
#include "blake3.h"

/* Shared by the kernel (freestanding: kernel/lib/string.c has these) and
 * the host collector (libc). */
#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);
#endif

enum {
	CHUNK_START = 1 << 0,
	CHUNK_END = 1 << 1,
	PARENT = 1 << 2,
	ROOT = 1 << 3,
	KEYED_HASH = 1 << 4,
	DERIVE_KEY_CONTEXT = 1 << 5,
	DERIVE_KEY_MATERIAL = 1 << 6,
};

static const uint32_t iv[8] = {
	0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
	0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
};

/* Message word order for each of the seven rounds. */
static const uint8_t schedule[7][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8 },
	{ 3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1 },
	{ 10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6 },
	{ 12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4 },
	{ 9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7 },
	{ 11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13 },
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define G(a, b, c, d, x, y)                                  \
	do {                                                 \
		s[a] = s[a] + s[b] + (x);                    \
		s[d] = rotr(s[d] ^ s[a], 16);                \
		s[c] = s[c] + s[d];                          \
		s[b] = rotr(s[b] ^ s[c], 12);                \
		s[a] = s[a] + s[b] + (y);                    \
		s[d] = rotr(s[d] ^ s[a], 8);                 \
		s[c] = s[c] + s[d];                          \
		s[b] = rotr(s[b] ^ s[c], 7);                 \
	} while (0)

/* The compression function; out[16] is the full state (the XOF needs all
 * of it, a chaining value only the first eight words). */
static void compress(const uint32_t cv[8], const uint8_t block[BLAKE3_BLOCK_LEN],
		     uint8_t block_len, uint64_t counter, uint32_t flags,
		     uint32_t out[16])
{
	uint32_t m[16], s[16];

	for (int i = 0; i < 16; i++)
		m[i] = load32(block + 4 * i);
	for (int i = 0; i < 8; i++)
		s[i] = cv[i];
	s[8] = iv[0];
	s[9] = iv[1];
	s[10] = iv[2];
	s[11] = iv[3];
	s[12] = (uint32_t)counter;
	s[13] = (uint32_t)(counter >> 32);
	s[14] = block_len;
	s[15] = flags;
	for (int r = 0; r < 7; r++) {
		const uint8_t *o = schedule[r];

		G(0, 4, 8, 12, m[o[0]], m[o[1]]);
		G(1, 5, 9, 13, m[o[2]], m[o[3]]);
		G(2, 6, 10, 14, m[o[4]], m[o[5]]);
		G(3, 7, 11, 15, m[o[6]], m[o[7]]);
		G(0, 5, 10, 15, m[o[8]], m[o[9]]);
		G(1, 6, 11, 12, m[o[10]], m[o[11]]);
		G(2, 7, 8, 13, m[o[12]], m[o[13]]);
		G(3, 4, 9, 14, m[o[14]], m[o[15]]);
	}
	for (int i = 0; i < 8; i++) {
		out[i] = s[i] ^ s[i + 8];
		out[i + 8] = s[i + 8] ^ cv[i];
	}
}

/* What is needed to produce a node's chaining value or root output. */
struct output {
	uint32_t cv[8];
	uint8_t block[BLAKE3_BLOCK_LEN];
	uint8_t block_len;
	uint64_t counter;
	uint32_t flags;
};

static void output_cv(const struct output *o, uint32_t cv[8])
{
	uint32_t full[16];

	compress(o->cv, o->block, o->block_len, o->counter, o->flags, full);
	memcpy(cv, full, 8 * sizeof(uint32_t));
}

static void chunk_init(struct blake3_chunk *c, const uint32_t key[8],
		       uint64_t counter, uint32_t flags)
{
	memcpy(c->cv, key, sizeof(c->cv));
	c->counter = counter;
	memset(c->block, 0, sizeof(c->block));
	c->block_len = 0;
	c->blocks_compressed = 0;
	c->flags = flags;
}

static size_t chunk_len(const struct blake3_chunk *c)
{
	return (size_t)BLAKE3_BLOCK_LEN * c->blocks_compressed + c->block_len;
}

static uint32_t chunk_start_flag(const struct blake3_chunk *c)
{
	return c->blocks_compressed == 0 ? CHUNK_START : 0;
}

static void chunk_update(struct blake3_chunk *c, const uint8_t *in, size_t len)
{
	while (len > 0) {
		/* A full block is compressed only once more input follows,
		 * because the last block of a chunk needs CHUNK_END. */
		if (c->block_len == BLAKE3_BLOCK_LEN) {
			uint32_t full[16];

			compress(c->cv, c->block, BLAKE3_BLOCK_LEN, c->counter,
				 c->flags | chunk_start_flag(c), full);
			memcpy(c->cv, full, sizeof(c->cv));
			c->blocks_compressed++;
			c->block_len = 0;
			memset(c->block, 0, sizeof(c->block));
		}
		size_t take = BLAKE3_BLOCK_LEN - c->block_len;

		if (take > len)
			take = len;
		memcpy(c->block + c->block_len, in, take);
		c->block_len = (uint8_t)(c->block_len + take);
		in += take;
		len -= take;
	}
}

static void chunk_output(const struct blake3_chunk *c, struct output *o)
{
	memcpy(o->cv, c->cv, sizeof(o->cv));
	memcpy(o->block, c->block, sizeof(o->block));
	o->block_len = c->block_len;
	o->counter = c->counter;
	o->flags = c->flags | chunk_start_flag(c) | CHUNK_END;
}

static void parent_output(const uint32_t left[8], const uint32_t right[8],
			  const uint32_t key[8], uint32_t flags, struct output *o)
{
	memcpy(o->cv, key, sizeof(o->cv));
	for (int i = 0; i < 8; i++) {
		store32(o->block + 4 * i, left[i]);
		store32(o->block + 32 + 4 * i, right[i]);
	}
	o->block_len = BLAKE3_BLOCK_LEN;
	o->counter = 0;
	o->flags = PARENT | flags;
}

static void hasher_init(struct blake3_hasher *h, const uint32_t key[8], uint32_t flags)
{
	memcpy(h->key, key, sizeof(h->key));
	chunk_init(&h->chunk, key, 0, flags);
	h->cv_stack_len = 0;
	h->flags = flags;
}

void blake3_init(struct blake3_hasher *h)
{
	hasher_init(h, iv, 0);
}

static void key_words(const uint8_t key[BLAKE3_KEY_LEN], uint32_t words[8])
{
	for (int i = 0; i < 8; i++)
		words[i] = load32(key + 4 * i);
}

void blake3_init_keyed(struct blake3_hasher *h, const uint8_t key[BLAKE3_KEY_LEN])
{
	uint32_t words[8];

	key_words(key, words);
	hasher_init(h, words, KEYED_HASH);
}

void blake3_init_derive_key(struct blake3_hasher *h, const char *context)
{
	struct blake3_hasher ctx;
	uint8_t context_key[BLAKE3_KEY_LEN];
	uint32_t words[8];

	hasher_init(&ctx, iv, DERIVE_KEY_CONTEXT);
	blake3_update(&ctx, context, strlen(context));
	blake3_finalize(&ctx, context_key, sizeof(context_key));
	key_words(context_key, words);
	hasher_init(h, words, DERIVE_KEY_MATERIAL);
}

/* Pushes a finished chunk's CV, first merging every subtree that the new
 * total chunk count completes (one per trailing zero bit). */
static void add_chunk_cv(struct blake3_hasher *h, uint32_t cv[8], uint64_t total_chunks)
{
	while ((total_chunks & 1) == 0) {
		struct output o;

		h->cv_stack_len--;
		parent_output(h->cv_stack[h->cv_stack_len], cv, h->key, h->flags, &o);
		output_cv(&o, cv);
		total_chunks >>= 1;
	}
	memcpy(h->cv_stack[h->cv_stack_len], cv, 8 * sizeof(uint32_t));
	h->cv_stack_len++;
}

void blake3_update(struct blake3_hasher *h, const void *input, size_t len)
{
	const uint8_t *in = input;

	while (len > 0) {
		if (chunk_len(&h->chunk) == BLAKE3_CHUNK_LEN) {
			struct output o;
			uint32_t cv[8];
			uint64_t total = h->chunk.counter + 1;

			chunk_output(&h->chunk, &o);
			output_cv(&o, cv);
			add_chunk_cv(h, cv, total);
			chunk_init(&h->chunk, h->key, total, h->flags);
		}
		size_t take = BLAKE3_CHUNK_LEN - chunk_len(&h->chunk);

		if (take > len)
			take = len;
		chunk_update(&h->chunk, in, take);
		in += take;
		len -= take;
	}
}

void blake3_finalize_seek(const struct blake3_hasher *h, uint64_t seek,
			  uint8_t *out, size_t out_len)
{
	struct output o;
	size_t parents = h->cv_stack_len;

	/* The root is the current chunk merged with the whole stack, right
	 * to left. */
	chunk_output(&h->chunk, &o);
	while (parents > 0) {
		uint32_t cv[8];

		parents--;
		output_cv(&o, cv);
		parent_output(h->cv_stack[parents], cv, h->key, h->flags, &o);
	}
	uint64_t counter = seek / (2 * BLAKE3_OUT_LEN);
	size_t skip = (size_t)(seek % (2 * BLAKE3_OUT_LEN));

	while (out_len > 0) {
		uint32_t words[16];
		uint8_t block[2 * BLAKE3_OUT_LEN];

		compress(o.cv, o.block, o.block_len, counter, o.flags | ROOT, words);
		for (int i = 0; i < 16; i++)
			store32(block + 4 * i, words[i]);
		size_t take = sizeof(block) - skip;

		if (take > out_len)
			take = out_len;
		memcpy(out, block + skip, take);
		out += take;
		out_len -= take;
		skip = 0;
		counter++;
	}
}

void blake3_finalize(const struct blake3_hasher *h, uint8_t *out, size_t out_len)
{
	blake3_finalize_seek(h, 0, out, out_len);
}

void blake3_hash(const void *in, size_t len, uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	blake3_init(&h);
	blake3_update(&h, in, len);
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void blake3_keyed_hash(const uint8_t key[BLAKE3_KEY_LEN], const void *in,
		       size_t len, uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	blake3_init_keyed(&h, key);
	blake3_update(&h, in, len);
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void blake3_derive_key(const char *context, const void *material, size_t len,
		       uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	blake3_init_derive_key(&h, context);
	blake3_update(&h, material, len);
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void blake3_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}
