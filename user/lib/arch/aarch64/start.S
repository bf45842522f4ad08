/* A program's entry, Init's and every process's.  The kernel (for Init) or
 * spawn (user/lib/spawn.c) has set SP, TPIDR_EL0 (the IPC
 * buffer) and X0 (BootInfo or the startup info);
 * kozo_main never returns. */
	.text
	.globl _start
	.type _start, %function
_start:
	mov x29, #0
	mov x30, #0
	bl kozo_main
1:	brk #0                  /* not reached; a fault if it were */
	b 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", %progbits
