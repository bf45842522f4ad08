/* The panic-record encoder: turns what panic() knows into the 4096-byte
 * record of <kozo/panic_record.h>.  Freestanding: no libc, no globals, no
 * allocation, so the panic path can call it on its reserved stack, and the
 * host tests compile the very same file. */
#ifndef KOZO_CORE_PANIC_RECORD_H
#define KOZO_CORE_PANIC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kozo/panic_record.h>

/* One typed argument.  ADDRESS and INTEGER use value; USER, TEXT and HWID
 * use str (NUL-terminated; at most KOZO_PANIC_MAX_STR bytes are read). */
struct panic_arg {
	uint32_t kind; /* enum kozo_panic_arg_kind */
	uint64_t value;
	const char *str;
};

/* One stack frame: the return address minus the kernel image base, and the
 * function name if the kernel's symbol table knows it (else NULL). */
struct panic_frame {
	uint64_t offset;
	const char *name; /* NUL-terminated; at most KOZO_PANIC_MAX_NAME read */
};

/* Everything the record carries.  Strings are NUL-terminated and read up
 * to their cap; NULL means empty.  Arrays are read up to their count only.
 * The log may wrap in a ring buffer, so it comes in two pieces, oldest
 * first; only the newest bytes that fit are kept. */
struct panic_report {
	uint32_t version;     /* 0: the current (2); 1: the old layout (tests) */
	/* Version 2 header (see <kozo/panic_record.h>); NULL arrays: zero. */
	const uint8_t *nonce;  /* KOZO_PANIC_NONCE_SIZE bytes, per boot */
	uint64_t uptime, hz;   /* counter ticks since boot, its frequency */
	const uint8_t *device; /* KOZO_PANIC_DEVICE_SIZE bytes, pseudonym */
	uint32_t entropy;      /* KOZO_PANIC_ENTROPY_* */
	bool debug;            /* a debug build: KOZO_PANIC_F_DEBUG */
	bool redact;           /* no values of user and address arguments */
	const char *build_id; /* "<version>-<short git hash>" */
	uint32_t arch;        /* enum kozo_panic_arch */
	uint32_t cpu;
	const char *fmt; /* %s %p %x %lx %d %u ...: docs/CRASH-TELEMETRY.md */
	const struct panic_arg *args;
	size_t nargs;
	uint32_t reg_arch; /* enum kozo_panic_arch the registers belong to */
	const uint64_t *regs;
	size_t nregs;
	const struct panic_frame *frames;
	size_t nframes;
	const char *log[2];
	size_t log_len[2];
};

/* Builds the record in out[] and returns KOZO_PANIC_RECORD_SIZE, the number
 * of bytes to write to serial 1 (always all of them; unused bytes are zero).
 * Sections that do not fit are dropped in priority order and the record's
 * truncation flag is set.  Returns 0 only if out is NULL.  r may be NULL
 * (a record with empty fields).  Never reads past the caps and counts. */
size_t panic_record_build(uint8_t out[KOZO_PANIC_RECORD_SIZE],
			  const struct panic_report *r);

/* FNV-1a-64 over a record with its checksum field read as zero. */
uint64_t panic_record_checksum(const uint8_t rec[KOZO_PANIC_RECORD_SIZE]);

#endif
