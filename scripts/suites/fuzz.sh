#!/usr/bin/env bash
# The fuzz targets in `make test`: each replays its seed corpus and
# regression inputs, then fuzzes for FUZZ_TEST_SECONDS (default 60).  Then
# the harness's self-check: fuzz/ipc on a kernel with a planted
# rights-amplification bug in Mint (KOZO_FUZZ_PLANT_MINT_BUG) must find it
# within FUZZ_SELFCHECK_SECONDS (default 60).  Then issue 12's: fuzz/ipc on
# kernels with one isolation fix reverted each (ipc-revert-*, mk/fuzz.mk)
# must find the bug, named by the invariant it breaks, within
# FUZZ_ISO_SELFCHECK_SECONDS (default 300, the issue's five minutes; 1-90 s here), starting from
# the corpus's seeds for it (each one mutation from its bug,
# docs/FUZZING.md).
# Issue 18's: the seven planted mutants of mk/fuzz.mk's FUZZ_PLANTS must each
# be found from the whole corpus within FUZZ_SELFCHECK_SECONDS (default 60).
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

# Self-checks: a fuzzer over a kernel with a planted bug must crash with
# the invariant that names it.  selfcheck build seconds pattern name seeds...
# (no seeds: the whole corpus).
selfcheck() {
	local build=$1 seconds=$2 pattern=$3 name=$4 start f
	shift 4
	rm -rf "$log.corpus"
	mkdir -p "$log.corpus"
	if [ $# -eq 0 ]; then
		cp fuzz/ipc/corpus/* "$log.corpus/"
	else
		for f in "$@"; do cp "fuzz/ipc/corpus/$f" "$log.corpus/"; done
	fi
	start=$SECONDS
	"$KOZO_OUT/host/fuzz/$build" -max_total_time="$seconds" -artifact_prefix="$log.corpus/crash-" \
		"$log.corpus" >"$log" 2>&1
	if grep -qE "$pattern" "$log" && ls "$log.corpus"/crash-* >/dev/null 2>&1; then
		echo "PASS ipc self-check: $name found in $((SECONDS - start)) s"
		passed=$((passed + 1))
	else
		echo "FAIL ipc self-check: $name not found"
		tail -n 20 "$log"
		failed=$((failed + 1))
	fi
}
selfcheck ipc-planted "${FUZZ_SELFCHECK_SECONDS:-60}" 'rights' "planted Mint rights bug"
# Issue 18's planted mutants, from the whole corpus.
plant=${FUZZ_SELFCHECK_SECONDS:-60}
selfcheck ipc-plant-fastpath-write "$plant" 'not refused' "planted fast-path Call without Write"
selfcheck ipc-plant-fastpath-read "$plant" 'not refused' "planted fast-path ReplyRecv without Read"
selfcheck ipc-plant-writereg "$plant" 'out of bounds|references but' "planted WriteRegisters past the register file"
selfcheck ipc-plant-unbind "$plant" 'bound to deleted thread' "planted deleted thread left bound"
selfcheck ipc-plant-irq-release "$plant" 'IRQ [0-9]+: no handler' "planted IRQ line left open by its last handler"
selfcheck ipc-plant-two-caps "$plant" 'after step [0-9]+:|assertion failed: slot_empty' "planted second cap overwriting the first"
selfcheck ipc-plant-fault-reply "$plant" 'unknown syscall reply' "planted fast-path answer to a Linux call from the wrong register"
# Issue 12's: each reverted isolation fix, from its seeds.
iso=${FUZZ_ISO_SELFCHECK_SECONDS:-300}
selfcheck ipc-revert-pt "$iso" 'no live .* capability records|reachable from two places' \
	"reverted isolation fix 'pt'" vs-unmap-tables vs-unmap-table vs-unmap-stale
selfcheck ipc-revert-tlb "$iso" 'TLB: (stale translation|translation of va)' \
	"reverted isolation fix 'tlb'" vs-unmap-table vs-unmap-stale
selfcheck ipc-revert-ipcbuf "$iso" 'IPC buffer the kernel may not write' \
	"reverted isolation fix 'ipcbuf'" vs-ipc-buffer
selfcheck ipc-revert-fault "$iso" 'keeps a stale fault' "reverted isolation fix 'fault'" \
	fault-handler fault-handler-recv
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
