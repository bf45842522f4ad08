/* Panic-log parser: finds and verifies the panic records of
 * <kozo/panic_record.h> in an untrusted byte buffer.  Pure functions: no I/O,
 * no allocation, no globals; every read is bounds-checked, so a fuzzer can
 * call crashlog_parse() on anything. */
#ifndef KOZO_TOOLS_CRASHLOG_H
#define KOZO_TOOLS_CRASHLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kozo/panic_record.h>

/* A byte string inside the parsed buffer (not NUL-terminated). */
struct crash_str {
	const uint8_t *ptr;
	size_t len;
};

struct crash_arg {
	uint8_t kind; /* enum kozo_panic_arg_kind */
	uint64_t value;      /* ADDRESS, INTEGER */
	struct crash_str str; /* USER, TEXT, HWID */
};

struct crash_frame {
	uint64_t offset;
	struct crash_str name; /* may be empty: not symbolized */
};

/* A verified record; pointers point into the parsed buffer. */
struct crash_record {
	size_t offset;        /* of the record in the buffer */
	const uint8_t *raw;   /* its KOZO_PANIC_RECORD_SIZE bytes */
	uint32_t length;
	bool truncated;
	uint16_t version;     /* 1 or 2 */
	/* Version 2 only (zero in version 1 records). */
	const uint8_t *nonce; /* KOZO_PANIC_NONCE_SIZE bytes */
	uint64_t uptime, hz;
	const uint8_t *device; /* KOZO_PANIC_DEVICE_SIZE bytes */
	uint32_t entropy;
	bool debug;    /* KOZO_PANIC_F_DEBUG: a debug build, values inside */
	bool redacted; /* KOZO_PANIC_F_REDACTED: a release build */
	struct crash_str build_id;
	uint32_t arch;
	uint32_t cpu;
	struct crash_str fmt;
	struct crash_arg args[KOZO_PANIC_MAX_ARGS];
	size_t nargs;
	uint8_t reg_arch;
	uint64_t regs[KOZO_PANIC_MAX_REGS];
	size_t nregs;
	struct crash_frame frames[KOZO_PANIC_MAX_FRAMES];
	size_t nframes;
	struct crash_str log;
};

#define CRASHLOG_REASON_LEN 96

/* Called for each valid record, in file order. */
typedef void (*crashlog_record_fn)(const struct crash_record *r, void *ctx);
/* Called for each bad record: where its magic starts, and why. */
typedef void (*crashlog_error_fn)(size_t offset, const char *reason, void *ctx);

struct crashlog_stats {
	size_t records;       /* valid */
	size_t bad;           /* magic found, record rejected */
	size_t garbage_bytes; /* bytes not inside a valid record */
};

/* Scans buf for record magics; decodes each; reports valid ones through
 * on_record and bad ones through on_error (either may be NULL), then resumes
 * after a valid record or one byte after a bad magic.  Fills *st if not
 * NULL.  Returns the number of valid records. */
size_t crashlog_parse(const uint8_t *buf, size_t len, crashlog_record_fn on_record,
		      crashlog_error_fn on_error, void *ctx, struct crashlog_stats *st);

/* The streaming form: buf[0..len) is the window of a longer input that
 * starts at input offset base.  Records and bad magics are looked for at
 * positions before scan_end only: len at the end of the input, else at
 * most len - (KOZO_PANIC_RECORD_SIZE - 1), so that every record looked
 * at is whole.  Offsets passed to the callbacks are input offsets; records
 * and bad are added to *st (garbage_bytes is the caller's).  Returns the
 * window position the next window must start from (>= scan_end). */
size_t crashlog_scan(const uint8_t *buf, size_t len, size_t scan_end, size_t base,
		     crashlog_record_fn on_record, crashlog_error_fn on_error, void *ctx,
		     struct crashlog_stats *st);

/* Verifies and decodes the record at rec, of which avail bytes exist.
 * Returns true, or false with a reason in reason[CRASHLOG_REASON_LEN]. */
bool crashlog_decode(const uint8_t *rec, size_t avail, struct crash_record *out,
		     char reason[CRASHLOG_REASON_LEN]);

/* FNV-1a-64 of a record with its checksum field read as zero. */
uint64_t crashlog_checksum(const uint8_t rec[KOZO_PANIC_RECORD_SIZE]);

#endif
