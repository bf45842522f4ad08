/* The Linux server's read-only archive (cpio newc, scripts/mkarchive.py),
 * embedded in Init's image: linux_archive_start .. linux_archive_end. */
	.section .rodata.linux_archive, "a"
	.balign 4096
	.globl linux_archive_start, linux_archive_end
linux_archive_start:
	.incbin LINUX_ARCHIVE_PATH
linux_archive_end:
	.section .note.GNU-stack, "", @progbits
