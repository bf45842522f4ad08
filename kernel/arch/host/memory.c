/* The machine's RAM and the kernel's view of it: one host allocation,
 * reached through the same kind of linear map as x86_64's direct map. */
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "arch.h"

struct host_machine *host_machine_active;

/* The last machine destroyed, kept for the next one of the same size: a
 * fuzzer makes a machine per input, and fresh host pages for its RAM cost
 * more than the input's whole run. */
static struct host_machine *spare;

static struct host_machine *machine_alloc(size_t ram_size)
{
	struct host_machine *m = spare;
	if (m && m->ram_size == ram_size) {
		spare = NULL;
		uint8_t *ram = m->ram;
		memset(m, 0, sizeof(*m));
		m->ram = ram;
		return m;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->ram = aligned_alloc(ram_size, ram_size);
	if (!m->ram) {
		free(m);
		return NULL;
	}
	return m;
}

struct host_machine *host_machine_create(size_t ram_size)
{
	if (ram_size < (1u << 16) || ram_size > HOST_RAM_MAX || (ram_size & (ram_size - 1)))
		return NULL;
	struct host_machine *m = machine_alloc(ram_size);
	if (!m)
		return NULL;
	m->ram_size = ram_size;
	memset(m->ram, HOST_RAM_POISON, ram_size);
	for (unsigned i = 0; i < HOST_IRQ_LINES; i++)
		m->irq_masked[i] = true;
	host_machine_active = m;
	return m;
}

void host_machine_destroy(struct host_machine *m)
{
	if (!m)
		return;
	if (host_machine_active == m)
		host_machine_active = NULL;
	if (spare) {
		free(spare->ram);
		free(spare);
	}
	spare = m;
}

bool host_phys_in_ram(paddr_t p, size_t len)
{
	const struct host_machine *m = host_machine_active;
	return m && p >= HOST_RAM_BASE && p - HOST_RAM_BASE <= m->ram_size &&
	       len <= m->ram_size - (p - HOST_RAM_BASE);
}

/* The core only translates addresses it made itself (page-table entries,
 * objects in RAM): anything else is a kernel bug. */
void *arch_phys_to_kernel(paddr_t p)
{
	if (!host_phys_in_ram(p, 0))
		panic("phys_to_kernel: %p outside RAM", PANIC_ADDR(p));
	return host_machine_active->ram + (p - HOST_RAM_BASE);
}

paddr_t arch_kernel_to_phys(const void *v)
{
	const struct host_machine *m = host_machine_active;
	uintptr_t a = (uintptr_t)v, ram = (uintptr_t)(m ? m->ram : NULL);
	if (!m || a < ram || a - ram > m->ram_size)
		panic("kernel_to_phys: %p outside RAM", PANIC_ADDR(v));
	return HOST_RAM_BASE + (a - ram);
}
