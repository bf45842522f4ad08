# Attach gdb to `make debug` (QEMU stopped at its first instruction):
#     gdb -x scripts/kozo.gdb
# from the repository root.  QEMU's gdbstub reports 64-bit registers even
# while the kernel still runs its 32-bit Multiboot entry.
set architecture i386:x86-64
file build/x86_64/kozo.elf
target remote :1234
# Hardware breakpoints work before paging maps the higher half.  Others
# worth having: panic_typed (every panic), panic_fault (a kernel fault),
# kernel_boot.
hbreak kmain
echo \nkozo.gdb: breakpoint at kmain; type `continue`.\n
