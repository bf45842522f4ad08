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
. scripts/lib/qemu-shell.sh
make -s ARCH="$ARCH" kernel >&2
qemu_session bench-preempt
# 512 MiB of RAM (the others use 256): room for an idle 64 MiB Untyped,
# so the largest CNode measured is radix 20 (64 MiB); QEMU takes the last -m.
QEMU_EXTRA=(-icount shift=0 -m 512M)

boot_run_cmd preemptbench 600 preempt || exit 1
grep "^preemptbench: " <<<"$OUT" | sed "s/^preemptbench: /preempt $ARCH: /"
grep -q '^preemptbench: done$' <<<"$OUT"
