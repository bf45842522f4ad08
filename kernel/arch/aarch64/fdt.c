/* The RAM QEMU describes in its flattened device tree (Devicetree
 * Specification v0.4, chapter 5): the "reg" of every /memory node, read
 * with the root's #address-cells and #size-cells.  Only what the kernel
 * needs; a malformed tree gives no RAM and boot stops with a panic. */
#include "kernel.h"
#include "kprintf.h"
#include "lib.h"
#include "aarch64.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static bool prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

bool fdt_valid(paddr_t dtb)
{
	return dtb && be32(arch_phys_to_kernel(dtb)) == FDT_MAGIC;
}

unsigned fdt_memory(paddr_t dtb, struct boot_region *ram, unsigned max)
{
	const uint8_t *h = arch_phys_to_kernel(dtb);
	if (be32(h) != FDT_MAGIC)
		return 0;
	uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
	if (off_struct >= total || off_strings >= total)
		return 0;
	const uint8_t *p = h + off_struct, *end = h + total;
	const char *strings = (const char *)h + off_strings;
	unsigned depth = 0, count = 0, addr_cells = 2, size_cells = 1;
	bool in_memory = false;

	while (p + 4 <= end) {
		uint32_t token = be32(p);
		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			depth++;
			in_memory = depth == 2 && prefix(name, "memory");
			p += ALIGN_UP(strlen(name) + 1, 4);
		} else if (token == FDT_END_NODE) {
			if (depth-- == 0)
				break;
			in_memory = false;
		} else if (token == FDT_PROP) {
			if (p + 8 > end)
				break;
			uint32_t len = be32(p), name_off = be32(p + 4);
			const uint8_t *val = p + 8;
			const char *name = strings + name_off;
			p = val + ALIGN_UP(len, 4);
			if (p > end || (const uint8_t *)name >= end)
				break;
			if (depth == 1 && same(name, "#address-cells") && len == 4)
				addr_cells = be32(val);
			else if (depth == 1 && same(name, "#size-cells") && len == 4)
				size_cells = be32(val);
			else if (in_memory && same(name, "reg") && addr_cells <= 2 && size_cells <= 2) {
				unsigned entry = 4 * (addr_cells + size_cells);
				for (uint32_t o = 0; o + entry <= len && count < max; o += entry) {
					uint64_t base = cells(val + o, addr_cells);
					uint64_t size = cells(val + o + 4 * addr_cells, size_cells);
					if (size && base + size > base)
						ram[count++] = (struct boot_region){ base, base + size };
				}
			}
		} else if (token == FDT_END) {
			break;
		} else if (token != FDT_NOP) {
			break;
		}
	}
	return count;
}
