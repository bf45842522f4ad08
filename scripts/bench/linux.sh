#!/usr/bin/env bash
# Linux figures for `make bench` (scripts/bench.sh), x86_64: /bin/lxbench
# (tests/linux/progs/lxbench.c) under QEMU TCG with -icount shift=0, where
# rdtsc counts guest instructions: the round trip of a trivial Linux system
# call (getppid: an UnknownSyscall fault to the Linux server, its dispatch,
# the reply) and fork + execve + wait of busybox true.
# LINUX_BENCH_ROUNDS / LINUX_BENCH_FORKS set the rounds (default 1000 / 10).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
ARCH=x86_64
KERNEL=$KOZO_OUT/$ARCH/kozo.elf
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kozo-linux-bench.XXXXXX")
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

rounds=${LINUX_BENCH_ROUNDS:-1000}
forks=${LINUX_BENCH_FORKS:-10}
make -s ARCH=$ARCH kernel linux-progs >&2
QEMU_EXTRA=(-icount shift=0)
start_qemu tcg linux-bench
if ! wait_for 0 'kozo> ' 120 || ! run_cmd "linux /bin/lxbench $rounds $forks" 600; then
	echo "linux: lxbench did not finish" >&2
	tail -c 2000 "$RUN/serial.log" >&2
	exit 1
fi
grep -q '^linux: exit status 0$' <<<"$OUT" || { printf '%s\n' "$OUT" >&2; exit 1; }
echo "linux: QEMU TCG -icount shift=0 (guest instructions, rdtsc), x86_64; target for getppid: <= 1000"
sed -n 's/^lxbench: /linux: /p' <<<"$OUT"
