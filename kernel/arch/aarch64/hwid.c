/* Hardware identifiers for panic records, read once at boot: the CPU's
 * identification registers and the serial number the device tree may
 * carry.  panic_identity_init (kernel/core/panic_identity.c) turns them
 * into keyed pseudonyms with the device secret from fw_cfg and wipes them:
 * no raw ID reaches a serial line.  The secret also tells apart boards
 * without a serial-number.  Also here: the boot nonce's entropy (RNDR when
 * ID_AA64ISAR0_EL1.RNDR says so, the fw_cfg seed kozo-run provisions per
 * boot, counter jitter; QEMU's cortex-a72 has no RNDR) and the counter at
 * boot, for the record's uptime.
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

#define ID_SIZE 65

static char midr[ID_SIZE], revidr[ID_SIZE], mpidr[ID_SIZE];
static char serial[ID_SIZE];
static uint64_t boot_count;

/* QEMU virt's fw_cfg: MMIO, data at +0 (byte reads), selector at +8
 * (16-bit, big-endian).  Inside the first GiB that boot.S maps for
 * devices, and never handed to user space (only UART0 is). */
#define VIRT_FW_CFG 0x09020000ull
#define FW_CFG_DATA 0x0
#define FW_CFG_SEL 0x8

static void fw_cfg_select(uint16_t item)
{
	volatile uint16_t *sel = (volatile uint16_t *)((uintptr_t)arch_phys_to_kernel(VIRT_FW_CFG) +
						       FW_CFG_SEL);

	*sel = __builtin_bswap16(item);
}

static uint8_t fw_cfg_read8(void)
{
	return *(volatile uint8_t *)((uintptr_t)arch_phys_to_kernel(VIRT_FW_CFG) + FW_CFG_DATA);
}

static const struct fw_cfg_ops fw_cfg = { fw_cfg_select, fw_cfg_read8 };

#define ID_AA64ISAR0_RNDR_SHIFT 60
#define RNDR "s3_3_c2_c4_0"

static bool rndr(uint64_t *v)
{
	uint64_t nzcv;

	__asm__ volatile("mrs %0, " RNDR "\n\tmrs %1, nzcv" : "=r"(*v), "=r"(nzcv));
	return (nzcv & (1ull << 30)) == 0; /* Z set: no random number */
}

static uint64_t counter(void)
{
	return read_sysreg(cntpct_el0);
}

void hwid_init(paddr_t dtb)
{
	uint8_t secret[PANIC_SECRET_SIZE], pool[192];
	size_t secret_size = 0, pool_len;

	boot_count = read_sysreg(cntpct_el0);
	ksnprintf(midr, sizeof(midr), "midr-%08lx", (unsigned long)read_sysreg(midr_el1));
	ksnprintf(revidr, sizeof(revidr), "revidr-%08lx", (unsigned long)read_sysreg(revidr_el1));
	ksnprintf(mpidr, sizeof(mpidr), "mpidr-%08lx", (unsigned long)read_sysreg(mpidr_el1));
	if (!fdt_root_string(dtb, "serial-number", serial, sizeof(serial)))
		serial[0] = '\0';
	kprintf("hwid: device-tree serial-number %s, cpu ID registers read\n",
		serial[0] ? "found" : "none");
	fw_cfg_file_read(&fw_cfg, "opt/kozo/secret", secret, sizeof(secret), &secret_size);
	uint32_t sources;
	bool has_rndr = (read_sysreg(id_aa64isar0_el1) >> ID_AA64ISAR0_RNDR_SHIFT) & 0xf;

	pool_len = panic_entropy_gather(&fw_cfg, has_rndr ? rndr : NULL, counter, pool,
					sizeof(pool), &sources);
	char *ids[PANIC_HWIDS] = { serial, midr, revidr, mpidr };

	panic_identity_init(ids, ID_SIZE, secret_size == PANIC_SECRET_SIZE ? secret : NULL,
			    pool, pool_len, sources);
	panic_wipe(secret, sizeof(secret)); /* also when it was not used */
}

uint64_t arch_panic_uptime(uint64_t *hz)
{
	*hz = read_sysreg(cntfrq_el0);
	return read_sysreg(cntpct_el0) - boot_count;
}
