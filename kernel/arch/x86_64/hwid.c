/* Hardware identifiers for panic records, read once at boot: the SMBIOS
 * system UUID (QEMU's -uuid) and the CPU's CPUID vendor, brand string and
 * family/model/stepping.  panic_identity_init (kernel/core/panic_identity.c)
 * turns them into keyed pseudonyms with the device secret from fw_cfg and
 * wipes them: no raw ID reaches a serial line.  Also here: the boot nonce's
 * entropy (RDRAND when CPUID.1:ECX[30] says so, the fw_cfg seed file
 * kozo-run provisions per boot, TSC jitter) and the TSC at boot, for the
 * record's uptime.
 *
 * SMBIOS (DMTF DSP0134 3.x, 5.2): an entry point on a 16-byte boundary in
 * 0xF0000-0xFFFFF, "_SM_" (32-bit: table address at +0x18, length at
 * +0x16) or "_SM3_" (64-bit: address at +0x10, maximum size at +0x0C); the
 * table is a run of structures (type, length, handle, formatted bytes,
 * then strings ending in a double NUL); type 1, System Information, holds
 * the UUID at offset 8, its first three fields little-endian (7.2.1). */
#include "kernel.h"
#include "kprintf.h"
#include "lib.h"
#include "cpu.h"
#include "x86.h"

#define BIOS_AREA 0xf0000ull
#define BIOS_AREA_END 0x100000ull
#define EARLY_MAP_END (1ull << 30)  /* what boot.S maps at KERNEL_VMA */
#define SMBIOS_TYPE_SYSTEM 1
#define SMBIOS_TYPE_END 127

#define ID_SIZE 49
static char uuid[ID_SIZE];
static char vendor[ID_SIZE];
static char brand[ID_SIZE];
static char fms[ID_SIZE];
static uint64_t boot_tsc, tsc_hz;

/* QEMU fw_cfg through I/O ports: selector 0x510 (16-bit), data 0x511.
 * ioport.c keeps them from user space, whatever its IOPort capability. */
static void fw_cfg_select(uint16_t item)
{
	outw(FW_CFG_PORT_SEL, item);
}

static uint8_t fw_cfg_read8(void)
{
	return inb(FW_CFG_PORT_DATA);
}

static const struct fw_cfg_ops fw_cfg = { fw_cfg_select, fw_cfg_read8 };

static const uint8_t *early(uint64_t p)
{
	return (const uint8_t *)(KERNEL_VMA + p);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool checksum_ok(const uint8_t *p, unsigned len)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* The structure table's address and length, from the entry point. */
static bool smbios_find(uint64_t *table, uint64_t *len)
{
	for (uint64_t a = BIOS_AREA; a + 32 <= BIOS_AREA_END; a += 16) {
		const uint8_t *p = early(a);

		if (memcmp(p, "_SM3_", 5) == 0 && p[6] <= 32 && checksum_ok(p, p[6])) {
			*table = le(p + 0x10, 8);
			*len = le(p + 0x0c, 4);
			return true;
		}
		if (memcmp(p, "_SM_", 4) == 0 && p[5] <= 32 && checksum_ok(p, p[5]) &&
		    memcmp(p + 0x10, "_DMI_", 5) == 0) {
			*table = le(p + 0x18, 4);
			*len = le(p + 0x16, 2);
			return true;
		}
	}
	return false;
}

static void format_uuid(const uint8_t *u)
{
	/* Byte order of the text form: 3 2 1 0 - 5 4 - 7 6 - 8 9 - 10..15. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const char hex[] = "0123456789abcdef";
	unsigned pos = 0;

	for (unsigned i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			uuid[pos++] = '-';
		uuid[pos++] = hex[u[order[i]] >> 4];
		uuid[pos++] = hex[u[order[i]] & 15];
	}
	uuid[pos] = '\0';
}

/* All zeros: not set; all ones: not present (DSP0134 7.2.1). */
static bool uuid_meaningful(const uint8_t *u)
{
	bool zero = true, ones = true;

	for (unsigned i = 0; i < 16; i++) {
		zero = zero && u[i] == 0;
		ones = ones && u[i] == 0xff;
	}
	return !zero && !ones;
}

static void smbios_read_uuid(void)
{
	uint64_t table, len;

	if (!smbios_find(&table, &len) || table + len > EARLY_MAP_END || table + len < table)
		return;
	const uint8_t *p = early(table), *end = p + len;
	while (p + 4 <= end && p[1] >= 4 && p + p[1] <= end) {
		if (p[0] == SMBIOS_TYPE_SYSTEM && p[1] >= 8 + 16) {
			if (uuid_meaningful(p + 8))
				format_uuid(p + 8);
			return;
		}
		if (p[0] == SMBIOS_TYPE_END)
			return;
		const uint8_t *s = p + p[1]; /* the strings, ended by two NULs */
		while (s + 1 < end && (s[0] || s[1]))
			s++;
		p = s + 2;
	}
}

static void put_words(char *dst, const uint32_t *w, unsigned n)
{
	for (unsigned i = 0; i < 4 * n; i++)
		dst[i] = (char)(w[i / 4] >> (8 * (i % 4)));
	dst[4 * n] = '\0';
}

static void cpuid_read(void)
{
	uint32_t r[4], w[12];

	cpuid(0, 0, r);
	w[0] = r[1], w[1] = r[3], w[2] = r[2]; /* EBX EDX ECX */
	put_words(vendor, w, 3);
	cpuid(1, 0, r);
	unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	ksnprintf(fms, sizeof(fms), "%x-%x-%x", family, model, r[0] & 0xf);
	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000004)
		return;
	for (unsigned i = 0; i < 3; i++) {
		cpuid(0x80000002 + i, 0, r);
		for (unsigned j = 0; j < 4; j++)
			w[4 * i + j] = r[j];
	}
	put_words(brand, w, 12);
	/* Trim the padding: leading and trailing spaces. */
	unsigned start = 0, n = 0;
	while (brand[start] == ' ')
		start++;
	while (brand[start + n])
		n++;
	while (n && brand[start + n - 1] == ' ')
		n--;
	memmove(brand, brand + start, n);
	brand[n] = '\0';
}

static bool rdrand64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static uint64_t tsc(void)
{
	return rdtsc();
}

void hwid_init(void)
{
	uint8_t secret[PANIC_SECRET_SIZE], pool[192];
	size_t secret_size = 0, pool_len;
	uint32_t r[4];

	boot_tsc = rdtsc();
	cpuid(0, 0, r);
	if (r[0] >= 0x15) { /* TSC frequency = crystal * EBX / EAX, if given */
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2])
			tsc_hz = (uint64_t)r[2] * r[1] / r[0];
	}
	smbios_read_uuid();
	cpuid_read();
	kprintf("hwid: smbios uuid %s, cpuid read\n", uuid[0] ? "found" : "none");
	fw_cfg_file_read(&fw_cfg, "opt/kozo/secret", secret, sizeof(secret), &secret_size);
	uint32_t sources;

	cpuid(1, 0, r);
	pool_len = panic_entropy_gather(&fw_cfg, r[2] & (1u << 30) ? rdrand64 : NULL, tsc, pool,
					sizeof(pool), &sources);
	char *ids[PANIC_HWIDS] = { uuid, vendor, brand, fms };

	panic_identity_init(ids, ID_SIZE, secret_size == PANIC_SECRET_SIZE ? secret : NULL,
			    pool, pool_len, sources);
	panic_wipe(secret, sizeof(secret)); /* also when it was not used */
}

uint64_t arch_panic_uptime(uint64_t *hz)
{
	*hz = tsc_hz;
	return rdtsc() - boot_tsc;
}
