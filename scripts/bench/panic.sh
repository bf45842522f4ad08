#!/usr/bin/env bash
# Panic-path figures for `make bench` (scripts/bench.sh): instructions from
# panic entry to halt, for `panic` and `panic fault`, on x86_64 and
# aarch64, under TCG with -icount shift=0 (one TSC tick, or one PMCCNTR_EL0
# tick, per instruction; the kernel prints the ticks it took after writing
# the record).
#   panic (ARCH): instructions panic entry -> halt: N (panic), M (panic fault)
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
TMP=$(mktemp -d /tmp/kozo-panic-bench.XXXXXX)
trap 'stop_qemu; rm -rf "$TMP"' EXIT
. scripts/lib/qemu-shell.sh

ticks() { # shell line -> the ticks the kernel reported
	start_qemu tcg "$ARCH-$2"
	wait_for 0 'kozo> ' 60 || { echo "panic: no prompt" >&2; return 1; }
	printf '%s\r' "$1" >&3
	wait_for 0 'ticks from panic entry' 30 || { echo "panic: no record" >&2; return 1; }
	stop_qemu
	tr -d '\r' <"$RUN/serial.log" | sed -n 's/.*record on serial 1 (\([0-9]*\) [A-Z]* ticks.*/\1/p'
}

rc=0
for ARCH in ${BENCH_ARCHES:-x86_64 aarch64}; do
	KERNEL=$KOZO_OUT/$ARCH/kozo.elf
	QEMU_EXTRA=(-icount shift=0)
	[ "$ARCH" = x86_64 ] && QEMU_EXTRA+=(-uuid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f)
	make -s ARCH="$ARCH" kernel >&2 || { rc=1; continue; }
	if a=$(ticks panic one) && b=$(ticks "panic fault" two); then
		echo "panic ($ARCH): instructions panic entry -> halt: $a (panic), $b (panic fault)"
	else
		rc=1
	fi
done
exit $rc
