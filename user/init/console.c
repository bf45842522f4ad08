/* The console: COM1 through the IOPort capability, input by interrupt. */
#include "init.h"
#include "invoke.h"
#include <printf.h>
#include <serial.h>

void console_init(void)
{
	/* Until the UART answers, printf goes through the kernel's putchar. */
	if (serial_init(KOZO_CAP_IOPORT, SERIAL_COM1) != KOZO_OK) {
		printf("init: no IOPort access to COM1; console via kernel putchar\n");
		return;
	}
	kozo_set_output(serial_write);

	uint64_t ntfn = 0, handler = slots_alloc(1);
	int err = handler ? KOZO_OK : KOZO_ERR_RANGE;
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
