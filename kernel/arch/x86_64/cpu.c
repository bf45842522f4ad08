/* CPU features and control registers, and the SYSCALL MSRs. */
#include "kernel.h"
#include "kprintf.h"
#include "cpu.h"
#include "x86.h"

struct cpu_features cpu_features;

/* Called first, before the kernel's page tables exist: they use NX and
 * global bits, which need EFER.NXE and CR4.PGE. */
void cpu_init(void)
{
	uint32_t r[4];

	/* CPUID leaf numbers and bits: SDM Vol. 2A, CPUID, tables 3-8 to 3-20. */
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	cpuid(1, 0, r);
	cpu_features.x2apic = r[2] & (1u << 21);
	cpu_features.pge = r[3] & (1u << 13);
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		cpu_features.smep = r[1] & (1u << 7);
		cpu_features.smap = r[1] & (1u << 20);
		cpu_features.umip = r[2] & (1u << 2);
	}
	cpuid(0x80000001, 0, r);
	cpu_features.nx = r[3] & (1u << 20);

	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);

	/* WP: supervisor writes honour read-only pages (SDM Vol. 3A, 2.5).
	 * FPU native errors, no emulation, no lazy switching (TS clear): the
	 * FXSAVE state is switched eagerly by context.c.  AM lets user space
	 * ask for alignment checks with RFLAGS.AC. */
	uint64_t cr0 = read_cr0();
	cr0 |= CR0_WP | CR0_NE | CR0_MP | CR0_AM;
	cr0 &= ~(CR0_EM | CR0_TS);
	write_cr0(cr0);

	/* OSFXSR/OSXMMEXCPT: SSE usable in user mode (SDM Vol. 3A, 13.1.3).
	 * SMEP/SMAP: the kernel never executes or touches user pages; it reads
	 * user memory only through the direct map of Frames.  UMIP hides the
	 * GDT/IDT addresses from user space. */
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	if (cpu_features.umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);

	kprintf("cpu: nx %d pge %d smep %d smap %d umip %d x2apic %d\n",
		cpu_features.nx, cpu_features.pge, cpu_features.smep,
		cpu_features.smap, cpu_features.umip, cpu_features.x2apic);
}

extern char syscall_entry[];

/* SYSCALL enters at LSTAR with CS/SS from STAR[47:32]; SYSRET returns with
 * CS/SS from STAR[63:48]; FMASK clears RFLAGS bits on entry (SDM Vol. 3A,
 * 5.8.8).  IF stays clear in the kernel; DF, TF, AC, NT must not leak in. */
void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, (uint64_t)SEL_USER_BASE << 48 | (uint64_t)SEL_KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT |
				 RFLAGS_IOPL);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
