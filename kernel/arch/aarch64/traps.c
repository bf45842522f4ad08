/* Where entry.S delivers exceptions and interrupts.
 *
 * From EL0: SVC is a system call; instruction and data aborts become VM
 * faults (address from FAR_EL1, ESR_EL1 as the status), except alignment
 * faults, which are user exceptions like every other synchronous exception
 * (undefined instruction, PC/SP alignment, BRK...): vector = ESR_EL1.EC,
 * code = ESR_EL1.  An FP/SIMD trap switches the FP registers (context.c).
 * From EL1: an interrupt is one that woke the idle loop; anything else is
 * a kernel bug, reported on serial 0 before panic() stops the machine. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

/* Saved by save_frame in entry.S, lowest address first. */
struct trap_frame {
	uint64_t x[31];
	uint64_t sp, elr, spsr, esr, far;
};

/* ESR_EL1.EC values (Arm ARM D17.2.37). */
#define EC_FP_ACCESS 0x07
#define EC_SVC64 0x15
#define EC_IABT_LOWER 0x20
#define EC_DABT_LOWER 0x24
#define EC_SERROR 0x2f
#define ESR_EC(esr) ((esr) >> 26)
#define ESR_FSC(esr) ((esr) & 0x3f)
#define FSC_ALIGNMENT 0x21

_Noreturn void trap_el0_sync(void)
{
	struct kernel *k = &kernel;
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t ec = ESR_EC(esr);

	switch (ec) {
	case EC_SVC64:
		kernel_syscall(k);
		break;
	case EC_FP_ACCESS:
		fpu_trap(k);
		break;
	case EC_IABT_LOWER:
	case EC_DABT_LOWER:
		if (ESR_FSC(esr) != FSC_ALIGNMENT) {
			kernel_user_fault(k, KOZO_FAULT_VM, read_sysreg(far_el1), esr, ec,
					  ec == EC_IABT_LOWER);
			break;
		}
		/* fall through: an alignment fault is a user exception */
	default:
		kernel_user_fault(k, KOZO_FAULT_USER_EXCEPTION, 0, esr, ec, false);
		break;
	}
	arch_return_to_user();
}

_Noreturn void trap_el0_irq(void)
{
	gic_handle();
	arch_return_to_user();
}

void trap_el1_irq(void)
{
	gic_handle();
}

void trap_el1_sync(struct trap_frame *f)
{
	kprintf("KERNEL FAULT: ESR 0x%lx (EC 0x%lx), FAR 0x%lx\n", (unsigned long)f->esr,
		(unsigned long)ESR_EC(f->esr), (unsigned long)f->far);
	kprintf("  ELR %016lx  SPSR %016lx  SP %016lx\n", (unsigned long)f->elr,
		(unsigned long)f->spsr, (unsigned long)f->sp);
	for (unsigned i = 0; i < 31; i += 3) {
		for (unsigned j = i; j < i + 3 && j < 31; j++)
			kprintf("  X%-2u %016lx", j, (unsigned long)f->x[j]);
		kprintf("\n");
	}
	panic("kernel fault: EC %x at %p", PANIC_INT(ESR_EC(f->esr)), PANIC_ADDR(f->elr));
}
