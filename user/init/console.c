/* The console: the UART named by BootInfo, input by interrupt.  Its
 * registers are I/O ports behind the IOPort capability (x86_64 COM1) or,
 * when BootInfo gives their physical address, a Frame retyped from the
 * device Untyped that holds them and mapped into Init (aarch64 PL011). */
#include "init.h"
#include "invoke.h"
#include <printf.h>
#include <serial.h>

#define CONSOLE_MMIO_VADDR 0x200000000000ull  /* with its own page tables */

/* The device Untyped holding paddr, or 0. */
static uint64_t device_untyped_for(uint64_t paddr)
{
	for (uint64_t s = boot_info->untyped.start; s < boot_info->untyped.end; s++) {
		struct slot_info *e = slot_get(s);
		if (e && e->type == KOZO_OBJ_UNTYPED && (e->flags & SLOT_DEVICE) &&
		    paddr >= e->paddr && paddr - e->paddr < (1ull << e->size_bits))
			return s;
	}
	return 0;
}

/* Map the page of UART registers at paddr; returns a kozo_error and the
 * virtual address of the registers in *vaddr. */
static int map_uart(uint64_t paddr, uint64_t *vaddr)
{
	static const unsigned types[3] = { KOZO_OBJ_PT_L1, KOZO_OBJ_PT_L2, KOZO_OBJ_PT_L3 };
	uint64_t ut = device_untyped_for(paddr), frame, table;
	if (!ut || paddr != slot_get(ut)->paddr)
		return KOZO_ERR_FAILED_LOOKUP;
	int err = init_retype_one(ut, KOZO_OBJ_FRAME, 0, &frame);
	for (int i = 0; !err && i < 3; i++) {
		err = init_alloc_object(types[i], 0, &table);
		if (!err)
			err = kozo_page_table_map(table, KOZO_CAP_INIT_VSPACE, CONSOLE_MMIO_VADDR);
	}
	if (!err)
		err = kozo_frame_map(frame, KOZO_CAP_INIT_VSPACE, CONSOLE_MMIO_VADDR,
				     KOZO_RIGHT_READ | KOZO_RIGHT_WRITE, false);
	*vaddr = CONSOLE_MMIO_VADDR;
	return err;
}

void console_init(void)
{
	uint64_t base = SERIAL_COM1;
	int err = KOZO_OK;
	if (boot_info->serial_paddr)
		err = map_uart(boot_info->serial_paddr, &base);
	/* Until the UART answers, printf goes through the kernel's putchar. */
	if (err || serial_init(KOZO_CAP_IOPORT, base) != KOZO_OK) {
		printf("init: no access to the console UART (%s); console via kernel putchar\n",
		       kozo_error_name((unsigned)err));
		return;
	}
	kozo_set_output(serial_write);

	uint64_t ntfn = 0, handler = slots_alloc(1);
	err = handler ? KOZO_OK : KOZO_ERR_RANGE;
	if (!err)
		err = kozo_irq_control_get(KOZO_CAP_IRQ_CONTROL, (unsigned)boot_info->serial_irq,
					   KOZO_CAP_INIT_CNODE, handler, INIT_DEPTH);
	if (!err) {
		slots_record(handler, KOZO_OBJ_IRQ_HANDLER, KOZO_RIGHTS_ALL,
			     boot_info->serial_irq, 0, 0, 0);
		err = init_alloc_object(KOZO_OBJ_NOTIFICATION, 0, &ntfn);
	}
	/* The IRQ signals through a badged copy: a signal ORs its badge into
	 * the notification word, and a zero badge would leave no trace when
	 * the interrupt comes while Init is busy. */
	uint64_t badged = err ? 0 : slots_alloc(1);
	if (!err)
		err = badged ? kozo_cnode_mint(KOZO_CAP_INIT_CNODE, badged, INIT_DEPTH,
					      KOZO_CAP_INIT_CNODE, ntfn, INIT_DEPTH,
					      KOZO_RIGHTS_ALL, CONSOLE_IRQ_BADGE)
			     : KOZO_ERR_RANGE;
	if (!err) {
		slots_record(badged, KOZO_OBJ_NOTIFICATION, KOZO_RIGHTS_ALL, CONSOLE_IRQ_BADGE,
			     ntfn, 0, 0);
		err = kozo_irq_handler_set_notification(handler, badged);
	}
	if (err) {
		printf("init: serial IRQ %lu setup failed: %s; polling input\n",
		       boot_info->serial_irq, kozo_error_name((unsigned)err));
		return;
	}
	serial_enable_rx_irq(handler, ntfn);
}
