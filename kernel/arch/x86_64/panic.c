/* The x86_64 part of the panic report (panic_report() in kernel/core
 * builds it): the caller's registers in panic_regs[], saved by panic.S (or
 * an exception's trap frame), in record order; where the RBP chain may be
 * walked (the image base is the virtual address of the image's first byte,
 * kernel.ld, which scripts/ksyms.sh measures from too); serial 1 (COM2).
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

#define NO_VECTOR (~0ull)

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

static const char *const reg_names[KOZO_X86_PANIC_REG_COUNT] = {
	"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ",
	"R10", "R11", "R12", "R13", "R14", "R15", "RIP", "RFL", "CS ", "SS ",
	"DS ", "ES ", "FS ", "GS ", "CR0", "CR2", "CR3", "CR4", "VEC", "ERR",
};

void arch_panic_state(const struct trap_frame *f, struct panic_report *rep,
		      struct panic_walk *walk, uint64_t *pc, uint64_t *fp)
{
	if (f) {
		regs_from_frame(panic_regs, f);
		panic_print_regs(reg_names, panic_regs, KOZO_X86_PANIC_REG_COUNT);
	}
	rep->build_id = KOZO_BUILD_ID;
	rep->arch = rep->reg_arch = KOZO_PANIC_ARCH_X86_64;
	rep->cpu = 0; /* one CPU */
	rep->regs = panic_regs;
	rep->nregs = KOZO_X86_PANIC_REG_COUNT;
	/* Every kernel stack is in the image's .data/.bss. */
	*walk = (struct panic_walk){
		.syms = ksyms, .nsyms = ksym_count,
		.image_base = (uint64_t)_image_base, .text_end = (uint64_t)_text_end,
		.stack_lo = (uint64_t)_data_start, .stack_hi = (uint64_t)_kernel_end,
	};
	*pc = panic_regs[KOZO_X86_PANIC_RIP];
	*fp = panic_regs[KOZO_X86_PANIC_RBP];
}

uint64_t arch_panic_write(const uint8_t *rec, size_t len, const char **counter)
{
	serial_panic_init();
	serial_panic_write(rec, len);
	*counter = "TSC";
	return rdtsc() - panic_tsc_start;
}

/* Read a page just below the kernel image: never mapped (paging.c maps
 * the image from KERNEL_VMA + 1 MiB and the direct map far below). */
_Noreturn void arch_debug_fault(void)
{
	volatile const uint64_t *p = (volatile const uint64_t *)(KERNEL_VMA - KOZO_PAGE_SIZE);

	(void)*p;
	panic("debug: the deliberate fault did not fault");
}
