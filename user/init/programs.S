/* The programs Init starts (cpio newc, scripts/mkarchive.py, mk/user.mk),
 * in Init's image: programs_start .. programs_end. */
	.section .rodata.programs, "a"
	.balign 4096
	.globl programs_start, programs_end
programs_start:
	.incbin PROGRAMS_ARCHIVE_PATH
programs_end:
	.section .note.GNU-stack, "", %progbits
