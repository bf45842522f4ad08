/* Where entry.S delivers exceptions and interrupts.
 *
 * From EL0: SVC is a system call, which entry.S hands to the fast path
 * and kernel_syscall() without coming here; instruction and data aborts
 * become VM faults (address from FAR_EL1, ESR_EL1 as the status), except
 * alignment faults, which are user exceptions like every other synchronous
 * exception (undefined instruction, PC/SP alignment, BRK...): vector =
 * ESR_EL1.EC, code = ESR_EL1.  An FP/SIMD trap switches the FP registers (context.c).
 * From EL1: an interrupt is one that woke the idle loop; anything else is
 * a kernel bug: it panics through panic.S with the exception's registers
 * (panic_fault), and the exception class is part of the message. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

/* ESR_EL1.EC values (Arm ARM D17.2.37). */
#define EC_FP_ACCESS 0x07
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

/* Each exception class's kernel-fault format: the class is in the format,
 * so it is part of the Crash-ID (a data abort and an undefined instruction
 * in one function are two bugs).  ELR_EL1, FAR_EL1, ESR_EL1. */
#define FAULT_FORMAT(name) "kernel fault: " name " at %p (address %p, ESR %x)"

static const char *fault_format(uint64_t ec)
{
	switch (ec) {
	case 0x00: return FAULT_FORMAT("undefined instruction");
	case 0x0e: return FAULT_FORMAT("illegal execution state");
	case 0x15: return FAULT_FORMAT("SVC");
	case 0x18: return FAULT_FORMAT("system register trap");
	case 0x20:
	case 0x21: return FAULT_FORMAT("instruction abort");
	case 0x22: return FAULT_FORMAT("PC alignment fault");
	case 0x24:
	case 0x25: return FAULT_FORMAT("data abort");
	case 0x26: return FAULT_FORMAT("SP alignment fault");
	case EC_SERROR: return FAULT_FORMAT("SError");
	case 0x30:
	case 0x31: return FAULT_FORMAT("breakpoint");
	case 0x32:
	case 0x33: return FAULT_FORMAT("software step");
	case 0x34:
	case 0x35: return FAULT_FORMAT("watchpoint");
	case 0x3c: return FAULT_FORMAT("BRK");
	default: return FAULT_FORMAT("exception");
	}
}

_Noreturn void trap_el1_sync(struct trap_frame *f)
{
	const struct panic_arg args[] = {
		PANIC_ADDR(f->elr), PANIC_ADDR(f->far), PANIC_INT(f->esr),
	};

	panic_fault(fault_format(ESR_EC(f->esr)), args, ARRAY_SIZE(args), f);
}

/* SVC's preferred return address (ELR_EL1, saved as PC) is the next
 * instruction (Arm ARM D1.10.1): back 4 bytes to the SVC itself.  X8 and
 * the argument registers are as the caller left them (a preempted call
 * writes no result), so the same call is made again. */
#define SVC_INSN_BYTES 4

void arch_syscall_restart(struct arch_context *c)
{
	c->regs[ARCH_REG_IP] -= SVC_INSN_BYTES;
}

/* PMCCNTR_EL0, enabled at boot (main.c); instructions under -icount. */
uint64_t arch_cycles(void)
{
	return read_sysreg(pmccntr_el0);
}
