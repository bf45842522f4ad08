#!/usr/bin/env bash
# IPC figures for `make bench` (scripts/bench.sh): boots KOZO under TCG with
# -icount shift=0, where rdtsc counts guest instructions, runs Init's
# `ipcbench` and prints its table beside seL4's figures measured the same
# way (docs/PERFORMANCE.md).  IPC_BENCH_ROUNDS sets the round trips per case.
set -euo pipefail
cd "$(dirname "$0")/../.."
ARCH=${ARCH:-x86_64}
KERNEL=build/$ARCH/kozo.elf
${IPC_MAKE:-make} -s ARCH="$ARCH" kernel >&2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kozo-ipc-bench.XXXXXX")
QEMU_EXTRA=(-icount shift=0)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

rounds=${IPC_BENCH_ROUNDS:-10000}
start_qemu tcg
wait_for 0 'kozo> ' 60 || { echo "ipc: no shell prompt" >&2; exit 1; }
run_cmd "ipcbench $rounds" 300 || { echo "ipc: ipcbench did not finish" >&2; printf '%s\n' "$OUT" >&2; exit 1; }
grep -q '^ipcbench: .*roundtrip' <<<"$OUT" || { printf '%s\n' "$OUT" >&2; exit 1; }

echo "ipc: $(sed -n 's/^ipcbench: \([0-9]* round trips.*\)/\1/p' <<<"$OUT")"
echo "ipc: QEMU TCG -icount shift=0 (guest instructions); seL4 (same QEMU, fastpath, cross space, 0 MRs): Call 208 + ReplyRecv 235 = 443 per round trip, slow path 1467"
printf 'ipc: %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' space case what min median max fast slow
sed -nE 's/^ipcbench: +([a-z]+) +([a-z0-9-]+) +([a-z]+) +min +([0-9]+) median +([0-9]+) max +([0-9]+)( +fast \+([0-9]+) slow \+([0-9]+))?$/\1 \2 \3 \4 \5 \6 \8 \9/p' <<<"$OUT" |
	while read -r space name what min med max fast slow; do
		printf 'ipc: %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' "$space" "$name" "$what" "$min" "$med" "$max" "${fast:--}" "${slow:--}"
	done
