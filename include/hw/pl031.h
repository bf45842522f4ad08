/* The PL031 real-time clock (PrimeCell RTC PL031 TRM, ARM DDI 0224):
 * RTCDR counts seconds; QEMU's virt board keeps it at the host's time
 * since the epoch (UTC).  Hardware facts, not KOZO's ABI: the aarch64
 * kernel hands its page to Init as a device Untyped, and Init reads the
 * time once at start-up for the Linux server. */
#ifndef KOZO_HW_PL031_H
#define KOZO_HW_PL031_H

#define PL031_VIRT_BASE 0x09010000ull  /* QEMU virt (hw/arm/virt.c VIRT_RTC) */
#define PL031_DR 0x000                 /* data register: seconds */

#endif
