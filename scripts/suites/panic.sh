#!/usr/bin/env bash
# Kernel-side crash telemetry, end to end in QEMU, on x86_64 and aarch64:
# Init's `panic` command makes the kernel panic through the debug
# capability, and the record on serial 1 (panic.log) goes through
# build/host/kozo-crash.  Device A and B differ in a hardware ID: the
# SMBIOS UUID (-uuid) on x86_64, the device tree's serial-number (-dtb, a
# dump of QEMU's own tree plus the property: scripts/lib/fdt-serial.py) on
# aarch64.
#
#   boot 1 (device A)  bad panic arguments give errors, no panic; then
#                      `panic`: exactly one valid 4096-byte record, none of
#                      it on serial 0, the anonymized message, named frames,
#                      the real hardware ID in the raw record
#   boot 2 (device B)  `panic bob 0x1234`: the same Crash-ID, a 2nd device
#   boot 3 (device A)  `panic fault`, a kernel-mode page fault / data abort:
#                      a valid record with another Crash-ID
#   then               no user, address or hardware ID anywhere in the
#                      collector's output or database
#
# x86_64 under TCG, and under KVM when /dev/kvm exists (a KVM QEMU cannot
# drive is reported as "KVM unavailable" and skipped, as in
# integration-test.sh); aarch64 under TCG only (a foreign guest).  The
# Crash-IDs of the two architectures are not compared: a fault's format
# names the arch's exception, and compilers may inline differently per
# target, so the frames may differ (for `panic` they agree today); the
# suite prints both.
# Each check prints PASS/FAIL <name>; the last line is "N passed, N failed",
# summed over both architectures.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh

ARCHES=${PANIC_ARCHES:-x86_64 aarch64}
KC=$KOZO_OUT/host/kozo-crash
BOOT_TIMEOUT=${BOOT_TIMEOUT:-30}
CMD_TIMEOUT=${CMD_TIMEOUT:-15}
UUID_A=6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
UUID_B=0badc0de-1234-4321-8765-fedcba987654
SERIAL_A=QZ7SN0A9F3K2
SERIAL_B=WX5SN8C6D4E1
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

# The QEMU arguments and hardware-ID value of device A and B, and what
# a kernel fault looks like, for $ARCH.
setup_arch() {
	KERNEL=$KOZO_OUT/$ARCH/kozo.elf
	case $ARCH in
	x86_64)
		DEV_A=(-uuid "$UUID_A") DEV_B=(-uuid "$UUID_B")
		HWID_A=$UUID_A HWID_B=$UUID_B
		FAULT_REG="CR2 ffffffff7ffff000"
		FAULT_MSG="kernel fault: #PF page fault at <addr> (address <addr>, error 0)"
		;;
	aarch64)
		local dtb=$TMP/virt.dtb
		qemu-system-aarch64 -M virt,gic-version=3,secure=on,dumpdtb="$dtb" -m 256M \
			-cpu cortex-a72 -accel tcg -nographic >/dev/null 2>&1
		python3 scripts/lib/fdt-serial.py "$dtb" "$SERIAL_A" "$TMP/device-a.dtb" &&
			python3 scripts/lib/fdt-serial.py "$dtb" "$SERIAL_B" "$TMP/device-b.dtb" ||
			return 1
		DEV_A=(-dtb "$TMP/device-a.dtb") DEV_B=(-dtb "$TMP/device-b.dtb")
		HWID_A=$SERIAL_A HWID_B=$SERIAL_B
		FAULT_REG="FAR ffff000000000000"
		FAULT_MSG="kernel fault: data abort at <addr> (address <addr>, ESR <hex>)"
		;;
	esac
}

# Boot device $2 (A or B), run shell line $3 that panics; the run's
# directory is $RUN.  Fails unless the panic's last serial-0 line and a
# whole record arrived.
panic_boot() { # mode device line run-name
	if [ "$2" = A ]; then QEMU_EXTRA=("${DEV_A[@]}"); else QEMU_EXTRA=("${DEV_B[@]}"); fi
	start_qemu "$1" "$ARCH-$1-$4"
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
	id=$(tr -d '\r' <"$1/serial.log" | sed -n "s/^KOZO \([^ ]*\) $ARCH\$/\1/p" | head -n 1)
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
	DB=$TMP/$ARCH-$mode.db

	PRE_PANIC=bad_input panic_boot "$mode" A "panic" one
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
	check "panic: the record carries the hardware ID ($HWID_A)$SUFFIX" \
		grep -aqF "$HWID_A" "$r1/panic.log"

	panic_boot "$mode" B "panic bob 0x1234" two
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

	panic_boot "$mode" A "panic fault" three
	ok=$?
	r3=$RUN
	stop_qemu
	check "panic fault: the kernel wrote a record$SUFFIX" test $ok = 0
	ingest "$r3"
	id3=$(crash_id "$r3")
	check "panic fault: a valid record$SUFFIX" one_valid_record "$r3"
	check "panic fault: serial 0 carries none of the record$SUFFIX" no_record_on_serial0 "$r3"
	check "panic fault: registers on serial 0$SUFFIX" grep -qF "$FAULT_REG" "$r3/serial.log"
	check "panic fault: message$SUFFIX" message_is "$r3" "$FAULT_MSG"
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
	for s in alice bob deadbeef "$HWID_A" "$HWID_B" "${HWID_A//-/}" midr-; do
		grep -aqiF -- "$s" "$all" && leaks="$leaks $s"
	done
	# The short address only as a number of its own: the 64-digit hex of a
	# Crash-ID or pseudonym contains "1234" now and then.
	grep -aqiE -- '(^|[^0-9a-z])(0x)?1234([^0-9a-z]|$)' "$all" && leaks="$leaks 1234"
	check "no user, address or hardware ID in the collector's output or database$SUFFIX" \
		test -z "$leaks"
	[ -n "$leaks" ] && echo "leaked:$leaks"
	LAST_ID=$id1
	return 0
}

for ARCH in $ARCHES; do
	echo "building ($ARCH)"
	if ! make -s ARCH="$ARCH" kernel >"$TMP/build.log" 2>&1 ||
		! make -s tools >>"$TMP/build.log" 2>&1; then
		cat "$TMP/build.log"
		lines+=("FAIL build ($ARCH)")
		fail=$((fail + 1))
		continue
	fi
	if ! setup_arch; then
		lines+=("FAIL device trees for aarch64 (QEMU dumpdtb, fdt-serial.py)")
		fail=$((fail + 1))
		continue
	fi

	SUFFIX=" [$ARCH]"
	scenario tcg
	tcg_id=$LAST_ID
	echo "Crash-ID of 'panic' on $ARCH: ${tcg_id:-none}"
	[ "$ARCH" = x86_64 ] || continue # KVM cannot run a foreign guest
	if [ -e /dev/kvm ]; then
		SUFFIX=" [$ARCH kvm]"
		saved=("${lines[@]}") saved_pass=$pass saved_fail=$fail
		scenario kvm
		if [ $? = 2 ]; then
			echo "KVM unavailable: $(kvm_problem)"
			lines=("${saved[@]}") pass=$saved_pass fail=$saved_fail
		else
			check "the same Crash-ID under TCG and KVM$SUFFIX" test "$LAST_ID" = "$tcg_id"
		fi
	else
		echo "no /dev/kvm: KVM run skipped"
	fi
done

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
