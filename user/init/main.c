/* Init: the root task, and nothing else.  It takes BootInfo, starts the
 * servers from the program archive linked into it (console, shell), each
 * with the capabilities docs/SERVERS.md lists, and supervises them: their
 * faults come to Init's endpoint, are reported, and the process is
 * restarted or left stopped by the policy below.  Init answers requests
 * (`ps`) with a Reply and never waits on a process.
 *
 * Restart policy: a faulting process is destroyed (its slice and budget
 * revoked, so its memory comes back whole) and started again, at most
 * RESTART_MAX times; after that it is left stopped.  Init's output goes
 * through the console server; while the console is not running (before
 * it starts, or after it faulted) through the kernel's debug putchar. */
#include <console.h>
#include <cspace.h>
#include <invoke.h>
#include <linux_proto.h>
#include <printf.h>
#include <proc.h>
#include <spawn.h>
#include <cycles_arch.h>
#include <hw/pl031.h>
#include <hw/uart16550.h>
#include <string.h>
#include <supervisor.h>
#include <syscall.h>

#define DEPTH 64
#define SCRATCH_VADDR 0x100000000000ull
#define RESTART_MAX 3
#define POOL_MIN_BITS 23 /* Init's own pool: slices and its few objects */
#define POOL_WANT_BITS 24 /* one region this large is pool enough */

extern const char programs_start[], programs_end[];

enum { PID_CONSOLE = 1, PID_SHELL = 2, PID_LINUX = 3, NPROC = 3 };

struct proc {
	const char *name;
	unsigned slice_bits, radix, priority;
	struct kozo_process p;
	uint64_t slice;
	unsigned state, restarts, faults;
	uint64_t budget_src[KOZO_STARTUP_MAX_UNTYPED];
	struct kozo_budget budget[KOZO_STARTUP_MAX_UNTYPED];
	unsigned nbudget;
};

#define COPY(s_, d_, r_) ((struct kozo_grant){ .src = (s_), .dest = (d_), .rights = (r_) })

static const struct kozo_bootinfo *bi;
static struct kozo_cspace cs;
static struct kozo_ut_alloc pool;
static struct kozo_spawner spawner;
static unsigned init_priority;
static struct proc procs[NPROC + 1];
static bool console_up;

/* Capabilities Init makes once and hands out. */
static uint64_t sup_ep, console_ep, console_ntfn, irq_handler, shell_ntfn, linux_ntfn, linux_ep;
static uint64_t timer_handler;  /* the kernel's timer line, for the Linux server */

static void init_out(const char *s, size_t n)
{
	if (console_up) {
		console_write(s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			kozo_debug_putchar('\r');
		kozo_debug_putchar(s[i]);
	}
}

static unsigned probe_priority(void)
{
	for (unsigned p = KOZO_PRIORITY_MAX; p > 0; p--)
		if (kozo_tcb_set_priority(KOZO_CAP_INIT_TCB, p) == KOZO_OK)
			return p;
	return 0;
}

static uint64_t mint(uint64_t src, unsigned rights, uint64_t badge)
{
	uint64_t s = kozo_cspace_alloc(&cs, 1);
	if (s && kozo_cnode_mint(cs.root, s, DEPTH, cs.root, src, DEPTH, rights, badge)) {
		kozo_cspace_mark(&cs, s, false);
		s = 0;
	}
	return s;
}

static uint64_t make(unsigned type)
{
	uint64_t s = 0;
	return kozo_ut_retype(&pool, type, 0, &s) == KOZO_OK ? s : 0;
}

/* Split BootInfo's Untyped: the pool (the smallest whole region of at
 * least 2^POOL_MIN_BITS, and the next smallest when the first is below
 * 2^POOL_WANT_BITS: the slices of the console, the shell and the Linux
 * server, 1 + 4 + 8 MiB, and Init's objects), the Linux server's budget (the largest region
 * for its processes and their /tmp, and a small one for itself) and the
 * shell's (every other non-device region). */
static void split_untyped(bool with_linux)
{
	uint64_t taken[4] = { 0, 0, 0, 0 };
	unsigned ntaken = 0;
	struct proc *lx = &procs[PID_LINUX];
#define IS_TAKEN(s) ((s) == taken[0] || (s) == taken[1] || (s) == taken[2] || (s) == taken[3])
	/* kind 0, 1: pool; 2: the largest; 3: the smallest of 2^16 or more */
	unsigned pool_bits = 0;
	for (int k = 0; k < (with_linux ? 4 : 2); k++) {
		uint64_t best = 0;
		unsigned best_bits = 0;
		if (k == 1 && pool_bits >= POOL_WANT_BITS)
			continue;  /* one region holds the pool (the shell keeps the next) */
		for (uint64_t i = 0; i < bi->untyped_count; i++) {
			const struct kozo_untyped_desc *d = &bi->untyped_list[i];
			uint64_t s = bi->untyped.start + i;
			unsigned min = k < 2 ? POOL_MIN_BITS : k == 3 ? 16 : 0;
			if (d->is_device || d->size_bits < min || IS_TAKEN(s))
				continue;
			bool better = k == 2 ? d->size_bits > best_bits : d->size_bits < best_bits;
			if (!best || better) {
				best = s;
				best_bits = d->size_bits;
			}
		}
		if (!best)
			continue;
		taken[ntaken++] = best;
		if (k == 0)
			pool_bits = best_bits;
		if (k < 2)
			kozo_ut_add(&pool, best);
		else
			lx->budget[lx->nbudget++] = (struct kozo_budget){
				.src = best, .size_bits = best_bits,
				.paddr = bi->untyped_list[best - bi->untyped.start].paddr };
	}
	struct proc *sh = &procs[PID_SHELL];
	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		const struct kozo_untyped_desc *d = &bi->untyped_list[i];
		uint64_t s = bi->untyped.start + i;
		if (d->is_device || IS_TAKEN(s) || sh->nbudget == KOZO_STARTUP_MAX_UNTYPED)
			continue;
		sh->budget[sh->nbudget++] = (struct kozo_budget){ .src = s, .size_bits = d->size_bits,
								  .paddr = d->paddr };
	}
#undef IS_TAKEN
}

/* The device Untyped holding paddr exactly at its base, or 0. */
static uint64_t device_untyped_at(uint64_t paddr)
{
	for (uint64_t i = 0; i < bi->untyped_count; i++)
		if (bi->untyped_list[i].is_device && bi->untyped_list[i].paddr == paddr)
			return bi->untyped.start + i;
	return 0;
}

/* The real time, for the Linux server (it holds no device capability of
 * its own): read once when Init starts it and passed with the cycle
 * counter at the read (startup arg[0], arg[1]), 0 when there is no clock.
 *
 * x86_64: the CMOS real-time clock (ports 0x70/0x71, through Init's IOPort
 * capability), read until two reads agree (an update may run). */
static unsigned cmos(unsigned reg)
{
	uint8_t v = 0;
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x70, (uint8_t)reg);
	kozo_ioport_in8(KOZO_CAP_IOPORT, 0x71, &v);
	return v;
}

static uint64_t cmos_epoch(void)
{
	static const unsigned regs[7] = { 0, 2, 4, 7, 8, 9, 0x32 };
	unsigned t[7] = { 0 }, u[7];
	for (int tries = 0; tries < 10; tries++) {
		for (int spin = 0; spin < 100000 && cmos(0x0a) & 0x80; spin++)
			;
		for (int i = 0; i < 7; i++)
			t[i] = cmos(regs[i]);
		for (int i = 0; i < 7; i++)
			u[i] = cmos(regs[i]);
		if (memcmp(t, u, sizeof(t)) == 0)
			break;
	}
	if (!(cmos(0x0b) & 4))  /* BCD */
		for (int i = 0; i < 7; i++)
			t[i] = (t[i] & 0x0f) + (t[i] >> 4 & 0x07) * 10 + (t[i] >> 7) * 80;
	uint64_t y = t[6] ? t[6] * 100 + t[5] : 2000 + t[5], m = t[4], d = t[3];
	if (m < 1 || m > 12 || d < 1 || d > 31 || t[2] > 23 || t[1] > 59 || t[0] > 60)
		return 0;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	uint64_t era = y / 400, yoe = y - era * 400;
	uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	uint64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	return days * 86400 + t[2] * 3600 + t[1] * 60 + t[0];
}

/* aarch64: the PL031's seconds register, through a frame of the device
 * Untyped the kernel gives for it (include/hw/pl031.h), mapped at the
 * spawner's scratch address for one read and deleted again. */
static uint64_t pl031_epoch(void)
{
	uint64_t ut = device_untyped_at(PL031_VIRT_BASE), frame = 0;
	if (!ut || kozo_ut_retype(&(struct kozo_ut_alloc){ .cs = &cs, .ut = { ut }, .count = 1 },
				  KOZO_OBJ_FRAME, 0, &frame))
		return 0;
	uint64_t t = 0;
	if (kozo_frame_map(frame, KOZO_CAP_INIT_VSPACE, spawner.scratch, KOZO_RIGHT_READ,
			   false) == KOZO_OK) {
		t = *(volatile uint32_t *)(spawner.scratch + PL031_DR);
		kozo_frame_unmap(frame);
	}
	kozo_cspace_delete(&cs, frame);
	return t;
}

static uint64_t rtc_epoch(void)
{
	return bi->arch == 1 ? cmos_epoch() : pl031_epoch();
}

/* The cycle counter's rate, for the Linux server's clocks (startup
 * arg[2]; 0: unknown, the server assumes 1 GHz).  x86_64: the TSC counted
 * over 10 ms of the PIT's channel 2 (1,193,182 Hz; mode 0 with the gate
 * set, its output in port 0x61 bit 5 goes high at the end), as PCs have
 * calibrated it since the PIT.  The count starts when the second byte is
 * written, just after the first TSC read, so a pause of this virtual CPU
 * (a loaded host) can only lengthen a measurement: the shortest of five
 * is the rate.  aarch64's counter (PMCCNTR) counts QEMU's nominal 1 GHz,
 * which the server assumes: no calibration. */
#define PIT_HZ 1193182ull
#define PIT_CALIBRATE_TICKS (PIT_HZ / 100)
#define PIT_CALIBRATE_RUNS 5
static uint64_t pit_window_cycles(void)
{
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x43, 0xb0);  /* channel 2, lo/hi byte, mode 0 */
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x42, PIT_CALIBRATE_TICKS & 0xff);
	uint64_t t0 = kozo_arch_cycles();
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x42, PIT_CALIBRATE_TICKS >> 8);
	uint8_t v = 0;
	for (unsigned spin = 0; spin < 10000000; spin++)
		if (kozo_ioport_in8(KOZO_CAP_IOPORT, 0x61, &v) || (v & 0x20))
			break;
	return v & 0x20 ? kozo_arch_cycles() - t0 : 0;
}

static uint64_t cycles_hz(void)
{
	uint8_t b = 0;
	if (bi->arch != 1 || kozo_ioport_in8(KOZO_CAP_IOPORT, 0x61, &b))
		return 0;
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x61, (uint8_t)((b & ~0x02) | 0x01)); /* gate on, speaker off */
	uint64_t best = 0;
	for (int i = 0; i < PIT_CALIBRATE_RUNS; i++) {
		uint64_t c = pit_window_cycles();
		if (c && (!best || c < best))
			best = c;
	}
	kozo_ioport_out8(KOZO_CAP_IOPORT, 0x61, b);
	return best * PIT_HZ / PIT_CALIBRATE_TICKS;
}

static int start(unsigned pid)
{
	struct proc *pr = &procs[pid];
	struct kozo_grant g[10];
	unsigned ng = 0;
	struct kozo_spawn_args a = {
		.name = pr->name, .pid = pid, .cnode_radix = pr->radix, .priority = pr->priority,
	};
	if (!kozo_cpio_find(programs_start, (size_t)(programs_end - programs_start), pr->name,
			    &a.image, &a.image_size)) {
		printf("init: no program '%s' in the archive\n", pr->name);
		return KOZO_ERR_FAILED_LOOKUP;
	}
	uint64_t fault = mint(sup_ep, KOZO_RIGHTS_ALL, SUPERVISOR_FAULT_BADGE(pid));
	uint64_t device = 0;
	if (!fault)
		return KOZO_ERR_RANGE;
	a.fault_ep = fault;
	if (pid == PID_CONSOLE) {
		g[ng++] = COPY(console_ep, KOZO_PROC_SERVICE, KOZO_RIGHTS_ALL);
		g[ng++] = COPY(irq_handler, KOZO_PROC_IRQ_HANDLER, KOZO_RIGHTS_ALL);
		g[ng++] = (struct kozo_grant){ shell_ntfn, KOZO_PROC_CONSOLE_FG, KOZO_RIGHT_WRITE,
					       true, CONSOLE_SIG_INPUT };
		g[ng++] = (struct kozo_grant){ shell_ntfn, KOZO_PROC_CONSOLE_FG_INTR,
					       KOZO_RIGHT_WRITE, true, CONSOLE_SIG_INTR };
		if (linux_ntfn) {
			g[ng++] = (struct kozo_grant){ linux_ntfn, KOZO_PROC_CONSOLE_LX,
						       KOZO_RIGHT_WRITE, true, CONSOLE_SIG_INPUT };
			g[ng++] = (struct kozo_grant){ linux_ntfn, KOZO_PROC_CONSOLE_LX_INTR,
						       KOZO_RIGHT_WRITE, true, CONSOLE_SIG_INTR };
		}
		if (bi->arch == 1)  /* COM1's eight ports, no more (a child of Init's) */
			g[ng++] = (struct kozo_grant){ KOZO_CAP_IOPORT, KOZO_PROC_IOPORT,
						       KOZO_RIGHTS_ALL, true,
						       KOZO_IOPORT_RANGE(UART16550_COM1,
									 UART16550_COM1 + UART16550_PORTS - 1) };
		if (bi->serial_paddr) {
			uint64_t ut = device_untyped_at(bi->serial_paddr);
			int err = ut ? kozo_ut_retype(&(struct kozo_ut_alloc){ .cs = &cs, .ut = { ut },
									      .count = 1 },
						      KOZO_OBJ_FRAME, 0, &device)
				     : KOZO_ERR_FAILED_LOOKUP;
			if (err) {
				printf("init: the UART's frame: %s\n", kozo_error_name((unsigned)err));
				return err;
			}
			a.device_frame = device;
			a.device_paddr = bi->serial_paddr;
		}
		a.ntfn = console_ntfn;
	} else if (pid == PID_LINUX) {
		g[ng++] = (struct kozo_grant){ console_ep, KOZO_PROC_CONSOLE,
					       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, true,
					       KOZO_CONSOLE_BADGE_LINUX };
		/* Bound: the console's Ctrl-C reaches it while it waits for
		 * its processes' faults. */
		a.ntfn = linux_ntfn;
		g[ng++] = (struct kozo_grant){ sup_ep, KOZO_PROC_SUPERVISOR,
					       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, true, pid };
		g[ng++] = COPY(linux_ep, KOZO_PROC_SERVICE, KOZO_RIGHT_READ | KOZO_RIGHT_WRITE);
		if (timer_handler)  /* its sleeps and timers wait on it */
			g[ng++] = COPY(timer_handler, KOZO_PROC_IRQ_HANDLER, KOZO_RIGHTS_ALL);
		a.arg[2] = cycles_hz();
		a.arg[0] = rtc_epoch();
		a.arg[1] = kozo_arch_cycles();
		a.budget = pr->budget;
		a.nbudget = pr->nbudget;
	} else {
		if (linux_ep)
			g[ng++] = (struct kozo_grant){ linux_ep, KOZO_PROC_LINUX,
						       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY,
						       true, pid };
		g[ng++] = (struct kozo_grant){ console_ep, KOZO_PROC_CONSOLE,
					       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, true,
					       KOZO_CONSOLE_BADGE_FG };
		/* Bound (copied with Read to KOZO_PROC_NTFN): the console's
		 * Ctrl-C reaches the shell while it waits for a test program. */
		a.ntfn = shell_ntfn;
		g[ng++] = (struct kozo_grant){ sup_ep, KOZO_PROC_SUPERVISOR,
					       KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY, true, pid };
		g[ng++] = COPY(KOZO_CAP_BOOTINFO_FRAME, KOZO_PROC_BOOTINFO, KOZO_RIGHT_READ);
		g[ng++] = COPY(KOZO_CAP_DEBUG, KOZO_PROC_DEBUG, KOZO_RIGHTS_ALL);
		a.budget = pr->budget;
		a.nbudget = pr->nbudget;
	}
	a.grants = g;
	a.ngrants = ng;
	const char *why = "";
	int err = kozo_spawn(&spawner, pr->slice, &a, &pr->p, &why);
	/* The TCB and the process's CNode hold what they need. */
	kozo_cspace_delete(&cs, fault);
	if (err) {
		if (device)
			kozo_cspace_delete(&cs, device);
		printf("init: starting %s: %s: %s\n", pr->name, why, kozo_error_name((unsigned)err));
		pr->state = PROC_STOPPED;
		return err;
	}
	pr->state = PROC_RUNNING;
	return KOZO_OK;
}

/* Take the process down and give everything back: its slice, and the
 * Untyped its budget was retyped from. */
static void destroy(unsigned pid)
{
	struct proc *pr = &procs[pid];
	kozo_process_destroy(&spawner, &pr->p);
	for (unsigned i = 0; i < pr->nbudget; i++)
		kozo_cnode_revoke(cs.root, pr->budget[i].src, DEPTH);
}

static void on_fault(unsigned pid, uint64_t info, const uint64_t mr[4])
{
	struct proc *pr = &procs[pid];
	if (pid == PID_CONSOLE)
		console_up = false;
	pr->faults++;
	printf("init: %s (pid %u) stopped: %s at ip 0x%lx (0x%lx)\n", pr->name, pid,
	       kozo_fault_name(kozo_msginfo_label(info)), mr[0], mr[1]);
	destroy(pid);
	if (pr->restarts >= RESTART_MAX) {
		pr->state = PROC_STOPPED;
		printf("init: %s restarted %u times: left stopped\n", pr->name, pr->restarts);
		return;
	}
	pr->restarts++;
	printf("init: restarting %s\n", pr->name);
	if (start(pid) == KOZO_OK && pid == PID_CONSOLE)
		console_up = true;
}

/* ps: one entry of four words per process, Init first. */
static uint64_t answer_ps(uint64_t mr[4])
{
	struct kozo_ipc_buffer *ipc = kozo_ipc_buffer();
	uint64_t words[1 + 4 * (NPROC + 1)];
	unsigned n = 0;
	for (unsigned pid = 0; pid <= NPROC; pid++) {
		struct proc *pr = &procs[pid];
		if (!pr->state)
			continue; /* not started on this architecture */
		uint64_t name[2] = { 0, 0 };
		memcpy(name, pr->name, strlen(pr->name) < 15 ? strlen(pr->name) : 15);
		uint64_t *w = &words[1 + 4 * n++];
		w[0] = pid | (uint64_t)pr->priority << 16 | (uint64_t)pr->state << 32 |
		       (uint64_t)pr->restarts << 40;
		w[1] = pr->faults;
		w[2] = name[0];
		w[3] = name[1];
	}
	words[0] = n;
	unsigned len = 1 + 4 * n;
	for (unsigned i = 0; i < len; i++) {
		if (i < 4)
			mr[i] = words[i];
		else
			ipc->msg[i] = words[i];
	}
	return kozo_msginfo(KOZO_OK, 0, 0, len);
}

/* caps <server>: what the process's CNode holds, as the kernel answers
 * (kozo_process_caps tries every slot). */
static uint64_t answer_caps(uint64_t mr[4])
{
	uint64_t pid = mr[0];
	if (pid < 1 || pid > NPROC || procs[pid].state != PROC_RUNNING)
		return kozo_msginfo(KOZO_ERR_INVALID_ARGUMENT, 0, 0, 0);
	struct kozo_process_caps c;
	int err = kozo_process_caps(&spawner, &procs[pid].p, &c);
	if (err)
		return kozo_msginfo((unsigned)err, 0, 0, 0);
	mr[0] = c.known;
	mr[1] = c.image;
	mr[2] = c.untyped;
	mr[3] = c.other;
	return kozo_msginfo(KOZO_OK, 0, 0, 4);
}

_Noreturn static void supervise(void)
{
	uint64_t mr[4] = { 0 }, badge;
	for (;;) {
		uint64_t info = kozo_recv(sup_ep, &badge, mr);
		if (badge & SUPERVISOR_FAULT_BIT) {
			unsigned pid = (unsigned)(badge & 0xffff);
			if (pid >= 1 && pid <= NPROC)
				on_fault(pid, info, mr); /* no reply: the thread is gone */
			continue;
		}
		uint64_t reply = kozo_msginfo(KOZO_ERR_ILLEGAL_OPERATION, 0, 0, 0);
		if (kozo_msginfo_label(info) == SUPERVISOR_PS)
			reply = answer_ps(mr);
		else if (kozo_msginfo_label(info) == SUPERVISOR_CAPS)
			reply = answer_caps(mr);
		kozo_reply(reply, mr);
	}
}

_Noreturn void kozo_main(const struct kozo_bootinfo *boot);

_Noreturn void kozo_main(const struct kozo_bootinfo *boot)
{
	bi = boot;
	kozo_set_output(init_out);
	if (bi->magic != KOZO_BOOTINFO_MAGIC || bi->version != KOZO_BOOTINFO_VERSION) {
		printf("init: bad BootInfo (magic %lx version %lu)\n", bi->magic, bi->version);
		for (;;)
			kozo_wait(0);
	}
	init_priority = probe_priority();
	kozo_cspace_init(&cs, KOZO_CAP_INIT_CNODE, DEPTH, bi->empty.start, bi->empty.end);
	kozo_ut_init(&pool, &cs);
	size_t linux_size = 0;
	bool with_linux = kozo_cpio_find(programs_start, (size_t)(programs_end - programs_start),
					 "linux", &(const void *){ 0 }, &linux_size);
	split_untyped(with_linux);
	spawner = (struct kozo_spawner){ .cs = &cs, .vspace = KOZO_CAP_INIT_VSPACE };
	procs[0] = (struct proc){ .name = "init", .priority = init_priority,
				  .state = PROC_RUNNING };
	procs[PID_CONSOLE].name = "console";
	procs[PID_CONSOLE].slice_bits = 20;
	procs[PID_CONSOLE].radix = 8;
	procs[PID_CONSOLE].priority = init_priority - 1;
	procs[PID_SHELL].name = "shell";
	procs[PID_SHELL].slice_bits = 22;
	procs[PID_SHELL].radix = 12;
	procs[PID_SHELL].priority = init_priority - 2;
	procs[PID_LINUX].name = "linux";
	/* Its image holds its Linux programs' archive (aarch64's glibc
	 * programs make it about 3 MiB): the slice is the smallest of 2^22
	 * or more with room besides the image for its CNode (2 MiB: radix
	 * 15) and 2.5 MiB for its tables of processes and pages (about 2
	 * MiB of .bss), its page tables and stack. */
	procs[PID_LINUX].radix = 15;  /* two slots a page of its processes' */
	procs[PID_LINUX].slice_bits = 22;
	while ((1ull << procs[PID_LINUX].slice_bits) <
	       linux_size + (1ull << (procs[PID_LINUX].radix + KOZO_SLOT_SIZE_BITS)) + (5u << 19))
		procs[PID_LINUX].slice_bits++;
	procs[PID_LINUX].priority = init_priority - 3;
	unsigned nproc = with_linux ? PID_LINUX : PID_SHELL;

	int err = kozo_scratch_init(&spawner, &pool, SCRATCH_VADDR);
	sup_ep = err ? 0 : make(KOZO_OBJ_ENDPOINT);
	console_ep = make(KOZO_OBJ_ENDPOINT);
	console_ntfn = make(KOZO_OBJ_NOTIFICATION);
	shell_ntfn = make(KOZO_OBJ_NOTIFICATION);
	if (with_linux) {
		linux_ntfn = make(KOZO_OBJ_NOTIFICATION);
		linux_ep = make(KOZO_OBJ_ENDPOINT);
	}
	irq_handler = kozo_cspace_alloc(&cs, 1);
	if (!err && irq_handler)
		err = kozo_irq_control_get(KOZO_CAP_IRQ_CONTROL, (unsigned)bi->serial_irq, cs.root,
					   irq_handler, DEPTH);
	/* The IRQ signals a badged copy: a zero badge would leave no trace. */
	uint64_t irq_ntfn = console_ntfn ? mint(console_ntfn, KOZO_RIGHT_WRITE, 1) : 0;
	if (!err)
		err = irq_ntfn ? kozo_irq_handler_set_notification(irq_handler, irq_ntfn)
			       : KOZO_ERR_NOT_ENOUGH_MEMORY;
	if (!err && with_linux && linux_ntfn) {
		/* The kernel's timer line signals the Linux server's
		 * notification with its own bit.  Without it the server
		 * still runs, waiting for deadlines by polling the clock. */
		uint64_t tn = mint(linux_ntfn, KOZO_RIGHT_WRITE, LINUX_SIG_TIMER);
		timer_handler = kozo_cspace_alloc(&cs, 1);
		int terr = !tn || !timer_handler ? KOZO_ERR_NOT_ENOUGH_MEMORY
			   : kozo_irq_control_get(KOZO_CAP_IRQ_CONTROL, KOZO_IRQ_TIMER, cs.root,
						  timer_handler, DEPTH);
		if (!terr)
			terr = kozo_irq_handler_set_notification(timer_handler, tn);
		if (terr) {
			printf("init: the timer line: %s\n", kozo_error_name((unsigned)terr));
			timer_handler = 0;
		}
	}
	for (unsigned pid = 1; !err && pid <= nproc; pid++) {
		uint64_t s;
		err = kozo_ut_retype(&pool, KOZO_OBJ_UNTYPED, procs[pid].slice_bits, &s);
		procs[pid].slice = s;
	}
	if (err || !sup_ep || !console_ep || !shell_ntfn || (with_linux && (!linux_ntfn || !linux_ep))) {
		printf("init: setting up: %s\n", kozo_error_name((unsigned)err));
		for (;;)
			kozo_wait(0);
	}
	if (start(PID_CONSOLE) == KOZO_OK) {
		console_client_init(mint(console_ep, KOZO_RIGHT_WRITE | KOZO_RIGHT_GRANT_REPLY,
					 KOZO_CONSOLE_BADGE_INIT), 0);
		console_up = true;
	}
	uint64_t total = 0;
	for (uint64_t i = 0; i < bi->untyped_count; i++)
		if (!bi->untyped_list[i].is_device)
			total += 1ull << bi->untyped_list[i].size_bits;
	printf("\nKOZO init: %lu untyped regions, %lu KiB; console, shell%s; type 'help'\n",
	       bi->untyped_count, total >> 10, with_linux ? ", linux" : "");
	if (with_linux)
		start(PID_LINUX);
	start(PID_SHELL);
	supervise();
}
