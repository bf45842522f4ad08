/* What the kernel reads from the flattened device tree QEMU passes
 * (Devicetree Specification v0.4, chapter 5): the RAM, the "reg" of every
 * /memory node read with the root's #address-cells and #size-cells; and
 * root string properties (serial-number) for the panic record's hardware
 * IDs.  One walker serves both; a malformed tree ends the walk early (no
 * RAM: boot stops with a panic). */
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

/* One property: its node's depth (the root is 1) and name, its own name
 * and value. */
struct fdt_prop {
	unsigned depth;
	const char *node, *name;
	const uint8_t *val;
	uint32_t len;
};

/* Calls fn for every property, in tree order, while fn returns true. */
static void fdt_walk(paddr_t dtb, bool (*fn)(const struct fdt_prop *p, void *ctx), void *ctx)
{
	const uint8_t *h = arch_phys_to_kernel(dtb);
	if (be32(h) != FDT_MAGIC)
		return;
	uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
	if (off_struct >= total || off_strings >= total)
		return;
	const uint8_t *p = h + off_struct, *end = h + total;
	const char *strings = (const char *)h + off_strings;
	struct fdt_prop prop = { .node = "" };

	while (p + 4 <= end) {
		uint32_t token = be32(p);
		p += 4;
		if (token == FDT_BEGIN_NODE) {
			prop.node = (const char *)p;
			prop.depth++;
			p += ALIGN_UP(strlen(prop.node) + 1, 4);
		} else if (token == FDT_END_NODE) {
			if (prop.depth-- == 0)
				return;
			prop.node = "";
		} else if (token == FDT_PROP) {
			if (p + 8 > end)
				return;
			prop.len = be32(p);
			prop.name = strings + be32(p + 4);
			prop.val = p + 8;
			p = prop.val + ALIGN_UP(prop.len, 4);
			if (p > end || (const uint8_t *)prop.name >= end || !fn(&prop, ctx))
				return;
		} else if (token != FDT_NOP) {
			return; /* FDT_END or garbage */
		}
	}
}

struct memory_walk {
	struct boot_region *ram;
	unsigned max, count, addr_cells, size_cells;
};

static bool memory_prop(const struct fdt_prop *p, void *ctx)
{
	struct memory_walk *m = ctx;

	if (p->depth == 1 && same(p->name, "#address-cells") && p->len == 4)
		m->addr_cells = be32(p->val);
	else if (p->depth == 1 && same(p->name, "#size-cells") && p->len == 4)
		m->size_cells = be32(p->val);
	else if (p->depth == 2 && prefix(p->node, "memory") && same(p->name, "reg") &&
		 m->addr_cells <= 2 && m->size_cells <= 2) {
		unsigned entry = 4 * (m->addr_cells + m->size_cells);
		for (uint32_t o = 0; o + entry <= p->len && m->count < m->max; o += entry) {
			uint64_t base = cells(p->val + o, m->addr_cells);
			uint64_t size = cells(p->val + o + 4 * m->addr_cells, m->size_cells);
			if (size && base + size > base)
				m->ram[m->count++] = (struct boot_region){ base, base + size };
		}
	}
	return true;
}

unsigned fdt_memory(paddr_t dtb, struct boot_region *ram, unsigned max)
{
	struct memory_walk m = { ram, max, 0, 2, 1 };

	fdt_walk(dtb, memory_prop, &m);
	return m.count;
}

struct string_walk {
	const char *name;
	char *buf;
	size_t size;
	bool found;
};

/* A root property: properties come before a node's children, so the
 * first deeper one ends the search. */
static bool string_prop(const struct fdt_prop *p, void *ctx)
{
	struct string_walk *s = ctx;

	if (p->depth != 1)
		return false;
	if (!same(p->name, s->name))
		return true;
	if (p->len < 2 || p->len > s->size || p->val[p->len - 1] != '\0')
		return false;
	for (uint32_t i = 0; i + 1 < p->len; i++) {
		if (p->val[i] < 0x20 || p->val[i] > 0x7e)
			return false;
		s->buf[i] = (char)p->val[i];
	}
	s->buf[p->len - 1] = '\0';
	s->found = true;
	return false;
}

bool fdt_root_string(paddr_t dtb, const char *name, char *buf, size_t size)
{
	struct string_walk s = { name, buf, size, false };

	fdt_walk(dtb, string_prop, &s);
	return s.found;
}
