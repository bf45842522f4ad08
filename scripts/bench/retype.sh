#!/usr/bin/env bash
# Retype figures for `make bench`: the shell's `retypebench` (user/tests/retypebench) under QEMU
# -icount shift=0, where rdtsc advances by one per guest instruction, so
# each figure is a deterministic instruction count (TCG).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
ARCH=${ARCH:-x86_64}
KERNEL=$KOZO_OUT/$ARCH/kozo.elf
make -s ARCH="$ARCH" kernel >&2
TMP=$(mktemp -d /tmp/kozo-bench-retype.XXXXXX)
QEMU_EXTRA=(-icount shift=0)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

start_qemu tcg
if ! wait_for 0 'kozo> ' 60 || ! run_cmd retypebench 120; then
	echo "retype: no result; serial 0 was:" >&2
	tr -d '\r' <"$RUN/serial.log" >&2
	exit 1
fi
grep '^retypebench: ' <<<"$OUT" | sed 's/^retypebench: /retype: /'
grep -q '^retypebench: done$' <<<"$OUT"
