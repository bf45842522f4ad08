/* The portable half of the panic path: rendering a typed message for the
 * console, finding a function name in the kernel's symbol table, walking
 * the frames and putting the report together.  All of it runs on the
 * panic stack, so: no allocation, no globals, bounded loops. */
#include "panic.h"
#include "arch.h"
#include "kprintf.h"

/* Appends s[0..n) to buf at *pos, keeping room for the NUL. */
static void put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *pos + 1 < size; i++)
		buf[(*pos)++] = s[i];
}

static size_t str_len(const char *s, size_t cap)
{
	size_t n = 0;

	while (s && n < cap && s[n])
		n++;
	return n;
}

static bool is_flag_or_width(char c)
{
	return c == '-' || c == '+' || c == ' ' || c == '#' || c == '.' ||
	       (c >= '0' && c <= '9') || c == 'h' || c == 'l' || c == 'z' || c == 'j' ||
	       c == 't';
}

static bool is_conversion(char c)
{
	return c == 's' || c == 'p' || c == 'x' || c == 'X' || c == 'd' || c == 'i' ||
	       c == 'u';
}

/* One argument as the conversion conv asks; a string argument is shown
 * as is whatever the conversion, a number in the conversion's base. */
static void put_arg(char *buf, size_t size, size_t *pos, char conv, const struct panic_arg *a)
{
	char num[24];
	size_t n;

	if (PANIC_REDACT && (a->kind == KOZO_PANIC_ARG_ADDRESS || a->kind == KOZO_PANIC_ARG_USER)) {
		put(buf, size, pos, a->kind == KOZO_PANIC_ARG_USER ? "<user>" : "<addr>", 6);
		return;
	}
	if (a->kind != KOZO_PANIC_ARG_ADDRESS && a->kind != KOZO_PANIC_ARG_INTEGER) {
		put(buf, size, pos, a->str, str_len(a->str, KOZO_PANIC_MAX_STR));
		return;
	}
	if (conv == 'p')
		n = ksnprintf(num, sizeof(num), "0x%lx", (unsigned long)a->value);
	else if (conv == 'x' || conv == 'X')
		n = ksnprintf(num, sizeof(num), "%lx", (unsigned long)a->value);
	else if (conv == 'd' || conv == 'i')
		n = ksnprintf(num, sizeof(num), "%ld", (long)a->value);
	else
		n = ksnprintf(num, sizeof(num), "%lu", (unsigned long)a->value);
	put(buf, size, pos, num, n);
}

size_t panic_render(char *buf, size_t size, const char *fmt, const struct panic_arg *args,
		    size_t nargs)
{
	size_t pos = 0, next = 0;
	size_t len = str_len(fmt, KOZO_PANIC_MAX_FORMAT);

	if (!buf || size == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (fmt[i] != '%') {
			put(buf, size, &pos, &fmt[i], 1);
			continue;
		}
		size_t j = i + 1;
		while (j < len && is_flag_or_width(fmt[j]))
			j++;
		if (j < len && fmt[j] == '%' && j == i + 1) {
			put(buf, size, &pos, "%", 1);
			i = j;
		} else if (j < len && is_conversion(fmt[j])) {
			if (args && next < nargs)
				put_arg(buf, size, &pos, fmt[j], &args[next++]);
			else
				put(buf, size, &pos, "<?>", 3);
			i = j;
		} else {
			put(buf, size, &pos, "%", 1); /* not a conversion: literal */
		}
	}
	buf[pos] = '\0';
	return pos;
}

const char *ksym_lookup(const struct ksym *table, size_t count, uint64_t end, uint64_t off)
{
	size_t lo = 0, hi = count;

	if (!table || count == 0 || off < table[0].offset || off >= end)
		return NULL;
	while (hi - lo > 1) { /* table[lo].offset <= off < table[hi].offset */
		size_t mid = lo + (hi - lo) / 2;

		if (table[mid].offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	return table[lo].name;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

bool panic_frame_is_entry(const char *name)
{
	static const char *const entries[] = {
		"kernel_syscall", "kernel_user_fault", "kernel_irq", "kernel_timer_tick",
	};

	for (size_t i = 0; name && i < ARRAY_SIZE(entries); i++)
		if (str_eq(name, entries[i]))
			return true;
	return false;
}

static void add_frame(const struct panic_walk *w, struct panic_frame *f, uint64_t addr,
		      unsigned back)
{
	f->offset = addr - w->image_base;
	f->name = ksym_lookup(w->syms, w->nsyms, w->text_end - w->image_base, f->offset - back);
}

size_t panic_walk_frames(const struct panic_walk *w, uint64_t pc, bool exact, uint64_t fp,
			 struct panic_frame *out, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	add_frame(w, &out[n++], pc, exact ? 0 : 1);
	while (n < max && !panic_frame_is_entry(out[n - 1].name) && fp % 8 == 0 &&
	       fp >= w->stack_lo && w->stack_hi >= 16 && fp <= w->stack_hi - 16) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
		uint64_t next = frame[0], ra = frame[1];

		if (ra <= w->image_base || ra >= w->text_end)
			break;
		add_frame(w, &out[n++], ra, 1);
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

struct panic_identity panic_identity;

void panic_identity_init(char *raw[PANIC_HWIDS], size_t raw_size, uint8_t *secret,
			 const uint8_t *entropy, size_t entropy_len, uint32_t sources)
{
	const char *ids[PANIC_HWIDS];
	unsigned n = 0;

	for (size_t i = 0; i < PANIC_HWIDS; i++) {
		ids[i] = raw[i];
		n += raw[i][0] != '\0';
	}
	panic_identity_compute(&panic_identity, ids, secret, entropy, entropy_len, sources);
	for (size_t i = 0; i < PANIC_HWIDS; i++)
		panic_wipe(raw[i], raw_size);
	if (secret)
		panic_wipe(secret, PANIC_SECRET_SIZE);
	kprintf("panic: %s; %u hardware ID%s %s; boot nonce from%s%s%s\n",
		panic_identity.provisioned ? "device secret provisioned"
					   : "no device secret (fw_cfg opt/kozo/secret)",
		n, n == 1 ? "" : "s", panic_identity.provisioned ? "pseudonymized" : "withheld",
		sources & KOZO_PANIC_ENTROPY_CPU ? " cpu" : "",
		sources & KOZO_PANIC_ENTROPY_SEED ? " seed" : "",
		sources & KOZO_PANIC_ENTROPY_JITTER ? " jitter" : "");
}

#define PANIC_MSG_MAX 256

void panic_print_regs(const char *const names[], const uint64_t *regs, size_t n)
{
	if (PANIC_REDACT) { /* they hold addresses and user data */
		kprintf("  (%lu registers withheld: release build)\n", (unsigned long)n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		kprintf("  %s %016lx%s", names[i], (unsigned long)regs[i],
			i % 4 == 3 || i + 1 == n ? "\n" : "");
}

_Noreturn void panic_report(const char *fmt, const struct panic_arg *args, size_t nargs,
			    const struct trap_frame *f)
{
	char msg[PANIC_MSG_MAX];
	struct panic_arg all[KOZO_PANIC_MAX_ARGS];
	struct panic_frame frames[KOZO_PANIC_MAX_FRAMES];
	struct panic_report rep = { 0 };
	struct panic_walk walk;
	uint64_t pc, fp;
	uint8_t record[KOZO_PANIC_RECORD_SIZE];
	size_t n = 0;

	panic_render(msg, sizeof(msg), fmt, args, nargs);
	kprintf("KOZO PANIC: %s\n", msg);
	arch_panic_state(f, &rep, &walk, &pc, &fp);
	arch_console_log(&rep.log[0], &rep.log_len[0], &rep.log[1], &rep.log_len[1]);

	/* The message's arguments first (the format's conversions take them
	 * in order), then the hardware IDs' pseudonyms made at boot. */
	for (; args && n < nargs && n < KOZO_PANIC_MAX_ARGS - PANIC_HWIDS; n++)
		all[n] = args[n];
	for (size_t i = 0; i < PANIC_HWIDS && n < KOZO_PANIC_MAX_ARGS; i++)
		if (panic_identity.hwid[i][0])
			all[n++] = PANIC_HWID(panic_identity.hwid[i]);

	rep.nonce = panic_identity.nonce;
	rep.device = panic_identity.device;
	rep.entropy = panic_identity.entropy;
	rep.uptime = arch_panic_uptime(&rep.hz);
	rep.debug = !PANIC_REDACT;
	rep.redact = PANIC_REDACT;
	if (PANIC_REDACT) { /* registers and console hold values: not sent */
		rep.nregs = 0;
		rep.log_len[0] = rep.log_len[1] = 0;
	}

	rep.fmt = fmt;
	rep.args = all;
	rep.nargs = n;
	rep.frames = frames;
	rep.nframes = panic_walk_frames(&walk, pc, f != NULL, fp, frames, KOZO_PANIC_MAX_FRAMES);

	size_t len = panic_record_build(record, &rep);
	const char *counter = "";
	uint64_t ticks = arch_panic_write(record, len, &counter);
	kprintf("KOZO PANIC: %lu-byte record on serial 1 (%lu %s ticks from panic entry); halted\n",
		(unsigned long)len, (unsigned long)ticks, counter);
	arch_halt();
}
