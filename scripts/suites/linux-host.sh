#!/usr/bin/env bash
# Host tests of the Linux translation layer (user/linux/lx_*.c) under
# ASan/UBSan, and the generated syscall table being up to date.  Each test
# prints "PASS name" or "FAIL name: why"; the last line is
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if out=$(scripts/gen-linux-syscalls.py --check 2>&1); then ok syscall_table_generated_files_current
else ko syscall_table_generated_files_current "$out"; fi

if ! make -s linux-host-tests $KOZO_OUT/x86_64/linux/hello >/tmp/kozo-linux-build.$$ 2>&1; then
	ko build "$(tail -n 20 /tmp/kozo-linux-build.$$ | tr '\n' ' ')"
	rm -f /tmp/kozo-linux-build.$$
	finish
fi
rm -f /tmp/kozo-linux-build.$$
ok build

out=$($KOZO_OUT/host/linux/test_lx $KOZO_OUT/x86_64/linux/hello 2>&1); rc=$?
printf '%s\n' "$out" | grep -E '^(PASS|FAIL) '
pass=$((pass + $(printf '%s\n' "$out" | grep -c '^PASS ')))
fail=$((fail + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
	ko test_lx "exit $rc: $(printf '%s\n' "$out" | tail -n 15 | tr '\n' ' ')"
fi
finish
