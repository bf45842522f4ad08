#!/usr/bin/env bash
# Runs every test suite and sums their results.  A suite is a command whose
# output ends with "N passed, N failed"; a suite that dies without that line
# counts as one failure.  Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0 failed_suites=()

run_suite() {
	local name=$1; shift
	echo "=== suite: $name"
	local out
	out=$("$@" 2>&1); local rc=$?
	printf '%s\n' "$out"
	local last
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$last" ]; then
		echo "suite $name: no result line (exit $rc)"
		total_fail=$((total_fail + 1)); failed_suites+=("$name"); return
	fi
	local p f
	p=${last%% passed*}; f=${last#*, }; f=${f%% failed}
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		[ "$f" -eq 0 ] && total_fail=$((total_fail + 1))
		failed_suites+=("$name")
	fi
}

for suite in scripts/suites/*.sh; do
	run_suite "$(basename "$suite" .sh)" bash "$suite"
done

[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
