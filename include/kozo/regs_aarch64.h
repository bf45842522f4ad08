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

#endif
