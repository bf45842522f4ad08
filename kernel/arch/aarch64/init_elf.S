/* Init's ELF image, linked into the kernel (nothing is loaded at run time).
 * INIT_ELF_PATH is the repository-relative path mk/kernel.mk passes. */
	.section .rodata.init_elf, "a"
	.balign 4096
	.globl init_elf_start, init_elf_end
init_elf_start:
	.incbin INIT_ELF_PATH
init_elf_end:
