#!/usr/bin/env bash
# The fuzz targets in `make test`: each replays its seed corpus and
# regression inputs, then fuzzes for FUZZ_TEST_SECONDS (default 60).  Then
# the harness's self-check: fuzz/ipc on a kernel with a planted
# rights-amplification bug in Mint (KOZO_FUZZ_PLANT_MINT_BUG) must find it
# within FUZZ_SELFCHECK_SECONDS (default 60).
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
log=$(mktemp /tmp/kozo-fuzz-suite.XXXXXX)
trap 'rm -rf "$log" "$log.corpus"' EXIT
if ! make -s fuzz-build >"$log" 2>&1; then
	cat "$log"
	echo "FAIL fuzz targets build"
	echo "0 passed, 1 failed"
	exit 1
fi
mapfile -t targets < <(ls fuzz/*/fuzz_*.c | sed -E 's|fuzz/([^/]+)/.*|\1|' | LC_ALL=C sort -u)
scripts/fuzz.sh --seconds "${FUZZ_TEST_SECONDS:-60}" "${targets[@]}" | tee "$log.out"
result=$(tail -n 1 "$log.out")
passed=${result%% passed*} failed=${result#*, }; failed=${failed%% failed}
rm -f "$log.out"

# Self-check: the planted bug is found (a crash naming the broken rights).
mkdir -p "$log.corpus"
cp fuzz/ipc/corpus/* "$log.corpus/"
start=$SECONDS
$KOZO_OUT/host/fuzz/ipc-planted -max_total_time="${FUZZ_SELFCHECK_SECONDS:-60}" \
	-artifact_prefix="$log.corpus/crash-" "$log.corpus" >"$log" 2>&1
if grep -qE 'rights' "$log" && ls "$log.corpus"/crash-* >/dev/null 2>&1; then
	echo "PASS ipc self-check: planted Mint rights bug found in $((SECONDS - start)) s"
	passed=$((passed + 1))
else
	echo "FAIL ipc self-check: planted Mint rights bug not found"
	tail -n 20 "$log"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
