#!/usr/bin/env bash
# QEMU integration test: boot KOZO, drive Init's shell (see the script), on
# each architecture in turn (ARCH=x86_64 or ARCH=aarch64 for just one).
# The counts are summed into one "N passed, N failed" line.
script="$(dirname "$0")/../integration-test.sh"
pass=0 fail=0
for arch in ${ARCH:-x86_64 aarch64}; do
	out=$(bash "$script" "$arch" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$last" ]; then
		echo "integration $arch: no result line (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	p=${last%% passed*}; f=${last#*, }; f=${f%% failed}
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
