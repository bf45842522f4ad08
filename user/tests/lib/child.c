/* The program selftest copies into a fresh address space.  Its bytes are
 * copied, not linked, so it must be position independent and
 * self-contained: no globals, no string constants, no calls out of the
 * .child_text section (mk/user.mk checks this object has no relocations).
 *
 * Protocol on the endpoint the child gets in RDI:
 *   Call ADD  (MR0 20, MR1 21)  -> reply MR0 = the sum
 *   Call ECHO (MR0 sum + 1)     -> the parent checks it (42), replies
 *   Call DONE                   -> no reply; the parent deletes us */
#include "tests.h"
#include <cycles_arch.h>
#include <syscall.h>

#define CHILD_TEXT __attribute__((section(".child_text"), used, noinline))

CHILD_TEXT void child_entry(uint64_t endpoint)
{
	uint64_t mr[4] = { CHILD_ARG_A, CHILD_ARG_B, 0, 0 };
	uint64_t info = kozo_call(endpoint, kozo_msginfo(CHILD_LABEL_ADD, 0, 0, 2), mr);

	/* Send back what we got, plus one, so the parent sees that its reply
	 * arrived and that this code computed on it. */
	uint64_t sum = kozo_msginfo_length(info) >= 1 ? mr[0] : 0;
	mr[0] = sum + 1;
	mr[1] = mr[2] = mr[3] = 0;
	kozo_call(endpoint, kozo_msginfo(CHILD_LABEL_ECHO, 0, 0, 1), mr);

	for (;;) {
		mr[0] = mr[1] = mr[2] = mr[3] = 0;
		kozo_call(endpoint, kozo_msginfo(CHILD_LABEL_DONE, 0, 0, 0), mr);
	}
}

/* The IPC server of ipcbench and ipctest, run in its own address space or
 * in Init's.  It answers every message with one of the same length and
 * leaves the message registers as they came (an echo), except for
 * CHILD_LABEL_STAMP: then MR0 is the time just after the receive and MR1
 * the time just before the reply, for one-way figures. */
CHILD_TEXT void child_ipc_server(uint64_t endpoint)
{
	uint64_t mr[4] = { 0, 0, 0, 0 }, badge;
	uint64_t info = kozo_recv(endpoint, &badge, mr);
	for (;;) {
		if (kozo_msginfo_label(info) == CHILD_LABEL_STAMP) {
			mr[0] = kozo_arch_cycles();
			info = kozo_msginfo(0, 0, 0, 2);
			mr[1] = kozo_arch_cycles();
		}
		info = kozo_reply_recv(endpoint, kozo_msginfo(0, 0, 0, kozo_msginfo_length(info)),
				       mr, &badge);
	}
}
