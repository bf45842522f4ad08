/* The Linux server's process: Init starts it with its CNode, an Untyped
 * budget, a console client capability (its own notification for input)
 * and the endpoint it serves (KOZO_PROC_SERVICE); the shell Calls it with
 * LINUX_RUN (user/lib/linux_proto.h). */
#include "kozo_alloc.h"
#include "server.h"
#include <console.h>
#include <linux_proto.h>
#include <printf.h>
#include <string.h>
#include <syscall.h>
#include <thread_arch.h>
#include <invoke.h>

static char args[LINUX_ARGS_MAX + 1];
static char *argv[LINUX_ARGC_MAX + 1];

/* The request's arguments; argc, or -1 when they are malformed. */
static int unpack_args(uint64_t info, const uint64_t mr[4])
{
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	unsigned len = kozo_msginfo_length(info);
	uint64_t n = mr[0];
	if (len < 1 || n == 0 || n > LINUX_ARGS_MAX || (n + 7) / 8 + 1 > len)
		return -1;
	uint64_t words[120];
	for (unsigned i = 0; i < (n + 7) / 8; i++)
		words[i] = i + 1 < 4 ? mr[i + 1] : ipc->msg[i + 1];
	memcpy(args, words, n);
	if (args[n - 1] != '\0')
		return -1;
	int argc = 0;
	for (uint64_t at = 0; at < n; at += strlen(args + at) + 1) {
		if (argc == LINUX_ARGC_MAX)
			return -1;
		argv[argc++] = args + at;
	}
	argv[argc] = NULL;
	return argc;
}

/* Two threads.  The front desk receives the shell's Call and holds its
 * reply while the main thread (the one Init supervises) runs the program:
 * the main thread receives its Linux processes' faults, and a thread has
 * one reply to give at a time.  They meet through notifications: the
 * front desk signals one when a request came, the main thread another when
 * the program has ended. */
#define DESK_IPC_ADDR (KOZO_PROC_IPC_ADDR + 1024)

static struct {
	int argc;       /* 0: the isolation test */
	int status;
} request;
static const struct kozo_startup *startup;
static uint64_t desk_ntfn, request_ntfn;
static uint64_t desk_stack[1024] __attribute__((aligned(16)));

static void front_desk(uint64_t arg)
{
	(void)arg;
	uint64_t mr[4] = { 0 }, badge;
	uint64_t info = kozo_recv(KOZO_PROC_SERVICE, &badge, mr);
	for (;;) {
		uint64_t reply = kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0);
		if (kozo_msginfo_label(info) == LINUX_RUN) {
			request.argc = unpack_args(info, mr);
			if (request.argc < 1) {
				reply = kozo_msginfo(KOZO_ERR_INVALID_ARGUMENT, 0, 0, 0);
			} else {
				kozo_signal(request_ntfn);
				kozo_wait(desk_ntfn);
				mr[0] = (uint64_t)request.status;
				reply = kozo_msginfo(KOZO_OK, 0, 0, 1);
			}
		} else if (kozo_msginfo_label(info) == LINUX_ISOTEST) {
			request.argc = 0;
			kozo_signal(request_ntfn);
			kozo_wait(desk_ntfn);
			reply = kozo_msginfo((uint64_t)request.status, 0, 0, 0);
		} else if (kozo_msginfo_label(info) == LINUX_MEMORY) {
			/* The main thread is idle: the desk only takes a request
			 * when the last run has ended. */
			unsigned whole, total;
			uint64_t bytes;
			linux_memory(&whole, &total, &bytes);
			mr[0] = whole;
			mr[1] = total;
			mr[2] = bytes;
			reply = kozo_msginfo(KOZO_OK, 0, 0, 3);
		}
		info = kozo_reply_recv(KOZO_PROC_SERVICE, reply, mr, &badge);
	}
}

static int start_desk(void)
{
	uint64_t tcb, regs[KOZO_ARCH_REG_COUNT];
	int err = lxs_alloc(KOZO_OBJ_NOTIFICATION, 0, &desk_ntfn);
	if (!err)
		err = lxs_alloc(KOZO_OBJ_NOTIFICATION, 0, &request_ntfn);
	if (!err)
		err = lxs_alloc(KOZO_OBJ_TCB, 0, &tcb);
	if (err)
		return err;
	struct kozo_ipc_buffer *buf = (struct kozo_ipc_buffer *)DESK_IPC_ADDR;
	memset(buf, 0, sizeof(*buf));
	buf->user_data = DESK_IPC_ADDR;
	kozo_arch_thread_regs(regs, (uint64_t)front_desk, (uint64_t)&desk_stack[1024] - 8, 0,
			      DESK_IPC_ADDR);
	err = kozo_tcb_configure(tcb, 0, lxs_priority, KOZO_PROC_CNODE, KOZO_PROC_VSPACE,
				 DESK_IPC_ADDR, KOZO_PROC_IPC_FRAME);
	if (!err)
		err = kozo_tcb_write_registers(tcb, true, KOZO_ARCH_REG_COUNT, regs);
	return err;
}

_Noreturn void kozo_main(const struct kozo_startup *st);

_Noreturn void kozo_main(const struct kozo_startup *st)
{
	console_client_init(KOZO_PROC_CONSOLE, KOZO_PROC_NTFN);
	/* A byte at a time: input typed ahead of what a program reads stays
	 * with the console, for the shell when the program has ended. */
	console_read_max(1);
	kozo_set_output(console_write);
	if (st->magic != KOZO_STARTUP_MAGIC) {
		printf("linux: bad startup info\n");
		for (;;)
			kozo_wait(KOZO_PROC_NTFN);
	}
	lxs_alloc_init(st);
	linux_set_clock(st->arg[0], st->arg[1], st->arg[2]);  /* Init read the RTC */
	startup = st;
	int err = start_desk();
	if (err) {
		printf("linux: starting the front desk: %s\n", kozo_error_name((unsigned)err));
		for (;;)
			kozo_wait(KOZO_PROC_NTFN);
	}
	for (;;) {
		kozo_wait(request_ntfn);
		(void)console_take_signals();
		if (request.argc == 0)
			request.status = linux_isotest(startup) ? KOZO_OK : KOZO_ERR_ILLEGAL_OPERATION;
		else
			request.status = linux_run(request.argc, argv);
		kozo_signal(desk_ntfn);
	}
}
