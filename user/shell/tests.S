/* The test programs the shell starts (cpio newc, scripts/mkarchive.py,
 * mk/user.mk), in the shell's image: tests_start .. tests_end. */
	.section .rodata.tests, "a"
	.balign 4096
	.globl tests_start, tests_end
tests_start:
	.incbin TESTS_ARCHIVE_PATH
tests_end:
	.section .note.GNU-stack, "", %progbits
