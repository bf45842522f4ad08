/* The panic record: exactly KOZO_PANIC_RECORD_SIZE bytes that the kernel's
 * panic path writes to serial 1 and tools/crash parses.  The kernel encoder
 * (kernel/core/panic_record.c) and the collector (tools/crash/crashlog.c)
 * both follow this file; docs/CRASH-TELEMETRY.md explains the why.
 *
 * All integers are little-endian and are read and written byte by byte at
 * the offsets below, never through a C struct, so the layout does not depend
 * on a compiler's padding or endianness.
 *
 * (Version 2 puts 72 more header bytes after offset 32: see below.)
 *
 *   0               8        10       12       16                24       28       32
 *   +---------------+--------+--------+--------+-----------------+--------+--------+
 *   | magic[8]      | version| hdr_len| length | checksum (u64)  | flags  | 0      |
 *   +---------------+--------+--------+--------+-----------------+--------+--------+
 *   | section | section | ... (TLV: u16 tag, u16 payload length, payload)  |
 *   +-----------------------------------------------------------+----------+
 *   | zero padding up to 4096 bytes                                        |
 *   +----------------------------------------------------------------------+
 *
 * length   header plus sections, in bytes (<= 4096); the rest is zero.
 * checksum FNV-1a-64 over all 4096 bytes with the checksum field read as 0.
 * flags    KOZO_PANIC_F_TRUNCATED: a section did not fit and it and every
 *          later section were dropped (the log tail may be cut instead).
 *
 * Sections come in priority order (tags never decrease), so truncation
 * always loses the least useful part: Build-ID, arch, CPU, format string,
 * arguments, registers, frames, log tail.  ARG and FRAME repeat; the others
 * appear at most once.  A reader skips tags it does not know.
 */
#ifndef KOZO_PANIC_RECORD_H
#define KOZO_PANIC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define KOZO_PANIC_RECORD_SIZE 4096u
/* Version 2 (what the kernel writes) extends the header by the occurrence
 * and device fields below; version 1 (32-byte header, raw hardware IDs in
 * HWID arguments) is still read by the collector. */
#define KOZO_PANIC_VERSION 2u
#define KOZO_PANIC_VERSION_1 1u

/* "\x7fKOZOPNC": 0x7f keeps it out of text logs. */
#define KOZO_PANIC_MAGIC_LEN 8u
#define KOZO_PANIC_MAGIC_INIT { 0x7f, 'K', 'O', 'Z', 'O', 'P', 'N', 'C' }

/* Fixed header: byte offsets. */
#define KOZO_PANIC_OFF_MAGIC 0u
#define KOZO_PANIC_OFF_VERSION 8u  /* u16 */
#define KOZO_PANIC_OFF_HDR_LEN 10u /* u16, KOZO_PANIC_HDR_SIZE */
#define KOZO_PANIC_OFF_LENGTH 12u  /* u32 */
#define KOZO_PANIC_OFF_CHECKSUM 16u /* u64 */
#define KOZO_PANIC_OFF_FLAGS 24u   /* u32 */
#define KOZO_PANIC_OFF_RESERVED 28u /* u32, zero */
#define KOZO_PANIC_HDR_SIZE_V1 32u

/* Version 2 header fields, after the version 1 ones:
 *
 *   32  nonce[16]     random per boot: two boots' records always differ
 *   48  uptime (u64)  counter ticks from boot to the panic
 *   56  hz (u64)      the counter's frequency, 0 when unknown
 *   64  device[32]    keyed BLAKE3 device pseudonym (the device's secret
 *                     never leaves it); all zero: no secret provisioned
 *   96  entropy (u32) KOZO_PANIC_ENTROPY_* bits: what fed the nonce
 *  100  reserved (u32) zero
 *
 * In version 2, HWID arguments carry the kernel's keyed pseudonym of a
 * hardware ID as 64 lower-case hex digits, never the ID itself. */
#define KOZO_PANIC_OFF_NONCE 32u
#define KOZO_PANIC_NONCE_SIZE 16u
#define KOZO_PANIC_OFF_UPTIME 48u   /* u64 */
#define KOZO_PANIC_OFF_HZ 56u       /* u64 */
#define KOZO_PANIC_OFF_DEVICE 64u
#define KOZO_PANIC_DEVICE_SIZE 32u
#define KOZO_PANIC_OFF_ENTROPY 96u  /* u32 */
#define KOZO_PANIC_OFF_RESERVED2 100u /* u32, zero */
#define KOZO_PANIC_HDR_SIZE 104u
#define KOZO_PANIC_HWID_PSEUDONYM_LEN 64u /* hex digits */

/* Nonce sources (the entropy field). */
#define KOZO_PANIC_ENTROPY_CPU 0x1u     /* RDRAND / RNDR */
#define KOZO_PANIC_ENTROPY_SEED 0x2u    /* a seed the platform provisioned (fw_cfg) */
#define KOZO_PANIC_ENTROPY_JITTER 0x4u  /* counter jitter at boot (always mixed in) */

#define KOZO_PANIC_F_TRUNCATED 0x1u
/* Version 2: a debug build wrote the record; user and address arguments
 * carry their values, and registers and the log tail are present.  A fleet
 * server refuses such records unless told otherwise. */
#define KOZO_PANIC_F_DEBUG 0x2u
/* Version 2: a release build wrote the record; user and address arguments
 * carry no value (the argument is its kind byte alone). */
#define KOZO_PANIC_F_REDACTED 0x4u

/* FNV-1a-64: cheap enough for the panic path, no tables. */
#define KOZO_PANIC_FNV_OFFSET 0xcbf29ce484222325ull
#define KOZO_PANIC_FNV_PRIME 0x100000001b3ull

/* Section header: u16 tag, u16 payload length. */
#define KOZO_PANIC_SEC_HDR_SIZE 4u

enum kozo_panic_tag {
	KOZO_PANIC_TAG_BUILD_ID = 1, /* ASCII, e.g. "0.0.1-dev-a1b2" */
	KOZO_PANIC_TAG_ARCH = 2,     /* u32 enum kozo_panic_arch */
	KOZO_PANIC_TAG_CPU = 3,      /* u32 CPU number */
	KOZO_PANIC_TAG_FORMAT = 4,   /* the format string, no NUL */
	KOZO_PANIC_TAG_ARG = 5,      /* u8 kind, then u64 or string bytes */
	KOZO_PANIC_TAG_REGS = 6,     /* u8 arch, u8 count, u16 0, count x u64 */
	KOZO_PANIC_TAG_FRAME = 7,    /* u64 offset from image base, name bytes */
	KOZO_PANIC_TAG_LOG = 8,      /* the newest bytes of the kernel log */
};

enum kozo_panic_arch {
	KOZO_PANIC_ARCH_X86_64 = 1,
	KOZO_PANIC_ARCH_AARCH64 = 2,
	KOZO_PANIC_ARCH_HOST = 3,
};

/* Argument kinds: how the collector anonymizes the value. */
enum kozo_panic_arg_kind {
	KOZO_PANIC_ARG_ADDRESS = 1, /* u64; rendered "<addr>" */
	KOZO_PANIC_ARG_INTEGER = 2, /* u64; rendered as a number */
	KOZO_PANIC_ARG_USER = 3,    /* string; rendered "<user>" */
	KOZO_PANIC_ARG_TEXT = 4,    /* string; scrubbed by pattern */
	KOZO_PANIC_ARG_HWID = 5,    /* string; keyed pseudonym */
};

/* Caps the encoder applies and the parser enforces. */
#define KOZO_PANIC_MAX_BUILD_ID 64u
#define KOZO_PANIC_MAX_FORMAT 256u
#define KOZO_PANIC_MAX_STR 128u  /* string argument */
#define KOZO_PANIC_MAX_NAME 64u  /* frame function name */
#define KOZO_PANIC_MAX_ARGS 16u
#define KOZO_PANIC_MAX_REGS 48u  /* x86_64 sends 30, aarch64 42 */
#define KOZO_PANIC_MAX_FRAMES 64u

/* Payload sizes of the fixed-size sections. */
#define KOZO_PANIC_ARCH_PAYLOAD 4u
#define KOZO_PANIC_CPU_PAYLOAD 4u
#define KOZO_PANIC_ARG_NUM_PAYLOAD 9u    /* kind + u64 */
#define KOZO_PANIC_REGS_HDR 4u           /* arch, count, 0, 0 */
#define KOZO_PANIC_FRAME_HDR 8u          /* offset; name follows */

/* The header and the worst-case mandatory prefix fit, so Build-ID, arch,
 * CPU and format are never truncated. */
_Static_assert(KOZO_PANIC_OFF_RESERVED + 4 == KOZO_PANIC_HDR_SIZE_V1, "header size");
_Static_assert(KOZO_PANIC_OFF_RESERVED2 + 4 == KOZO_PANIC_HDR_SIZE, "v2 header size");
_Static_assert(KOZO_PANIC_HDR_SIZE + 4 * KOZO_PANIC_SEC_HDR_SIZE +
	       KOZO_PANIC_MAX_BUILD_ID + KOZO_PANIC_ARCH_PAYLOAD +
	       KOZO_PANIC_CPU_PAYLOAD + KOZO_PANIC_MAX_FORMAT <
	       KOZO_PANIC_RECORD_SIZE, "mandatory sections fit");
_Static_assert(KOZO_PANIC_REGS_HDR + 8 * KOZO_PANIC_MAX_REGS <= 0xffff,
	       "register section length fits u16");
_Static_assert(KOZO_PANIC_RECORD_SIZE - KOZO_PANIC_HDR_SIZE <= 0xffff,
	       "any section length fits u16");

#endif
