/* forbidden: a thread in Init's own address space reads kernel memory, then
 * writes to the kernel's direct map.  Each access must fault; the kernel
 * sends the fault to an endpoint Init holds, Init reports it, and the
 * kernel carries on.  Should an access succeed, the thread says so by a
 * Call on a second badge and the command fails. */
#include "tests.h"
#include "invoke.h"
#include <printf.h>
#include <syscall.h>
#include <layout_arch.h>
#include <thread_arch.h>

#define KERNEL_TEXT_ADDR KOZO_ARCH_KERNEL_TEXT
#define KERNEL_DIRECT_MAP KOZO_ARCH_KERNEL_DIRECT_MAP
#define FAULT_BADGE 0xfa
#define REPORT_BADGE 0xbd
#define REPORT_READ 1
#define REPORT_WRITE 2

static uint64_t thread_stack[512] __attribute__((aligned(16)));
static uint64_t report_cptr;

static void report(uint64_t what)
{
	uint64_t mr[4] = { what, 0, 0, 0 };
	kozo_call(report_cptr, kozo_msginfo(what, 0, 0, 1), mr);
}

/* Second stage: Init's fault reply moves the thread here. */
static _Noreturn void forbidden_write(void)
{
	*(volatile uint64_t *)KERNEL_DIRECT_MAP = 0x6b6f7a6f;
	for (;;)
		report(REPORT_WRITE);
}

static _Noreturn void forbidden_read(void)
{
	(void)*(volatile uint64_t *)KERNEL_TEXT_ADDR;
	for (;;)
		report(REPORT_READ);
}

/* Wait for the thread's next event; true if it was the expected VM fault. */
static bool expect_fault(uint64_t ep, uint64_t addr, const char *what)
{
	uint64_t mr[4] = { 0 }, badge;
	uint64_t info = kozo_recv(ep, &badge, mr);
	if (badge == REPORT_BADGE) {
		printf("forbidden: the thread could %s 0x%lx: FAILED\n", what, addr);
		return false;
	}
	if (badge != FAULT_BADGE || kozo_msginfo_label(info) != KOZO_FAULT_VM) {
		printf("forbidden: unexpected message: badge 0x%lx label %lu: FAILED\n", badge,
		       kozo_msginfo_label(info));
		return false;
	}
	printf("forbidden: %s 0x%lx from ip 0x%lx\n", what, addr, mr[0]);
	printf("forbidden: thread faulted at 0x%lx (VM fault, kernel survived)\n", mr[1]);
	return true;
}

#define TRY(what, expr)                                                              \
	do {                                                                         \
		err = (expr);                                                        \
		if (err) {                                                           \
			printf("forbidden: %s: error: %s\n", what,                   \
			       kozo_error_name((unsigned)err));                      \
			goto out;                                                    \
		}                                                                    \
	} while (0)

static void cmd_forbidden(int argc, char **argv)
{
	uint64_t tcb = 0, ep = 0, fault = 0, rep = 0;
	int err;
	TRY("retype tcb", init_alloc_object(KOZO_OBJ_TCB, 0, &tcb));
	TRY("retype endpoint", init_alloc_object(KOZO_OBJ_ENDPOINT, 0, &ep));
	fault = slots_alloc(1);
	TRY("mint fault endpoint", kozo_cnode_mint(KOZO_CAP_INIT_CNODE, fault, INIT_DEPTH,
						   KOZO_CAP_INIT_CNODE, ep, INIT_DEPTH,
						   KOZO_RIGHTS_ALL, FAULT_BADGE));
	slots_record(fault, KOZO_OBJ_ENDPOINT, KOZO_RIGHTS_ALL, FAULT_BADGE, ep, 0, 0);
	rep = slots_alloc(1);
	TRY("mint report endpoint", kozo_cnode_mint(KOZO_CAP_INIT_CNODE, rep, INIT_DEPTH,
						    KOZO_CAP_INIT_CNODE, ep, INIT_DEPTH,
						    KOZO_RIGHTS_ALL, REPORT_BADGE));
	slots_record(rep, KOZO_OBJ_ENDPOINT, KOZO_RIGHTS_ALL, REPORT_BADGE, ep, 0, 0);
	report_cptr = rep;

	/* Same CSpace and VSpace as Init, its own stack, no IPC buffer. */
	TRY("configure tcb", kozo_tcb_configure(tcb, fault, init_priority, KOZO_CAP_INIT_CNODE,
						KOZO_CAP_INIT_VSPACE, 0, 0));
	uint64_t regs[KOZO_ARCH_REG_COUNT];
	kozo_arch_thread_regs(regs, (uint64_t)forbidden_read,
			      (uint64_t)&thread_stack[512] - 8, 0, 0);
	TRY("start thread", kozo_tcb_write_registers(tcb, true, KOZO_ARCH_REG_COUNT, regs));

	if (expect_fault(ep, KERNEL_TEXT_ADDR, "read kernel memory at")) {
		/* Resume it at the second stage: a one-word reply sets the IP. */
		uint64_t mr[4] = { (uint64_t)forbidden_write, 0, 0, 0 };
		kozo_reply(kozo_msginfo(0, 0, 0, 1), mr);
		expect_fault(ep, KERNEL_DIRECT_MAP, "write the kernel's direct map at");
	}
out:
	{
		const char *what;
		int err = try_panic_channel(&what);
		printf("forbidden: %s: %s\n", what,
		       err ? kozo_error_name((unsigned)err) : "REACHABLE (a kernel bug)");
	}
	/* Deleting the TCB cancels the pending fault reply. */
	init_free_slot(tcb);
	init_free_slot(rep);
	init_free_slot(fault);
	init_free_slot(ep);
	if (tcb)
		printf("forbidden: thread deleted\n");
}

const struct test_program test_program = { "forbidden", "", cmd_forbidden };
