/* Multiboot 1 entry: QEMU starts us in 32-bit protected mode, paging off,
 * EAX = 0x2badb002, EBX = physical address of the Multiboot information
 * (Multiboot spec 0.6.96, 3.2).  We build just enough page tables to enter
 * long mode (identity map and -2 GiB map of the first GiB), jump to the
 * higher half and call kmain(magic, mbi).  The real tables come from C. */

#define MB_MAGIC 0x1badb002
/* bit 0: modules page aligned, bit 1: memory map, bit 16: a.out kludge
 * (QEMU loads no ELF64 through Multiboot, only the kludge's raw image). */
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

	.section .boot.header, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header              /* header_addr */
	.long _kernel_phys_start     /* load_addr */
	.long _load_end_phys         /* load_end_addr */
	.long _bss_end_phys          /* bss_end_addr (loader zeroes it) */
	.long _start                 /* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %edi               /* magic, kmain's first argument */
	mov %ebx, %esi               /* Multiboot info, its second */

	/* Long mode present?  CPUID 0x80000001:EDX[29] (SDM Vol. 2A, CPUID). */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode

	/* Enter IA-32e mode: CR4.PAE, CR3, EFER.LME, then CR0.PG
	 * (SDM Vol. 3A, 10.8.5 "Initializing IA-32e Mode"). */
	mov %cr4, %eax
	or $(1 << 5), %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $(1 << 8), %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax         /* PG | WP | PE */
	mov %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_entry

no_long_mode:
	mov $boot_msg_no_lm, %esi
1:	lodsb
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	out %al, %dx
	jmp 1b
2:	hlt
	jmp 2b

	.code64
long_mode_entry:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	movabs $kernel_stack_top, %rsp
	xor %ebp, %ebp
	movabs $kmain, %rax
	call *%rax
3:	cli
	hlt
	jmp 3b

	.section .boot.data, "aw"
boot_msg_no_lm:
	.asciz "KOZO: this CPU has no long mode\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff     /* 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff     /* data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	/* Early page tables: the first GiB in 2 MiB pages, seen both at 0
	 * (for the instructions right after CR0.PG) and at -2 GiB. */
	.balign 4096
boot_pml4:
	.quad boot_pdpt_low + (PTE_P | PTE_W)
	.fill 510, 8, 0
	.quad boot_pdpt_high + (PTE_P | PTE_W)
boot_pdpt_low:
	.quad boot_pd + (PTE_P | PTE_W)
	.fill 511, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + (PTE_P | PTE_W)
	.quad 0
boot_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) | (PTE_P | PTE_W | PTE_PS)
	.set i, i + 1
	.endr
