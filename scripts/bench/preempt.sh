#!/usr/bin/env bash
# Preemption figures for `make bench`: the shell's `preemptbench` under QEMU
# -icount shift=0, where the cycle counter (rdtsc, PMCCNTR_EL0) advances by
# one per guest instruction, so each figure is an instruction count (TCG):
# the longest kernel entry during a Revoke of 1,000 and 10,000 copies and
# the Retype and Delete of a radix-16 and the largest CNode, with the
# kernel's preemption points and without.  Both architectures unless ARCH
# names one.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${ARCH:-}" ]; then
	ARCH=x86_64 bash "$0"
	ARCH=aarch64 bash "$0"
	exit
fi
. scripts/lib/out.sh
KERNEL=$KOZO_OUT/$ARCH/kozo.elf
make -s ARCH="$ARCH" kernel >&2
TMP=$(mktemp -d /tmp/kozo-bench-preempt.XXXXXX)
# 512 MiB of RAM (the others use 256): room for an idle 64 MiB Untyped,
# so the largest CNode measured is radix 20 (64 MiB); QEMU takes the last -m.
QEMU_EXTRA=(-icount shift=0 -m 512M)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

start_qemu tcg
if ! wait_for 0 'kozo> ' 60 || ! run_cmd preemptbench 600; then
	echo "preempt: no result; serial 0 was:" >&2
	tr -d '\r' <"$RUN/serial.log" >&2
	exit 1
fi
grep "^preemptbench: " <<<"$OUT" | sed "s/^preemptbench: /preempt $ARCH: /"
grep -q '^preemptbench: done$' <<<"$OUT"
