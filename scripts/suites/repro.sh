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
plant=
# The planted header (below) goes even when the suite is stopped midway.
trap 'rm -rf "$T"; [ -z "$plant" ] || rm -f "/usr/local/include/$plant"' EXIT

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

# The clean root catches a host-only dependency: a commit whose collector
# includes a header planted in this machine's /usr/local/include builds on
# the host but fails repro-check's clean-root build.
if [ "$(id -u)" = 0 ] && [ -w /usr/local/include ]; then
	plant=kozo-host-only-$$.h
	echo '#define KOZO_HOST_ONLY 1' >"/usr/local/include/$plant"
	git clone -q . "$T/planted" && git -C "$T/planted" checkout -q --detach HEAD &&
		sed -i "1i #include <$plant>" "$T/planted/tools/crash/main.c" &&
		git -C "$T/planted" -c user.name=t -c user.email=t@t commit -qam "plant a host-only header"
	host_ok=0
	(cd "$T/planted" && nice -n 10 make -s -j2 tools >"$T/planted-host.log" 2>&1) && host_ok=1
	out=$("$T/planted/scripts/repro-check.sh" x86_64 2>&1); rc=$?
	rm -f "/usr/local/include/$plant"
	if [ $host_ok = 1 ] && [ $rc -eq 1 ] && [[ $out == *"first build (clean root) failed"* ]] &&
		[[ $out == *"$plant"* ]] && [[ $out == *"NOT reproducible"* ]]; then
		ok repro_check_catches_host_only_header
	else
		ko repro_check_catches_host_only_header "host build ok=$host_ok, rc=$rc: $(printf '%s' "$out" | tail -n 12 | tr '\n' ' ')"
	fi
else
	echo "SKIP repro_check_catches_host_only_header: needs root to plant a header in /usr/local/include"
fi

# The manifest: two clones at different paths build the same one.
H1=$T/one H2=$T/two/a-much-longer-directory/kozo
for h in "$H1" "$H2"; do
	git clone -q . "$h" && git -C "$h" checkout -q --detach HEAD
done
m_ok=1
for h in "$H1" "$H2"; do
	(cd "$h" && nice -n 10 make -s -j2 manifest >"$h.log" 2>&1) || { m_ok=0; ko "manifest_build" "$(tail -n 5 "$h.log")"; }
done
if [ $m_ok = 1 ]; then
	if cmp -s "$H1/build/manifest.json" "$H2/build/manifest.json" &&
		python3 - "$H1/build/manifest.json" "$(git rev-parse HEAD)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["_type"] == "https://in-toto.io/Statement/v1"
assert d["predicateType"] == "https://slsa.dev/provenance/v1"
names = [s["name"] for s in d["subject"]]
for a in ("build/x86_64/kozo.elf", "build/aarch64/kozo.elf", "build/host/kozo-crash"):
    assert a in names, a
b = d["predicate"]["buildDefinition"]
assert b["externalParameters"]["source"] == {"commit": sys.argv[2], "dirty": False,
    "tree": b["resolvedDependencies"][0]["digest"]["gitTree"]}
pk = {r["name"] for r in b["resolvedDependencies"] if r["uri"].startswith("pkg:deb/")}
assert {"clang-14", "lld-14", "libc6-dev", "musl-dev", "libsqlite3-dev"} <= pk, pk
PY
	then ok manifest_identical_in_two_clones
	else ko manifest_identical_in_two_clones "$(diff "$H1/build/manifest.json" "$H2/build/manifest.json" | head -n 10 | tr '\n' ' ')"; fi

	# verify.sh: a clean build matches, artifact by artifact, in the clean root.
	t0=$(date +%s)
	out=$(cd "$H1" && scripts/verify.sh build/x86_64/kozo.elf build/aarch64/kozo.elf build/host/kozo-crash 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/  | /'
	if [ $rc -eq 0 ] && [[ $out == *"verify: MATCH: 3 artifact(s)"* ]] &&
		[ "$(printf '%s\n' "$out" | grep -c ' MATCH$')" = 3 ]; then
		ok "verify_clean_build_matches ($(($(date +%s) - t0))s)"
	else
		ko verify_clean_build_matches "rc=$rc"
	fi
	# One byte of a source file changed after the commit: a clear mismatch,
	# with diffoscope's report.
	sed -i 's/"0x%lx"/"0X%lx"/' "$H1/kernel/core/panic.c"
	if git -C "$H1" diff --quiet; then
		rc=x out="the one-byte change did not apply to kernel/core/panic.c"
	else
		(cd "$H1" && nice -n 10 make -s -j2 manifest >"$H1.log2" 2>&1)
		out=$(cd "$H1" && scripts/verify.sh build/x86_64/kozo.elf 2>&1); rc=$?
	fi
	printf '%s\n' "$out" | head -n 40 | sed 's/^/  | /'
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^build/x86_64/kozo.elf .*MISMATCH (rebuilt: ' &&
		[[ $out == *"MODIFIED tree"* ]] && [[ $out == *"verify: where build/x86_64/kozo.elf differs (diffoscope"* ]] &&
		[[ $out == *"--- "* && $out == *"+++ "* ]]; then
		ok verify_one_byte_change_mismatch
	else
		ko verify_one_byte_change_mismatch "rc=$rc $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
	fi
	# No mirror and no cached root: verify says so and fails.
	out=$(cd "$H1" && KOZO_MIRROR=http://127.0.0.1:9/debian KOZO_ROOT_CACHE="$T/no-cache" \
		scripts/verify.sh build/host/kozo-crash 2>&1); rc=$?
	if [ $rc -eq 1 ] && [[ $out == *"package mirror is UNREACHABLE"* ]] && [[ $out == *"NOT verified"* ]] &&
		[[ $out != *MATCH* ]]; then
		ok verify_fails_without_mirror
	else
		ko verify_fails_without_mirror "rc=$rc $(printf '%s' "$out" | tail -n 6 | tr '\n' ' ')"
	fi
fi
out=$(scripts/verify.sh "$T/x/build/x86_64/same.txt" 2>&1); rc=$?
[ $rc -eq 1 ] && [[ $out == *"no KOZO source note"* || $out == *"not an ELF"* ]] && ok verify_refuses_file_without_note ||
	ko verify_refuses_file_without_note "rc=$rc $out"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
