#!/usr/bin/env bash
# Kernel-side crash telemetry, end to end in QEMU (x86_64): Init's `panic`
# command makes the kernel panic through the debug capability, and the
# record on serial 1 (panic.log) goes through build/host/kozo-crash.
#
#   boot 1 (-uuid A)  bad panic arguments give errors, no panic; then
#                     `panic`: exactly one valid 4096-byte record, none of
#                     it on serial 0, the anonymized message, named frames,
#                     the real SMBIOS UUID in the raw record
#   boot 2 (-uuid B)  `panic bob 0x1234`: the same Crash-ID, a 2nd device
#   boot 3 (-uuid A)  `panic fault`, a kernel-mode page fault: a valid
#                     record with another Crash-ID
#   then              no user, address or UUID anywhere in the collector's
#                     output or database
#
# Under TCG, and under KVM when /dev/kvm exists (a KVM QEMU cannot drive is
# reported as "KVM unavailable" and skipped, as in integration-test.sh).
# Each check prints PASS/FAIL <name>; the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

ARCH=x86_64
KERNEL=build/$ARCH/kozo.elf
KC=build/host/kozo-crash
BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}
CMD_TIMEOUT=${CMD_TIMEOUT:-15}
UUID_A=6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
UUID_B=0badc0de-1234-4321-8765-fedcba987654
TMP=$(mktemp -d /tmp/kozo-panic.XXXXXX)
trap 'stop_qemu; [ -n "${KOZO_KEEP:-}" ] || rm -rf "$TMP"' EXIT
. scripts/lib/qemu-shell.sh

pass=0 fail=0 lines=()
check() { # name, then a command that succeeds when the check passes
	local name=$1; shift
	if "$@"; then lines+=("PASS $name"); pass=$((pass + 1))
	else lines+=("FAIL $name"); fail=$((fail + 1)); fi
}
has() { grep -qF -- "$1" <<<"$OUT"; }

# Boot with -uuid $2, run shell line $3 that panics; the run's directory
# is $RUN.  Fails unless the panic's last serial-0 line and a whole record
# arrived.
panic_boot() { # mode uuid line run-name
	QEMU_EXTRA=(-uuid "$2")
	start_qemu "$1" "$1-$4"
	wait_for 0 'kozo> ' "$BOOT_TIMEOUT" || return 1
	[ -n "${PRE_PANIC:-}" ] && "$PRE_PANIC"
	local from
	from=$(log_size)
	printf '%s\r' "$3" >&3
	wait_for "$from" "-byte record on serial 1" "$CMD_TIMEOUT" || return 1
	local i
	for i in $(seq 50); do # QEMU flushes the file chardev as it goes
		[ "$(stat -c %s "$RUN/panic.log")" -ge 4096 ] && break
		sleep 0.1
	done
	sleep 0.2
}

# The collector on one run's panic.log, with the suite's database.
ingest() { # run-dir
	"$KC" ingest --db "$DB" "$1/panic.log" >"$1/ingest.out" 2>"$1/ingest.err"
}
crash_id() { sed -n 's/^Crash-ID: \([0-9a-f]\{64\}\) | Build-ID: .*/\1/p' "$1/ingest.out"; }
one_valid_record() { # run-dir
	[ "$(stat -c %s "$1/panic.log")" = 4096 ] &&
		grep -q '1 valid record (1 new, 0 already counted), 0 bad records, 0 bytes outside' \
			"$1/ingest.err" &&
		[ "$(grep -c '^Crash-ID: ' "$1/ingest.out")" = 1 ]
}
no_record_on_serial0() { # run-dir: no magic, not even its text part
	! grep -aqF 'KOZOPNC' "$1/serial.log" && ! LC_ALL=C grep -aq $'\x7f' "$1/serial.log"
}
message_is() { [ "$(sed -n 2p "$1/ingest.out")" = "  $2" ]; }
build_id_is_kernels() { # the Build-ID line names the banner's Build-ID
	local id
	id=$(tr -d '\r' <"$1/serial.log" | sed -n 's/^KOZO \([^ ]*\) x86_64$/\1/p' | head -n 1)
	[ -n "$id" ] && grep -qE "^Crash-ID: [0-9a-f]{64} \| Build-ID: $id$" "$1/ingest.out"
}
frames_start() { # run-dir crash-id first-frame
	"$KC" show --db "$DB" "$2" | grep -qE "^Frames: +$3 <- .*kernel_syscall"
}

# Boot 1's shell checks before it panics: the kernel refuses bad input.
bad_input() {
	run_cmd "panic $(printf 'x%.0s' $(seq 33))"
	check "user name of 33 bytes -> range error, no panic$SUFFIX" has "panic: error: range"
	run_cmd "panic alice nonsense"
	check "bad address -> usage$SUFFIX" has "usage: panic"
	run_cmd "panic a 1 2"
	check "too many arguments -> usage$SUFFIX" has "usage: panic"
	run_cmd "echo still here"
	check "shell answers after refused panics$SUFFIX" has "still here"
	check "refused panics wrote nothing to serial 1$SUFFIX" test ! -s "$RUN/panic.log"
}

scenario() { # mode
	local mode=$1 r1 r2 r3 id1 id2 id3
	DB=$TMP/$mode.db

	PRE_PANIC=bad_input panic_boot "$mode" "$UUID_A" "panic" one
	local ok=$?
	r1=$RUN
	stop_qemu
	[ -n "$(kvm_problem)" ] && return 2
	check "panic: the kernel wrote a record$SUFFIX" test $ok = 0
	ingest "$r1"
	id1=$(crash_id "$r1")
	check "panic: exactly one valid 4096-byte record$SUFFIX" one_valid_record "$r1"
	check "panic: serial 0 carries none of the record$SUFFIX" no_record_on_serial0 "$r1"
	check "panic: serial 0 has the human line$SUFFIX" \
		grep -qF "KOZO PANIC: Capability violation at 0xdeadbeef by user 'alice'" "$r1/serial.log"
	check "panic: anonymized message$SUFFIX" \
		message_is "$r1" "Capability violation at <addr> by user '<user>'"
	check "panic: Build-ID is the kernel's$SUFFIX" build_id_is_kernels "$r1"
	check "panic: frames named by the kernel's table$SUFFIX" frames_start "$r1" "$id1" debug_invoke
	check "panic: the record carries the SMBIOS UUID$SUFFIX" grep -aqF "$UUID_A" "$r1/panic.log"

	panic_boot "$mode" "$UUID_B" "panic bob 0x1234" two
	ok=$?
	r2=$RUN
	stop_qemu
	ingest "$r2"
	id2=$(crash_id "$r2")
	check "panic bob 0x1234: a valid record$SUFFIX" one_valid_record "$r2"
	check "panic bob 0x1234: the same Crash-ID$SUFFIX" test -n "$id1" -a "$id1" = "$id2"
	check "same Crash-ID on two devices: count 2, devices 2$SUFFIX" \
		test "$(sqlite3 "$DB" "SELECT count FROM crashes WHERE crash_id='$id1'")" = 2 -a \
		"$(sqlite3 "$DB" "SELECT count(*) FROM crash_devices WHERE crash_id='$id1'")" = 2

	panic_boot "$mode" "$UUID_A" "panic fault" three
	ok=$?
	r3=$RUN
	stop_qemu
	check "panic fault: the kernel wrote a record$SUFFIX" test $ok = 0
	ingest "$r3"
	id3=$(crash_id "$r3")
	check "panic fault: a valid record$SUFFIX" one_valid_record "$r3"
	check "panic fault: serial 0 carries none of the record$SUFFIX" no_record_on_serial0 "$r3"
	check "panic fault: registers on serial 0$SUFFIX" grep -qE "CR2 ffffffff7ffff000" "$r3/serial.log"
	check "panic fault: message$SUFFIX" \
		message_is "$r3" "kernel fault: #PF page fault at <addr> (address <addr>, error 0)"
	check "panic fault: another Crash-ID$SUFFIX" test -n "$id3" -a "$id3" != "$id1"
	check "panic fault: frames from the faulting function$SUFFIX" \
		frames_start "$r3" "$id3" arch_debug_fault

	# Privacy: what the collector printed and stored.
	local all=$TMP/$mode.all
	cat "$r1"/ingest.* "$r2"/ingest.* "$r3"/ingest.* >"$all"
	"$KC" report --db "$DB" >>"$all" 2>&1
	"$KC" report --db "$DB" --json >>"$all" 2>&1
	for id in "$id1" "$id3"; do "$KC" show --db "$DB" "$id" >>"$all" 2>&1; done
	sqlite3 "$DB" .dump >>"$all"
	cat "$DB" >>"$all"
	local leaks="" s
	for s in alice bob deadbeef 1234 "$UUID_A" "$UUID_B" "${UUID_A//-/}"; do
		grep -aqiF -- "$s" "$all" && leaks="$leaks $s"
	done
	check "no user, address or UUID in the collector's output or database$SUFFIX" \
		test -z "$leaks"
	[ -n "$leaks" ] && echo "leaked:$leaks"
	LAST_ID=$id1
	return 0
}

echo "building ($ARCH)"
if ! make -s kernel tools >"$TMP/build.log" 2>&1; then
	cat "$TMP/build.log"
	echo "FAIL build"
	echo "0 passed, 1 failed"
	exit 1
fi

SUFFIX=""
scenario tcg
tcg_id=$LAST_ID
if [ -e /dev/kvm ]; then
	SUFFIX=" [kvm]"
	saved=("${lines[@]}") saved_pass=$pass saved_fail=$fail
	scenario kvm
	if [ $? = 2 ]; then
		echo "KVM unavailable: $(kvm_problem)"
		lines=("${saved[@]}") pass=$saved_pass fail=$saved_fail
	else
		check "the same Crash-ID under TCG and KVM [kvm]" test "$LAST_ID" = "$tcg_id"
	fi
else
	echo "no /dev/kvm: KVM run skipped"
fi

printf '%s\n' "${lines[@]}"
if [ "$fail" -gt 0 ] || [ -n "${KOZO_TRANSCRIPT:-}" ]; then
	for f in "$TMP"/*/serial.log; do
		echo "--- $f ---"
		tr -d '\r' <"$f" | tail -n 30
		err=${f%serial.log}qemu.err
		[ -s "$err" ] && { echo "--- qemu stderr ---"; cat "$err"; }
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
