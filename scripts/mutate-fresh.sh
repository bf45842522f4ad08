#!/usr/bin/env bash
# The fresh, hand-made mutant set of tests/mutation/fresh against the host
# unit tests, then a fuzz/ipc run for each survivor (scripts/mutate-fresh.py,
# docs/TESTING.md).  Run it as `make mutate-fresh` (which builds the test and
# fuzz objects and passes their flags); run directly it calls that.  Every
# build and run is at nice 19, and one fuzzer runs at a time.
#   scripts/mutate-fresh.sh [--only 003,017] [--fuzz-seconds N] [--no-fuzz] [--table]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MUTATE_CFLAGS:-}" ] || [ -z "${FRESH_FUZZ_OBJS:-}" ]; then
	exec nice -n 19 make -s mutate-fresh FRESH_ARGS="$*"
fi
exec nice -n 19 python3 scripts/mutate-fresh.py "$@"
