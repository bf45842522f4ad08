/* Faults as messages.  When a thread faults, the kernel sends a message to
 * its fault endpoint as if the thread had done a Call: the label names the
 * fault, the MRs carry its details, the badge is the fault endpoint cap's.
 * The handler's Reply decides: label 0 resumes the thread (with the changes
 * listed per fault), any other label leaves it stopped.  Without a fault
 * endpoint the thread is stopped and the fault is logged on serial 0.
 *
 *  VM_FAULT           MR0 IP, MR1 fault address, MR2 1 if instruction
 *                     fetch, MR3 arch fault status (x86_64 #PF error code)
 *                     reply: resume at the same IP (retry), or MR0 = new IP
 *                     when the reply length is 1
 *  USER_EXCEPTION     MR0 IP, MR1 SP, MR2 flags, MR3 exception vector,
 *                     MR4 error code;  reply: as VM_FAULT
 *  UNKNOWN_SYSCALL    MR0 syscall number, MR1..MR6 the six argument
 *                     registers (x86_64 RDI RSI RDX R10 R8 R9), MR7 IP (after
 *                     the syscall instruction), MR8 SP, MR9 flags
 *                     reply: MR0 = value for the return register (RAX/X0);
 *                     the thread resumes after its syscall instruction
 *  CAP_FAULT          MR0 IP, MR1 capability address, MR2 kozo_error
 */
#ifndef KOZO_FAULT_H
#define KOZO_FAULT_H

enum kozo_fault {
	KOZO_FAULT_NONE = 0,
	KOZO_FAULT_VM = 1,
	KOZO_FAULT_USER_EXCEPTION = 2,
	KOZO_FAULT_UNKNOWN_SYSCALL = 3,
	KOZO_FAULT_CAP = 4,
};

#define KOZO_FAULT_VM_LENGTH 4
#define KOZO_FAULT_EXCEPTION_LENGTH 5
#define KOZO_FAULT_SYSCALL_LENGTH 10
#define KOZO_FAULT_CAP_LENGTH 3

#endif
