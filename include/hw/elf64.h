/* The ELF64 file header and program header (System V gABI, "ELF-64
 * Object File Format" 1.5), as far as KOZO reads them: the kernel loads
 * Init's image (kernel/core/boot.c), libkozo checks the programs Init and
 * the shell start (user/lib/elf.c), and the Linux server the executables it
 * runs (user/linux/lx_elf.c, which reads the fields byte by byte).  A
 * format fact from outside, like the UART registers beside it, not KOZO's
 * ABI.  Little-endian fields, as both architectures store them. */
#ifndef KOZO_HW_ELF64_H
#define KOZO_HW_ELF64_H

#include <stdint.h>

struct elf64_ehdr {
	uint8_t ident[16];  /* "\177ELF", class (2: 64-bit), data (1: little-endian), ... */
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* ehdr.type */
#define ET_EXEC 2
#define ET_DYN 3
/* ehdr.machine */
#define EM_X86_64 62
#define EM_AARCH64 183
/* phdr.type */
#define PT_LOAD 1
#define PT_INTERP 3
/* phdr.flags */
#define PF_X 1
#define PF_W 2
#define PF_R 4

#endif
