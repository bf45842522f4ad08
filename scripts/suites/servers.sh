#!/usr/bin/env bash
# Least privilege (issue 13): boot KOZO in QEMU (x86_64 and aarch64, or
# ARCH=<arch>) and compare each server's capabilities, as `caps <server>`
# lists them (Init tries every slot of the server's CNode: the kernel's
# answer), with the capability table of docs/SERVERS.md: the same
# well-known slots, and no other capability besides its image and budget
# (the "other" count the table gives).  The same for each test program the
# shell starts (user/tests: `caps <program>` spawns it stopped and lists
# its CNode).  Also: `ps` shows every server running, and a test program
# that faults (faulttest) is reported by the shell, which goes on with its
# Untyped whole.  The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d /tmp/kozo-servers.XXXXXX)
. scripts/lib/qemu-shell.sh
trap 'stop_qemu; rm -rf "$TMP"' EXIT

pass=0 fail=0
# The test programs: every folder of user/tests but its runtime (lib).
TESTS=$(cd user/tests && ls -d */ | tr -d / | grep -vx lib | tr '\n' ' ')
check() { # name, then a command that succeeds when the check passes
	local name="$1 [$ARCH]"; shift
	if "$@"; then echo "PASS $name"; pass=$((pass + 1))
	else echo "FAIL $name"; fail=$((fail + 1)); fi
}

# The documented slots of a server on ARCH: rows "| N | capability | ..."
# of its "### <server> ..." section (a section may name several programs:
# "### selftest, forbidden") whose capability is not "-", without the
# rows that name only the other architecture.
SECTION_OF='function names(h,  t) { t = h; gsub(/[,()]/, " ", t); return " " t " " }'
doc_slots() { # server
	awk -v srv="$1" -v arch="$ARCH" "$SECTION_OF"'
		/^### / { sec = index(names($0), " " srv " ") ? srv : ""; next }
		sec == srv && /^\| [0-9]+ \|/ {
			split($0, f, "|"); cap = f[3]; gsub(/^ +| +$/, "", cap)
			if (cap == "-") next
			other = arch == "x86_64" ? "aarch64" : "x86_64"
			if (index($0, other) && !index($0, arch)) next
			gsub(/ /, "", f[2]); print f[2]
		}' docs/SERVERS.md | sort -n | tr '\n' ' '
}
doc_other() { # server: the "other N" the table's text gives
	awk -v srv="$1" "$SECTION_OF"'/^### / { sec = index(names($0), " " srv " ") ? srv : "" } sec == srv && match($0, /`caps [a-z]+`: other [0-9]+/) {
		s = substr($0, RSTART, RLENGTH); sub(/.* other /, "", s); print s; exit }' docs/SERVERS.md
}
listed_slots() { sed -nE 's/^  slot +([0-9]+) .*/\1/p' <<<"$OUT" | sort -n | tr '\n' ' '; }
# An IOPort row's range in the table ("0x3f8-0x3ff"), and the range the
# kernel reports for that slot (Init asks IOPORT_RANGE of a copy).
doc_ioport() { # server
	awk -v srv="$1" '/^### / { sec = $2; next }
		sec == srv && /^\| [0-9]+ \| IOPort/ && match($0, /0x[0-9a-f]+-0x[0-9a-f]+/) {
			print substr($0, RSTART, RLENGTH); exit }' docs/SERVERS.md
}
listed_ioport() { sed -nE 's/^  slot +5  i\/o ports (0x[0-9a-f]+-0x[0-9a-f]+)$/\1/p' <<<"$OUT"; }
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
			if [ "$ARCH" = x86_64 ] && [ -n "$(doc_ioport "$s")" ]; then
				check "caps $s: its IOPort reaches $(doc_ioport "$s") only" \
					test "$(listed_ioport)" = "$(doc_ioport "$s")"
			fi
		done
		for t in $TESTS; do
			run_cmd "caps $t" 60
			want=$(doc_slots "$t") got=$(listed_slots)
			[ "$want" = "$got" ] || echo "  $t: docs/SERVERS.md lists slots '$want', caps shows '$got'"
			check "caps $t (test program): the well-known slots of the table, no more" \
				test -n "$want" -a "$want" = "$got"
			check "caps $t (test program): nothing besides (other $(doc_other "$t"))" \
				test -n "$(listed_other)" -a "$(listed_other)" = "$(doc_other "$t")"
		done
		# A test program that faults: reported, destroyed; the shell goes on
		# and its Untyped are as before.
		run_cmd untyped 30
		before=$(grep -E '^ *[0-9]+ +0x' <<<"$OUT")
		run_cmd faulttest 60
		check "faulttest: the shell reports the fault" \
			grep -qE "^shell: faulttest stopped: VM fault at ip 0x[0-9a-f]+ \(0x10\); destroyed" <<<"$OUT"
		run_cmd untyped 30
		check "faulttest: the shell's Untyped are whole again" test -n "$before" -a "$before" = "$(grep -E '^ *[0-9]+ +0x' <<<"$OUT")"
		run_cmd ps 30
		check "faulttest: the shell runs on, not restarted" grep -qE "^ +[0-9]+ +shell +[0-9]+ +running +0 +0$" <<<"$OUT"
		# A test program that never ends: Ctrl-C stops it, its memory comes
		# back (before, the shell waited for it for good).
		from=$(log_size)
		printf 'faulttest spin\r' >&3
		wait_for "$from" "faulttest: 8 frames retyped; spinning" 60
		printf '\003' >&3
		wait_prompt "$from" 30
		OUT=$(tail -c +$((from + 1)) "$RUN/serial.log" | tr -d '\r')
		check "faulttest spin: Ctrl-C stops a test program that never ends" \
			grep -qx "shell: faulttest interrupted; destroyed" <<<"$OUT"
		run_cmd untyped 30
		check "faulttest spin: the shell's Untyped are whole again" test -n "$before" -a "$before" = "$(grep -E '^ *[0-9]+ +0x' <<<"$OUT")"
		run_cmd "caps nosuch"
		check "caps of an unknown server is an error" grep -q "^caps: no server 'nosuch'" <<<"$OUT"
	else
		check "boot to the kozo> prompt" false
	fi
	stop_qemu
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
