/* The panic channel (COM2) must be out of a test program's reach: it holds no
 * IOPort capability (only the console server does, and the kernel refuses
 * COM2 through any IOPort capability). */
#include "tests.h"
#include "invoke.h"

#define PANIC_UART_PORT 0x2f8

int try_panic_channel(const char **what)
{
	*what = "COM2 (port 0x2f8) through the IOPort slot (empty in the test program)";
	return kozo_ioport_out8(KOZO_PROC_IOPORT, PANIC_UART_PORT, '!');
}
