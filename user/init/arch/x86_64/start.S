/* Init's entry.  The kernel has set RSP (KOZO_INIT_STACK_TOP), FS (the IPC
 * buffer) and RDI (the BootInfo address); main never returns. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	and $-16, %rsp
	call init_main
1:	hlt                     /* not reached; a fault if it were */
	jmp 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
