#!/usr/bin/env bash
# Panic-path figures for `make bench` (scripts/bench.sh): instructions from
# panic entry to halt, for `panic` and `panic fault`, under TCG with
# -icount shift=0 (one TSC tick per instruction; the kernel prints the TSC
# ticks it took after writing the record).
#   panic: instructions panic entry -> halt: N (panic), M (panic fault)
set -uo pipefail
cd "$(dirname "$0")/../.."
ARCH=x86_64
KERNEL=build/$ARCH/kozo.elf
TMP=$(mktemp -d /tmp/kozo-panic-bench.XXXXXX)
trap 'stop_qemu; rm -rf "$TMP"' EXIT
QEMU_EXTRA=(-icount shift=0 -uuid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f)
. scripts/lib/qemu-shell.sh
make -s kernel >&2 || exit 1

ticks() { # shell line -> the TSC ticks the kernel reported
	start_qemu tcg "$2"
	wait_for 0 'kozo> ' 60 || { echo "panic: no prompt" >&2; return 1; }
	printf '%s\r' "$1" >&3
	wait_for 0 'TSC ticks from panic entry' 30 || { echo "panic: no record" >&2; return 1; }
	stop_qemu
	tr -d '\r' <"$RUN/serial.log" | sed -n 's/.*record on serial 1 (\([0-9]*\) TSC ticks.*/\1/p'
}
a=$(ticks panic one) && b=$(ticks "panic fault" two) || exit 1
echo "panic: instructions panic entry -> halt: $a (panic), $b (panic fault)"
