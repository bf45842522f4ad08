#!/usr/bin/env bash
# Isolation of the Linux server (issue 13), x86_64 and aarch64 (or ARCH=)
# in QEMU: the server's test build (make LINUX_ISOTEST=1, in
# build/<arch>-isotest; off by default) acts compromised on the shell's
# `linuxattack`: it invokes capabilities it was not given (IRQControl,
# IOPort or the PL011's frame, BootInfo, debug), writes to serial 1,
# retypes from everything that is not its budget and more than its
# budget, and reads memory it does not map (Init's scratch
# window).  Every attempt must fail with an error; the read is a VM fault
# that Init reports and answers by restarting the server.  Then the
# system goes on: the server runs programs again, its memory is whole,
# the shell's Untyped are as before, serial 1 stayed empty.  The default
# build refuses `linuxattack`.  The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d /tmp/kozo-isolation.XXXXXX)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

pass=0 fail=0 failed=
check() { # name, then a command that succeeds when the check passes
	local name=$1; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1))
	else echo "FAIL $name"; fail=$((fail + 1)); failed=1; fi
}
has() { grep -qE -- "$1" <<<"$OUT"; }
shell_free() { run_cmd untyped 30; awk '$2 ~ /^0x/ { s += $5 } END { print s }' <<<"$OUT"; }

for ARCH in ${ARCH:-x86_64 aarch64}; do
if ! make -s ARCH=$ARCH kernel >"$TMP/build.log" 2>&1 ||
   ! make -s ARCH=$ARCH LINUX_ISOTEST=1 kernel linux-progs >>"$TMP/build.log" 2>&1; then
	cat "$TMP/build.log"; check "build [$ARCH]" false; continue
fi
# Serial 1 and the device capabilities differ: COM2 and the IOPort on
# x86_64, the secure PL011 and the console's PL011 frame on aarch64.
if [ "$ARCH" = x86_64 ]; then
	devices=("IOPort \(Init's slot 5\): write COM1" "IOPort: write serial 1")
else
	devices=("PL011 frame \(the console's slot 13\)" "serial 1 \(the secure PL011, the panic channel\)")
fi

KERNEL=build/$ARCH/kozo.elf
start_qemu tcg "default-$ARCH"
if wait_for 0 'kozo> ' 60; then
	run_cmd linuxattack 30
	check "[$ARCH] the default build refuses linuxattack" test "$OUT" = "linuxattack: error: illegal operation"
else
	check "[$ARCH] boot to the kozo> prompt (default build)" false
fi
stop_qemu

KERNEL=build/$ARCH-isotest/kozo.elf
start_qemu tcg "isotest-$ARCH"
if wait_for 0 'kozo> ' 60; then
	before=$(shell_free)
	run_cmd linuxattack 60
	# The restart message comes from Init, after the shell's prompt maybe.
	wait_for 0 'init: restarting linux' 30
	OUT=$(tr -d '\r' <"$RUN/serial.log")
	for what in "IRQControl" "${devices[@]}" \
		"BootInfo frame" "debug \(Init's slot 8\)" "retype 1 TiB from its budget"; do
		check "[$ARCH] compromised server: $what: an error" \
			has "^linuxattack: $what.*: (invalid capability|failed lookup|illegal operation|not enough memory|range error)$"
	done
	check "[$ARCH] compromised server: every retype outside its budget refused" \
		has "^linuxattack: retype from [0-9]+ slots holding no Untyped of its budget: all refused"
	check "[$ARCH] nothing reported success" bash -c '! grep -q SUCCEEDED <<<"$1"' _ "$OUT"
	check "[$ARCH] reading Init's memory: a VM fault, reported by Init" \
		has "^init: linux \(pid 3\) stopped: VM fault at ip 0x[0-9a-f]+ \(0x100000000000\)$"
	check "[$ARCH] Init restarts the server" has "^init: restarting linux$"
	run_cmd ps 30
	check "[$ARCH] ps: linux running again, 1 restart, 1 fault" has "^ +3 +linux +[0-9]+ +running +1 +1$"
	run_cmd "linux /bin/hello" 60
	check "[$ARCH] the restarted server runs programs" has "^linux: exit status 0$"
	run_cmd linuxmem 30
	check "[$ARCH] its page pool is whole" has "^linuxmem: 1 of 1 page pools whole, [0-9]+ bytes free$"
	check "[$ARCH] the shell's Untyped are as before" test "$(shell_free)" = "$before"
	run_cmd "echo still here" 30
	check "[$ARCH] the shell goes on" test "$OUT" = "still here"
	check "[$ARCH] nothing written to serial 1" test ! -s "$RUN/panic.log"
else
	check "[$ARCH] boot to the kozo> prompt (isolation-test build)" false
fi
if [ -n "$failed" ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
	echo "--- serial transcript [$ARCH] ---"; tr -d '\r' <"$RUN/serial.log" | tail -n 60; echo "--- end ---"
fi
stop_qemu
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
