/* Addresses of the x86_64 kernel that user space must not reach: the
 * forbidden command checks that touching them faults. */
#ifndef KOZO_USER_LAYOUT_ARCH_H
#define KOZO_USER_LAYOUT_ARCH_H

#define KOZO_ARCH_KERNEL_TEXT 0xffffffff80100000ull       /* kernel image, upper half */
#define KOZO_ARCH_KERNEL_DIRECT_MAP 0xffff800000100000ull /* physical memory, as the kernel sees it */

#endif
