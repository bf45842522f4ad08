/* Loading a static x86_64 (or, in the aarch64 server, aarch64) ELF executable: check it, describe its segments
 * as regions (their pages are filled on first touch), and build the
 * initial stack the System V ABI promises (argc, argv, envp, auxv).
 * The ELF file is untrusted input: every field is checked before use and
 * a refusal says why. */
#include <string.h>
#include <hw/elf64.h>

#include "lx.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define MAX_PHNUM 64

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

struct phdr {
	uint64_t type, flags, offset, vaddr, filesz, memsz;
};

static void read_phdr(const uint8_t *p, struct phdr *h)
{
	h->type = get(p, 4);
	h->flags = get(p + 4, 4);
	h->offset = get(p + 8, 8);
	h->vaddr = get(p + 16, 8);
	h->filesz = get(p + 32, 8);
	h->memsz = get(p + 40, 8);
}

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -LX_ENOEXEC;
}

/* Check one PT_LOAD against the file and the address space. */
static const char *check_load(const struct phdr *h, size_t size)
{
	if (h->filesz > h->memsz)
		return "a segment's file size exceeds its memory size";
	if (h->offset > size || size - h->offset < h->filesz)
		return "a segment lies past the end of the file";
	if (h->vaddr < LX_USER_MIN || h->vaddr >= LX_USER_TOP || LX_USER_TOP - h->vaddr < h->memsz)
		return "a segment lies outside the user address range";
	if (h->vaddr % LX_PAGE != h->offset % LX_PAGE)
		return "a segment's address and file offset disagree modulo the page size";
	return NULL;
}

/* The region of a checked PT_LOAD h of elf. */
static struct lx_vma segment_vma(const uint8_t *elf, const struct phdr *h)
{
	uint64_t start = LX_PAGE_DOWN(h->vaddr), lead = h->vaddr - start;
	return (struct lx_vma){
		.start = start,
		.end = LX_PAGE_DOWN(h->vaddr + h->memsz + LX_PAGE - 1),
		.prot = (h->flags & PF_R ? LX_PROT_READ : 0u) | (h->flags & PF_W ? LX_PROT_WRITE : 0u) |
			(h->flags & PF_X ? LX_PROT_EXEC : 0u),
		.file = elf + h->offset - lead,
		.file_len = h->filesz + lead,
	};
}

/* The regions lx_build_stack adds: the stack, and on aarch64 the signal
 * trampoline's page.  Returns how many. */
static unsigned stack_vmas(struct lx_vma out[2])
{
	out[0] = (struct lx_vma){ .start = LX_STACK_TOP - LX_STACK_MAX, .end = LX_STACK_TOP,
				  .prot = LX_PROT_READ | LX_PROT_WRITE, .flags = LX_VMA_STACK };
#if LX_AARCH64
	static const uint8_t tramp[8] = { 0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4 };
	out[1] = (struct lx_vma){ .start = LX_A64_SIGTRAMP, .end = LX_A64_SIGTRAMP + LX_PAGE,
				  .prot = LX_PROT_READ | LX_PROT_EXEC, .file = tramp,
				  .file_len = sizeof(tramp) };
	return 2;
#else
	return 1;
#endif
}

/* The regions of the checked PT_LOADs, in the table vs[0..*n) (later
 * segments win on a shared page, as with Linux's MAP_FIXED mappings of
 * each).  0, or -LX_ENOMEM when the table is full. */
static int map_segments(struct lx_vma *vs, unsigned *n, const uint8_t *elf, uint64_t phoff,
			uint64_t phnum)
{
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr h;
		read_phdr(elf + phoff + i * PHDR_SIZE, &h);
		if (h.type != PT_LOAD || h.memsz == 0)
			continue;
		struct lx_vma v = segment_vma(elf, &h);
		int err = lx_vmas_map(vs, n, &v);
		if (err)
			return err;
	}
	return 0;
}

/* The checks of lx_check_elf; on success *img holds what they found. */
static int scan_elf(const uint8_t *elf, size_t size, struct lx_image *img, const char **why)
{
	if (size < EHDR_SIZE || memcmp(elf, "\177ELF", 4) != 0)
		return refuse(why, "not an ELF file");
	if (elf[4] != 2 || elf[5] != 1)
		return refuse(why, "not a 64-bit little-endian ELF file");
	uint64_t type = get(elf + 16, 2), machine = get(elf + 18, 2);
	if (machine != LX_ELF_MACHINE)
		return refuse(why, "not an " LX_MACHINE " program");
	if (type != ET_EXEC && type != ET_DYN)
		return refuse(why, "not an executable");
	uint64_t entry = get(elf + 24, 8), phoff = get(elf + 32, 8);
	uint64_t phent = get(elf + 54, 2), phnum = get(elf + 56, 2);
	if (phent != PHDR_SIZE || phnum == 0 || phnum > MAX_PHNUM || phoff > size ||
	    (size - phoff) / PHDR_SIZE < phnum)
		return refuse(why, "bad program header table");
	uint64_t lo = ~0ull, hi = 0, phdr_addr = 0, commit = 0;
	bool entry_ok = false;
	unsigned loads = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr h;
		read_phdr(elf + phoff + i * PHDR_SIZE, &h);
		if (h.type == PT_INTERP)
			return refuse(why, "dynamically linked (has an interpreter); only static programs run");
		if (h.type != PT_LOAD || h.memsz == 0)
			continue;
		const char *bad = check_load(&h, size);
		if (bad)
			return refuse(why, bad);
		loads++;
		if (h.vaddr < lo)
			lo = h.vaddr;
		if (h.vaddr + h.memsz > hi)
			hi = h.vaddr + h.memsz;
		if (entry >= h.vaddr && entry - h.vaddr < h.memsz && h.flags & PF_X)
			entry_ok = true;
		if (h.flags & PF_W)  /* its pages, as lx_load_elf's region covers them */
			commit += LX_PAGE_DOWN(h.vaddr + h.memsz + LX_PAGE - 1) - LX_PAGE_DOWN(h.vaddr);
		if (phoff >= h.offset && phoff - h.offset < h.filesz &&
		    h.filesz - (phoff - h.offset) >= phnum * PHDR_SIZE)
			phdr_addr = h.vaddr + (phoff - h.offset);
	}
	if (type == ET_DYN)
		return refuse(why, "position-independent executables are not supported yet");
	if (!loads)
		return refuse(why, "no loadable segment");
	if (!entry_ok)
		return refuse(why, "the entry point is not in an executable segment");
	if (hi > LX_MMAP_TOP - LX_BRK_MAX - LX_STACK_MAX)
		return refuse(why, "the program lies where the heap and mappings go");
	/* Lay the regions out as lx_load_elf and lx_build_stack will, in a
	 * table of their own: an execve that passed this scan must not find
	 * the process's table full past its point of no return, and their
	 * page tables are what space_room is asked for. */
	struct lx_vma sim[LX_MAX_VMAS], st[2];
	unsigned nsim = 0, nst = stack_vmas(st);
	bool full = map_segments(sim, &nsim, elf, phoff, phnum) != 0;
	for (unsigned i = 0; i < nst && !full; i++)
		full = lx_vmas_map(sim, &nsim, &st[i]) != 0;
	if (full)
		return refuse(why, "too many segments");
	img->entry = entry;
	img->phdr = phdr_addr;
	img->phnum = phnum;
	img->phent = PHDR_SIZE;
	img->base_end = hi;
	img->commit = commit;
	struct lx_range r[LX_MAX_VMAS];
	for (unsigned i = 0; i < nsim; i++)
		r[i] = (struct lx_range){ sim[i].start, sim[i].end };
	img->tables = lx_space_tables(NULL, r, nsim, NULL, 0);
	return 0;
}

int lx_check_elf(const uint8_t *elf, size_t size, const char **why)
{
	struct lx_image img;
	return scan_elf(elf, size, &img, why);
}

int lx_scan_elf(const uint8_t *elf, size_t size, struct lx_image *img)
{
	return scan_elf(elf, size, img, NULL);
}

int lx_load_elf(struct lx_proc *p, const uint8_t *elf, size_t size, struct lx_image *img,
		const char **why)
{
	int err = scan_elf(elf, size, img, why);
	if (err)
		return err;
	/* Its writable segments are committed as mmap's regions are: a
	 * program whose .data and .bss the server cannot back is refused
	 * here, not killed at a later first touch (execve has checked). */
	if (lx_over_commit(p, img->commit, 0, 0))
		return refuse(why, "its writable segments need more memory than there is");
	/* Valid: now describe the segments. */
	if (map_segments(p->vmas, &p->nvmas, elf, get(elf + 32, 8), img->phnum))
		return refuse(why, "too many segments");
	p->brk_start = p->brk = LX_PAGE_DOWN(img->base_end + LX_PAGE - 1);
	return 0;
}

#define MAX_ARGS 64
#define MAX_STRINGS (64 * 1024)

static int put64(struct lx_proc *p, uint64_t *sp, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	*sp -= 8;
	return p->mem.write(p->mem.ctx, *sp, b, 8);
}

static int put_bytes(struct lx_proc *p, uint64_t *sp, const void *s, size_t n, uint64_t *at)
{
	*sp -= n;
	*at = *sp;
	return p->mem.write(p->mem.ctx, *sp, s, n);
}

int lx_build_stack(struct lx_proc *p, const struct lx_image *img, int argc,
		   const char *const *argv, int envc, const char *const *envp,
		   const uint8_t random16[16], uint64_t *sp_out)
{
	if (argc < 0 || envc < 0 || argc > MAX_ARGS || envc > MAX_ARGS)
		return -LX_E2BIG;
	size_t total = 0;
	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		total += strlen(envp[i]) + 1;
	if (total > MAX_STRINGS)
		return -LX_E2BIG;
	struct lx_vma st[2];
	int err = 0;
	for (unsigned i = 0, n = stack_vmas(st); i < n && !err; i++)
		err = lx_vma_map(p, &st[i]);
	if (err)
		return err;
	p->mmap_next = LX_MMAP_TOP;
	p->cmdline_len = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (n > sizeof(p->cmdline) - p->cmdline_len)
			break;
		memcpy(p->cmdline + p->cmdline_len, argv[i], n);
		p->cmdline_len += (unsigned)n;
	}

	uint64_t sp = LX_STACK_TOP, argp[MAX_ARGS], envpp[MAX_ARGS], rnd = 0, execfn = 0;
	static const char platform[] = LX_MACHINE;
	uint64_t plat = 0;
	err = put_bytes(p, &sp, p->exe, strlen(p->exe) + 1, &execfn);
	for (int i = envc; i-- > 0 && !err;)
		err = put_bytes(p, &sp, envp[i], strlen(envp[i]) + 1, &envpp[i]);
	for (int i = argc; i-- > 0 && !err;)
		err = put_bytes(p, &sp, argv[i], strlen(argv[i]) + 1, &argp[i]);
	if (!err)
		err = put_bytes(p, &sp, platform, sizeof(platform), &plat);
	sp &= ~15ull;
	if (!err)
		err = put_bytes(p, &sp, random16, 16, &rnd);

	const uint64_t aux[][2] = {
		{ LX_AT_PHDR, img->phdr }, { LX_AT_PHENT, img->phent }, { LX_AT_PHNUM, img->phnum },
		{ LX_AT_PAGESZ, LX_PAGE }, { LX_AT_BASE, 0 }, { LX_AT_FLAGS, 0 },
		{ LX_AT_ENTRY, img->entry }, { LX_AT_UID, 0 }, { LX_AT_EUID, 0 }, { LX_AT_GID, 0 },
		{ LX_AT_EGID, 0 }, { LX_AT_HWCAP, LX_HWCAP }, { LX_AT_CLKTCK, 100 }, { LX_AT_SECURE, 0 },
		{ LX_AT_RANDOM, rnd }, { LX_AT_EXECFN, execfn }, { 15 /* AT_PLATFORM */, plat },
		{ LX_AT_NULL, 0 },
	};
	unsigned naux = sizeof(aux) / sizeof(aux[0]);
	/* After everything below, sp must be 16-byte aligned. */
	uint64_t words = 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + 2 * naux;
	if (words % 2)
		sp -= 8;
	for (unsigned i = naux; i-- > 0 && !err;) {
		err = put64(p, &sp, aux[i][1]);
		if (!err)
			err = put64(p, &sp, aux[i][0]);
	}
	if (!err)
		err = put64(p, &sp, 0);
	for (int i = envc; i-- > 0 && !err;)
		err = put64(p, &sp, envpp[i]);
	if (!err)
		err = put64(p, &sp, 0);
	for (int i = argc; i-- > 0 && !err;)
		err = put64(p, &sp, argp[i]);
	if (!err)
		err = put64(p, &sp, (uint64_t)argc);
	*sp_out = sp;
	return err;
}
