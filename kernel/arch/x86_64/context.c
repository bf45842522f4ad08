/* Thread contexts: their initial and sanitised state, and the way back to
 * user mode (address space, FPU, segment bases, registers). */
#include "kernel.h"
#include "port.h"
#include "cpu.h"
#include "asm_offsets.h"
#include "x86.h"
#include <kozo/bootinfo.h>
#include <stddef.h>

_Static_assert(offsetof(struct kernel, current) == KERNEL_CURRENT, "entry.S finds current at kernel+0");
_Static_assert(offsetof(struct tcb, ctx) == 0, "entry.S stores registers at the TCB's start");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RIP]) == CTX_RIP, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RSP]) == CTX_RSP, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RFLAGS]) == CTX_RFLAGS, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RAX]) == CTX_RAX, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RBX]) == CTX_RBX, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RCX]) == CTX_RCX, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RDX]) == CTX_RDX, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RSI]) == CTX_RSI, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RDI]) == CTX_RDI, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_RBP]) == CTX_RBP, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R8]) == CTX_R8, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R9]) == CTX_R9, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R10]) == CTX_R10, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R11]) == CTX_R11, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R12]) == CTX_R12, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R13]) == CTX_R13, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R14]) == CTX_R14, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_R15]) == CTX_R15, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_FS_BASE]) == CTX_FS_BASE, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, regs[KOZO_X86_GS_BASE]) == CTX_GS_BASE, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, sysret_ok) == CTX_SYSRET_OK, "asm_offsets.h");
_Static_assert(offsetof(struct arch_context, fpu) == CTX_FPU, "asm_offsets.h");
_Static_assert(CTX_FPU % 16 == 0, "FXSAVE needs a 16-byte aligned area");
_Static_assert(offsetof(struct tcb, slots[TCB_VSPACE].cap.obj) == TCB_VSPACE_ROOT, "asm_offsets.h");
_Static_assert(DIRECT_MAP_BASE_ASM == DIRECT_MAP_BASE, "asm_offsets.h");
_Static_assert(MSR_FS_BASE_ASM == MSR_FS_BASE && MSR_GS_BASE_ASM == MSR_GS_BASE, "asm_offsets.h");

/* Flags a user thread may hold in a written context: the arithmetic flags
 * and DF.  IF and the reserved bit 1 are always set; IOPL, TF, NT, RF, VM,
 * AC, VIF, VIP and ID are cleared (SDM Vol. 1, 3.4.3). */
#define RFLAGS_USER_WRITABLE (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | \
			      RFLAGS_SF | RFLAGS_DF | RFLAGS_OF)
#define RFLAGS_FORCED (RFLAGS_IF | RFLAGS_RESERVED1)
/* What may never reach user mode, whatever the thread did itself. */
#define RFLAGS_NEVER (RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM)

/* Last user page excluded: SYSRET to the top of the lower half is unsafe on
 * some CPUs (Linux uses the same bound, TASK_SIZE_MAX). */
#define SYSRET_RIP_LIMIT (ARCH_USER_TOP - KOZO_PAGE_SIZE)
_Static_assert(SYSRET_RIP_LIMIT_ASM == SYSRET_RIP_LIMIT, "asm_offsets.h");
_Static_assert(RFLAGS_NEVER_ASM == RFLAGS_NEVER, "asm_offsets.h");

/* Also read and written by arch_fastpath_exit in context.S: */
struct tcb *fpu_loaded;  /* whose FXSAVE image is in the FPU */
/* The segment bases in the MSRs (user mode cannot change them: CR4.FSGSBASE
 * stays clear); a non-canonical start value forces the first write. */
uint64_t fs_loaded = ~0ull, gs_loaded = ~0ull;

static bool canonical(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/* The FXSAVE image of a fresh FPU: x87 control word 0x37f (all exceptions
 * masked, 64-bit precision), MXCSR 0x1f80 (all SSE exceptions masked,
 * round to nearest), as after FNINIT and reset (SDM Vol. 1, 8.1.5, 10.2.3). */
static void fpu_default(struct arch_context *c)
{
	for (size_t i = 0; i < sizeof(c->fpu); i++)
		c->fpu[i] = 0;
	c->fpu[0] = 0x7f;   /* FCW */
	c->fpu[1] = 0x03;
	c->fpu[24] = 0x80;  /* MXCSR */
	c->fpu[25] = 0x1f;
	c->fpu_valid = 1;
}

void arch_context_init(struct arch_context *c)
{
	for (unsigned i = 0; i < ARCH_REG_COUNT; i++)
		c->regs[i] = 0;
	c->regs[KOZO_X86_RFLAGS] = RFLAGS_FORCED;
	c->sysret_ok = 0;
	fpu_default(c);
	/* A new thread may occupy the memory of the one whose FPU state is
	 * loaded: make sure it starts from its own image. */
	if (fpu_loaded == (struct tcb *)c)
		fpu_loaded = NULL;
}

/* The FPU state is saved on every entry, so fpu_loaded is only compared;
 * dropping it keeps a later thread at the same address from skipping its
 * restore. */
void arch_context_retire(struct arch_context *c)
{
	if (fpu_loaded == (struct tcb *)c)
		fpu_loaded = NULL;
}

/* Invariant: every thread's saved FS and GS bases are canonical, so that
 * loading them (load_segment_bases, arch_fastpath_exit) never faults and
 * needs no test.  Entry code never writes them; they are set only by
 * arch_context_init (0), by the boot code for Init (a user address, checked
 * below) and by the core after WriteRegisters or a fault reply, which
 * always calls this function: a non-canonical base becomes 0 here. */
_Static_assert(KOZO_INIT_IPC_BUFFER_ADDR < ARCH_USER_TOP, "Init's FS base is canonical");

void arch_context_sanitize(struct arch_context *c)
{
	uint64_t *r = c->regs;

	r[KOZO_X86_RFLAGS] = (r[KOZO_X86_RFLAGS] & RFLAGS_USER_WRITABLE) | RFLAGS_FORCED;
	c->sysret_ok = 0;   /* RCX, R11, RIP or RFLAGS may have changed */
	if (!canonical(r[KOZO_X86_FS_BASE]))
		r[KOZO_X86_FS_BASE] = 0;
	if (!canonical(r[KOZO_X86_GS_BASE]))
		r[KOZO_X86_GS_BASE] = 0;
}

/* FS and GS bases into their MSRs, when they changed.  WRMSR faults on a
 * non-canonical base (SDM Vol. 3A, 4.5.3 / WRMSR), but the saved bases are
 * canonical by construction (see arch_context_sanitize). */
static inline void load_segment_bases(const uint64_t *r)
{
	if (r[KOZO_X86_FS_BASE] != fs_loaded) {
		fs_loaded = r[KOZO_X86_FS_BASE];
		wrmsr(MSR_FS_BASE, fs_loaded);
	}
	if (r[KOZO_X86_GS_BASE] != gs_loaded) {
		gs_loaded = r[KOZO_X86_GS_BASE];
		wrmsr(MSR_GS_BASE, gs_loaded);
	}
}

/* The thread to resume: k->current, once it can be resumed as it is. */
static struct tcb *resumable(struct kernel *k, word_t **root)
{
	struct tcb *t;
	for (;;) {
		port_idle(k);
		t = k->current;
		*root = tcb_vspace_root(t);
		if (!*root) {
			kernel_user_fault(k, KOZO_FAULT_VM, t->ctx.regs[KOZO_X86_RIP], 0, 14, true);
			continue;
		}
		/* IRETQ to a non-canonical RIP faults in ring 0: give the thread
		 * the #GP it would get at that address instead. */
		if (t->ctx.regs[KOZO_X86_RIP] >= ARCH_USER_TOP) {
			kernel_user_fault(k, KOZO_FAULT_USER_EXCEPTION, 0, 0, 13, false);
			continue;
		}
		return t;
	}
}

/* Pick up k->current and resume it.  Threads that cannot be resumed as they
 * are get the fault the hardware would have given them, and the core
 * decides again (resumable). */
_Noreturn void arch_return_to_user(void)
{
	struct kernel *k = &kernel;
	struct tcb *t = k->current;
	word_t *root = t ? tcb_vspace_root(t) : NULL;

	if (unlikely(!root || t->ctx.regs[KOZO_X86_RIP] >= ARCH_USER_TOP))
		t = resumable(k, &root);

	struct arch_context *c = &t->ctx;
	uint64_t *r = c->regs;

	if (fpu_loaded != t) {
		if (!c->fpu_valid)
			fpu_default(c);
		fxrstor(c->fpu);
		fpu_loaded = t;
	}
	paging_activate(arch_kernel_to_phys(root));
	load_segment_bases(r);
	r[KOZO_X86_RFLAGS] = (r[KOZO_X86_RFLAGS] & ~RFLAGS_NEVER) | RFLAGS_FORCED;

	/* SYSRET sets RCX = RIP and R11 = RFLAGS; use it when the thread's
	 * registers already say so (after a syscall), else IRETQ. */
	if (r[KOZO_X86_RCX] == r[KOZO_X86_RIP] && r[KOZO_X86_R11] == r[KOZO_X86_RFLAGS] &&
	    r[KOZO_X86_RIP] < SYSRET_RIP_LIMIT)
		context_sysret(c);
	context_iret(c);
}
