/* ELF64 images of KOZO-native programs: checked before anything is
 * loaded (a bad image is an error, never a fault in the loader). */
#ifndef KOZO_USER_ELF_H
#define KOZO_USER_ELF_H

#include <stddef.h>
#include <stdint.h>

#define KOZO_ELF_MAX_SEGMENTS 8
/* Where a program's segments may lie: above the null page's neighbourhood
 * and below the process layout's fixed pages (proc.h). */
#define KOZO_ELF_MIN_VADDR 0x400000ull
#define KOZO_ELF_MAX_VADDR 0x40000000ull

struct kozo_elf_segment {
	uint64_t vaddr, memsz;      /* page-aligned vaddr; memsz >= filesz */
	const uint8_t *data;        /* filesz bytes of the image */
	uint64_t filesz;
	unsigned flags;             /* PF_R 4, PF_W 2, PF_X 1 */
};

struct kozo_elf {
	uint64_t entry;
	unsigned nsegments;
	struct kozo_elf_segment seg[KOZO_ELF_MAX_SEGMENTS];
};

/* Check image[0..size) and describe its PT_LOAD segments.  Returns NULL,
 * or what is wrong with it. */
const char *kozo_elf_parse(const void *image, size_t size, struct kozo_elf *out);

#endif
