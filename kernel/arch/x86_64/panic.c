/* The x86_64 panic report: what panic.S calls on the panic stack, with
 * the caller's registers in panic_regs[] (or an exception's trap frame).
 *
 *   1. "KOZO PANIC: <message>" on serial 0 (and the registers, for a fault);
 *   2. the registers in record order, the frame-pointer chain as image
 *      offsets named from the embedded function table (ksyms), the console
 *      log tail and the hardware IDs read at boot;
 *   3. panic_record_build() (kernel/core) and exactly 4096 bytes on serial 1;
 *   4. halt.
 *
 * Nothing here allocates or takes a lock; a fault in it re-enters panic.S,
 * which stops after one line (panic_nested). */
#include "kernel.h"
#include "kprintf.h"
#include "asm_offsets.h"
#include "cpu.h"
#include "x86.h"

_Static_assert(PR_RAX == 8 * KOZO_X86_PANIC_RAX && PR_RSP == 8 * KOZO_X86_PANIC_RSP &&
		       PR_R15 == 8 * KOZO_X86_PANIC_R15 && PR_RIP == 8 * KOZO_X86_PANIC_RIP &&
		       PR_GS == 8 * KOZO_X86_PANIC_GS && PR_CR4 == 8 * KOZO_X86_PANIC_CR4 &&
		       PR_ERROR == 8 * KOZO_X86_PANIC_ERROR,
	       "asm_offsets.h PR_* follow enum kozo_x86_64_panic_reg");
_Static_assert(KOZO_X86_PANIC_REG_COUNT == 30 &&
		       KOZO_X86_PANIC_REG_COUNT <= KOZO_PANIC_MAX_REGS,
	       "panic_regs[] in panic.S holds 30 registers");

extern uint64_t panic_regs[KOZO_X86_PANIC_REG_COUNT];
extern uint64_t panic_tsc_start;
extern char _image_base[], _text_end[], _data_start[], _kernel_end[];

#define MSG_MAX 256
#define NO_VECTOR (~0ull)

static uint8_t record[KOZO_PANIC_RECORD_SIZE];

/* The image base: the virtual address of the image's first byte
 * (kernel.ld); scripts/ksyms.sh measures from the same symbol. */
static uint64_t image_base(void)
{
	return (uint64_t)_image_base;
}

/* A fault's registers replace the call-site ones; the rest (data
 * segments, control registers) are the same at the fault and here. */
static void regs_from_frame(uint64_t *r, const struct trap_frame *f)
{
	r[KOZO_X86_PANIC_RAX] = f->rax;
	r[KOZO_X86_PANIC_RBX] = f->rbx;
	r[KOZO_X86_PANIC_RCX] = f->rcx;
	r[KOZO_X86_PANIC_RDX] = f->rdx;
	r[KOZO_X86_PANIC_RSI] = f->rsi;
	r[KOZO_X86_PANIC_RDI] = f->rdi;
	r[KOZO_X86_PANIC_RBP] = f->rbp;
	r[KOZO_X86_PANIC_RSP] = f->rsp;
	r[KOZO_X86_PANIC_R8] = f->r8;
	r[KOZO_X86_PANIC_R9] = f->r9;
	r[KOZO_X86_PANIC_R10] = f->r10;
	r[KOZO_X86_PANIC_R11] = f->r11;
	r[KOZO_X86_PANIC_R12] = f->r12;
	r[KOZO_X86_PANIC_R13] = f->r13;
	r[KOZO_X86_PANIC_R14] = f->r14;
	r[KOZO_X86_PANIC_R15] = f->r15;
	r[KOZO_X86_PANIC_RIP] = f->rip;
	r[KOZO_X86_PANIC_RFLAGS] = f->rflags;
	r[KOZO_X86_PANIC_CS] = f->cs;
	r[KOZO_X86_PANIC_SS] = f->ss;
	r[KOZO_X86_PANIC_VECTOR] = f->vector;
	r[KOZO_X86_PANIC_ERROR] = f->error;
}

static void print_regs(const uint64_t *r)
{
	static const char *const names[KOZO_X86_PANIC_REG_COUNT] = {
		"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ",
		"R10", "R11", "R12", "R13", "R14", "R15", "RIP", "RFL", "CS ", "SS ",
		"DS ", "ES ", "FS ", "GS ", "CR0", "CR2", "CR3", "CR4", "VEC", "ERR",
	};

	for (unsigned i = 0; i < KOZO_X86_PANIC_REG_COUNT; i++) {
		bool eol = i % 4 == 3 || i + 1 == KOZO_X86_PANIC_REG_COUNT;

		kprintf("  %s %016lx%s", names[i], (unsigned long)r[i], eol ? "\n" : "");
	}
}

/* The frame-pointer chain from the panic (or fault) site: every kernel
 * stack is in the image's .data/.bss; panic_walk_frames (kernel/core)
 * checks each record against that and the text. */
static size_t walk_frames(const uint64_t *r, bool fault, struct panic_frame *out, size_t max)
{
	const struct panic_walk w = {
		.syms = ksyms, .nsyms = ksym_count,
		.image_base = image_base(), .text_end = (uint64_t)_text_end,
		.stack_lo = (uint64_t)_data_start, .stack_hi = (uint64_t)_kernel_end,
	};

	return panic_walk_frames(&w, r[KOZO_X86_PANIC_RIP], fault, r[KOZO_X86_PANIC_RBP], out, max);
}

_Noreturn void panic_report(const char *fmt, const struct panic_arg *args, size_t nargs,
			    const struct trap_frame *f)
{
	char msg[MSG_MAX];
	struct panic_arg all[KOZO_PANIC_MAX_ARGS];
	struct panic_frame frames[KOZO_PANIC_MAX_FRAMES];
	struct panic_report rep = { 0 };
	size_t n = 0;

	if (f)
		regs_from_frame(panic_regs, f);
	panic_render(msg, sizeof(msg), fmt, args, nargs);
	kprintf("KOZO PANIC: %s\n", msg);
	if (f)
		print_regs(panic_regs);

	/* The message's arguments first (the format's conversions take them
	 * in order), then the hardware IDs, which the collector pseudonymizes. */
	for (; args && n < nargs && n < KOZO_PANIC_MAX_ARGS - HWID_MAX; n++)
		all[n] = args[n];
	n += hwid_args(all + n, KOZO_PANIC_MAX_ARGS - n);

	rep.build_id = KOZO_BUILD_ID;
	rep.arch = KOZO_PANIC_ARCH_X86_64;
	rep.cpu = 0; /* one CPU */
	rep.fmt = fmt;
	rep.args = all;
	rep.nargs = n;
	rep.reg_arch = KOZO_PANIC_ARCH_X86_64;
	rep.regs = panic_regs;
	rep.nregs = KOZO_X86_PANIC_REG_COUNT;
	rep.frames = frames;
	rep.nframes = walk_frames(panic_regs, f != NULL, frames, KOZO_PANIC_MAX_FRAMES);
	console_log_get(&rep.log[0], &rep.log_len[0], &rep.log[1], &rep.log_len[1]);

	size_t len = panic_record_build(record, &rep);
	serial_panic_init();
	serial_panic_write(record, len);
	kprintf("KOZO PANIC: %lu-byte record on serial 1 (%lu TSC ticks from panic entry); halted\n",
		(unsigned long)len, (unsigned long)(rdtsc() - panic_tsc_start));
	cpu_halt_forever();
}

_Noreturn void panic_nested(void)
{
	serial_console_raw("\nKOZO PANIC: panic inside the panic path; halted\n");
	cpu_halt_forever();
}

/* Read a page just below the kernel image: never mapped (paging.c maps
 * the image from KERNEL_VMA + 1 MiB and the direct map far below). */
_Noreturn void arch_debug_fault(void)
{
	volatile const uint64_t *p = (volatile const uint64_t *)(KERNEL_VMA - KOZO_PAGE_SIZE);

	(void)*p;
	panic("debug: the deliberate fault did not fault");
}
