#!/usr/bin/env bash
# Reproducibility suite: scripts/repro-check.sh over every ARCH of the
# Makefile (two fresh clones, varied environments, every output compared),
# and its mismatch report on two trees that differ.  Each test prints
# "PASS name" or "FAIL name: reason"; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-repro-suite.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The report on a mismatch: two trees, one ELF differing in one byte and a
# file on one side only.
mkdir -p "$T/x/build/x86_64" "$T/y/build/x86_64"
printf 'int kozo_answer = 42;\n' | clang --target=x86_64-unknown-none-elf -x c -c - -o "$T/x/build/x86_64/kozo.elf"
cp "$T/x/build/x86_64/kozo.elf" "$T/y/build/x86_64/kozo.elf"
printf '\x2b' | dd of="$T/y/build/x86_64/kozo.elf" bs=1 seek=64 conv=notrunc status=none
echo same >"$T/x/build/x86_64/same.txt"; cp "$T/x/build/x86_64/same.txt" "$T/y/build/x86_64/"
echo extra >"$T/y/build/x86_64/only-in-second"
out=$(scripts/repro-check.sh --compare "$T/x" "$T/y" 2>&1); rc=$?
if [ $rc -eq 1 ] && [[ $out == *"MISMATCH in 2 file(s)"* ]] &&
	printf '%s\n' "$out" | grep -q '^build/x86_64/kozo.elf .*DIFFERS' &&
	printf '%s\n' "$out" | grep -q '^build/x86_64/only-in-second *missing' &&
	printf '%s\n' "$out" | grep -q '^build/x86_64/same.txt .*identical' &&
	[[ $out == *diffoscope* || $out == *llvm-readelf* ]]; then
	ok compare_reports_which_artifact_differs
else
	ko compare_reports_which_artifact_differs "rc=$rc: $(printf '%s' "$out" | head -c 800 | tr '\n' ' ')"
fi
out=$(scripts/repro-check.sh --compare "$T/x" "$T/x" 2>&1); rc=$?
[ $rc -eq 0 ] && [[ $out == *"repro-check: identical"* ]] && ok compare_identical ||
	ko compare_identical "rc=$rc $(printf '%s' "$out" | tail -n 2)"

# The real check, for every ARCH the Makefile knows.
t0=$(date +%s)
out=$(scripts/repro-check.sh 2>&1); rc=$?
secs=$(($(date +%s) - t0))
printf '%s\n' "$out" | sed 's/^/  | /'
if [ $rc -eq 0 ] && [[ $out == *"repro-check: reproducible"* ]]; then
	ok "repro_check_all_arches (${secs}s)"
else
	ko repro_check_all_arches "exit $rc"
fi
for arch in $(sed -n 's/^ARCHES *:= *//p' Makefile); do
	if [ -d "kernel/arch/$arch" ]; then
		printf '%s\n' "$out" | grep -q "^repro-check: $arch: built$" && ok "repro_$arch" ||
			ko "repro_$arch" "no '$arch: built' line"
	else
		printf '%s\n' "$out" | grep -q "^repro-check: $arch: SKIP (not buildable yet)$" &&
			ok "repro_${arch}_reported_as_skip" || ko "repro_${arch}_reported_as_skip" "no SKIP line"
	fi
done
# Every variation took effect (repro-check prints what each build saw).
seen=$(printf '%s\n' "$out" | grep '^seen by the second build:')
if [[ $seen == *"umask 0077"* && $seen == *"TZ Pacific/Chatham"* ]] &&
	{ ! command -v faketime >/dev/null || [[ $seen == 2033-* || $seen == *": 2033-"* ]]; }; then
	ok variations_in_effect
else
	ko variations_in_effect "$seen"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
