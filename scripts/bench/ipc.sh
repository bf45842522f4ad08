#!/usr/bin/env bash
# IPC figures for `make bench` (scripts/bench.sh): boots KOZO under TCG with
# -icount shift=0, where the cycle counter (rdtsc on x86_64, PMCCNTR_EL0 on
# aarch64) counts guest instructions, runs Init's `ipcbench` and prints its
# table beside seL4's figures (docs/PERFORMANCE.md), one table per
# architecture (ARCH=<arch> for one only).  IPC_BENCH_ROUNDS sets the round
# trips per case.
set -euo pipefail
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kozo-ipc-bench.XXXXXX")
QEMU_EXTRA=(-icount shift=0)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

rounds=${IPC_BENCH_ROUNDS:-10000}
for ARCH in ${ARCH:-x86_64 aarch64}; do
	KERNEL=build/$ARCH/kozo.elf
	${IPC_MAKE:-make} -s ARCH="$ARCH" kernel >&2
	# x86_64 keeps its unprefixed lines; other architectures say which.
	p="ipc:"
	[ "$ARCH" = x86_64 ] || p="ipc ($ARCH):"
	start_qemu tcg "$ARCH"
	wait_for 0 'kozo> ' 60 || { echo "$p no shell prompt" >&2; exit 1; }
	run_cmd "ipcbench $rounds" 300 ||
		{ echo "$p ipcbench did not finish" >&2; printf '%s\n' "$OUT" >&2; exit 1; }
	stop_qemu || true
	grep -q '^ipcbench: .*roundtrip' <<<"$OUT" || { printf '%s\n' "$OUT" >&2; exit 1; }

	echo "$p $(sed -n 's/^ipcbench: \([0-9]* round trips.*\)/\1/p' <<<"$OUT")"
	case $ARCH in
	x86_64) echo "$p QEMU TCG -icount shift=0 (guest instructions); seL4 (same QEMU, fastpath, cross space, 0 MRs): Call 208 + ReplyRecv 235 = 443 per round trip, slow path 1467" ;;
	aarch64) echo "$p QEMU TCG -icount shift=0, -cpu cortex-a72 (guest instructions); seL4 publishes cycles, not instructions, on a Cortex-A57: 413 and 426 one way" ;;
	esac
	printf '%s %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' "$p" space case what min median max fast slow
	sed -nE 's/^ipcbench: +([a-z]+) +([a-z0-9-]+) +([a-z]+) +min +([0-9]+) median +([0-9]+) max +([0-9]+)( +fast \+([0-9]+) slow \+([0-9]+))?$/\1 \2 \3 \4 \5 \6 \8 \9/p' <<<"$OUT" |
		while read -r space name what min med max fast slow; do
			printf '%s %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' "$p" "$space" "$name" "$what" "$min" "$med" "$max" "${fast:--}" "${slow:--}"
		done
done
