#!/usr/bin/env bash
# Host unit tests of kernel/core: the portable core on the host port
# (kernel/arch/host) under ASan+UBSan.  Each check prints "PASS name" or
# "FAIL name: reason"; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-host.XXXXXX")
trap 'rm -rf "$T"' EXIT

if ! make -s host-tests >"$T/build.log" 2>&1; then
	echo "FAIL build: $(tail -n 20 "$T/build.log" | tr '\n' ' ')"
	echo "0 passed, 1 failed"
	exit 1
fi
# A sanitizer report or a crash ends the program before its summary line:
# count that as one more failure, with the program's last words.
out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 $KOZO_OUT/host/kernel/kernel-tests 2>&1); rc=$?
printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
pass=0 fail=0
if [ -n "$summary" ]; then
	pass=${summary%% passed*}; fail=${summary#*, }; fail=${fail%% failed}
fi
if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "FAIL kernel-tests: exit $rc"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
