#!/usr/bin/env bash
# Linux programs on KOZO (issue 8): boot in QEMU, run rung 1 (static musl
# hello) and rung 2 (Debian's busybox) with Init's `linux` command, and
# compare output and exit status with the same binaries run on this host.
# The server's own lines ("linux: ...") are set apart from the program's
# output before comparing.  Bad input: bad pointers, unknown calls, a
# faulting program, a corrupt ELF.  Each check prints PASS/FAIL <name>; the
# last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
ARCH=x86_64
. scripts/lib/linux-suite.sh

pass=0 fail=0
check() { # name, then a command that succeeds when the check passes
	local name=$1; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1))
	else echo "FAIL $name"; fail=$((fail + 1)); failed=1; fi
}

linux_suite_start linux

same() { # name expected-output expected-status
	local name=$1 want=$2 want_status=$3 got
	got=$(prog_out)
	if [ "$got" = "$want" ] && [ "$(status_of)" = "$want_status" ]; then
		echo "PASS $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; fail=$((fail + 1)); failed=1
		diff <(printf '%s\n' "$want" "status $want_status") <(printf '%s\n' "$got" "status $(status_of)") | head -n 20
	fi
}
# Run on the host with argv[0] as KOZO gives it; output and status.
host() { # argv0 binary args...
	local a0=$1 bin=$2; shift 2
	HOST_OUT=$( (exec -a "$a0" "$bin" "$@") 2>/dev/null); HOST_STATUS=$?
}

failed=
start_qemu tcg
if ! wait_for 0 'kozo> ' 30; then
	check "boot to the kozo> prompt" false
else
	# ---- rung 1: static musl hello built from tests/linux/progs/hello.c ----
	run_cmd "linux /bin/hello" 60
	host /bin/hello "$P/hello"
	same "rung 1: hello (write, printf) = host" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/hello x two args" 60
	host /bin/hello "$P/hello" x two args
	same "rung 1: hello with arguments, exit status 7 = host" "$HOST_OUT" "$HOST_STATUS"

	# ---- rung 2: Debian's busybox, unmodified ----
	run_cmd "linux /bin/busybox echo hello from busybox" 60
	host /bin/busybox "$BB" echo hello from busybox
	same "rung 2: busybox echo = host" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox cat /etc/motd" 60
	host /bin/busybox "$BB" cat tests/linux/files/etc/motd
	same "rung 2: busybox cat of an archive file = host" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox ls /" 60
	mkdir -p "$TMP/root/bin" "$TMP/root/etc" "$TMP/root/tmp" "$TMP/root/dev" "$TMP/root/proc"
	host /bin/busybox "$BB" ls "$TMP/root"
	same "rung 2: busybox ls / = host listing of the same tree" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox ls /bin" 60
	same "rung 2: busybox ls /bin lists the archive" \
		"$({ (cd tests/linux/progs && ls -- *.c) | sed 's/\.c$//'; echo busybox; echo corrupt; } | LC_ALL=C sort)" 0
	run_cmd "linux /bin/busybox uname -a" 60
	same "rung 2: busybox uname -a = the documented KOZO values" \
		"Linux kozo 6.1.0-kozo #1 KOZO x86_64 GNU/Linux" 0
	run_cmd "linux /bin/busybox wc /etc/fruits" 60
	host /bin/busybox "$BB" wc <tests/linux/files/etc/fruits
	same "rung 2: busybox wc = host" "$HOST_OUT /etc/fruits" "$HOST_STATUS"
	run_cmd "linux /bin/busybox sort /etc/fruits" 60
	host /bin/busybox "$BB" sort tests/linux/files/etc/fruits
	same "rung 2: busybox sort = host" "$HOST_OUT" "$HOST_STATUS"

	# Standard input from the console: two lines, then Ctrl-D.
	from=$(log_size)
	type_keys $'linux /bin/busybox wc\r'
	sleep 2
	type_keys $'one two\r' $'three\r' $'\x04'
	wait_prompt "$from" 60
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | sed '1d;$d')
	host /bin/busybox "$BB" wc <<<$'one two\nthree'
	got=$(prog_out | tail -n 1)
	check "rung 2: busybox wc reads the console until Ctrl-D = host" \
		test "$got" = "$HOST_OUT" -a "$(status_of)" = 0

	# Ctrl-C while the foreground program waits for the console: SIGINT
	# to its process group (the default action ends it: status 130).
	from=$(log_size)
	type_keys $'linux /bin/busybox sh -c \'read x; echo never\'\r'
	sleep 2
	type_keys $'\x03'
	wait_prompt "$from" 60
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | sed '1d;$d')
	check "Ctrl-C ends a program reading the console (SIGINT, status 130)" \
		test "$(status_of)" = 130 -a "$(grep -c never <<<"$OUT")" = 0

	# Input typed ahead of a program stays with the console: what the
	# program does not read is the shell's next command, whole.
	from=$(log_size)
	printf '%s' $'linux /bin/busybox head -n 1\rL1\rps\r' >&3
	wait_for "$from" 'restarts  faults' 60  # ps's header
	wait_prompt "$from" 30
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r')
	check "typed-ahead input: the program reads its line, the shell runs the rest" \
		test "$(grep -c -x 'L1' <<<"$OUT")" -ge 1 -a "$(grep -c 'unknown command' <<<"$OUT")" = 0 \
		-a "$(grep -c 'restarts  faults' <<<"$OUT")" = 1
	# A 2,000-character line reaches the program whole (Linux's terminal
	# takes 4,095).
	from=$(log_size)
	type_keys $'linux /bin/busybox wc -c\r'
	sleep 2
	printf '%s' "$(printf 'q%.0s' $(seq 2000))" >&3
	type_keys $'\r' $'\x04'
	wait_prompt "$from" 60
	OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r' | sed '1d;$d')
	check "a 2,000-character console line reaches the program whole (wc -c: 2001)" \
		test "$(prog_out | tail -n 1 | tr -d ' ')" = 2001

	# Interrupting is always possible (issue 16): Ctrl-C reaches programs
	# spinning in user code or waiting, a handler runs, and Ctrl-] ends the
	# session whatever its programs do (interrupt: linux-suite.sh).
	interrupt "Ctrl-C stops a busy loop (sh -c 'while :; do :; done': status 130)" \
		"linux /bin/busybox sh -c 'while :; do :; done'" $'\x03' 130
	interrupt "Ctrl-C stops 'sleep 100 & wait' (status 130)" \
		"linux /bin/busybox sh -c 'sleep 100 & wait'" $'\x03' 130
	interrupt "Ctrl-C runs a trap handler in a busy loop (status 7)" \
		"linux /bin/busybox sh -c 'trap \"echo got INT; exit 7\" INT; while :; do :; done'" $'\x03' 7 "got INT"
	interrupt "Ctrl-\\ quits a sleeping program (SIGQUIT, status 131)" \
		"linux /bin/busybox sleep 100" $'\x1c' 131
	interrupt "Ctrl-] ends a session that ignores SIGINT (status 137)" \
		"linux /bin/busybox sh -c 'trap \"\" INT QUIT; while :; do :; done'" $'\x1d' 137
	interrupt "Ctrl-] ends a session reading the console (status 137)" \
		"linux /bin/busybox sh -c 'trap \"\" INT; read x; echo never'" $'\x1d' 137
	# A paste of 20,000 bytes to a program that reads nothing, then Ctrl-]:
	# the key sits behind the paste (with the console's old 8 KiB ring it
	# never got through and the prompt did not come back).
	from=$(log_size)
	type_keys "linux /bin/busybox sh -c 'while :; do :; done'"$'\r'
	sleep 3
	head -c 20000 /dev/zero | tr '\0' a >&3
	sleep 1
	type_keys $'\x1d'
	check "Ctrl-] after 20,000 unread typed-ahead bytes ends the session" wait_prompt "$from" 60
	# A parked call that waits again at every expiry of an interval timer
	# (SIGALRM ignored): the server's stack once grew at each expiry and
	# overflowed within seconds (the server faulted, Init restarted it).
	interrupt "Ctrl-C ends pause() under a 10 us interval timer, SIGALRM ignored (status 130)" \
		"linux /bin/itimerpause ignore 10" $'\x03' 130
	# Under a 1 us one the deadline is past at every turn of settle, whose
	# wait_until then never looked at the console: Ctrl-C and Ctrl-] were
	# lost and the session hung.
	interrupt "Ctrl-C ends pause() under a 1 us interval timer, SIGALRM ignored (status 130)" \
		"linux /bin/itimerpause ignore 1" $'\x03' 130
	run_cmd "ps" 30
	check "after the interrupts: the shell answers, the Linux server runs, nothing restarted" \
		grep -q -E '^ +3 +linux +[0-9]+ +running +0 +0$' <<<"$OUT"

	# ---- rung 3: busybox sh -c: builtins, fork, pipes, exec, wait4 ----
	run_cmd "linux /bin/busybox sh -c 'echo a; echo b; exit 3'" 60
	host /bin/busybox "$BB" sh -c 'echo a; echo b; exit 3'
	same "rung 3: sh -c with builtins, exit status 3 = host" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox sh -c 'echo a; echo b | cat; exit 3'" 60
	host /bin/busybox "$BB" sh -c 'echo a; echo b | cat; exit 3'
	same "rung 3: a pipeline into a forked cat, exit status 3 = host" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox sh -c 'ls / | wc -l'" 60
	host /bin/busybox "$BB" sh -c "ls $TMP/root | wc -l"
	same "rung 3: sh -c 'ls / | wc -l' = host on the same tree" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "linux /bin/busybox sh -c 'cat /etc/fruits | sort | uniq | wc -l; uname -s | busybox tr a-z A-Z'" 60
	host /bin/busybox "$BB" sh -c "cat tests/linux/files/etc/fruits | sort | uniq | wc -l; uname -s | $BB tr a-z A-Z"
	same "rung 3: three-stage pipeline and an exec'd applet = host" "$HOST_OUT" "$HOST_STATUS"
	# Every process's memory comes back: the Linux server's per-process
	# regions are all whole (the server retypes each one's full size to
	# check) before and after ten pipelines.
		before=$(free_bytes)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		run_cmd "linux /bin/busybox sh -c 'echo x | cat | cat'" 60
	done
	check "rung 3: the server's page pool is whole between runs" test "$(cut -d' ' -f1,2 <<<"$before")" = "1 1"
	check "rung 3: ten pipelines, every process's memory reclaimed" test "$(free_bytes)" = "$before"
	check "rung 3: the last of them still printed x" test "$(prog_out)" = x

	# Memory a process gives back is used again: 200 rounds of mapping,
	# touching and unmapping 256 KiB, 50 MiB in all (a process's region
	# is 8 MiB: the program was once killed, out of memory, in round 30).
	run_cmd "linux /bin/mmapchurn 256 200" 120
	host /bin/mmapchurn "$P/mmapchurn" 256 200
	same "mmap/munmap 200 x 256 KiB: memory given back is used again (= host)" "$HOST_OUT" "$HOST_STATUS"
	linux_memory_checks

	# ---- bad input ----
	run_cmd "linux /bin/badcalls" 60
	host /bin/badcalls "$P/badcalls"
	same "bad pointers give EFAULT, unknown calls ENOSYS (= host)" "$HOST_OUT" "$HOST_STATUS"
	check "unknown syscalls stay out of the program's output" \
		test "$(grep -c 'unsupported syscall' <<<"$OUT")" = 0
	run_cmd "linux --log" 20
	check "unknown syscall logged once, in the server's log" \
		test "$(grep -c 'unsupported syscall 999' <<<"$OUT")" = 1
	run_cmd "linux /bin/crash" 60
	host /bin/crash "$P/crash"
	same "a faulting program is killed: SIGSEGV, status 139 (= host)" "$HOST_OUT" "$HOST_STATUS"
	check "the server names the signal" grep -q 'killed by signal 11, SIGSEGV' <<<"$OUT"
	run_cmd "linux /bin/crash ill" 60
	host /bin/crash "$P/crash" ill
	same "an undefined instruction: SIGILL, status 132 (= host)" "$HOST_OUT" "$HOST_STATUS"
	linux_clock_checks
	linux_timer_checks
	# The everyday form of the same: timeout(1) sleeps in a child while the
	# command it watches spins (it hung for good before the timer line).
	run_cmd "linux /bin/busybox sh -c 'exec 2>/dev/null; timeout 1 sh -c \"while :; do :; done\"; echo rc=\$?'" 60
	host /bin/busybox "$BB" sh -c 'exec 2>/dev/null; timeout 1 sh -c "while :; do :; done"; echo rc=$?'
	same "timeout 1 on a busy loop: SIGTERM after 1 s, rc 143 (= host)" "$HOST_OUT" "$HOST_STATUS"
	# Exhaustion stays inside the Linux server's budget (issue 13).
	run_cmd untyped 30
	shell_free=$(awk '$2 ~ /^0x/ { s += $5 } END { print s }' <<<"$OUT")
	linux_eatmem_checks
	run_cmd "linux /bin/forkbomb" 120
	check "a fork bomb: fork fails within the server's limits (EAGAIN or ENOMEM)" \
		grep -qE '^forkbomb: fork failed after [0-9]+ children: (Resource temporarily unavailable|Cannot allocate memory|Out of memory)$' <<<"$OUT"
	# Memory, not a table of 64, limits processes (issue 16); nobody is
	# killed for it: every child ends by the parent's SIGTERM.
	kids=$(sed -nE 's/^forkbomb: ([0-9]+) children alive at once, \1 ended by SIGTERM, 0 otherwise$/\1/p' <<<"$OUT")
	check "a fork bomb: more than 64 processes alive at once (${kids:-?}), all ended by their parent" \
		test "${kids:-0}" -gt 64
	# 50 background children at once, then wait: more processes than the
	# old table of 8 held.
	run_cmd "linux /bin/busybox sh -c 'for i in \$(seq 50); do sleep 0 & done; wait; echo waited'" 120
	check "50 x 'sleep 0 &' then wait: every fork works" test "$(prog_out)" = waited -a "$(status_of)" = 0
	check "after them: the server's pool is whole again" test "$(free_bytes | cut -d' ' -f1,2)" = "1 1"
	run_cmd untyped 30
	check "after both: the shell's Untyped are as they were" \
		test "$(awk '$2 ~ /^0x/ { s += $5 } END { print s }' <<<"$OUT")" = "$shell_free"
	run_cmd "echo shell ok" 30
	check "after both: the shell works" test "$OUT" = "shell ok"
	run_cmd "linux /bin/corrupt" 60
	check "a corrupt ELF is refused with a reason" \
		grep -q '^linux: /bin/corrupt: not a program KOZO can run: ' <<<"$OUT"
	run_cmd "linux /bin/nothere" 60
	check "a missing program is reported" grep -q 'no such program' <<<"$OUT"
	run_cmd "linux" 20
	check "linux without a path prints its usage" grep -q '^usage: linux ' <<<"$OUT"
	run_cmd "linux /bin/hello" 60
	host /bin/hello "$P/hello"
	same "programs still run after the crashes" "$HOST_OUT" "$HOST_STATUS"
	run_cmd "selftest" 30
	check "the kernel and Init go on (selftest)" grep -q 'selftest: all ok' <<<"$OUT"
	check "nothing written to the panic channel" test ! -s "$RUN/panic.log"
fi
if [ -n "$failed" ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
	echo "--- serial transcript ---"; tr -d '\r' <"$RUN/serial.log" | tail -n 150
	echo "--- end of transcript ---"
fi
stop_qemu
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
