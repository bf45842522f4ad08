/* Keyed pseudonyms.  A per-device secret (32 random bytes in a local file,
 * mode 0600, never printed) yields three subkeys by BLAKE3 derive_key, one
 * per purpose, so a value hashed for one purpose cannot be matched against
 * another.  Without the secret a pseudonym cannot be reversed by trying
 * every MAC or serial, which a plain hash would allow. */
#ifndef KOZO_TOOLS_PSEUDONYM_H
#define KOZO_TOOLS_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>
#include "blake3.h"
#include "crashlog.h"

#define PSEUDONYM_CTX_HWID "KOZO 2026 hwid pseudonym v1"
#define PSEUDONYM_CTX_DEVICE "KOZO 2026 device pseudonym v1"
#define PSEUDONYM_CTX_OCCURRENCE "KOZO 2026 crash occurrence v1"
/* Version 2 records: the kernel pseudonymized the hardware IDs with the
 * device's own secret, so the collector needs no key for them. */
#define PSEUDONYM_CTX_OCCURRENCE_V2 "KOZO 2026 crash occurrence v2"

struct crash_keys {
	uint8_t hwid[BLAKE3_KEY_LEN];
	uint8_t device[BLAKE3_KEY_LEN];
	uint8_t occurrence[BLAKE3_KEY_LEN];
};

/* Derives the subkeys from a secret. */
void crash_keys_derive(const uint8_t secret[BLAKE3_KEY_LEN], struct crash_keys *k);

/* Reads the secret from path, creating it from /dev/urandom (mode 0600,
 * never overwritten) if the file does not exist.  Refuses a key file that
 * others may read or that is not exactly 32 bytes.  Returns 0, or -1 with a
 * message in err. */
int crash_keys_load(const char *path, struct crash_keys *k, char *err, size_t errlen);

/* Pseudonym of one hardware identifier (ASCII case-folded first, so
 * "52:54:00:AB:..." and "52:54:00:ab:..." agree). */
void crash_hwid_pseudonym(const struct crash_keys *k, const uint8_t *id, size_t len,
			  uint8_t out[BLAKE3_OUT_LEN]);

/* Pseudonym of the device that produced r.  Version 2: the record's device
 * field, made by the kernel (k unused, may be NULL).  Version 1: keyed
 * over all its HWID arguments in record order; a record without any maps
 * to the same "this device" value. */
void crash_device_pseudonym(const struct crash_keys *k, const struct crash_record *r,
			    uint8_t out[BLAKE3_OUT_LEN]);

/* Identity of one occurrence, for counting it once however often the same
 * file is ingested.  Version 2: derive_key(PSEUDONYM_CTX_OCCURRENCE_V2)
 * over device, boot nonce and uptime (k unused).  Version 1: keyed over
 * the raw record and the device. */
void crash_occurrence_key(const struct crash_keys *k, const struct crash_record *r,
			  const uint8_t device[BLAKE3_OUT_LEN], uint8_t out[BLAKE3_OUT_LEN]);

#endif
