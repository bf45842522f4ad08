/* QEMU's firmware configuration device (fw_cfg), as far as KOZO uses it:
 * the kernel reads the device secret of panic records from it
 * (kernel/core/panic_identity.c), so it is the kernel's alone.  x86_64
 * reaches it through I/O ports, aarch64 `virt` through MMIO. */
#ifndef KOZO_HW_FW_CFG_H
#define KOZO_HW_FW_CFG_H

#define FW_CFG_IO_SEL 0x510   /* 16-bit selector */
#define FW_CFG_IO_DATA 0x511  /* 8-bit data */
#define FW_CFG_IO_PORTS 12    /* 0x510..0x51b, the DMA address included */

#endif
