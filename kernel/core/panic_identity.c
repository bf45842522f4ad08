/* The identity a panic record carries instead of the hardware's: per-boot
 * nonce, device pseudonym and hardware-ID pseudonyms, all computed once at
 * boot (panic_identity_init) so the panic path only copies them.
 *
 * The device's secret comes from the platform (QEMU fw_cfg file
 * opt/kozo/secret, 32 bytes; scripts/kozo-run keeps one per emulated
 * device).  Two keys are derived from it with BLAKE3 derive_key; the raw
 * identifiers, the secret and the keys are wiped once the pseudonyms are
 * made, so neither serial line nor kernel memory holds them afterwards.
 * Without a secret the hardware IDs are withheld altogether (a plain hash
 * of a serial number can be reversed by trying every serial number) and
 * the device field is zero.  docs/CRASH-TELEMETRY.md has the threat model.
 * Pure functions only (panic_identity_init is in panic.c), so the host
 * tools build this file as it is (tests/crash/mkpanic.c). */
#include "panic.h"
#include "blake3.h"

void panic_wipe(void *p, size_t n)
{
	volatile uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = 0;
}

static size_t id_len(const char *s)
{
	size_t n = 0;

	while (s && n < KOZO_PANIC_MAX_STR && s[n])
		n++;
	return n;
}

static void put_u64(struct blake3_hasher *h, uint64_t v)
{
	uint8_t b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	blake3_update(h, b, sizeof(b));
}

/* ASCII case-folded, so "52:54:00:AB:.." and "52:54:00:ab:.." agree. */
static void put_folded(struct blake3_hasher *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		blake3_update(h, &c, 1);
	}
}

void panic_identity_compute(struct panic_identity *id, const char *const raw[PANIC_HWIDS],
			    const uint8_t *secret, const uint8_t *entropy, size_t entropy_len,
			    uint32_t sources)
{
	struct blake3_hasher h;
	uint8_t key[BLAKE3_KEY_LEN], out[BLAKE3_OUT_LEN];

	for (size_t i = 0; i < sizeof(*id); i++)
		((uint8_t *)id)[i] = 0;
	blake3_init_derive_key(&h, PANIC_CTX_NONCE);
	blake3_update(&h, entropy, entropy_len);
	blake3_finalize(&h, id->nonce, sizeof(id->nonce));
	id->entropy = sources;
	if (!secret)
		return;
	id->provisioned = true;

	blake3_derive_key(PANIC_CTX_HWID, secret, PANIC_SECRET_SIZE, key);
	for (size_t i = 0; i < PANIC_HWIDS; i++) {
		size_t n = raw ? id_len(raw[i]) : 0;

		if (n == 0)
			continue;
		blake3_init_keyed(&h, key);
		put_folded(&h, raw[i], n);
		blake3_finalize(&h, out, sizeof(out));
		blake3_hex(out, sizeof(out), id->hwid[i]);
	}
	/* The device: every ID, length-prefixed, in order; with no ID at all
	 * the secret alone still tells devices apart. */
	blake3_derive_key(PANIC_CTX_DEVICE, secret, PANIC_SECRET_SIZE, key);
	blake3_init_keyed(&h, key);
	for (size_t i = 0; i < PANIC_HWIDS; i++) {
		size_t n = raw ? id_len(raw[i]) : 0;

		put_u64(&h, n);
		put_folded(&h, raw ? raw[i] : "", n);
	}
	blake3_finalize(&h, id->device, sizeof(id->device));
	panic_wipe(key, sizeof(key));
	panic_wipe(&h, sizeof(h));
}

/* fw_cfg (QEMU docs/specs/fw_cfg.rst): item 0 holds "QEMU"; item 0x19 is
 * the file directory, a big-endian count and then 64-byte entries (u32
 * size, u16 selector, u16 reserved, name[56]), all big-endian. */
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_NAME_LEN 56
#define FW_CFG_MAX_FILES 512

static uint32_t be_read(const struct fw_cfg_ops *ops, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | ops->read8();
	return v;
}

size_t fw_cfg_file_read(const struct fw_cfg_ops *ops, const char *name, uint8_t *buf,
			size_t max, size_t *size)
{
	char entry[FW_CFG_NAME_LEN];

	*size = 0;
	ops->select(FW_CFG_SIGNATURE);
	if (be_read(ops, 4) != 0x51454d55) /* "QEMU" */
		return 0;
	ops->select(FW_CFG_FILE_DIR);
	uint32_t count = be_read(ops, 4);

	for (uint32_t f = 0; f < count && f < FW_CFG_MAX_FILES; f++) {
		uint32_t len = be_read(ops, 4);
		uint16_t sel = (uint16_t)be_read(ops, 2);
		bool same = true;

		be_read(ops, 2);
		for (unsigned i = 0; i < FW_CFG_NAME_LEN; i++)
			entry[i] = (char)ops->read8();
		for (unsigned i = 0; same && i < FW_CFG_NAME_LEN; i++) {
			same = entry[i] == name[i];
			if (!name[i])
				break;
		}
		if (!same)
			continue;
		ops->select(sel);
		*size = len;
		size_t n = len < max ? len : max;

		for (size_t i = 0; i < n; i++)
			buf[i] = ops->read8();
		return n;
	}
	return 0;
}

/* At most this many CPU random words, and tries for them (RDRAND and RNDR
 * may fail transiently). */
#define CPU_RANDOM_WORDS 4
#define CPU_RANDOM_TRIES 40
#define SEED_MAX 32
#define JITTER_SAMPLES 16

static void put_word(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

size_t panic_entropy_gather(const struct fw_cfg_ops *fw, bool (*cpu_random)(uint64_t *v),
			    uint64_t (*counter)(void), uint8_t *pool, size_t cap,
			    uint32_t *sources)
{
	size_t n = 0, seed_size;
	unsigned got = 0;

	*sources = KOZO_PANIC_ENTROPY_JITTER;
	for (unsigned tries = 0; cpu_random && got < CPU_RANDOM_WORDS && tries < CPU_RANDOM_TRIES &&
				 n + 8 <= cap; tries++) {
		uint64_t v;

		if (cpu_random(&v)) {
			put_word(pool + n, v);
			n += 8;
			got++;
		}
	}
	if (got)
		*sources |= KOZO_PANIC_ENTROPY_CPU;
	if (cap - n >= SEED_MAX) {
		size_t seed = fw_cfg_file_read(fw, "opt/kozo/seed", pool + n, SEED_MAX, &seed_size);

		if (seed >= 16)
			*sources |= KOZO_PANIC_ENTROPY_SEED;
		n += seed;
	}
	/* The counter's low bits around device reads: the last resort. */
	for (unsigned i = 0; i < JITTER_SAMPLES && n + 8 <= cap; i++) {
		uint64_t t = counter();

		(void)fw->read8();
		put_word(pool + n, t);
		n += 8;
	}
	return n;
}
