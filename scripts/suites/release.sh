#!/usr/bin/env bash
# CONFIG=release, so that configuration cannot rot: the host unit tests and
# the x86_64 IPC boot suite, built without assertions and refusal messages
# (in build/release/, scripts/lib/out.sh).  Both suites' results, summed.
# (CONFIG=release make test runs every suite in release.)
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
run() { # name command...
	local name=$1 out last p f rc
	shift
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | sed "s/^\(PASS\|FAIL\) /\1 release: /"
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$last" ]; then
		echo "FAIL release: $name: no result line (exit $rc)"
		fail=$((fail + 1))
		return
	fi
	p=${last%% passed*}; f=${last#*, }; f=${f%% failed}
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
}
run host env CONFIG=release bash scripts/suites/host.sh
run ipc env CONFIG=release ARCH=x86_64 bash scripts/suites/ipc.sh
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
