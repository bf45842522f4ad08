#!/usr/bin/env bash
# The fuzz targets in `make test`: each replays its seed corpus and
# regression inputs, then fuzzes for FUZZ_TEST_SECONDS (default 60).
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! make -s fuzz-build >/tmp/kozo-fuzz-build.$$ 2>&1; then
	cat /tmp/kozo-fuzz-build.$$; rm -f /tmp/kozo-fuzz-build.$$
	echo "FAIL fuzz targets build"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f /tmp/kozo-fuzz-build.$$
mapfile -t targets < <(ls fuzz/*/fuzz_*.c | sed -E 's|fuzz/([^/]+)/.*|\1|' | LC_ALL=C sort -u)
exec scripts/fuzz.sh --seconds "${FUZZ_TEST_SECONDS:-60}" "${targets[@]}"
