/* Look a file up in a cpio "newc" archive (scripts/mkarchive.py writes
 * them): every header is checked against the archive's end. */
#include "spawn.h"
#include "string.h"

#define NEWC_HDR 110

static bool hex8(const uint8_t *p, uint64_t *out)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			   : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

bool kozo_cpio_find(const void *archive, size_t size, const char *name, const void **data,
		    size_t *len)
{
	const uint8_t *a = archive;
	size_t off = 0;
	size_t want = strlen(name);
	while (size - off >= NEWC_HDR) {
		uint64_t filesize, namesize;
		if (memcmp(a + off, "070701", 6) != 0 || !hex8(a + off + 54, &filesize) ||
		    !hex8(a + off + 94, &namesize) || namesize == 0)
			return false;
		size_t name_at = off + NEWC_HDR;
		if (namesize > size - name_at || a[name_at + namesize - 1] != '\0')
			return false;
		size_t data_at = (name_at + namesize + 3) & ~(size_t)3;
		if (data_at > size || filesize > size - data_at)
			return false;
		const char *n = (const char *)a + name_at;
		if (namesize - 1 == 10 && memcmp(n, "TRAILER!!!", 10) == 0)
			return false;
		if (namesize - 1 == want && memcmp(n, name, want) == 0) {
			*data = a + data_at;
			*len = (size_t)filesize;
			return true;
		}
		off = (data_at + (size_t)filesize + 3) & ~(size_t)3;
	}
	return false;
}
