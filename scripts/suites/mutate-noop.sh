#!/usr/bin/env bash
# No test passes when the operation it names is replaced by one that
# returns success and does nothing (scripts/mutate-noop.py,
# tests/mutation/noop-ops.txt, docs/TESTING.md): one result per operation,
# a failure for each operation with a hollow test or noticed by no test at
# all, or for a table that does not match the tests.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp /tmp/kozo-noop-suite.XXXXXX)
trap 'rm -f "$log"' EXIT
make -s mutate-noop >"$log" 2>&1
rc=$?
grep -E '^  HOLLOW|^no-op operations' "$log"
pass=$(grep -cE '^ok ' "$log")
fail=$(grep -cE '^(HOLLOW|UNTESTED) ' "$log")
grep -E '^(ok|HOLLOW|UNTESTED) ' "$log" | sed -E 's/^ok +/PASS noop /; s/^(HOLLOW|UNTESTED) +/FAIL noop \1 /'
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	tail -n 20 "$log"
	echo "FAIL mutate-noop: exit $rc"
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
