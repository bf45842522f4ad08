/* Entry from QEMU -kernel (an ELF, not a Linux Image): the CPU starts at
 * _start with the MMU off.  With -M virt,secure=on that is EL3; without
 * secure=on it is EL1 (non-secure), and there is no crash UART.
 *
 * At EL3 we configure the lower levels (AArch64 EL1, Secure state, GICv3
 * system registers, PMU counting in Secure state) and ERET to Secure EL1.
 * Nothing stays behind at EL3: no monitor, no SMC interface.  At EL1 we
 * enable the MMU on early tables that map the first 4 GiB of physical
 * memory 1:1 (for the next few instructions) and at DIRECT_MAP_BASE, jump
 * to the higher half, clear .bss and call kmain(dtb).  paging.c builds the
 * real tables.  x0 at entry may hold the device tree's address (QEMU passes
 * 0 to ELF images and puts the DTB at the start of RAM); kmain checks.
 *
 * Register layouts: Arm ARM DDI 0487 D13 (SCR_EL3, SCTLR_EL1, TCR_EL1,
 * MAIR_EL1), D5.3 (translation table descriptors). */

#define SCR_RW (1 << 10)            /* EL1 is AArch64; NS = 0: Secure */
#define MDCR_SPME (1 << 17)         /* PMU counts in Secure state */
#define ICC_SRE_EL3 S3_6_C12_C12_5
#define SRE_ALL 0xf                 /* SRE, DFB, DIB, Enable (lower ELs) */
#define SPSR_EL1H_MASKED 0x3c5      /* EL1h, D A I F masked */

/* SCTLR_EL1: RES1 bits (v8.0: 29 28 23 22 20 11), then M C SA SA0 I,
 * EL0 may WFI/WFE (nTWI nTWE), read CTR_EL0 (UCT), DC ZVA (DZE) and do
 * cache maintenance by VA (UCI). */
#define SCTLR_RES1 0x30d00800
#define SCTLR_MMU_ON (SCTLR_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12) | \
		      (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26))

/* MAIR_EL1: 0 Device-nGnRnE, 1 Normal write-back RW-allocate,
 * 2 Device-nGnRE, 3 Normal non-cacheable. */
#define MAIR_VALUE 0x4404ff00

/* TCR_EL1: T0SZ = T1SZ = 16 (48-bit), 4 KiB granules (TG0 0, TG1 2),
 * walks inner/outer write-back, inner shareable, IPS 40 bits, ASIDs taken
 * from TTBR0 (A1 = 0).  AS (bit 36, 16-bit ASIDs) is set below only when
 * ID_AA64MMFR0_EL1.ASIDBits says the core has them: on an 8-bit core AS is
 * RES0, and the kernel hands out ASIDs below 256 (arch_asid_bits). */
#define TCR_VALUE ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | \
		   (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | \
		   (2 << 32))
#define TCR_AS_BIT 36

/* Early 1 GiB block descriptors: AF, inner shareable, EL1 only. */
#define BLK_DEVICE (0x1 | (0 << 2) | (1 << 10) | (3 << 53))
#define BLK_NORMAL (0x1 | (1 << 2) | (3 << 8) | (1 << 10))

	.section .boot.text, "ax"
	.globl _start
_start:
	mov x19, x0                  /* the DTB, if the loader passed one */
	mrs x0, CurrentEL
	lsr x0, x0, #2
	mov x20, x0                  /* the entry EL, for the log */
	cmp x0, #3
	b.eq from_el3
	cmp x0, #2
	b.eq from_el2
	b el1_start

from_el3:
	mov x0, #SCR_RW
	msr scr_el3, x0
	msr cptr_el3, xzr            /* no FP/SIMD traps to EL3 */
	mov x0, #MDCR_SPME
	msr mdcr_el3, x0
	mov x0, #SRE_ALL
	msr ICC_SRE_EL3, x0
	isb
	b drop_to_el1

from_el2:
	mov x0, #(1 << 31)           /* HCR_EL2.RW: EL1 is AArch64 */
	msr hcr_el2, x0
	mov x0, #3                   /* EL1 may use the physical timer */
	msr cnthctl_el2, x0
	msr cntvoff_el2, xzr
	msr cptr_el2, xzr

drop_to_el1:
	ldr x0, =SCTLR_RES1
	msr sctlr_el1, x0
	mov x0, #SPSR_EL1H_MASKED
	adr x1, el1_start
	mrs x2, CurrentEL
	cmp x2, #(3 << 2)
	b.ne 1f
	msr spsr_el3, x0
	msr elr_el3, x1
	eret
1:	msr spsr_el2, x0
	msr elr_el2, x1
	eret

el1_start:
	msr daifset, #0xf
	ldr x0, =MAIR_VALUE
	msr mair_el1, x0
	ldr x0, =TCR_VALUE
	mrs x1, id_aa64mmfr0_el1
	ubfx x1, x1, #4, #4          /* ASIDBits: 2 = 16 bits */
	cmp x1, #2
	b.ne 4f
	orr x0, x0, #(1 << TCR_AS_BIT)
4:	msr tcr_el1, x0
	adr x0, boot_l0
	msr ttbr0_el1, x0
	msr ttbr1_el1, x0
	msr cpacr_el1, xzr           /* FP/SIMD traps: switched lazily */
	isb
	tlbi vmalle1
	dsb nsh
	isb
	ldr x0, =SCTLR_MMU_ON
	msr sctlr_el1, x0
	isb
	ldr x0, =higher_half
	br x0

	.text
higher_half:
	ldr x0, =kernel_stack_top
	mov sp, x0
	ldr x0, =__bss_start
	ldr x1, =__bss_end
2:	cmp x0, x1
	b.hs 3f
	stp xzr, xzr, [x0], #16
	b 2b
3:	mov x29, #0
	mov x30, #0
	mov x0, x19
	mov x1, x20
	bl kmain
4:	wfi
	b 4b

	.section .boot.data, "aw"
	/* The first 4 GiB in 1 GiB blocks: devices in the first, RAM above;
	 * the same table serves TTBR0 (identity) and TTBR1 (higher half). */
	.balign 4096
boot_l0:
	.quad boot_l1 + 3
	.fill 511, 8, 0
boot_l1:
	.quad (0 << 30) | BLK_DEVICE
	.quad (1 << 30) | BLK_NORMAL
	.quad (2 << 30) | BLK_NORMAL
	.quad (3 << 30) | BLK_NORMAL
	.fill 508, 8, 0
