#!/usr/bin/env bash
# Boot the real kernel in QEMU and drive Init's shell over serial 0.
#
#   scripts/integration-test.sh [ARCH]      (x86_64 by default)
#
# QEMU and the serial plumbing are in scripts/lib/qemu-shell.sh; serial 1
# (the panic channel) must stay empty.
# The run goes once under TCG and, when /dev/kvm exists, once under KVM.  A
# KVM that QEMU itself cannot drive (it reports "KVM internal error" or
# cannot open /dev/kvm) is reported as "KVM unavailable" and skipped; a
# failure of the kernel under KVM counts.  Each check prints PASS/FAIL
# <name>; the last line is "N passed, N failed".  The serial transcript is
# printed after a failure, or always with KOZO_TRANSCRIPT=1.
set -uo pipefail
ARCH=${1:-x86_64}
cd "$(dirname "$0")/.."
. scripts/lib/out.sh

BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}
CMD_TIMEOUT=${CMD_TIMEOUT:-15}
KERNEL=$KOZO_OUT/$ARCH/kozo.elf
# Kernel addresses Init's forbidden thread touches (user/lib/arch/*/layout_arch.h):
# the exact one it reads, and a pattern for the direct-map address it writes.
case $ARCH in
aarch64) FORBIDDEN_READ=0xffff000040201000 FORBIDDEN_WRITE_RE='0xffff0[0-9a-f]+' ;;
*) FORBIDDEN_READ=0xffffffff80100000 FORBIDDEN_WRITE_RE='0xffff8[0-9a-f]+' ;;
esac
TMP=$(mktemp -d /tmp/kozo-it.XXXXXX)
total_pass=0 total_fail=0

cleanup() {
	stop_qemu
	rm -rf "$TMP"
}
trap cleanup EXIT

. scripts/lib/qemu-shell.sh

# ---- results ----

suite_pass=0 suite_fail=0 suite_lines=()
check() { # name, then a command that succeeds when the check passes
	local name=$1; shift
	if "$@"; then
		suite_lines+=("PASS $name"); suite_pass=$((suite_pass + 1))
	else
		suite_lines+=("FAIL $name"); suite_fail=$((suite_fail + 1))
	fi
}
has() { grep -qF -- "$1" <<<"$OUT"; }
has_re() { grep -qE -- "$1" <<<"$OUT"; }

# A shell command whose output must contain a text.
expect_cmd() { # name line text [timeout]
	local name=$1 line=$2 text=$3
	run_cmd "$line" "${4:-$CMD_TIMEOUT}"
	check "$name" has "$text"
}

# ---- the scenario ----

UT= UT_SIZE= UT_BITS=
untyped_free() { # slot -> free bytes in the last `untyped` output
	awk -v s="$1" '$1 == s && $2 ~ /^0x/ { print $5 }' <<<"$OUT"
}

pick_untyped() {
	# A whole, non-device Untyped to retype from (rows: slot paddr bits
	# size free): the largest below 4 MiB, so that the regions of 4 MiB or
	# more stay idle for the test programs the shell starts (each borrows
	# one; on aarch64, beside the Linux server, the shell has only one);
	# the largest of all when none is smaller.
	local whole
	whole=$(awk '$2 ~ /^0x/ && NF == 5 && $4 == $5 { print $1, $3, $4 }' <<<"$OUT" | sort -k2,2n)
	read -r UT UT_BITS UT_SIZE < <(awk '$2 >= 15 && $2 < 22' <<<"$whole" | tail -n 1)
	[ -n "$UT" ] || read -r UT UT_BITS UT_SIZE < <(tail -n 1 <<<"$whole")
	[ -n "$UT" ]
}

scenario() {
	local from=0
	if ! wait_for "$from" 'kozo> ' "$BOOT_TIMEOUT"; then
		check "boot to the kozo> prompt" false
		return
	fi
	check "boot to the kozo> prompt" true

	expect_cmd "help lists the commands" "help" "selftest"
	expect_cmd "bootinfo" "bootinfo" "untyped count"
	# The image's source note: the full commit this tree is at (clean or
	# dirty is scripts/suites/identity.sh's matter).
	expect_cmd "version names the full commit" "version" "  commit  $(git rev-parse HEAD)"

	run_cmd "untyped"
	check "untyped prints a table" pick_untyped
	[ -n "$UT" ] || return

	# Retype: three endpoints, two TCBs, four frames; slots printed.
	run_cmd "retype $UT endpoint 3"
	local a b
	read -r a b < <(sed -nE 's/^retype: 3 endpoint objects in slots ([0-9]+)\.\.([0-9]+)$/\1 \2/p' <<<"$OUT")
	check "retype 3 endpoints prints their slots" test -n "$a" -a "${b:-0}" = "$((${a:-0} + 2))"
	[ -n "$a" ] || a=0
	expect_cmd "retype 2 tcbs" "retype $UT tcb 2" "retype: 2 tcb objects in slots"
	expect_cmd "retype 4 frames" "retype $UT frame 4" "retype: 4 frame objects in slots"
	# A refused invocation: a debug kernel says on serial 0 which check
	# failed (kernel/core/invocation.h, refuse); a release kernel does not.
	if [ "${CONFIG:-debug}" = release ]; then
		run_cmd "retype $UT cnode 1 30"
		check "a refused retype prints no kernel reason (release)" \
			eval '! grep -q "^kozo: retype:" <<<"$OUT"'
	else
		expect_cmd "a refused retype prints the kernel's reason (debug)" "retype $UT cnode 1 30" \
			"kozo: retype: size 30 out of range for a cnode"
	fi
	local frame
	frame=$(sed -nE 's/^retype: 4 frame objects in slots ([0-9]+)\.\..*/\1/p' <<<"$OUT")
	run_cmd "caps"
	check "caps lists the new endpoints" has_re "^ *$a +endpoint "
	run_cmd "untyped"
	local free
	free=$(untyped_free "$UT")
	# 3 x 64 B at 0, two 2 KiB TCBs at 2 KiB, four 4 KiB frames at 8 KiB.
	check "untyped free bytes shrink (watermark)" test "${free:-0}" = "$((UT_SIZE - 4096 * 6))"

	# Copy and mint work on the retyped objects.
	local dest=$((a + 40))
	expect_cmd "mint a badged endpoint" "mint $a $dest rw 0x5" "mint: slot $a -> slot $dest"
	run_cmd "caps"
	check "caps shows the badge and rights" has_re "^ *$dest +endpoint +rw-- +0x5 "
	expect_cmd "copy a capability" "copy $dest $((dest + 1))" "copy: slot $dest -> slot $((dest + 1))"
	expect_cmd "delete a capability" "delete $((dest + 1))" "delete: slot $((dest + 1)) deleted"

	# The objects are real: a thread in a new address space talks back.
	run_cmd "selftest" 30
	check "selftest: child replies through the endpoint" has "child replied 42 via endpoint badge 0x77: ok"
	check "selftest: revoke resets the watermark" has_re "^selftest: revoked untyped .*: ok$"
	check "selftest: all ok" has "selftest: all ok"

	# Bad input: each gives the kernel's error, and the shell goes on.
	expect_cmd "too little space -> not enough memory" \
		"retype $UT untyped 1 $((UT_BITS + 1))" "retype: error: not enough memory"
	expect_cmd "bad type -> invalid argument" "retype $UT bogus 1" "retype: error: invalid argument"
	expect_cmd "occupied slot -> delete first" "retype $UT endpoint 1 0 @$a" "retype: error: delete first"
	run_cmd "retype 99999 tcb 1"
	check "bad untyped slot -> invalid capability / failed lookup" \
		has_re "^retype: error: (invalid capability|failed lookup)$"
	run_cmd "retype ${frame:-0} tcb 1"
	check "a frame is no untyped -> an error" has_re "^retype: error: "
	expect_cmd "missing arguments -> usage" "retype $UT" "usage: retype"
	expect_cmd "shell answers after bad input" "echo still here" "still here"

	# Revoke hands the whole Untyped back.
	expect_cmd "revoke the untyped" "revoke $UT" "revoke: slot $UT"
	run_cmd "untyped"
	free=$(untyped_free "$UT")
	check "revoke resets the untyped's free bytes" test "${free:-0}" = "$UT_SIZE"
	run_cmd "caps"
	check "revoked capabilities are gone" bash -c "! grep -qE '^ *$a +endpoint ' <<<\"\$1\"" _ "$OUT"

	# A thread touching kernel memory faults; the kernel survives.
	run_cmd "forbidden" 20
	check "forbidden: kernel read faults" has "thread faulted at $FORBIDDEN_READ (VM fault, kernel survived)"
	check "forbidden: direct-map write faults" has_re "thread faulted at $FORBIDDEN_WRITE_RE \(VM fault, kernel survived\)"
	check "forbidden: the panic channel is out of reach" \
		has_re "^forbidden: .*(COM2|secure PL011).*: (illegal operation|failed lookup|invalid capability)$"
	expect_cmd "shell answers after forbidden" "help" "selftest"

	# Issue 12's attacks on memory isolation (user/tests/isolation, a program the shell starts).
	run_cmd "isolation" 60
	for attack in table-unmap table-copy vspace-delete freed-table tlb ipc-buffer stale-fault putchar; do
		check "isolation: $attack attack fails" has_re "^isolation: $attack +.*: ok\$"
	done
	check "isolation: no attack succeeds" has_re "^isolation: [0-9]+ attacks failed as they should, 0 succeeded; kernel alive"
	expect_cmd "shell answers after isolation" "help" "selftest"

	expect_cmd "unknown command -> usage line" "frobnicate" "unknown command 'frobnicate'; try help"
	# Line editing: "hellp", two DELs, "p" -> "help"; a backspace too.
	expect_cmd "line editing (DEL, backspace)" $'hellp\x7f\x7fp' "selftest"
	expect_cmd "line editing (backspace)" $'echo abcd\bx' "abcx"
	check "nothing written to the panic channel" test ! -s "$RUN/panic.log"
}

run_mode() { # tcg|kvm
	local mode=$1
	suite_pass=0 suite_fail=0 suite_lines=()
	start_qemu "$mode"
	scenario
	local problem
	problem=$([ "$mode" = kvm ] && kvm_problem)
	stop_qemu
	if [ -n "$problem" ]; then
		echo "KVM unavailable: $problem"
		return
	fi
	local line
	for line in "${suite_lines[@]}"; do
		if [ "$mode" = kvm ]; then echo "$line [kvm]"; else echo "$line"; fi
	done
	if [ "$suite_fail" -gt 0 ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
		echo "--- serial transcript ($mode) ---"
		tr -d '\r' <"$RUN/serial.log"
		echo "--- end of transcript ---"
		[ -s "$RUN/qemu.err" ] && { echo "--- qemu stderr ---"; cat "$RUN/qemu.err"; }
		[ -s "$RUN/panic.log" ] && { echo "--- panic.log (serial 1) ---"; cat -v "$RUN/panic.log" | head -c 8192; echo; }
	fi
	total_pass=$((total_pass + suite_pass))
	total_fail=$((total_fail + suite_fail))
}

echo "building ($ARCH)"
if ! make -s ARCH="$ARCH" kernel >"$TMP/build.log" 2>&1 || [ ! -f "$KERNEL" ]; then
	cat "$TMP/build.log"
	echo "FAIL build"
	echo "0 passed, 1 failed"
	exit 1
fi

run_mode tcg
if [ "$ARCH" != "$(uname -m)" ]; then
	echo "$ARCH guest on a $(uname -m) host: KVM run skipped"
elif [ -e /dev/kvm ]; then
	run_mode kvm
else
	echo "no /dev/kvm: KVM run skipped"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
