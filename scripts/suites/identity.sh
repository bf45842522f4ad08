#!/usr/bin/env bash
# Source identity (docs/REPRODUCIBILITY.md): every artifact's ELF note names
# the full commit and whether the tree was modified, and a build from a
# modified tree says so in the shell's `version`, in the panic record and
# in the collector's output (x86_64 under QEMU TCG).  Works on two fresh
# clones of HEAD, so it checks the commit, not this tree's edits.
# Each check prints PASS/FAIL <name>; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
check() { local n=$1; shift; if "$@"; then ok "$n"; else ko "$n" "${WHY:-}"; fi; WHY=; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kozo-identity.XXXXXX")
trap 'stop_qemu; rm -rf "$TMP"' EXIT
ARCH=x86_64 BOOT_TIMEOUT=${BOOT_TIMEOUT:-30} CMD_TIMEOUT=${CMD_TIMEOUT:-15}
. scripts/lib/qemu-shell.sh

head=$(git rev-parse HEAD)
version=$(cat VERSION)
clean_id=$version-${head:0:12}
note() { scripts/source-note.py --field "$1" "$2" 2>&1; }

# source-id.sh: an ignored file leaves a tree clean, an untracked or a
# modified one makes it dirty, and two clones at different paths agree.
git clone -q "$root" "$TMP/src" && git -C "$TMP/src" checkout -q --detach "$head"
git clone -q "$root" "$TMP/other/longer/path/src" && git -C "$TMP/other/longer/path/src" checkout -q --detach "$head"
id1=$("$TMP/src/scripts/source-id.sh") id2=$("$TMP/other/longer/path/src/scripts/source-id.sh")
WHY="$id1"; check source_id_clean [ "$id1" = "$head 0 $(git rev-parse "$head^{tree}")" ]
WHY="$id1 / $id2"; check source_id_same_in_two_clones [ "$id1" = "$id2" ]
mkdir -p "$TMP/src/build" && echo x >"$TMP/src/build/ignored"
WHY=$("$TMP/src/scripts/source-id.sh"); check source_id_ignores_ignored_files [ "$WHY" = "$id1" ]
echo x >"$TMP/src/untracked.c"
read -r _ d t < <("$TMP/src/scripts/source-id.sh")
WHY="dirty=$d tree=$t"; check source_id_untracked_is_dirty [ "$d" = 1 ] && [ "$t" != "${id1##* }" ]
rm "$TMP/src/untracked.c" "$TMP/src/build/ignored"

# A clean build: every artifact's note.
if (cd "$TMP/src" && nice -n 10 make -s -j2 ARCH=x86_64 all tools >"$TMP/build-clean.log" 2>&1); then
	for a in build/x86_64/kozo.elf build/x86_64/init.elf build/host/kozo-crash; do
		WHY="$(scripts/source-note.py "$TMP/src/$a" 2>&1 | tr '\n' ' ')"
		check "note_clean_$(basename "$a")" [ "$(note commit "$TMP/src/$a")" = "$head" ] &&
			[ "$(note dirty "$TMP/src/$a")" = 0 ] && [ "$(note build_id "$TMP/src/$a")" = "$clean_id" ] &&
			[ "$(note artifact "$TMP/src/$a")" = "$a" ]
	done
	out=$("$TMP/src/build/host/kozo-crash" --version 2>&1)
	WHY=$out; check collector_version_clean grep -qx "commit $head" <<<"$out" && grep -qx "source clean" <<<"$out" &&
		grep -qx "kozo-crash $clean_id" <<<"$out"
else
	ko build_clean "$(tail -n 5 "$TMP/build-clean.log")"
fi

# One byte of a kernel source changed after the commit: the build says so.
f=$TMP/src/kernel/core/panic.c
printf ' ' >>"$f"
if (cd "$TMP/src" && nice -n 10 make -s -j2 ARCH=x86_64 all tools >"$TMP/build-dirty.log" 2>&1); then
	K=$TMP/src/build/x86_64/kozo.elf KC=$TMP/src/build/host/kozo-crash
	WHY="$(note build_id "$K") dirty=$(note dirty "$K")"
	check note_dirty_kernel [ "$(note dirty "$K")" = 1 ] && [ "$(note build_id "$K")" = "$clean_id-dirty" ] &&
		[ "$(note commit "$K")" = "$head" ]
	out=$("$KC" --version 2>&1)
	WHY=$out; check collector_version_dirty grep -qx "source dirty" <<<"$out" && grep -qx "kozo-crash $clean_id-dirty" <<<"$out"
	KERNEL=$K
	start_qemu tcg dirty
	if wait_for 0 'kozo> ' "$BOOT_TIMEOUT"; then
		run_cmd version
		WHY=$OUT; check shell_version_dirty grep -qx "KOZO $clean_id-dirty" <<<"$OUT" &&
			grep -qx "  commit  $head" <<<"$OUT" && grep -q '^  source  dirty' <<<"$OUT" &&
			grep -qx "  kernel  $clean_id-dirty" <<<"$OUT"
		from=$(log_size)
		printf 'panic\r' >&3
		wait_for "$from" "-byte record on serial 1" "$CMD_TIMEOUT"
		for _ in $(seq 50); do [ "$(stat -c %s "$RUN/panic.log")" -ge 4096 ] && break; sleep 0.1; done
		sleep 0.2
		stop_qemu
		# The record's Build-ID field, raw, and as the collector prints it.
		WHY="no $clean_id-dirty in the record"; check panic_record_dirty grep -aqF "$clean_id-dirty" "$RUN/panic.log"
		out=$("$KC" ingest --db "$TMP/crash.db" "$RUN/panic.log" 2>&1)
		WHY=$out; check collector_output_dirty grep -qE "^Crash-ID: [0-9a-f]{64} \| Build-ID: $clean_id-dirty$" <<<"$out"
	else
		ko boot_dirty "no prompt: $(tail -c 300 "$RUN/serial.log")"
		stop_qemu
	fi
else
	ko build_dirty "$(tail -n 5 "$TMP/build-dirty.log")"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
