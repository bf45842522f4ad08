/* Keyed pseudonyms and the per-device secret; see pseudonym.h. */
#include "pseudonym.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void crash_keys_derive(const uint8_t secret[BLAKE3_KEY_LEN], struct crash_keys *k)
{
	blake3_derive_key(PSEUDONYM_CTX_HWID, secret, BLAKE3_KEY_LEN, k->hwid);
	blake3_derive_key(PSEUDONYM_CTX_DEVICE, secret, BLAKE3_KEY_LEN, k->device);
	blake3_derive_key(PSEUDONYM_CTX_OCCURRENCE, secret, BLAKE3_KEY_LEN, k->occurrence);
}

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = write(fd, buf + put, len - put);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

/* Creates the key file; O_EXCL so two collectors never both write one. */
static int create_key(const char *path, char *err, size_t errlen)
{
	uint8_t secret[BLAKE3_KEY_LEN];
	int rnd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (rnd < 0 || read_full(rnd, secret, sizeof(secret)) != 0) {
		snprintf(err, errlen, "cannot read /dev/urandom");
		if (rnd >= 0)
			close(rnd);
		return -1;
	}
	close(rnd);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		memset(secret, 0, sizeof(secret));
		if (errno == EEXIST)
			return 0; /* someone else made it first: use theirs */
		snprintf(err, errlen, "cannot create key file %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = write_full(fd, secret, sizeof(secret));

	memset(secret, 0, sizeof(secret));
	if (fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0 || rc != 0) {
		unlink(path);
		snprintf(err, errlen, "cannot write key file %s", path);
		return -1;
	}
	return 0;
}

int crash_keys_load(const char *path, struct crash_keys *k, char *err, size_t errlen)
{
	struct stat st;
	uint8_t secret[BLAKE3_KEY_LEN + 1];

	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "cannot stat key file %s: %s", path, strerror(errno));
			return -1;
		}
		if (create_key(path, err, errlen) != 0)
			return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		close(fd);
		snprintf(err, errlen, "key file %s must be a regular file of mode 0600", path);
		return -1;
	}
	ssize_t n = read(fd, secret, sizeof(secret));

	close(fd);
	if (n != BLAKE3_KEY_LEN) {
		memset(secret, 0, sizeof(secret));
		snprintf(err, errlen, "key file %s must hold exactly %d bytes", path,
			 BLAKE3_KEY_LEN);
		return -1;
	}
	crash_keys_derive(secret, k);
	memset(secret, 0, sizeof(secret));
	return 0;
}

static void update_len(struct blake3_hasher *h, uint64_t n)
{
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(n >> (8 * i));
	blake3_update(h, le, sizeof(le));
}

/* Feeds id case-folded, without a copy bounded by any fixed buffer. */
static void update_folded(struct blake3_hasher *h, const uint8_t *id, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = id[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		blake3_update(h, &c, 1);
	}
}

void crash_hwid_pseudonym(const struct crash_keys *k, const uint8_t *id, size_t len,
			  uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	blake3_init_keyed(&h, k->hwid);
	update_folded(&h, id, len);
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void crash_device_pseudonym(const struct crash_keys *k, const struct crash_record *r,
			    uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	if (r->version != KOZO_PANIC_VERSION_1) { /* the kernel made it */
		memcpy(out, r->device, BLAKE3_OUT_LEN);
		return;
	}
	blake3_init_keyed(&h, k->device);
	for (size_t i = 0; i < r->nargs; i++) {
		if (r->args[i].kind != KOZO_PANIC_ARG_HWID)
			continue;
		update_len(&h, r->args[i].str.len);
		update_folded(&h, r->args[i].str.ptr, r->args[i].str.len);
	}
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}

void crash_occurrence_key(const struct crash_keys *k, const struct crash_record *r,
			  const uint8_t device[BLAKE3_OUT_LEN], uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3_hasher h;

	if (r->version != KOZO_PANIC_VERSION_1) {
		/* One boot (nonce), one moment (uptime), one device: one panic.
		 * No key: the nonce is random and never stored. */
		blake3_init_derive_key(&h, PSEUDONYM_CTX_OCCURRENCE_V2);
		blake3_update(&h, device, BLAKE3_OUT_LEN);
		blake3_update(&h, r->nonce, KOZO_PANIC_NONCE_SIZE);
		update_len(&h, r->uptime);
		blake3_finalize(&h, out, BLAKE3_OUT_LEN);
		return;
	}
	blake3_init_keyed(&h, k->occurrence);
	blake3_update(&h, device, BLAKE3_OUT_LEN);
	blake3_update(&h, r->raw, KOZO_PANIC_RECORD_SIZE);
	blake3_finalize(&h, out, BLAKE3_OUT_LEN);
}
