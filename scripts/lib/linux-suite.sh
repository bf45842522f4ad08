# The start of the suites that run Linux programs on KOZO in QEMU
# (scripts/suites/linux.sh, linux-compare.sh, linux-static.sh).  The
# caller sets ARCH and names its temporary directory: `linux_suite_start
# <name>`.  Sets KERNEL and TMP (qemu_session), P (ARCH's Linux programs,
# mk/linux.mk) and BB (the busybox both sides run), and builds the kernel
# and the Linux programs; a failed build shows its log and ends the suite
# as one failure.
. scripts/lib/out.sh
. scripts/lib/qemu-shell.sh

# What a `linux` command's program printed (the server's "linux: " lines
# removed), the exit status the server reported, and the server's page
# pool: "<whole> <pools> <bytes free>" (its `linuxmem` command).
prog_out() { grep -v '^linux: ' <<<"$OUT"; }
status_of() { sed -n 's/^linux: exit status \([0-9]*\).*/\1/p' <<<"$OUT" | tail -n 1; }
free_bytes() { run_cmd linuxmem; sed -n 's/^linuxmem: \([0-9]*\) of \([0-9]*\) .* \([0-9]*\) bytes free$/\1 \2 \3/p' <<<"$OUT"; }

# Send keys to the console one piece at a time (the program reads them).
type_keys() { local k; for k in "$@"; do printf '%s' "$k" >&3; sleep 0.3; done; }

# interrupt NAME COMMAND KEY STATUS [LINE]: type the command, wait, type
# the key; the prompt must come back with the status (and the output hold
# LINE).  Leaves a session that does not end with Ctrl-].  The suites
# define check.
interrupt() {
	local name=$1 cmd=$2 key=$3 want=$4 line=${5:-} from
	from=$(log_size)
	type_keys "$cmd"$'\r'
	sleep 3
	type_keys "$key"
	if ! wait_prompt "$from" 30; then
		check "$name" false
		type_keys $'\x1d'; wait_prompt "$from" 30  # leave the session
		return
	fi
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | sed '1d;$d')
	check "$name" test "$(status_of)" = "$want" -a \( -z "$line" -o "$(grep -c -x -- "$line" <<<"$OUT")" = 1 \)
}

linux_suite_start() { # name
	qemu_session "$1"
	P=$KOZO_OUT/$ARCH/linux
	BB=${BUSYBOX:-/bin/busybox}
	if ! make -s ARCH="$ARCH" kernel linux-progs >"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log"; echo "FAIL build"; echo "0 passed, 1 failed"; exit 1
	fi
}

# linux_clock_checks: the Linux server's clocks, seen from outside (issue 16, "Time"), for the
# suites that run Linux programs (linux.sh, linux-static.sh; they define
# check and run_cmd): /bin/clock (tests/linux/progs/clock.c) prints
# CLOCK_REALTIME and sleeps 1 s.  The real time must be the RTC's, within
# 10 minutes of the host's (QEMU's RTC starts at the host's UTC time;
# before the PL031 was read, aarch64 gave the commit date), and the sleep
# must last at least 0.9 s of the host's wall time (with the TSC taken for
# 1 GHz it lasted 0.48 s on a 2.1 GHz host).  No upper bound: a loaded
# machine makes TCG slower, never faster.
linux_clock_checks() {
	local t0 t1 now rt slept
	t0=$(date +%s%N)
	run_cmd "linux /bin/clock 1000" 60
	t1=$(date +%s%N)
	now=$(date +%s)
	rt=$(sed -n 's/^clock: realtime \([0-9]*\)$/\1/p' <<<"$OUT")
	slept=$(sed -n 's/^clock: slept \([0-9]*\) ms$/\1/p' <<<"$OUT")
	check "CLOCK_REALTIME is the RTC's: ${rt:-none} within 600 s of the host's $now" \
		test -n "$rt" -a "${rt:-0}" -ge $((now - 600)) -a "${rt:-0}" -le $((now + 600))
	check "a 1 s nanosleep: ${slept:-none} ms by CLOCK_MONOTONIC, $(((t1 - t0) / 1000000)) ms of host time (>= 900)" \
		test -n "$slept" -a "${slept:-0}" -ge 1000 -a $(((t1 - t0) / 1000000)) -ge 900
}

# linux_timer_checks: deadlines reach processes that run user code (issue
# 16, "Time"; tests/linux/progs/timerspin.c).  Before the kernel's timer
# line the server learnt the time only at a process's next call, so an
# alarm of a spinning process, or a sleeping parent's kill of a spinning
# child (`timeout 1 <loop>`), never came and the session hung.  And while
# every process sleeps the server waits on the line instead of polling the
# clock: QEMU's own CPU time over a 3 s sleep is under half of it (about
# 100 % when the server polled).
linux_timer_checks() {
	local c0 c1 t0 t1 cpu wall
	run_cmd "linux /bin/timerspin alarm" 60
	check "an interval timer's SIGALRM reaches a handler of a process spinning in user code" \
		test "$(grep -c '^timerspin: 3 alarms reached the spinning process after [0-9]* ms: ok$' <<<"$OUT")" = 1 \
		-a "$(status_of)" = 0
	run_cmd "linux /bin/timerspin default" 60
	check "alarm(1) with the default action ends a spinning process (SIGALRM)" \
		test "$(grep -c '^timerspin: alarm(1) in a spinning child: status 142 (killed by SIGALRM: ok)$' <<<"$OUT")" = 1 \
		-a "$(status_of)" = 0
	run_cmd "linux /bin/timerspin kill" 60
	check "a parent's sleep ends while its child spins, and its SIGTERM stops the child" \
		test "$(grep -c '^timerspin: SIGTERM to a spinning child after a 200 ms sleep: status 143 (ok)$' <<<"$OUT")" = 1 \
		-a "$(status_of)" = 0
	run_cmd "linux /bin/timerspin chld" 60
	check "SIGCHLD caused by a process's own kill reaches it while it spins (within ten ticks)" \
		test "$(grep -c '^timerspin: SIGCHLD of a child its own kill ended reached the spinning parent: status 137 (ok)$' <<<"$OUT")" = 1 \
		-a "$(status_of)" = 0
	c0=$(awk '{print $14 + $15}' "/proc/$QEMU_PID/stat")
	t0=$(date +%s%N)
	run_cmd "linux /bin/timerspin sleep 3000" 60
	t1=$(date +%s%N)
	c1=$(awk '{print $14 + $15}' "/proc/$QEMU_PID/stat")
	cpu=$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )) wall=$(( (t1 - t0) / 1000000 ))
	check "a 3 s sleep: ${cpu} ms of QEMU's CPU in ${wall} ms (under half: the server waits, it does not poll)" \
		test "$(grep -c '^timerspin: slept 3[0-9][0-9][0-9] ms$' <<<"$OUT")" = 1 -a "$cpu" -lt $((wall / 2))
}

# Exhaustion stays inside the Linux server's budget (issue 13): a program
# that allocates until malloc fails gets ENOMEM (malloc, mmap and brk),
# frees, and exits 0 on its own; it got more than 32 MiB (the server's
# pool, not a process's share).  The suites define check.
linux_eatmem_checks() {
	local eat_mib
	run_cmd "linux /bin/eatmem" 120
	eat_mib=$(sed -n 's/^eatmem: malloc failed after \([0-9]*\) MiB: ENOMEM$/\1/p' <<<"$OUT")
	check "allocating until memory runs out: malloc, mmap and brk fail with ENOMEM, memory comes back, exit 0" \
		test -n "$eat_mib" -a "$(status_of)" = 0 -a "$(grep -c 'SIGKILL\|SIGSEGV' <<<"$OUT")" = 0
	check "the budget is the server's, not a process's (more than 32 MiB before ENOMEM: $eat_mib MiB)" \
		test "${eat_mib:-0}" -gt 32
}

# Memory mapped PROT_WRITE only or PROT_EXEC only reads as on Linux
# (x86_64 and arm64 have no write- or execute-only pages): its first touch
# by a read, and write(2) from it.  Before, the server killed the read
# (SIGSEGV: bad access) and write(2) got EFAULT.
linux_protread_checks() {
	run_cmd "linux /bin/protread" 60
	check "write-only and exec-only memory can be read (a first touch, write(2) from it), exit 0" \
		test "$(prog_out)" = "$(printf 'protread: %s\n' 'write-only page reads 0' \
			'write(2) from the write-only page: 1' 'exec-only page reads 0' \
			'write(2) from the exec-only page: 1')" -a "$(status_of)" = 0
}

# Read-only memory and files mapped read-only are not promised (issue 16):
# with every byte the server can promise taken by the parent's mmap, four
# children and the parent each read 8 MiB of read-only zeros and, twice, a
# 2 MiB file mapped read-only, which must sum as read() gave.  Before, the
# first reader was killed ("SIGSEGV: no memory left for a page not
# committed"); now clean pages are dropped and faulted in again.
linux_roread_checks() {
	run_cmd "linux /bin/roread 4 /bin/busybox" 300
	check "read-only memory and files with every byte promised: nobody killed, exit 0" \
		test "$(grep -c 'SIGKILL\|SIGSEGV' <<<"$OUT")" = 0 -a "$(status_of)" = 0
	check "read-only memory and files with every byte promised: all five read right" \
		test "$(grep -c '^roread: the parent read: ok (0)$\|^roread: 4 of 4 children read all$' <<<"$OUT")" = 2
	check "read-only memory and files: the server's pool is whole again" \
		test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# The page cache (issue 16): a file read through a read-only mapping, then
# by a second program (fork and execve: nothing shared by fork) that does
# the same.  The second must take next to nothing of the free memory (the
# first's frames are shared) and read the same bytes.  Before, every
# process copied the file's pages again (1,944 KiB each for busybox).
linux_pcache_checks() {
	run_cmd "linux /bin/pcache /bin/busybox" 120
	local first second s1 s2
	read -r first s1 < <(sed -n 's/^pcache: the first program: \([0-9]*\) KiB, sum \([0-9a-f]*\)$/\1 \2/p' <<<"$OUT")
	read -r second s2 < <(sed -n 's/^pcache: the second program: \([0-9-]*\) KiB, sum \([0-9a-f]*\)$/\1 \2/p' <<<"$OUT")
	check "page cache: a second program reading busybox mapped read-only shares the first's pages ($first KiB, then $second KiB), same bytes" \
		test -n "$first" -a -n "$second" -a "${first:-0}" -ge 1024 -a "${second:--1}" -ge 0 -a \
		"$((${second:-0} * 8))" -lt "${first:-0}" -a "$s1" = "$s2" -a "$(status_of)" = 0
}

# The page cache against writes (a red team of 6484b9a): a cached frame
# is shared by every read-only mapping of the same file bytes, so a page
# written through mprotect, read(2), a private writable mapping, fork,
# the program's own image or (aarch64) the signal trampoline's page must
# not show anywhere else, nor in a later program; and the pool is whole.
linux_pcattack_checks() {
	local want=22
	[ "$ARCH" = aarch64 ] && want=23  # the trampoline's page
	run_cmd "linux /bin/pcattack /bin/busybox" 120
	check "page cache: no write to a shared file page shows elsewhere ($want checks), exit 0" \
		test "$(grep -c '^pcattack: .*: ok$' <<<"$OUT")" = "$want" -a \
		"$(grep -c 'BAD' <<<"$OUT")" = 0 -a "$(status_of)" = 0
	check "page cache: the server's pool is whole again" \
		test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# raise() in a program that is not process 1 (fork, then execve):
# set_tid_address must give the caller's thread id, which musl keeps as
# its own.  Before, it gave 1 to every program, so the new program's
# raise(SIGUSR1) killed process 1, the parent (a red team of the page
# cache found it).
linux_tidraise_checks() {
	run_cmd "linux /bin/tidraise" 60
	check "raise() in an exec'd program signals itself, not process 1" \
		test "$(prog_out)" = "$(printf 'tidraise: %s\n' 'the new program caught its own signal: yes' \
			"the parent is still here; the new program's status 0")" -a "$(status_of)" = 0
}

# Written pages outside the commitments leave room for the clean pages the
# server drops (issue 16; a red team found a child's stack pages, read
# first, then written once the parent had taken every byte mmap promises,
# got their frames unchecked, and the parent was killed touching what it
# was promised; and /tmp filled until ENOSPC took the room of the text it
# had dropped, killing the writer at its next instruction).  The child's
# stack may be refused (SIGSEGV, Linux's stack that cannot grow); nobody
# else may be killed.
linux_memroom_checks() {
	run_cmd "linux /bin/memroom stack 1500" 300
	check "stack pages read, then written with every byte promised: the parent touches all it was promised" \
		test "$(grep -c '^memroom: the parent touched all [0-9]* KiB it was promised: ok$' <<<"$OUT")" = 1 -a \
		"$(status_of)" = 0 -a "$(grep -c 'SIGKILL\|out of memory' <<<"$OUT")" = 0
	run_cmd "linux /bin/memroom tmp" 300
	check "/tmp written until ENOSPC: the writer runs on" \
		test "$(grep -c '^memroom: still running after /tmp was full: ok$' <<<"$OUT")" = 1 -a "$(status_of)" = 0
	check "stacks and /tmp: the server's pool is whole again" test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# /tmp gives its pages back (issue 16): files removed (last name and
# descriptor), truncated or renamed over, half the free memory each, then
# /tmp filled to ENOSPC and emptied; after them brk, a child's stack and
# every byte mmap promised at the start, touched (fresh pages zero, a /tmp
# file beside them intact), then a sparse /tmp file on the frames just
# freed shows only its own bytes.  Before, /tmp's pages stayed counted
# until the command ended: the free memory (sysinfo, /proc/meminfo) never
# came back and the next round, fork, brk and mmap were refused.
linux_tmpfree_checks() {
	local free0 free1
	run_cmd "linux /bin/tmpfree" 300
	free0=$(sed -n 's/^tmpfree: free at the start: \([0-9]*\) KiB.*/\1/p' <<<"$OUT")
	free1=$(sed -n 's/^tmpfree: free at the end: \([0-9]*\) KiB.*/\1/p' <<<"$OUT")
	check "/tmp's removed, truncated and renamed-over files give their memory back: 4 rounds of half of it, then /tmp full" \
		test "$(grep -c '^tmpfree: round [0-3] ([a-z]*): .* KiB after (meminfo [0-9]* KiB)$' <<<"$OUT")" = 4 -a \
		"$(grep -c '^tmpfree: /tmp took [0-9]* KiB, then No space left on device; ' <<<"$OUT")" = 1
	check "after /tmp gave its pages back: brk, a child's stack, all mmap promised, zeros, no frame twice, no old bytes (free ${free0:-?} KiB, then ${free1:-?} KiB)" \
		test "$(grep -c '^tmpfree: ok$' <<<"$OUT")" = 1 -a "$(grep -c 'BAD\|SIGKILL\|SIGSEGV' <<<"$OUT")" = 0 -a \
		"$(status_of)" = 0
	check "/tmp's pages: the server's pool is whole again" test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# Page tables come out of the server's memory as pages do (issue 16; a red
# team found processes killed at a first touch once other processes' page
# tables had used it up): 24 children map a page every 512 GiB (three
# tables each) until mmap says ENOMEM, then the parent touches the memory
# it mapped before them.  Nobody may be killed; the pool comes back whole.
linux_ptables_checks() {
	run_cmd "linux /bin/ptables 24 60" 300
	check "page tables: 24 children mapping a page every 512 GiB, then the parent's touch: nobody killed, exit 0" \
		test "$(grep -c 'SIGKILL\|SIGSEGV' <<<"$OUT")" = 0 -a "$(status_of)" = 0 -a \
		"$(grep -c '^ptables: 24 children ended by themselves$' <<<"$OUT")" = 1
	check "page tables: the mappings past what the server can back get ENOMEM" \
		grep -qE '^ptables: [0-9]+ pages mapped, [1-9][0-9]* children refused a mapping$' <<<"$OUT"
	check "page tables: the server's pool is whole again" test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# all_ok NAME PROG N BAD: the program printed N lines "PROG: ...: ok", no
# line matching BAD (a grep pattern), and exited 0.
all_ok() {
	check "$1" test "$(grep -c "^$2: .*: ok\$" <<<"$OUT")" = "$3" -a "$(grep -c "$4" <<<"$OUT")" = 0 \
		-a "$(status_of)" = 0
}

# MAP_SHARED anonymous memory is shared across fork (issue 16; it was
# copied on write like private memory, so the parent never saw a child's
# writes): tests/linux/progs/shmanon.c, 1000 pages, writes both ways, a
# grandchild, a region read while read-only (the zero page) then written.
linux_shmanon_checks() {
	run_cmd "linux /bin/shmanon 1000" 120
	all_ok "MAP_SHARED anonymous memory: parent, child and grandchild see each other's writes; MAP_PRIVATE stays private" \
		shmanon 7 'BAD'
	check "MAP_SHARED anonymous memory: the server's pool is whole again" \
		test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# A fork that fails takes no memory (red team rt10: a failed fork of a
# process with read-only MAP_SHARED memory had made its pages until the
# room ran out and kept them, and a sibling's stack growth got SIGSEGV):
# tests/linux/progs/shfail.c.
linux_shfail_checks() {
	run_cmd "linux /bin/shfail" 120
	all_ok "MAP_SHARED anonymous memory: a failed fork takes no memory, nobody is killed for it" \
		shfail 3 'BAD\|SIGSEGV\|SIGKILL'
	check "MAP_SHARED anonymous memory after a failed fork: the server's pool is whole again" \
		test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
}

# madvise (issue 16; every advice was accepted and ignored, so
# MADV_DONTNEED'd memory kept its bytes and its frames):
# tests/linux/progs/madv.c checks zeros after MADV_DONTNEED, MemFree
# going up, MAP_SHARED pages kept, a private file mapping's bytes back,
# and the errors (EINVAL, ENOMEM).
linux_madvise_checks() {
	run_cmd "linux /bin/madv" 60
	all_ok "madvise: DONTNEED drops private pages (zeros, the file's bytes, memory back), keeps MAP_SHARED; errors as Linux" \
		madv 10 'BAD'
}

# The memory, page-cache and thread-id checks both Linux suites run (x86_64
# and aarch64), in this order.
linux_memory_checks() {
	linux_ptables_checks
	linux_protread_checks
	linux_roread_checks
	linux_pcache_checks
	linux_pcattack_checks
	linux_tidraise_checks
	linux_memroom_checks
	linux_tmpfree_checks
	linux_shmanon_checks
	linux_shfail_checks
	linux_madvise_checks
}
