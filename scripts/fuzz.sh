#!/usr/bin/env bash
# Run KOZO's libFuzzer targets (built by `make fuzz-build`, see mk/fuzz.mk).
#
#   scripts/fuzz.sh [options] TARGET...
#     --seconds N    fuzz each target N seconds (default $FUZZ_SECONDS or 600)
#     --replay-only  only replay the seed corpus and the regression inputs
#     --minimize     merge the seed corpus and a fresh run's finds into a
#                    minimal seed corpus (-merge=1) and write it back
#
# For each target: every file of fuzz/<t>/corpus and fuzz/<t>/regressions is
# run once (a regression must stay fixed), then the fuzzer runs on a copy of
# the corpus.  A crash leaves its input in build/host/fuzz/artifacts/<t>/;
# add it to fuzz/<t>/regressions/ once fixed.  Prints for each target
#   PASS|FAIL <t>: replay ...
#   PASS|FAIL <t>: fuzz N s ...
#   fuzz: <t>: <runs> runs, <n> exec/s, cov <c>, ft <f>, corpus <n> inputs
# and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/out.sh
seconds=${FUZZ_SECONDS:-600} replay_only= minimize=
targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--replay-only) replay_only=1; shift ;;
	--minimize) minimize=1; shift ;;
	-*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
	*) targets+=("$1"); shift ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || { echo "usage: scripts/fuzz.sh [--seconds N] [--replay-only] [--minimize] TARGET..." >&2; exit 2; }
case $seconds in ''|*[!0-9]*) echo "fuzz.sh: --seconds wants a whole number, not '$seconds'" >&2; exit 2 ;; esac

OUT=$KOZO_OUT/host/fuzz
TMP=$(mktemp -d /tmp/kozo-fuzz.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0
result() { # PASS|FAIL text
	echo "$1 $2"
	if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

inputs_of() { # target -> the seed and regression files, one per line
	find "fuzz/$1/corpus" "fuzz/$1/regressions" -type f 2>/dev/null | LC_ALL=C sort
}

replay() { # target
	local t=$1 bin=$OUT/$1 log=$TMP/$1.replay files
	mapfile -t files < <(inputs_of "$t")
	if [ ${#files[@]} -eq 0 ]; then
		result FAIL "$t: replay: no seed corpus in fuzz/$t/corpus"
		return
	fi
	if "$bin" -runs=1 "${files[@]}" >"$log" 2>&1; then
		result PASS "$t: replay of ${#files[@]} seed and regression inputs"
	else
		result FAIL "$t: replay: an input crashes"
		tail -n 40 "$log"
	fi
}

fuzz_run() { # target
	local t=$1 bin=$OUT/$1 work=$TMP/$1.corpus art=$OUT/artifacts/$1 log=$TMP/$1.log
	mkdir -p "$work" "$art"
	[ -d "fuzz/$t/corpus" ] && cp "fuzz/$t/corpus/"* "$work/" 2>/dev/null
	if "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$art/" \
		"$work" >"$log" 2>&1; then
		result PASS "$t: fuzz $seconds s without a crash"
	else
		result FAIL "$t: fuzz found a crash: input in $(ls -t "$art"/* 2>/dev/null | head -n 1)"
		grep -m1 -B2 -A30 -E '^==[0-9]+==ERROR|invariant broken|runtime error' "$log" | head -n 60
	fi
	local runs rate cov ft corp
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(find "$work" -type f | wc -l)
	echo "fuzz: $t: ${runs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus $corp inputs"
	if [ -n "$minimize" ]; then
		local merged=$TMP/$t.merged
		mkdir -p "$merged"
		"$bin" -merge=1 "$merged" "fuzz/$t/corpus" "$work" >"$TMP/$t.merge.log" 2>&1 &&
			rm -rf "fuzz/$t/corpus" && mkdir -p "fuzz/$t/corpus" &&
			for f in "$merged"/*; do cp "$f" "fuzz/$t/corpus/$(sha1sum "$f" | cut -c1-16)"; done &&
			echo "fuzz: $t: seed corpus minimized to $(ls "fuzz/$t/corpus" | wc -l) inputs"
	fi
}

for t in "${targets[@]}"; do
	if [ ! -x "$OUT/$t" ]; then
		result FAIL "$t: $OUT/$t not built (make fuzz-build)"
		continue
	fi
	replay "$t"
	[ -n "$replay_only" ] || fuzz_run "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
