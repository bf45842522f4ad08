#!/usr/bin/env bash
# Least privilege (issue 13): boot KOZO in QEMU (x86_64 and aarch64, or
# ARCH=<arch>) and compare each server's capabilities, as `caps <server>`
# lists them (Init tries every slot of the server's CNode: the kernel's
# answer), with the capability table of docs/SERVERS.md: the same
# well-known slots, and no other capability besides its image and budget
# (the "other" count the table gives).  Also: `ps` shows every server
# running.  The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d /tmp/kozo-servers.XXXXXX)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

pass=0 fail=0
check() { # name, then a command that succeeds when the check passes
	local name="$1 [$ARCH]"; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1))
	else echo "FAIL $name"; fail=$((fail + 1)); fi
}

# The documented slots of a server on ARCH: rows "| N | capability | ..."
# of its "### <server>" section whose capability is not "-", without the
# rows that name only the other architecture.
doc_slots() { # server
	awk -v srv="$1" -v arch="$ARCH" '
		/^### / { sec = $2; next }
		sec == srv && /^\| [0-9]+ \|/ {
			split($0, f, "|"); cap = f[3]; gsub(/^ +| +$/, "", cap)
			if (cap == "-") next
			other = arch == "x86_64" ? "aarch64" : "x86_64"
			if (index($0, other) && !index($0, arch)) next
			gsub(/ /, "", f[2]); print f[2]
		}' docs/SERVERS.md | sort -n | tr '\n' ' '
}
doc_other() { # server: the "other N" the table's text gives
	awk -v srv="$1" '/^### / { sec = $2 } sec == srv && match($0, /`caps [a-z]+`: other [0-9]+/) {
		s = substr($0, RSTART, RLENGTH); sub(/.* other /, "", s); print s; exit }' docs/SERVERS.md
}
listed_slots() { sed -nE 's/^  slot +([0-9]+) .*/\1/p' <<<"$OUT" | sort -n | tr '\n' ' '; }
listed_other() { sed -nE 's/^  image [0-9]+, untyped [0-9]+, other ([0-9]+)$/\1/p' <<<"$OUT"; }

for ARCH in ${ARCH:-x86_64 aarch64}; do
	KERNEL=build/$ARCH/kozo.elf
	if ! make -s ARCH="$ARCH" kernel >&2; then
		echo "FAIL build [$ARCH]"; fail=$((fail + 1)); continue
	fi
	servers="console shell linux"
	start_qemu tcg "servers-$ARCH"
	if wait_for 0 'kozo> ' 60; then
		run_cmd ps 30
		for s in init $servers; do
			check "ps: $s running" grep -qE "^ +[0-9]+ +$s +[0-9]+ +running" <<<"$OUT"
		done
		for s in $servers; do
			run_cmd "caps $s" 60
			want=$(doc_slots "$s") got=$(listed_slots)
			[ "$want" = "$got" ] || echo "  $s: docs/SERVERS.md lists slots '$want', caps shows '$got'"
			check "caps $s: the well-known slots of the table, no more" test -n "$want" -a "$want" = "$got"
			check "caps $s: nothing besides (other $(doc_other "$s"))" test "$(listed_other)" = "$(doc_other "$s")"
		done
		run_cmd "caps nosuch"
		check "caps of an unknown server is an error" grep -q "^caps: no server 'nosuch'" <<<"$OUT"
	else
		check "boot to the kozo> prompt" false
	fi
	stop_qemu
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
