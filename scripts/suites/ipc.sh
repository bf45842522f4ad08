#!/usr/bin/env bash
# IPC integration suite: boots KOZO in QEMU (TCG) and runs Init's `ipctest`
# (fast path taken and not taken, cross-address-space ping-pong, badges,
# capability transfer, IRQ -> notification, fault handling with resume,
# deleted endpoint) and a short `ipcbench`, whose round trips must all be
# fast-path hits.  On x86_64 and aarch64 (ARCH=<arch> for one only).
# Prints PASS/FAIL per check and "N passed, N failed", summed over both.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
TMP=$(mktemp -d /tmp/kozo-ipc.XXXXXX)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

pass=0 fail=0
check() { # name, then a command that succeeds when the check passes
	local name="$1 [$ARCH]"; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
has() { grep -qE -- "$1" <<<"$OUT"; }
# A benchmark case's counters: fast-path hits = 2 per round trip, no slow.
all_fast() { # space case rounds
	has "^ipcbench: +$1 +$2 +roundtrip .* fast \+$(($3 * 2)) slow \+0$"
}

for ARCH in ${ARCH:-x86_64 aarch64}; do
	KERNEL=$KOZO_OUT/$ARCH/kozo.elf
	if ! make -s ARCH="$ARCH" kernel >&2; then
		echo "FAIL build [$ARCH]"
		fail=$((fail + 1))
		continue
	fi
	start_qemu tcg "ipc-$ARCH"
	if wait_for 0 'kozo> ' 30; then
		check "boot to the kozo> prompt" true
		run_cmd "ipctest" 60
		for c in fastpath crossspace badge captransfer irq fault deleted; do
			check "ipctest: $c" has "^ipctest: $c: ok$"
		done
		check "ipctest: no failures" has "^ipctest: 7 passed, 0 failed$"
		run_cmd "ipcbench 200" 60
		for s in same cross; do
			check "ipcbench $s: fast-0 round trips all on the fast path" all_fast "$s" fast-0 200
			check "ipcbench $s: fast-4 round trips all on the fast path" all_fast "$s" fast-4 200
			check "ipcbench $s: 10-register messages take the slow path" \
				has "^ipcbench: +$s +slow-10 +roundtrip .* fast \+0 slow \+400$"
			check "ipcbench $s: a cap transfer takes the slow path" \
				has "^ipcbench: +$s +slow-cap +roundtrip .* slow \+200$"
		done
		expect_ok() { run_cmd "echo still here" && has "still here"; }
		check "shell answers after the IPC commands" expect_ok
		check "nothing written to the panic channel" test ! -s "$RUN/panic.log"
	else
		check "boot to the kozo> prompt" false
	fi
	if [ "$fail" -gt 0 ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
		echo "--- serial transcript ---"
		tr -d '\r' <"$RUN/serial.log"
		echo "--- end of transcript ---"
	fi
	stop_qemu
done
echo "$pass passed, $fail failed"
