/* The Linux syscall translation layer: pure C, no system calls of its own,
 * compiled into Init (the server, user/linux/server.c) and, unchanged, into
 * the host unit tests (tests/linux) and the fuzzer (fuzz/linux).
 *
 *   fault message (nr, a0..a5) --lx_syscall--> struct lx_action
 *                                                 RETURN    reply ret
 *                                                 EXIT      the process is gone
 *                                                 NEED_INPUT  feed stdin, call again
 *                                                 SET_FS    set FS base, reply ret
 *                                                 UNMAP     drop pages, reply ret
 *                                                 PROTECT   remap pages, reply ret
 *                                                 BLOCK     no reply: call again later
 *                                                 FORK      make process `child`
 *                                                 EXEC      new image: lx_exec_finish
 *
 * Several processes share one struct lx_world: the process table (pids,
 * parents, zombies) and the pipes.  The translation layer only keeps the
 * books; the server makes address spaces and threads when told to.
 *
 * The process's memory is reached only through struct lx_mem: copy-in and
 * copy-out callbacks that check the address range and return -LX_EFAULT.
 * Nothing here trusts a number from the process: every length is clamped,
 * every index checked, so any input gives an errno or a valid action. */
#ifndef KOZO_LINUX_LX_H
#define KOZO_LINUX_LX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lx_abi.h"
#include "lx_fs.h"

#define LX_PAGE 4096ull
#define LX_PAGE_DOWN(a) ((a) & ~(LX_PAGE - 1))
/* Process address space: [LX_USER_MIN, LX_USER_TOP).  The server shows the
 * same pages to itself at LX_WINDOW + address, so the top is half of the
 * 47-bit user half. */
#define LX_USER_MIN 0x10000ull
#define LX_USER_TOP 0x400000000000ull
#define LX_STACK_TOP 0x3ff000000000ull
#define LX_STACK_MAX (8ull << 20)
#define LX_MMAP_TOP 0x3f0000000000ull
#define LX_BRK_MAX (256ull << 20)
/* aarch64: a read-only executable page with the signal trampoline
 * (`mov x8, #139; svc #0`: rt_sigreturn), where a handler returns when
 * its sigaction has no SA_RESTORER (glibc's never has: Linux's vDSO
 * holds it there).  lx_build_stack maps it in every process. */
#define LX_A64_SIGTRAMP (LX_STACK_TOP + 0x100000ull)

#define LX_MAX_FDS 32
#define LX_MAX_VMAS 64
#define LX_STDIN_BUF 4096  /* a console line, as Linux's terminal: 4095 characters and its newline */
/* Process entries: a cap only; the host backs entries as forks need
 * them (lx_host.procs_grow), from its memory, which ends a fork bomb
 * long before this (~100 KiB a process, docs/LINUX-ABI.md). */
#define LX_MAX_PROCS 1024
#define LX_MAX_ZOMBIES (2 * LX_MAX_PROCS) /* ended children not yet waited for */
#define LX_MAX_PIPES 16
#define LX_PIPE_BUF 4096
#define LX_EXEC_MAX 4096        /* bytes of argv and envp strings for execve */
#define LX_EXEC_ARGS 64         /* argv + envp entries */

/* Process memory access.  read/write copy n bytes or return -LX_EFAULT (a
 * partial copy is allowed to have happened).  ctx is the callbacks' own. */
struct lx_mem {
	int (*read)(void *ctx, uint64_t addr, void *dst, size_t n);
	int (*write)(void *ctx, uint64_t addr, const void *src, size_t n);
	void *ctx;
};

struct lx_proc;

/* Where console output goes, and what unknown calls are reported to. */
struct lx_host {
	void (*console_write)(void *ctx, const char *s, size_t n);
	void (*log_unsupported)(void *ctx, uint64_t nr, const char *name);
	uint64_t (*now_ns)(void *ctx); /* monotonic: time since boot; NULL: always 0 */
	/* Memory for /proc/meminfo and sysinfo: bytes in all and free; NULL:
	 * the figures are 0. */
	void (*mem_info)(void *ctx, uint64_t *total, uint64_t *free);
	uint64_t boot_epoch_ns;       /* the real-time clock at now_ns() == 0 (the
				       * RTC read at boot); 0: the archive's time */
	uint64_t commit_limit;        /* bytes of writable memory but the stacks all
				       * processes together may map (mmap, brk,
				       * mprotect, fork give ENOMEM past it); 0: no
				       * limit.  Used when commit_room is NULL. */
	/* What the server can back now: the limit of all processes'
	 * commitments together, in bytes (it shrinks as /tmp and pages
	 * outside commitments take memory); NULL: commit_limit. */
	uint64_t (*commit_room)(void *ctx);
	/* Room for page tables, which the server makes from its memory as
	 * pages are mapped: may p's address space come to map every page of
	 * its regions and of [start, end) (LX_SPACE_GROW: mmap, brk), may a
	 * new space map a copy of p's regions (LX_SPACE_FORK), or may p's
	 * space be replaced by one of `tables` tables (LX_SPACE_EXEC)?  false:
	 * the call gets ENOMEM, never a kill at a later first touch.  NULL:
	 * always room. */
	bool (*space_room)(void *ctx, const struct lx_proc *p, int how, uint64_t start,
			   uint64_t end, uint64_t tables);
	/* The world's process table: back entries [0, n) (n <= LX_MAX_PROCS;
	 * those below the last n asked stay backed) and return the table,
	 * the same every time; NULL: no memory for them (fork: ENOMEM).
	 * A world needs it (lx_world_init asks for entry 0). */
	struct lx_proc *(*procs_grow)(void *ctx, unsigned n);
	void *ctx;
};
enum { LX_SPACE_GROW, LX_SPACE_FORK, LX_SPACE_EXEC };

/* [start, end): an address range. */
struct lx_range {
	uint64_t start, end;
};

/* A region of the address space: [start, end), page aligned.  File-backed
 * regions show file bytes [off, off + file_len) from their start (the ELF
 * loader's segments), zeros after. */
struct lx_vma {
	uint64_t start, end;
	unsigned prot;          /* LX_PROT_* */
	unsigned flags;         /* LX_VMA_* */
	const uint8_t *file;    /* NULL: anonymous */
	uint64_t file_len;      /* bytes of file to show from start + file_skip */
	uint64_t file_skip;     /* the region starts this far into the mapping */
};
#define LX_VMA_STACK 1
#define LX_VMA_HEAP 2
#define LX_VMA_SHARED 4   /* MAP_SHARED anonymous: fork shares its pages, writes and all */

/* A pipe end: node is the pipe's index in the world, flags say which end
 * (O_RDONLY reads, O_WRONLY writes). */
/* DEV: /dev/null, zero, urandom (node says which); PROC: a made-up /proc
 * entry, node is its lx_procfs number. */
enum lx_fd_kind { LX_FD_NONE, LX_FD_CONSOLE, LX_FD_FILE, LX_FD_DIR, LX_FD_PIPE, LX_FD_DEV,
		  LX_FD_PROC };

struct lx_fd {
	uint8_t kind;
	uint8_t cloexec;
	uint32_t flags;         /* O_* status flags */
	int node;               /* lx_fs node index */
	uint64_t pos;           /* files: byte offset; directories: entry index */
};

enum lx_proc_state { LX_PROC_FREE, LX_PROC_LIVE, LX_PROC_ZOMBIE };

/* rt_sigaction's struct (handler 0 SIG_DFL, 1 SIG_IGN), and what a pending
 * signal's siginfo says. */
struct lx_sigaction {
	uint64_t handler, flags, restorer, mask;
};
struct lx_siginfo {
	int code, pid, status;
	uint64_t addr;
};

/* The registers a signal frame saves, in struct sigcontext's order
 * (aarch64: X0-X30, SP, PC, PSTATE); LX_REG_RET is the result register. */
#if LX_AARCH64
struct lx_regs {
	uint64_t x[31], sp, pc, pstate;
};
#define LX_REG_RET(r) ((r)->x[0])
#else
struct lx_regs {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp,
		rip, eflags;
};
#define LX_REG_RET(r) ((r)->rax)
#endif

struct lx_world;

struct lx_proc {
	struct lx_world *world;         /* NULL: a lone process (no fork, no pipes) */
	int pid, ppid;                  /* ppid 0: no parent waits for it */
	int pgid, sid;                  /* process group and session */
	uint8_t state;                  /* LX_PROC_* */
	int status;                     /* ZOMBIE: its wait status */
	int killed;                     /* a signal's default action ends it: the server
					 * ends it with this status */
	struct lx_mem mem;
	struct lx_host host;
	struct lx_fs *fs;
	struct lx_fd fds[LX_MAX_FDS];
	struct lx_vma vmas[LX_MAX_VMAS];
	unsigned nvmas;
	uint64_t brk_start, brk;        /* heap: [brk_start, brk) */
	uint64_t mmap_next;             /* next address for a non-fixed mmap (down) */
	uint64_t fs_base;
	uint64_t tid_address, robust_list;
	uint64_t sigmask;
	uint64_t sigpending;            /* bit sig - 1: sent, not yet acted on */
	uint64_t saved_mask;            /* rt_sigsuspend's caller's mask, */
	bool restore_mask;              /* back when its handler returns */
	uint64_t restart_nr;            /* the call an LX_ERESTARTSYS repeats */
	uint64_t restart_a0;            /* and its first argument (aarch64: X0 is
					 * both, the result overwrote it) */
	uint64_t alarm_at, alarm_interval; /* ITIMER_REAL (monotonic ns; 0 off) */
	struct lx_sigaction sigact[LX_NSIG];
	struct lx_siginfo siginfo[LX_NSIG];
	uint32_t rng_key[8];            /* getrandom, /dev/urandom: ChaCha20 key */
	uint64_t rng_ctr;               /* and block counter */
	/* A call that waits (poll, select, nanosleep...) is repeated by the
	 * server until it completes: its deadline (monotonic ns, ~0 none) and
	 * whether this call is such a repeat. */
	bool waiting, repeat;
	uint64_t wait_deadline;
	char cmdline[256];              /* argv, NUL-separated: /proc/<pid>/cmdline */
	unsigned cmdline_len;
	uint64_t start_ns;              /* monotonic time it started: /proc/<pid>/stat */
	int cwd;                        /* node index */
	unsigned umask;
	char exe[LX_PATH_MAX];          /* readlink /proc/self/exe */
	char comm[16];
	/* stdin: bytes the server fed, not yet read; eof after Ctrl-D */
	char in_buf[LX_STDIN_BUF];
	unsigned in_len;
	bool in_eof;
	uint8_t logged[LX_NR_MAX / 8 + 1]; /* unsupported numbers already logged */
	/* execve between the call and lx_exec_finish: the program's node and
	 * its argv then envp, NUL-separated in exec_strs */
	int exec_node;
	unsigned exec_argc, exec_envc, exec_len;
	char exec_strs[LX_EXEC_MAX];
};

/* A pipe: a ring buffer and how many descriptors (in every process) hold
 * each end.  Free when both counts are 0. */
struct lx_pipe {
	uint8_t buf[LX_PIPE_BUF];
	unsigned head, len;
	unsigned readers, writers;
};

/* A child that ended and was not waited for: only its numbers stay (its
 * process entry, and the server's resources, are free again). */
struct lx_zombie {
	int pid, ppid, pgid, status;    /* pid 0: free */
};

struct lx_world {
	struct lx_fs *fs;
	struct lx_proc *procs;  /* host.procs_grow's table: entries [0, nprocs) */
	unsigned nprocs;
	struct lx_zombie zombies[LX_MAX_ZOMBIES];
	unsigned zombies_hi;    /* zombies[zombies_hi..] have never been used */
	struct lx_pipe pipes[LX_MAX_PIPES];
	int next_pid;
	int fg_pgrp;            /* the console's foreground process group */
	/* For the host, which clears them: a signal was queued (a process
	 * running user code may have to be stopped to take it), an alarm
	 * was set (the host's timer may have to be armed sooner). */
	bool signalled, timers_changed;
};

enum lx_action_kind {
	LX_ACT_RETURN,      /* reply ret */
	LX_ACT_EXIT,        /* the process ended with wait status `status` */
	LX_ACT_NEED_INPUT,  /* stdin is empty: lx_feed_input, then repeat the call */
	LX_ACT_SET_FS,      /* set the thread's FS base to addr, reply ret */
	LX_ACT_UNMAP,       /* drop present pages in [addr, addr + len), reply ret */
	LX_ACT_PROTECT,     /* present pages in [addr, addr + len) get prot, reply ret */
	LX_ACT_DISCARD,     /* drop present pages in [addr, addr + len) but those of
			     * MAP_SHARED anonymous regions (madvise), reply ret */
	LX_ACT_BLOCK,       /* cannot go on yet (pipe, wait4): no reply; repeat the
			     * call after another process made progress */
	LX_ACT_FORK,        /* procs[child] is a copy: give it a copy of the address
			     * space and registers (its call returns 0), reply ret;
			     * on failure lx_fork_undo and reply -ENOMEM */
	LX_ACT_EXEC,        /* replace the address space, then lx_exec_finish */
	LX_ACT_SIGRETURN,   /* rt_sigreturn: lx_sigreturn on the thread's registers,
			     * write them back, resume (no reply) */
};
/* BLOCK: `deadline` (monotonic ns) is when to repeat the call even if no
 * other process made progress; ~0: no deadline. */

struct lx_action {
	unsigned kind;
	int64_t ret;
	uint64_t addr, len;     /* page aligned, inside the user range */
	unsigned prot;
	int status;             /* EXIT: Linux wait status (code << 8, or signal) */
	int child;              /* FORK: index in world->procs */
	uint64_t deadline;      /* BLOCK: repeat the call by then (~0: only after events) */
};

/* Set p up empty: fds 0-2 on the console, cwd "/".  fs may be shared by
 * several processes in turn; mem and host are copied. */
void lx_proc_init(struct lx_proc *p, struct lx_fs *fs, const struct lx_mem *mem,
		  const struct lx_host *host, uint64_t seed);

/* Set w up with one process, procs[0], pid 1, as lx_proc_init does; the
 * table comes from host->procs_grow.  NULL: it gave no memory. */
struct lx_proc *lx_world_init(struct lx_world *w, struct lx_fs *fs, const struct lx_mem *mem,
			      const struct lx_host *host, uint64_t seed);
/* The process ended (exit, a signal; status as in LX_ACT_EXIT): close its
 * descriptors, give its children away, and keep it as a zombie for its
 * parent, or free it when nobody waits.  The server calls this for every
 * end, LX_ACT_EXIT included. */
void lx_proc_exit(struct lx_proc *p, int status);
/* The server could not make the child of LX_ACT_FORK: forget it. */
void lx_fork_undo(struct lx_proc *parent, struct lx_proc *child);
/* After LX_ACT_EXEC, with the old address space gone: load the program
 * and build its stack.  0, or -errno (then the process must be killed). */
int lx_exec_finish(struct lx_proc *p, const uint8_t random16[16], uint64_t *entry, uint64_t *sp);
/* Index of p in its world (0 for a lone process). */
int lx_proc_index(const struct lx_proc *p);

/* Translate one system call.  Always fills *act; never fails otherwise. */
void lx_syscall(struct lx_proc *p, uint64_t nr, const uint64_t args[6], struct lx_action *act);

/* ---- signals (lx_signal.c) ---- */

/* After a system call completed (r: the registers it resumes with, rax its
 * result) or a fault the layer took as a signal (lx_signal_fault): act on
 * the next pending signal.  -1: nothing (r may have changed: an internal
 * restart code became EINTR; write rax); 0: r now enters a handler, its
 * frame written on the user stack: write r and resume the thread; > 0: end
 * the process with that wait status (a default action, or a frame that
 * could not be written: SIGSEGV). */
int lx_signal_deliver(struct lx_proc *p, struct lx_regs *r);
/* LX_ACT_SIGRETURN: r (the thread's registers) back from the frame at the
 * stack pointer.  0, or a wait status to end the process with (SIGSEGV). */
int lx_sigreturn(struct lx_proc *p, struct lx_regs *r);
/* A fault of the process is signal sig (code, address): true when a
 * handler is to run (then lx_signal_deliver with the fault's registers),
 * false when the process ends with sig. */
bool lx_signal_fault(struct lx_proc *p, int sig, int code, uint64_t addr);
/* The console saw Ctrl-C (SIGINT) or Ctrl-\ (SIGQUIT): sig to the
 * foreground process group. */
void lx_console_signal(struct lx_world *w, int sig);
/* Every live process's ITIMER_REAL that is due fires (SIGALRM); returns
 * the earliest one still set (monotonic ns), ~0 for none. */
uint64_t lx_world_alarms(struct lx_world *w);
/* A signal is pending and not blocked, or the process is to end (a wait
 * ends with EINTR; the server delivers after the call). */
bool lx_signal_pending(const struct lx_proc *p);
/* Send sig to t (code, pid, status, addr: its siginfo). */
void lx_signal_send(struct lx_proc *t, int sig, int code, int pid, int status, uint64_t addr);

/* Give stdin bytes (the server's console line discipline), or EOF when n is
 * 0.  Bytes beyond the buffer's room are dropped; returns how many fit. */
size_t lx_feed_input(struct lx_proc *p, const char *s, size_t n);

/* ---- memory map (lx_mm.c) ---- */

/* The region holding addr, or NULL. */
const struct lx_vma *lx_vma_find(const struct lx_proc *p, uint64_t addr);
/* Add a region, replacing whatever was in [start, end).  Returns 0 or
 * -LX_ENOMEM (table full) / -LX_EINVAL (bad range). */
int lx_vma_map(struct lx_proc *p, const struct lx_vma *v);
/* The same on a table of its own: vs[0..*n), at most LX_MAX_VMAS. */
int lx_vmas_map(struct lx_vma *vs, unsigned *n, const struct lx_vma *v);
/* Remove [start, end) from every region (splitting).  0 or -LX_ENOMEM. */
int lx_vma_unmap(struct lx_proc *p, uint64_t start, uint64_t end);
/* The region's pages are counted in the commit charge: writable, not the
 * stack (Linux's private writable mappings). */
bool lx_vma_committed(const struct lx_vma *v);
/* p's commit charge in bytes. */
uint64_t lx_proc_commit(const struct lx_proc *p);
/* The commit charge of every live process of p's world (or of p alone),
 * in bytes. */
uint64_t lx_world_commit(const struct lx_proc *p);
/* Would `more` bytes, besides what is committed outside [skip_start,
 * skip_end) of p, pass what the server can back? */
bool lx_over_commit(const struct lx_proc *p, uint64_t more, uint64_t skip_start, uint64_t skip_end);
/* The paging structures below the root (one per 512 GiB, 1 GiB and
 * 2 MiB that holds a page) an address space needs to map every page of
 * p's regions (p NULL: none) and of extra[0..n), counted together with
 * those keyed in have[0..nhave) (level << 56 | va >> 39, 30 or 21 for
 * levels 1, 2, 3) that no region needs: the tables it holds when every
 * page is mapped.  Regions may overlap.  ~0 when there are more than
 * LX_SPACE_RANGES regions and extras. */
#define LX_SPACE_RANGES (LX_MAX_VMAS + 72)
uint64_t lx_space_tables(const struct lx_proc *p, const struct lx_range *extra, unsigned n,
			 const uint64_t *have, unsigned nhave);
/* host.space_room's answer (true without one). */
bool lx_space_room(const struct lx_proc *p, int how, uint64_t start, uint64_t end,
		   uint64_t tables);
/* May a region of protection prot be read (write false) or written?  As
 * on Linux for x86_64 and arm64, whose pages cannot be write- or
 * execute-only: any access right lets the process read. */
static inline bool lx_prot_allows(unsigned prot, bool write)
{
	return write ? prot & LX_PROT_WRITE : prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC);
}
/* Fill one page for a first touch at page address va (write: the access
 * writes).  Returns the protection to map it with, or -1 when the access
 * is not allowed (the process gets SIGSEGV). */
int lx_page_fill(const struct lx_proc *p, uint64_t va, bool write, uint8_t page[LX_PAGE]);

/* ---- program loading (lx_elf.c) ---- */

struct lx_image {
	uint64_t entry, phdr, phnum, phent, base_end;
	uint64_t commit;        /* bytes of its writable segments' pages */
	uint64_t tables;        /* page tables its regions and stack need
				 * (lx_space_tables) */
};
/* Check that elf is a static x86_64 executable KOZO runs; no side effect.
 * 0, or -LX_ENOEXEC with *why set. */
int lx_check_elf(const uint8_t *elf, size_t size, const char **why);
/* As lx_check_elf, and what it would map: *img. */
int lx_scan_elf(const uint8_t *elf, size_t size, struct lx_image *img);
/* Check a static x86_64 ELF executable and add its segments as regions.
 * Returns 0, or -LX_ENOEXEC with *why set to a reason for the user. */
int lx_load_elf(struct lx_proc *p, const uint8_t *elf, size_t size, struct lx_image *img,
		const char **why);
/* Make the stack region and write argv, envp and auxv on it through
 * p->mem; *sp is the initial stack pointer.  random16 feeds AT_RANDOM. */
int lx_build_stack(struct lx_proc *p, const struct lx_image *img, int argc,
		   const char *const *argv, int envc, const char *const *envp,
		   const uint8_t random16[16], uint64_t *sp);

/* The name of syscall nr ("?" if none). */
const char *lx_syscall_name(uint64_t nr);
/* Its status in the table: LX_ST_* */
unsigned lx_syscall_status(uint64_t nr, unsigned *err);
enum { LX_ST_UNKNOWN, LX_ST_SUPPORTED, LX_ST_PARTIAL, LX_ST_ERRNO };

/* Signal names for exit reports ("SIGSEGV"), NULL if unknown. */
const char *lx_signal_name(int sig);

#endif
