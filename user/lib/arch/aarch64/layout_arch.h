/* Addresses of the aarch64 kernel that user space must not reach: the
 * forbidden command checks that touching them faults. */
#ifndef KOZO_USER_LAYOUT_ARCH_H
#define KOZO_USER_LAYOUT_ARCH_H

#define KOZO_ARCH_KERNEL_TEXT 0xffff000040201000ull   /* kernel text (TTBR1) */
#define KOZO_ARCH_KERNEL_DIRECT_MAP 0xffff000041000000ull /* RAM, as the kernel sees it */

#endif
