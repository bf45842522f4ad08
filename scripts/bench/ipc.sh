#!/usr/bin/env bash
# IPC figures for `make bench` (scripts/bench.sh): the shell's `ipcbench` (the test program user/tests/ipcbench)
#   - under TCG with -icount shift=0, where the cycle counter (rdtsc on
#     x86_64, PMCCNTR_EL0 on aarch64) counts guest instructions: the
#     deterministic figures, one table per architecture (ARCH=<arch> for
#     one only), beside seL4's (docs/PERFORMANCE.md);
#   - x86_64 under plain TCG (rdtsc follows the host's clock: wall-clock
#     ticks, noisy) and under KVM where a KVM boot works (the nested,
#     paravirtual KVM here counts its own traps: no fair bar), with
#     IPC_BENCH_WALL_ROUNDS round trips (default 2000).
# IPC_BENCH_ROUNDS sets the round trips per case under icount.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kozo-ipc-bench.XXXXXX")
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

# Boot ARCH in mode (tcg|kvm), run ipcbench with `rounds`, print its table
# with prefix p.  Returns 2 when QEMU says KVM cannot run here.
bench_run() { # mode rounds prefix
	local mode=$1 rounds=$2 p=$3
	KERNEL=$KOZO_OUT/$ARCH/kozo.elf
	${IPC_MAKE:-make} -s ARCH="$ARCH" kernel >&2
	start_qemu "$mode" "$ARCH-$mode-${#QEMU_EXTRA[@]}"
	if ! wait_for 0 'kozo> ' 60 || ! run_cmd "ipcbench $rounds" 300; then
		local problem
		problem=$([ "$mode" = kvm ] && kvm_problem)
		stop_qemu || true
		[ -n "$problem" ] && { echo "$p KVM unavailable: $problem"; return 2; }
		echo "$p ipcbench did not finish" >&2
		tail -c 2000 "$RUN/serial.log" >&2
		return 1
	fi
	stop_qemu || true
	grep -q '^ipcbench: .*roundtrip' <<<"$OUT" || { printf '%s\n' "$OUT" >&2; return 1; }
	echo "$p $(sed -n 's/^ipcbench: \([0-9]* round trips.*\)/\1/p' <<<"$OUT")"
	printf '%s %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' "$p" space case what min median max fast slow
	sed -nE 's/^ipcbench: +([a-z]+) +([a-z0-9-]+) +([a-z]+) +min +([0-9]+) median +([0-9]+) max +([0-9]+)( +fast \+([0-9]+) slow \+([0-9]+))?$/\1 \2 \3 \4 \5 \6 \8 \9/p' <<<"$OUT" |
		while read -r space name what min med max fast slow; do
			printf '%s %-6s %-9s %-9s %7s %7s %8s %8s %8s\n' "$p" "$space" "$name" "$what" "$min" "$med" "$max" "${fast:--}" "${slow:--}"
		done
}

rounds=${IPC_BENCH_ROUNDS:-10000}
arches=${ARCH:-x86_64 aarch64}
QEMU_EXTRA=(-icount shift=0)
for ARCH in $arches; do
	# x86_64 keeps its unprefixed lines; other architectures say which.
	p="ipc:"
	[ "$ARCH" = x86_64 ] || p="ipc ($ARCH):"
	case $ARCH in
	x86_64) echo "$p QEMU TCG -icount shift=0 (guest instructions); seL4 (same QEMU, fastpath, cross space, 0 MRs): Call 208 + ReplyRecv 235 = 443 per round trip, slow path 1467" ;;
	aarch64) echo "$p QEMU TCG -icount shift=0, -cpu cortex-a72 (guest instructions); seL4 publishes cycles, not instructions, on a Cortex-A57: 413 and 426 one way" ;;
	esac
	bench_run tcg "$rounds" "$p"
done

# Wall-clock figures, x86_64 only: rdtsc ticks, not instructions.
[[ " $arches " == *" x86_64 "* ]] || exit 0
ARCH=x86_64
QEMU_EXTRA=()
wall=${IPC_BENCH_WALL_ROUNDS:-2000}
echo "ipc (plain TCG): rdtsc ticks of the host's clock, noisy; not comparable with the above"
bench_run tcg "$wall" "ipc (plain TCG):"
if [ -e /dev/kvm ]; then
	echo "ipc (KVM): rdtsc cycles under the nested paravirtual KVM (its own traps included)"
	bench_run kvm "$wall" "ipc (KVM):" || [ $? -eq 2 ]
else
	echo "ipc (KVM): no /dev/kvm, skipped"
fi
