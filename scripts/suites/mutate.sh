#!/usr/bin/env bash
# A fixed, seeded sample of the mutation campaign over kernel/core
# (scripts/mutate.py, docs/TESTING.md): MUTATE_SAMPLE mutants (default 60)
# against the host unit tests.  Fails when the sample's score falls below
# MUTATE_THRESHOLD percent (default 90), so that the tests cannot silently
# stop noticing broken kernels.  `make mutate` runs every mutant.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp /tmp/kozo-mutate-suite.XXXXXX)
trap 'rm -f "$log"' EXIT
make -s mutate-sample >"$log" 2>&1
rc=$?
grep -E '^(SURVIVED|note|mutants:|mutation score)' "$log"
score=$(grep -E '^mutation score' "$log" | tail -n 1)
if [ $rc -eq 0 ] && [ -n "$score" ]; then
	echo "PASS mutation sample: ${score#mutation score: }"
	echo "1 passed, 0 failed"
else
	tail -n 20 "$log" | grep -vE '^(SURVIVED|note|mutants:|mutation score)'
	echo "FAIL mutation sample: ${score:-no result} (threshold ${MUTATE_THRESHOLD:-90}%)"
	echo "0 passed, 1 failed"
	exit 1
fi
