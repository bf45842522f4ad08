/* The aarch64 part of the panic report (panic_report() in kernel/core
 * builds it): the caller's registers in panic_regs[], saved by panic.S (or
 * an EL1 exception's frame), in record order; where the X29 chain may be
 * walked; serial 1, the secure PL011.
 *
 * Nothing here allocates or takes a lock; a fault in it re-enters panic.S,
 * which stops after one line (panic_nested). */
#include "kernel.h"
#include "kprintf.h"
#include "asm_offsets.h"
#include "aarch64.h"
#include "cpu.h"

_Static_assert(PR_X(29) == 8 * KOZO_A64_PANIC_X29 && PR_SP == 8 * KOZO_A64_PANIC_SP &&
		       PR_PC == 8 * KOZO_A64_PANIC_PC && PR_PSTATE == 8 * KOZO_A64_PANIC_PSTATE &&
		       PR_ESR == 8 * KOZO_A64_PANIC_ESR && PR_FAR == 8 * KOZO_A64_PANIC_FAR &&
		       PR_ELR == 8 * KOZO_A64_PANIC_ELR && PR_SPSR == 8 * KOZO_A64_PANIC_SPSR &&
		       PR_SCTLR == 8 * KOZO_A64_PANIC_SCTLR &&
		       PR_TTBR0 == 8 * KOZO_A64_PANIC_TTBR0 &&
		       PR_TTBR1 == 8 * KOZO_A64_PANIC_TTBR1 &&
		       PR_CURRENTEL == 8 * KOZO_A64_PANIC_CURRENTEL &&
		       PA_DAIF == 8 * KOZO_A64_PANIC_REG_COUNT,
	       "asm_offsets.h PR_* follow enum kozo_aarch64_panic_reg");
_Static_assert(KOZO_A64_PANIC_REG_COUNT == 42 &&
		       KOZO_A64_PANIC_REG_COUNT <= KOZO_PANIC_MAX_REGS,
	       "panic_regs[] in panic.S holds 42 registers");

extern uint64_t panic_regs[KOZO_A64_PANIC_REG_COUNT];
extern uint64_t panic_cycles_start;
extern char _image_base[], _text_end[], _rodata_end[], _kernel_end[];

/* A fault's registers replace the call-site ones; the system registers
 * read in panic.S are those of the fault still (nothing ran between). */
static void regs_from_frame(uint64_t *r, const struct trap_frame *f)
{
	for (unsigned i = 0; i <= KOZO_A64_PANIC_X30; i++)
		r[KOZO_A64_PANIC_X0 + i] = f->x[i];
	r[KOZO_A64_PANIC_SP] = f->sp;
	r[KOZO_A64_PANIC_PC] = f->elr;
	r[KOZO_A64_PANIC_PSTATE] = f->spsr;
	r[KOZO_A64_PANIC_ESR] = f->esr;
	r[KOZO_A64_PANIC_FAR] = f->far;
	r[KOZO_A64_PANIC_ELR] = f->elr;
	r[KOZO_A64_PANIC_SPSR] = f->spsr;
}

static const char *const reg_names[KOZO_A64_PANIC_REG_COUNT] = {
	"X0 ", "X1 ", "X2 ", "X3 ", "X4 ", "X5 ", "X6 ", "X7 ", "X8 ", "X9 ", "X10",
	"X11", "X12", "X13", "X14", "X15", "X16", "X17", "X18", "X19", "X20", "X21",
	"X22", "X23", "X24", "X25", "X26", "X27", "X28", "X29", "X30", "SP ", "PC ",
	"PST", "ESR", "FAR", "ELR", "SPS", "SCT", "TT0", "TT1", "EL ",
};

void arch_panic_state(const struct trap_frame *f, struct panic_report *rep,
		      struct panic_walk *walk, uint64_t *pc, uint64_t *fp)
{
	if (f) {
		regs_from_frame(panic_regs, f);
		panic_print_regs(reg_names, panic_regs, KOZO_A64_PANIC_REG_COUNT);
	}
	rep->build_id = KOZO_BUILD_ID;
	rep->arch = rep->reg_arch = KOZO_PANIC_ARCH_AARCH64;
	rep->cpu = 0; /* one CPU */
	rep->regs = panic_regs;
	rep->nregs = KOZO_A64_PANIC_REG_COUNT;
	/* Every kernel stack (the kernel stack, the panic stacks) is in the
	 * image's .data/.bss. */
	*walk = (struct panic_walk){
		.syms = ksyms, .nsyms = ksym_count,
		.image_base = (uint64_t)_image_base, .text_end = (uint64_t)_text_end,
		.stack_lo = (uint64_t)_rodata_end, .stack_hi = (uint64_t)_kernel_end,
	};
	*pc = panic_regs[KOZO_A64_PANIC_PC];
	*fp = panic_regs[KOZO_A64_PANIC_X29];
}

uint64_t arch_panic_write(const uint8_t *rec, size_t len, const char **counter)
{
	serial_panic_init();
	serial_panic_write(rec, len);
	*counter = "PMCCNTR";
	return read_sysreg(pmccntr_el0) - panic_cycles_start;
}

/* A kernel-mode data abort: a load from the direct map's view of physical
 * page 0.  paging.c maps only RAM (from 0x40000000), the image and the
 * GIC and UART blocks; the first GiB's level-2 table holds nothing else,
 * so this is a translation fault at level 2 (ESR DFSC 0x06). */
_Noreturn void arch_debug_fault(void)
{
	(void)*(volatile const uint64_t *)DIRECT_MAP_BASE;
	panic("debug: the deliberate fault did not fault");
}
