#!/usr/bin/env bash
# Boot figure for `make bench`: wall time from QEMU start to the first
# "kozo> " prompt under TCG, median of BOOTS boots (default 7).  seL4's
# benchmark image takes 0.33 s to its first output in the same QEMU here.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
ARCH=${ARCH:-x86_64}
KERNEL=$KOZO_OUT/$ARCH/kozo.elf
make -s ARCH="$ARCH" kernel >&2
TMP=$(mktemp -d /tmp/kozo-bench-boot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
. scripts/lib/qemu-shell.sh

RUN=$TMP/boot
# qemu_cmd names the boot seed (fw_cfg opt/kozo/seed) that start_qemu
# writes for its runs; this script starts QEMU itself, so it writes one
# (the same for every boot it times: it seeds the boot nonce, not the timing).
mkdir -p "$RUN"
(umask 077 && head -c 32 /dev/urandom >"$RUN/seed")
qemu_cmd tcg
# Serial 0 on stdout, where the timer reads it; serial 1 to a file.
args=()
for a in "${QEMU_ARGS[@]}"; do
	case $a in
	pipe:*) args+=(stdio) ;;
	file:*) args+=("file:$TMP/panic.log") ;;
	*) args+=("$a") ;;
	esac
done
python3 scripts/bench/boot-time.py "${BOOTS:-7}" -- "${args[@]}"
