#!/usr/bin/env bash
# Retype figures for `make bench`: the shell's `retypebench` (user/tests/retypebench) under QEMU
# -icount shift=0, where rdtsc advances by one per guest instruction, so
# each figure is a deterministic instruction count (TCG).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
. scripts/lib/qemu-shell.sh
ARCH=${ARCH:-x86_64}
make -s ARCH="$ARCH" kernel >&2
qemu_session bench-retype
QEMU_EXTRA=(-icount shift=0)

boot_run_cmd retypebench 120 retype || exit 1
grep '^retypebench: ' <<<"$OUT" | sed 's/^retypebench: /retype: /'
grep -q '^retypebench: done$' <<<"$OUT"
