#!/usr/bin/env bash
# Fuzzing figures for `make bench`: executions per second, coverage and
# corpus size of each libFuzzer target over FUZZ_BENCH_SECONDS (default 20)
# from its seed corpus, on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s fuzz-build >&2
mapfile -t targets < <(ls fuzz/*/fuzz_*.c | sed -E 's|fuzz/([^/]+)/.*|\1|' | LC_ALL=C sort -u)
scripts/fuzz.sh --seconds "${FUZZ_BENCH_SECONDS:-20}" "${targets[@]}" | grep '^fuzz: '
