/* See testmem.h. */
#include <stdlib.h>
#include <string.h>

#include "testmem.h"

static int find(struct testmem *m, uint64_t va)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->va[i] == va)
			return (int)i;
	return -1;
}

/* The page at va, filled on first touch; NULL when not allowed. */
static uint8_t *page(struct testmem *m, uint64_t va, bool write)
{
	int i = find(m, va);
	if (i < 0) {
		if (m->n == TESTMEM_PAGES)
			return NULL;  /* out of test memory: like a failed allocation */
		int prot = lx_page_fill(m->p, va, write, m->data[m->n]);
		if (prot < 0)
			return NULL;
		i = (int)m->n++;
		m->va[i] = va;
		m->prot[i] = prot;
	}
	return lx_prot_allows((unsigned)m->prot[i], write) ? m->data[i] : NULL;
}

static int copy(struct testmem *m, uint64_t addr, uint8_t *buf, size_t n, bool write)
{
	if (addr + n < addr || addr + n > LX_USER_TOP) {
		m->faults++;
		return -LX_EFAULT;
	}
	while (n) {
		uint64_t va = LX_PAGE_DOWN(addr), off = addr - va;
		size_t k = LX_PAGE - off < n ? (size_t)(LX_PAGE - off) : n;
		uint8_t *pg = page(m, va, write);
		if (!pg) {
			m->faults++;
			return -LX_EFAULT;
		}
		if (write)
			memcpy(pg + off, buf, k);
		else
			memcpy(buf, pg + off, k);
		addr += k, buf += k, n -= k;
	}
	return 0;
}

static int mem_read(void *ctx, uint64_t addr, void *dst, size_t n)
{
	return copy(ctx, addr, dst, n, false);
}

static int mem_write(void *ctx, uint64_t addr, const void *src, size_t n)
{
	return copy(ctx, addr, (uint8_t *)(uintptr_t)src, n, true);
}

struct lx_mem testmem_ops(struct testmem *m)
{
	return (struct lx_mem){ .read = mem_read, .write = mem_write, .ctx = m };
}

void testmem_apply(struct testmem *m, const struct lx_action *a)
{
	/* (DISCARD as UNMAP: the test memory has no shared pages.) */
	if (a->kind != LX_ACT_UNMAP && a->kind != LX_ACT_PROTECT && a->kind != LX_ACT_DISCARD)
		return;
	for (unsigned i = 0; i < m->n;) {
		if (m->va[i] >= a->addr && m->va[i] - a->addr < a->len) {
			if (a->kind == LX_ACT_PROTECT) {
				m->prot[i] = (int)a->prot;
			} else {
				m->n--;
				m->va[i] = m->va[m->n];
				m->prot[i] = m->prot[m->n];
				memcpy(m->data[i], m->data[m->n], LX_PAGE);
				continue;
			}
		}
		i++;
	}
}

void testmem_reset(struct testmem *m)
{
	m->n = 0;
	m->faults = 0;
}

unsigned testmem_budget = 1u << 14, testmem_pages_out;

static void *page_alloc(void *ctx)
{
	(void)ctx;
	if (testmem_pages_out >= testmem_budget)
		return NULL;
	void *pg = malloc(LX_FS_PAGE);
	if (pg)
		testmem_pages_out++;
	return pg;
}

static void page_free(void *ctx, void *pg)
{
	(void)ctx;
	testmem_pages_out--;
	free(pg);
}

struct lx_pages testmem_pages(void)
{
	return (struct lx_pages){ .alloc = page_alloc, .free = page_free };
}
