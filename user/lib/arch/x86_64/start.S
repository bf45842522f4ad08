/* A program's entry, Init's and every process's.  The kernel (for Init) or
 * spawn (user/lib/spawn.c) has set RSP, FS (the IPC
 * buffer) and RDI (BootInfo or the startup info);
 * kozo_main never returns. */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	and $-16, %rsp
	call kozo_main
1:	hlt                     /* not reached; a fault if it were */
	jmp 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
