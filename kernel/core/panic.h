/* panic(): a broken kernel invariant.  Never for user mistakes.
 *
 * A panic carries a constant format string and typed arguments, so the
 * crash collector can tell an address or a user name from the message
 * around it (and hash only the message: docs/CRASH-TELEMETRY.md):
 *
 *   panic("retype: watermark past end");
 *   panic("Capability violation at %p by user '%s'",
 *         PANIC_ADDR(addr), PANIC_USER(name));
 *
 * Each conversion (%s %p %x %d %u %i, with flags, width and length
 * modifiers ignored) takes the next argument; the argument's kind decides
 * how it is shown and anonymized.  At most KOZO_PANIC_MAX_ARGS arguments.
 * The port's panic_typed() masks interrupts, saves the registers, switches
 * to a reserved stack, writes "KOZO PANIC: <message>" on serial 0 and the
 * record of <kozo/panic_record.h> on serial 1 only, and halts. */
#ifndef KOZO_CORE_PANIC_H
#define KOZO_CORE_PANIC_H

#include "types.h"
#include "panic_record.h"

#define PANIC_ADDR(x) ((struct panic_arg){ KOZO_PANIC_ARG_ADDRESS, (uint64_t)(x), NULL })
#define PANIC_INT(x) ((struct panic_arg){ KOZO_PANIC_ARG_INTEGER, (uint64_t)(x), NULL })
#define PANIC_USER(s) ((struct panic_arg){ KOZO_PANIC_ARG_USER, 0, (s) })
#define PANIC_TEXT(s) ((struct panic_arg){ KOZO_PANIC_ARG_TEXT, 0, (s) })
#define PANIC_HWID(s) ((struct panic_arg){ KOZO_PANIC_ARG_HWID, 0, (s) })

/* Implemented by the port in assembly (kernel/arch/<arch>/panic.S). */
_Noreturn void panic_typed(const char *fmt, const struct panic_arg *args, size_t nargs);

/* panic(fmt) or panic(fmt, PANIC_xxx(...), ...): up to eight arguments.
 * A bare integer where a PANIC_xxx belongs fails -Wmissing-braces. */
#define PANIC_PICK_(_0, _1, _2, _3, _4, _5, _6, _7, _8, name, ...) name
#define PANIC_0_(fmt) panic_typed((fmt), NULL, 0)
#define PANIC_N_(fmt, ...)                                                     \
	panic_typed((fmt), (const struct panic_arg[]){ __VA_ARGS__ },          \
		    sizeof((const struct panic_arg[]){ __VA_ARGS__ }) /        \
			    sizeof(struct panic_arg))
#define panic(...)                                                             \
	PANIC_PICK_(__VA_ARGS__, PANIC_N_, PANIC_N_, PANIC_N_, PANIC_N_,      \
		    PANIC_N_, PANIC_N_, PANIC_N_, PANIC_N_, PANIC_0_, _)(__VA_ARGS__)

/* A failed assertion is a panic like any other.  The expression becomes
 * part of the format string (so of the Crash-ID); it should hold no '%'.
 * Compiled in debug builds only (CONFIG=debug defines KOZO_DEBUG); a
 * release build type-checks the expression and never evaluates it. */
#ifdef KOZO_DEBUG
#define kassert(c) ((c) ? (void)0 : panic("assertion failed: " #c))
#else
#define kassert(c) ((void)sizeof(!(c)))
#endif

/* ---- portable helpers of the ports' panic paths (kernel/core/panic.c) ---- */

/* Render the message the way a console shows it (real values, unlike the
 * collector): fmt with each conversion replaced by its argument.  Always
 * NUL-terminates buf; returns the length written. */
size_t panic_render(char *buf, size_t size, const char *fmt, const struct panic_arg *args,
		    size_t nargs);

/* Release builds (KOZO_RELEASE): records and serial 0 carry user and
 * address arguments as "<user>" and "<addr>", no registers, no log tail. */
#ifdef KOZO_RELEASE
#define PANIC_REDACT true
#else
#define PANIC_REDACT false
#endif

/* A kernel fault's registers on serial 0, four to a line: names[i] (three
 * characters) beside regs[i]. */
void panic_print_regs(const char *const names[], const uint64_t *regs, size_t n);

/* One entry of the kernel's function table, generated at link time
 * (scripts/ksyms.sh): sorted by offset from the image base. */
struct ksym {
	uint32_t offset;
	const char *name;
};

/* The kernel's own table, generated at link time (scripts/ksyms.sh). */
extern const struct ksym ksyms[];
extern const size_t ksym_count;

/* The name of the function containing image offset off, or NULL when off
 * is before the first or at/after end (the end of the text). */
const char *ksym_lookup(const struct ksym *table, size_t count, uint64_t end, uint64_t off);

/* True for the core's entry points (kernel.h: kernel_syscall, ...): a
 * port's frame walk ends after one of them.  The frames above say only how
 * the CPU entered the kernel (SYSCALL, a trap, an interrupt), which varies
 * with the machine, not with the bug, and would split one Crash-ID. */
bool panic_frame_is_entry(const char *name);

/* Where a port's frame-pointer walk may look: the function table, the
 * image (return addresses lie in (image_base, text_end)) and the kernel's
 * stacks (every frame record lies in [stack_lo, stack_hi - 16]). */
struct panic_walk {
	const struct ksym *syms;
	size_t nsyms;
	uint64_t image_base, text_end;
	uint64_t stack_lo, stack_hi;
};

/* The frames of a panic: pc first (named as is when exact, one byte back
 * when it is a return address), then the frame-pointer chain from fp.
 * Both ports' frame records are two words, [caller's frame pointer, return
 * address] (x86_64 RBP, aarch64 X29).  The walk ends at a core entry point
 * (panic_frame_is_entry), at max frames, or at the first record that is
 * misaligned, outside the stacks, not growing, or whose return address is
 * outside the text: a corrupt chain ends the walk, it never faults or
 * loops.  Return addresses are named one byte back, since a call to a
 * _Noreturn function can be its caller's last instruction.  Returns the
 * number of frames written (at least 1 when max > 0). */
size_t panic_walk_frames(const struct panic_walk *w, uint64_t pc, bool exact, uint64_t fp,
			 struct panic_frame *out, size_t max);

/* Hardware identifiers a record carries at most (as pseudonyms). */
#define PANIC_HWIDS 4

/* ---- the device's identity in records (kernel/core/panic_identity.c) ---- */

#define PANIC_SECRET_SIZE 32
#define PANIC_CTX_HWID "KOZO 2026 hwid pseudonym v2"
#define PANIC_CTX_DEVICE "KOZO 2026 device pseudonym v2"
#define PANIC_CTX_NONCE "KOZO 2026 boot nonce v2"

struct panic_identity {
	uint8_t nonce[KOZO_PANIC_NONCE_SIZE];
	uint8_t device[KOZO_PANIC_DEVICE_SIZE]; /* zero unless provisioned */
	char hwid[PANIC_HWIDS][KOZO_PANIC_HWID_PSEUDONYM_LEN + 1]; /* hex or "" */
	uint32_t entropy;                       /* KOZO_PANIC_ENTROPY_* */
	bool provisioned;                       /* a device secret was given */
};

/* The boot's identity, which panic_report() puts in every record. */
extern struct panic_identity panic_identity;

/* Pure: the nonce is BLAKE3 derive_key(PANIC_CTX_NONCE) of the entropy;
 * with a secret (PANIC_SECRET_SIZE bytes, else NULL), each non-empty raw
 * ID becomes the hex of keyed BLAKE3 under derive_key(PANIC_CTX_HWID,
 * secret) of the ID (ASCII case-folded), and the device keyed BLAKE3
 * under derive_key(PANIC_CTX_DEVICE, secret) of all four IDs, each as
 * u64le length and case-folded bytes.  Without one: no IDs, zero device.
 * The host tools call it too (tests/crash/mkpanic.c). */
void panic_identity_compute(struct panic_identity *id, const char *const raw[PANIC_HWIDS],
			    const uint8_t *secret, const uint8_t *entropy, size_t entropy_len,
			    uint32_t sources);

/* Zeroes n bytes in a way the compiler keeps. */
void panic_wipe(void *p, size_t n);

/* The port's hwid_init() calls this once at boot with what it read: the
 * raw IDs (each a buffer of raw_size bytes, "" when absent), the secret
 * (or NULL) and the entropy; it fills panic_identity, then wipes the raw
 * IDs and the secret, and logs only what was found, never a value. */
void panic_identity_init(char *raw[PANIC_HWIDS], size_t raw_size, uint8_t *secret,
			 const uint8_t *entropy, size_t entropy_len, uint32_t sources);

/* QEMU's fw_cfg through the port's access functions: select an item,
 * read its next byte. */
struct fw_cfg_ops {
	void (*select)(uint16_t item);
	uint8_t (*read8)(void);
};

/* The boot nonce's entropy into pool (at most cap bytes; returns how many):
 * up to four words of cpu_random (RDRAND, RNDR; NULL when the CPU has
 * none), the fw_cfg file opt/kozo/seed (a fresh seed per boot from the
 * host), and counter readings around device reads (jitter, the last
 * resort).  *sources gets the KOZO_PANIC_ENTROPY_* bits that fed it. */
size_t panic_entropy_gather(const struct fw_cfg_ops *fw, bool (*cpu_random)(uint64_t *v),
			    uint64_t (*counter)(void), uint8_t *pool, size_t cap,
			    uint32_t *sources);

/* Reads up to max bytes of fw_cfg file name into buf; *size is the file's
 * whole size (0: no such file or no fw_cfg).  Returns the bytes read. */
size_t fw_cfg_file_read(const struct fw_cfg_ops *ops, const char *name, uint8_t *buf,
			size_t max, size_t *size);

struct trap_frame;
/* The report of a panic (or, with f, a kernel fault), for the port's
 * panic.S on the panic stack: "KOZO PANIC: <message>" on serial 0, the
 * record of <kozo/panic_record.h> on serial 1, a last line, and halt.  The
 * port supplies what only it knows through the arch_panic_* contract
 * (arch.h).  Nothing here allocates or takes a lock. */
_Noreturn void panic_report(const char *fmt, const struct panic_arg *args, size_t nargs,
			    const struct trap_frame *f);

#endif
