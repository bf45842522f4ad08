/* Where entry.S delivers exceptions and interrupts.
 *
 * From user mode: a #PF becomes a VM fault, any other exception a user
 * exception, both for the core to send to the thread's fault handler; an
 * interrupt goes to the core as a timer tick or an IRQ.  From kernel mode:
 * an interrupt is one that woke the idle loop; an exception is a kernel bug,
 * reported on serial 0 before panic() stops the machine. */
#include "kernel.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

/* Pushed by trap_from_kernel in entry.S, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_PAGE_FAULT 14
#define VEC_MACHINE_CHECK 18
#define PF_USER (1u << 2)                /* #PF error code bits (SDM 5.7) */
#define PF_INSTRUCTION_FETCH (1u << 4)

extern char syscall_entry[];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD exception", "#VE virtualization", "#CP control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security",
	"reserved",
};

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

/* The nested, paravirtual KVM of our test machines (kvm-pvm) performs a
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

_Noreturn void trap_user(uint64_t vector, uint64_t error)
{
	struct kernel *k = &kernel;

	if (halfway_syscall(k, vector, error))
		kernel_syscall(k);
	else if (vector >= 32)
		interrupt(vector);
	else if (vector == VEC_NMI || vector == VEC_DOUBLE_FAULT || vector == VEC_MACHINE_CHECK)
		panic("%s in user mode at %lx", exception_names[vector],
		      (unsigned long)k->current->ctx.regs[KOZO_X86_RIP]);
	else if (vector == VEC_PAGE_FAULT)
		kernel_user_fault(k, KOZO_FAULT_VM, read_cr2(), error, vector,
				  error & PF_INSTRUCTION_FETCH);
	else
		kernel_user_fault(k, KOZO_FAULT_USER_EXCEPTION, 0, error, vector, false);
	arch_return_to_user();
}

static void dump_frame(const struct trap_frame *f)
{
	kprintf("KERNEL FAULT: vector %lu (%s), error 0x%lx\n", (unsigned long)f->vector,
		exception_names[f->vector], (unsigned long)f->error);
	kprintf("  RIP %016lx  CS %04lx  RFLAGS %016lx\n", (unsigned long)f->rip,
		(unsigned long)f->cs, (unsigned long)f->rflags);
	kprintf("  RSP %016lx  SS %04lx  CR2 %016lx  CR3 %016lx\n", (unsigned long)f->rsp,
		(unsigned long)f->ss, (unsigned long)read_cr2(), (unsigned long)read_cr3());
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx\n", (unsigned long)f->rax,
		(unsigned long)f->rbx, (unsigned long)f->rcx);
	kprintf("  RDX %016lx  RSI %016lx  RDI %016lx\n", (unsigned long)f->rdx,
		(unsigned long)f->rsi, (unsigned long)f->rdi);
	kprintf("  RBP %016lx  R8  %016lx  R9  %016lx\n", (unsigned long)f->rbp,
		(unsigned long)f->r8, (unsigned long)f->r9);
	kprintf("  R10 %016lx  R11 %016lx  R12 %016lx\n", (unsigned long)f->r10,
		(unsigned long)f->r11, (unsigned long)f->r12);
	kprintf("  R13 %016lx  R14 %016lx  R15 %016lx\n", (unsigned long)f->r13,
		(unsigned long)f->r14, (unsigned long)f->r15);
}

void trap_kernel(struct trap_frame *f)
{
	if (f->vector >= 32) {
		interrupt(f->vector);
		return;
	}
	dump_frame(f);
	panic("kernel fault: %s at %lx", exception_names[f->vector], (unsigned long)f->rip);
}
