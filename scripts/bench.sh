#!/usr/bin/env bash
# `make bench`: runs every scripts/bench/*.sh in name order and prints their
# figures.  Figures are measurements, never pass/fail assertions; a bench
# that cannot run says why and the others still run.  Exit status is
# non-zero when a bench script failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
for bench in scripts/bench/*.sh; do
	name=$(basename "$bench" .sh)
	echo "=== bench: $name"
	bash "$bench" || { echo "bench $name: failed (exit $?)"; failed+=("$name"); }
done
[ ${#failed[@]} -eq 0 ] || { echo "failed benches: ${failed[*]}"; exit 1; }
