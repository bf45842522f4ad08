/* Init's entry.  The kernel has set SP (KOZO_INIT_STACK_TOP), TPIDR_EL0
 * (the IPC buffer) and X0 (the BootInfo address); main never returns. */
	.text
	.globl _start
	.type _start, %function
_start:
	mov x29, #0
	mov x30, #0
	bl init_main
1:	brk #0                  /* not reached; a fault if it were */
	b 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", %progbits
