#!/usr/bin/env bash
# The fuzz targets in `make test`: each replays its seed corpus and
# regression inputs, then fuzzes for FUZZ_TEST_SECONDS (default 60).  Then
# the harness's self-check: fuzz/ipc on kernels with planted bugs (a
# rights amplification in Mint, KOZO_FUZZ_PLANT_MINT_BUG, and the six of
# mk/fuzz.mk's FUZZ_PLANTS) must find each within FUZZ_SELFCHECK_SECONDS
# (default 60).
set -uo pipefail
cd "$(dirname "$0")/../.."
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

# Self-check: each planted bug is found (a crash whose report names it).
# ipc-planted: Mint's rights amplification; ipc-plant-<name>: the mutants
# of mk/fuzz.mk's FUZZ_PLANTS (docs/FUZZING.md).
selfcheck() {
	local bin=$1 what=$2 pattern=$3
	rm -rf "$log.corpus"; mkdir -p "$log.corpus"
	cp fuzz/ipc/corpus/* "$log.corpus/"
	local start=$SECONDS
	"$bin" -max_total_time="${FUZZ_SELFCHECK_SECONDS:-60}" \
		-artifact_prefix="$log.corpus/crash-" "$log.corpus" >"$log" 2>&1
	if grep -qE "$pattern" "$log" && ls "$log.corpus"/crash-* >/dev/null 2>&1; then
		echo "PASS ipc self-check: planted $what found in $((SECONDS - start)) s"
		passed=$((passed + 1))
	else
		echo "FAIL ipc self-check: planted $what not found"
		tail -n 20 "$log"
		failed=$((failed + 1))
	fi
}
selfcheck build/host/fuzz/ipc-planted "Mint rights bug" 'rights'
selfcheck build/host/fuzz/ipc-plant-fastpath-write "fast-path Call without Write" 'not refused'
selfcheck build/host/fuzz/ipc-plant-fastpath-read "fast-path ReplyRecv without Read" 'not refused'
selfcheck build/host/fuzz/ipc-plant-writereg "WriteRegisters past the register file" 'out of bounds|references but'
selfcheck build/host/fuzz/ipc-plant-unbind "deleted thread left bound" 'bound to deleted thread'
selfcheck build/host/fuzz/ipc-plant-irq-release "IRQ line left open by its last handler" 'IRQ [0-9]+: no handler'
selfcheck build/host/fuzz/ipc-plant-two-caps "second cap overwriting the first" 'after step [0-9]+:'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
