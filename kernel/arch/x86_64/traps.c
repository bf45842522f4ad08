/* Where entry.S delivers exceptions and interrupts.
 *
 * From user mode: a #PF becomes a VM fault, any other exception a user
 * exception, both for the core to send to the thread's fault handler; an
 * interrupt goes to the core as a timer tick or an IRQ.  From kernel mode:
 * an interrupt is one that woke the idle loop; an exception is a kernel bug:
 * it panics through panic.S with the fault's registers (panic_fault). */
#include "kernel.h"
#include "fastpath.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_PAGE_FAULT 14
#define VEC_MACHINE_CHECK 18
#define PF_USER (1u << 2)                /* #PF error code bits (SDM 5.7) */
#define PF_INSTRUCTION_FETCH (1u << 4)

extern char syscall_entry[];

/* Each exception's name, and the format of its kernel-fault panic: the
 * name is in the format, so it is part of the Crash-ID. */
#define EXCEPTIONS(X)                                                          \
	X("#DE divide error") X("#DB debug") X("NMI") X("#BP breakpoint")      \
	X("#OF overflow") X("#BR bound range") X("#UD invalid opcode")         \
	X("#NM no FPU") X("#DF double fault") X("coprocessor overrun")         \
	X("#TS invalid TSS") X("#NP segment not present") X("#SS stack fault") \
	X("#GP general protection") X("#PF page fault") X("reserved")          \
	X("#MF x87 error") X("#AC alignment check") X("#MC machine check")     \
	X("#XM SIMD exception") X("#VE virtualization")                        \
	X("#CP control protection") X("reserved") X("reserved") X("reserved")  \
	X("reserved") X("reserved") X("reserved") X("#HV hypervisor injection") \
	X("#VC VMM communication") X("#SX security") X("reserved")
#define EXC_NAME(n) n,
#define EXC_FAULT_FORMAT(n) "kernel fault: " n " at %p (address %p, error %x)",
static const char *const exception_names[32] = { EXCEPTIONS(EXC_NAME) };
static const char *const fault_formats[32] = { EXCEPTIONS(EXC_FAULT_FORMAT) };


static void interrupt(uint64_t vector)
{
	if (vector == VEC_TIMER) {
		lapic_eoi();
		kernel_timer_tick(&kernel);
	} else if (vector >= VEC_IRQ_BASE && vector < VEC_IRQ_BASE + ioapic_pins()) {
		word_t pin = vector - VEC_IRQ_BASE;

		/* Masked until the driver acknowledges it (IRQHandler_Ack). */
		arch_irq_mask(pin);
		lapic_eoi();
		kernel_irq(&kernel, pin);
	} else if (vector == VEC_SPURIOUS || (vector >= VEC_PIC_BASE && vector < VEC_PIC_BASE + 16)) {
		/* Spurious: no EOI (SDM Vol. 3A, 12.9); the 8259s are masked. */
	} else {
		kprintf("trap: unexpected vector %lu ignored\n", (unsigned long)vector);
	}
}

#ifdef KOZO_DEBUG
/* Test machines only, so debug builds only (CONFIG=debug; a release kernel
 * leaves it out): the nested, paravirtual KVM of our test machines (kvm-pvm) performs a
 * user-mode SYSCALL only halfway: RCX, R11, RFLAGS and RIP = LSTAR are
 * set, but the CPU stays in user mode, so fetching syscall_entry faults.
 * Such a fault is taken as the system call it was.  On other machines a
 * user jump to syscall_entry faults the same way and becomes a syscall
 * that returns to the RCX and (sanitised) R11 the thread chose: nothing it
 * could not do with SYSCALL itself. */
static bool halfway_syscall(struct kernel *k, uint64_t vector, uint64_t error)
{
	uint64_t *r = k->current->ctx.regs;
	const uint64_t want = PF_USER | PF_INSTRUCTION_FETCH;

	if (vector != VEC_PAGE_FAULT || (error & want) != want ||
	    r[KOZO_X86_RIP] != (uint64_t)syscall_entry || read_cr2() != (uint64_t)syscall_entry)
		return false;
	r[KOZO_X86_RIP] = r[KOZO_X86_RCX];
	r[KOZO_X86_RFLAGS] = r[KOZO_X86_R11];
	return true;
}
#else
static bool halfway_syscall(struct kernel *k, uint64_t vector, uint64_t error)
{
	return false;
}
#endif

_Noreturn void trap_user(uint64_t vector, uint64_t error)
{
	struct kernel *k = &kernel;

	if (halfway_syscall(k, vector, error)) {
		if (!fastpath_syscall(k))
			kernel_syscall(k);
	} else if (vector >= 32) {
		interrupt(vector);
	} else if (vector == VEC_NMI || vector == VEC_DOUBLE_FAULT || vector == VEC_MACHINE_CHECK) {
		panic("%s in user mode at %p", PANIC_TEXT(exception_names[vector]),
		      PANIC_ADDR(k->current->ctx.regs[KOZO_X86_RIP]));
	} else if (vector == VEC_PAGE_FAULT) {
		kernel_user_fault(k, KOZO_FAULT_VM, read_cr2(), error, vector,
				  error & PF_INSTRUCTION_FETCH);
	} else {
		kernel_user_fault(k, KOZO_FAULT_USER_EXCEPTION, 0, error, vector, false);
	}
	arch_return_to_user();
}

void trap_kernel(struct trap_frame *f)
{
	if (f->vector >= 32) {
		interrupt(f->vector);
		return;
	}
	const struct panic_arg args[] = {
		PANIC_ADDR(f->rip), PANIC_ADDR(read_cr2()), PANIC_INT(f->error),
	};
	panic_fault(fault_formats[f->vector], args, ARRAY_SIZE(args), f);
}

/* SYSCALL is two bytes (0F 05) and leaves RCX = the next instruction, which
 * entry.S saved as RIP: back to the SYSCALL itself.  RAX and the argument
 * registers are as the caller left them (a preempted call writes no
 * result), so the same call is made again. */
#define SYSCALL_INSN_BYTES 2

void arch_syscall_restart(struct arch_context *c)
{
	c->regs[ARCH_REG_IP] -= SYSCALL_INSN_BYTES;
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}
