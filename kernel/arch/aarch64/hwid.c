/* Hardware identifiers for panic records, read once at boot so the panic
 * path only copies pointers: the CPU's identification registers and the
 * serial number the device tree may carry.  They go into the record as
 * HWID arguments; the collector replaces each with a keyed pseudonym and
 * never shows the value.
 *
 *   MIDR_EL1    implementer, variant, part number, revision ("midr-410fd083"
 *               on QEMU's cortex-a72)
 *   REVIDR_EL1  implementation-defined revision bits
 *   MPIDR_EL1   the CPU's affinity (position in the system)
 *   serial-number  the root node's property (Devicetree Specification
 *               v0.4, 3.2), when the firmware sets one; QEMU's virt does
 *               not, so tests pass a device tree that has it (-dtb)
 *
 * The device tree is read here because it is at the start of RAM, which
 * boot hands to Init as Untyped memory. */
#include "kernel.h"
#include "kprintf.h"
#include "aarch64.h"
#include "cpu.h"

#define SERIAL_MAX 65

static char midr[24], revidr[24], mpidr[24];
static char serial[SERIAL_MAX];

void hwid_init(paddr_t dtb)
{
	ksnprintf(midr, sizeof(midr), "midr-%08lx", (unsigned long)read_sysreg(midr_el1));
	ksnprintf(revidr, sizeof(revidr), "revidr-%08lx", (unsigned long)read_sysreg(revidr_el1));
	ksnprintf(mpidr, sizeof(mpidr), "mpidr-%08lx", (unsigned long)read_sysreg(mpidr_el1));
	if (!fdt_root_string(dtb, "serial-number", serial, sizeof(serial)))
		serial[0] = '\0';
	kprintf("hwid: device-tree serial-number %s, cpu %s\n", serial[0] ? "found" : "none",
		midr);
}

void arch_panic_hwids(const char *ids[PANIC_HWIDS])
{
	ids[0] = serial;
	ids[1] = midr;
	ids[2] = revidr;
	ids[3] = mpidr;
}
