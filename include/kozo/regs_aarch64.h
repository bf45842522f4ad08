/* aarch64 user register file, in the order TCB_WriteRegisters and
 * TCB_ReadRegisters use.  SPSR is SPSR_EL1 as the thread returns to EL0:
 * only the condition flags (N, Z, C, V) are the thread's; the kernel forces
 * the rest (EL0t, interrupts unmasked).  TPIDR is TPIDR_EL0, the thread
 * pointer, which names the IPC buffer. */
#ifndef KOZO_REGS_AARCH64_H
#define KOZO_REGS_AARCH64_H

enum kozo_aarch64_reg {
	KOZO_A64_PC, KOZO_A64_SP, KOZO_A64_SPSR,
	KOZO_A64_X0, KOZO_A64_X1, KOZO_A64_X2, KOZO_A64_X3, KOZO_A64_X4,
	KOZO_A64_X5, KOZO_A64_X6, KOZO_A64_X7, KOZO_A64_X8, KOZO_A64_X9,
	KOZO_A64_X10, KOZO_A64_X11, KOZO_A64_X12, KOZO_A64_X13, KOZO_A64_X14,
	KOZO_A64_X15, KOZO_A64_X16, KOZO_A64_X17, KOZO_A64_X18, KOZO_A64_X19,
	KOZO_A64_X20, KOZO_A64_X21, KOZO_A64_X22, KOZO_A64_X23, KOZO_A64_X24,
	KOZO_A64_X25, KOZO_A64_X26, KOZO_A64_X27, KOZO_A64_X28, KOZO_A64_X29,
	KOZO_A64_X30,
	KOZO_A64_TPIDR,
	KOZO_A64_REG_COUNT
};

/* The register section of an aarch64 panic record (<kozo/panic_record.h>),
 * in this order: the kernel's registers where panic() was called, or where
 * an exception from EL1 was taken.
 *
 *   X0..X30, SP  the general registers and the stack pointer (SP_EL1)
 *   PC           panic(): the return address (X30); a fault: ELR_EL1
 *   PSTATE       panic(): DAIF at entry | CurrentEL | SPSel (NZCV is not
 *                kept across a call); a fault: its SPSR_EL1
 *   ESR, FAR     ESR_EL1, FAR_EL1: the fault's syndrome and address (for
 *                panic(), those of the last exception, the system call)
 *   ELR, SPSR    ELR_EL1, SPSR_EL1 as the panic path found them
 *   SCTLR, TTBR0, TTBR1, CURRENTEL   the EL1 system registers */
enum kozo_aarch64_panic_reg {
	KOZO_A64_PANIC_X0, KOZO_A64_PANIC_X29 = 29, KOZO_A64_PANIC_X30 = 30,
	KOZO_A64_PANIC_SP, KOZO_A64_PANIC_PC, KOZO_A64_PANIC_PSTATE,
	KOZO_A64_PANIC_ESR, KOZO_A64_PANIC_FAR, KOZO_A64_PANIC_ELR, KOZO_A64_PANIC_SPSR,
	KOZO_A64_PANIC_SCTLR, KOZO_A64_PANIC_TTBR0, KOZO_A64_PANIC_TTBR1,
	KOZO_A64_PANIC_CURRENTEL,
	KOZO_A64_PANIC_REG_COUNT
};

#endif
