/* Global descriptor table and task-state segment.  In 64-bit mode segments
 * are flat; the GDT exists for the privilege levels and the TSS, which
 * holds the stack the CPU switches to on an interrupt from user mode (RSP0)
 * and the separate stacks of the interrupt-stack table (SDM Vol. 3A, 8.7). */
#include "kernel.h"
#include "x86.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS layout (SDM Vol. 3A, 8.7)");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Descriptors: SDM Vol. 3A, 3.4.5.  Flat 4 GiB limit, G=1; L=1 for the
 * 64-bit code segments. */
#define DESC_KERNEL_CODE64 0x00af9a000000ffffull
#define DESC_KERNEL_DATA 0x00cf92000000ffffull
#define DESC_USER_CODE32 0x00cffa000000ffffull
#define DESC_USER_DATA 0x00cff2000000ffffull
#define DESC_USER_CODE64 0x00affa000000ffffull

static struct tss tss __attribute__((aligned(16)));
static uint64_t gdt[8] __attribute__((aligned(16)));

/* IST stacks: 1 double fault, 2 NMI, 3 machine check.  They let those be
 * reported even when the kernel stack is unusable. */
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

static void gdt_set_tss(unsigned index, const struct tss *t)
{
	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;

	/* A 16-byte system descriptor, type 9 = available 64-bit TSS
	 * (SDM Vol. 3A, 8.2.3). */
	gdt[index] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
		     ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[index + 1] = base >> 32;
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[SEL_KERNEL_CS / 8] = DESC_KERNEL_CODE64;
	gdt[SEL_KERNEL_DS / 8] = DESC_KERNEL_DATA;
	gdt[SEL_USER_BASE / 8] = DESC_USER_CODE32;
	gdt[SEL_USER_DS / 8] = DESC_USER_DATA;
	gdt[SEL_USER_CS / 8] = DESC_USER_CODE64;

	tss.rsp[0] = (uint64_t)kernel_stack_top;
	for (unsigned i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);   /* no I/O bitmap: user port access faults */
	gdt_set_tss(SEL_TSS / 8, &tss);

	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	/* Reload CS with a far return, the data segments with plain moves; FS
	 * and GS stay null (their bases are MSRs). */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(SEL_KERNEL_CS), "i"(SEL_KERNEL_DS), "r"(SEL_TSS)
			 : "rax", "memory");
}
