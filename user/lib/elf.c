/* ELF64 checks for KOZO-native programs (elf.h): little-endian, this
 * machine, ET_EXEC, PT_LOAD segments page-aligned, inside the file and
 * inside [KOZO_ELF_MIN_VADDR, KOZO_ELF_MAX_VADDR), not overlapping, the
 * entry point inside an executable one. */
#include "elf.h"
#include "string.h"
#include <hw/elf64.h>

#define PAGE 4096ull

#if defined(__x86_64__)
#define EM_THIS EM_X86_64
#else
#define EM_THIS EM_AARCH64
#endif

const char *kozo_elf_parse(const void *image, size_t size, struct kozo_elf *out)
{
	struct elf64_ehdr h;
	memset(out, 0, sizeof(*out));
	if (size < sizeof(h))
		return "shorter than an ELF header";
	memcpy(&h, image, sizeof(h));
	if (memcmp(h.ident, "\177ELF", 4) != 0)
		return "not an ELF file";
	if (h.ident[4] != 2 || h.ident[5] != 1)
		return "not ELF64 little-endian";
	if (h.type != ET_EXEC || h.machine != EM_THIS)
		return "not an executable for this machine";
	if (h.phentsize != sizeof(struct elf64_phdr) || h.phoff > size ||
	    (uint64_t)h.phnum * sizeof(struct elf64_phdr) > size - h.phoff)
		return "program headers outside the file";
	bool entry_ok = false;
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf64_phdr p;
		memcpy(&p, (const uint8_t *)image + h.phoff + i * sizeof(p), sizeof(p));
		if (p.type != PT_LOAD || p.memsz == 0)
			continue;
		if (out->nsegments == KOZO_ELF_MAX_SEGMENTS)
			return "too many segments";
		if (p.vaddr % PAGE || p.offset % PAGE)
			return "segment not page-aligned";
		if (p.filesz > p.memsz || p.offset > size || p.filesz > size - p.offset)
			return "segment outside the file";
		if (p.vaddr < KOZO_ELF_MIN_VADDR || p.vaddr >= KOZO_ELF_MAX_VADDR ||
		    p.memsz > KOZO_ELF_MAX_VADDR - p.vaddr)
			return "segment outside the program area";
		uint64_t end = (p.vaddr + p.memsz + PAGE - 1) & ~(PAGE - 1);
		for (unsigned j = 0; j < out->nsegments; j++) {
			const struct kozo_elf_segment *o = &out->seg[j];
			uint64_t oend = (o->vaddr + o->memsz + PAGE - 1) & ~(PAGE - 1);
			if (p.vaddr < oend && o->vaddr < end)
				return "segments overlap";
		}
		if (p.flags & PF_X && h.entry >= p.vaddr && h.entry < p.vaddr + p.memsz)
			entry_ok = true;
		out->seg[out->nsegments++] = (struct kozo_elf_segment){
			.vaddr = p.vaddr, .memsz = p.memsz, .filesz = p.filesz,
			.data = (const uint8_t *)image + p.offset, .flags = p.flags & (PF_R | PF_W | PF_X),
		};
	}
	if (!out->nsegments)
		return "no loadable segment";
	if (!entry_ok)
		return "entry point outside the executable segments";
	out->entry = h.entry;
	return NULL;
}
