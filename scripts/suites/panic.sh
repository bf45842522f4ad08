#!/usr/bin/env bash
# Kernel-side crash telemetry, end to end in QEMU, on x86_64 and aarch64:
# Init's `panic` command makes the kernel panic through the debug
# capability, and the record on serial 1 (panic.log) goes through
# build/host/kozo-crash.  Device A and B differ in a hardware ID: the
# SMBIOS UUID (-uuid) on x86_64, the device tree's serial-number (-dtb, a
# dump of QEMU's own tree plus the property: scripts/lib/fdt-serial.py) on
# aarch64.
#
# Each device has its own secret (fw_cfg opt/kozo/secret), from which the
# kernel makes the hardware-ID pseudonyms itself; each boot a fresh seed.
#
#   boot 1 (device A)  bad panic arguments give errors, no panic; then
#                      `panic`: exactly one valid 4096-byte record, none of
#                      it on serial 0, the anonymized message, named frames,
#                      no raw hardware ID on serial 0 or 1
#   boot 2 (device B)  `panic bob 0x1234`: the same Crash-ID, a 2nd device
#   boot 3 (device A)  `panic fault`, a kernel-mode page fault / data abort:
#                      a valid record with another Crash-ID
#   boot 4 (device A)  `panic` again: a 2nd occurrence on device A (the
#                      boot nonce); boot 1's record again: still counted once
#   then               no user, address or hardware ID anywhere in the
#                      collector's output or database
#   release build      CONFIG=release (build/<arch>-release), device A,
#                      `panic`: serial 0 says <addr> and <user>, and no user,
#                      address or hardware ID is on serial 0, serial 1 or in
#                      anything the collector prints or stores
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
	(umask 077 && head -c 32 /dev/urandom >"$TMP/secret-a" &&
		head -c 32 /dev/urandom >"$TMP/secret-b")
	local sec_a=(-fw_cfg "name=opt/kozo/secret,file=$TMP/secret-a")
	local sec_b=(-fw_cfg "name=opt/kozo/secret,file=$TMP/secret-b")
	case $ARCH in
	x86_64)
		DEV_A=(-uuid "$UUID_A" "${sec_a[@]}") DEV_B=(-uuid "$UUID_B" "${sec_b[@]}")
		RAW_IDS=("$UUID_A" "$UUID_B" "${UUID_A//-/}" AuthenticAMD GenuineIntel)
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
		DEV_A=(-dtb "$TMP/device-a.dtb" "${sec_a[@]}") DEV_B=(-dtb "$TMP/device-b.dtb" "${sec_b[@]}")
		RAW_IDS=("$SERIAL_A" "$SERIAL_B" midr- mpidr- revidr- 410fd083)
		HWID_A=$SERIAL_A HWID_B=$SERIAL_B
		FAULT_REG="FAR ffff000000000000"
		FAULT_MSG="kernel fault: data abort at <addr> (address <addr>, ESR 96000006)"
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

differ() { ! cmp -s "$1" "$2"; }
record_flags() { od -An -tu4 -j24 -N4 "$1/panic.log" | tr -d ' '; }
# Serial 0 from KOZO's banner on: the firmware before it is not KOZO's
# (SeaBIOS prints "Machine UUID <the -uuid>" on x86_64; docs/CRASH-TELEMETRY.md).
kozo_serial0() { tr -d '\r' <"$1/serial.log" | sed -n "/^KOZO [^ ]* $ARCH\$/,\$p"; }
no_raw_ids() { # run-dir: serial 0 and 1 carry no raw hardware ID
	local s
	kozo_serial0 "$1" >"$1/kozo-serial0.log"
	grep -q "^KOZO " "$1/kozo-serial0.log" || { echo "no KOZO banner in $1"; return 1; }
	for s in "${RAW_IDS[@]}"; do
		grep -aqiF -- "$s" "$1/kozo-serial0.log" "$1/panic.log" && { echo "raw ID $s in $1"; return 1; }
	done
	return 0
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
	check "panic: no raw hardware ID on serial 0 or serial 1$SUFFIX" no_raw_ids "$r1"
	check "panic: a debug build's record is marked debug$SUFFIX" test "$(record_flags "$r1")" = 2
	check "panic: the kernel pseudonymized the hardware IDs$SUFFIX" \
		grep -qF "device secret provisioned" "$r1/serial.log"

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

	panic_boot "$mode" A "panic" four
	ok=$?
	r4=$RUN
	stop_qemu
	ingest "$r4"
	check "panic again on device A: a valid record, the same Crash-ID$SUFFIX" \
		test $ok = 0 -a "$(crash_id "$r4")" = "$id1"
	check "panic again: boot 1 and boot 4's records differ (nonce)$SUFFIX" \
		differ "$r1/panic.log" "$r4/panic.log"
	"$KC" ingest --db "$DB" "$r1/panic.log" >/dev/null 2>"$r4/reingest.err"
	check "two panics in two boots: 2 occurrences on device A, 3 on 2 devices; a record ingested twice counts once$SUFFIX" \
		test "$(sqlite3 "$DB" "SELECT count FROM crashes WHERE crash_id='$id1'")" = 3 -a \
		"$(sqlite3 "$DB" "SELECT count(*) || ' ' || max(count) FROM crash_devices WHERE crash_id='$id1'")" = "2 2" -a \
		-n "$(grep '(0 new, 1 already counted)' "$r4/reingest.err")"

	# Privacy: what the collector printed and stored.
	local all=$TMP/$mode.all
	cat "$r1"/ingest.* "$r2"/ingest.* "$r3"/ingest.* "$r4"/ingest.* >"$all"
	"$KC" report --db "$DB" >>"$all" 2>&1
	"$KC" report --db "$DB" --json >>"$all" 2>&1
	for id in "$id1" "$id3"; do "$KC" show --db "$DB" "$id" >>"$all" 2>&1; done
	sqlite3 "$DB" .dump >>"$all"
	cat "$DB" >>"$all"
	local leaks="" s
	for s in alice bob deadbeef "${RAW_IDS[@]}"; do
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

# CONFIG=release: no user or address value leaves the device, in any byte
# of serial 0, serial 1 or the collector's output and database.
release_scenario() {
	local r all=$TMP/$ARCH-release.all leaks="" s
	DB=$TMP/$ARCH-release.db
	KERNEL=build/$ARCH-release/kozo.elf panic_boot tcg A "panic" release
	local ok=$?
	r=$RUN
	stop_qemu
	check "release: the kernel wrote a record$SUFFIX" test $ok = 0
	ingest "$r"
	check "release: serial 0 shows <addr> and <user>$SUFFIX" \
		grep -qF "KOZO PANIC: Capability violation at <addr> by user '<user>'" "$r/serial.log"
	check "release: one valid record, marked redacted$SUFFIX" \
		test "$(one_valid_record "$r" && record_flags "$r")" = 4
	check "release: anonymized message$SUFFIX" \
		message_is "$r" "Capability violation at <addr> by user '<user>'"
	kozo_serial0 "$r" >"$all"
	grep -q "^KOZO " "$all" || leaks="no-banner"
	cat "$r/panic.log" "$r"/ingest.* >>"$all"
	"$KC" report --db "$DB" >>"$all" 2>&1
	"$KC" report --db "$DB" --json >>"$all" 2>&1
	"$KC" show --db "$DB" "$(crash_id "$r")" >>"$all" 2>&1
	sqlite3 "$DB" .dump >>"$all"
	cat "$DB" >>"$all"
	for s in alice deadbeef "${RAW_IDS[@]}"; do
		grep -aqiF -- "$s" "$all" && leaks="$leaks $s"
	done
	LC_ALL=C grep -aqF $'\xef\xbe\xad\xde' "$all" && leaks="$leaks 0xdeadbeef-as-bytes"
	check "release: no user, address or hardware ID in any byte of serial 0, serial 1 or the collector's output and database$SUFFIX" \
		test -z "$leaks"
	[ -n "$leaks" ] && echo "leaked (release):$leaks"
	return 0
}

# scripts/kozo-run as a developer uses it, twice on one emulated device:
# the state directory (0700) holds the device's secret (0600, kept across
# boots) and each boot's serial 1 (0600), and two panics count twice on
# one device; nothing is written into the source tree.
kozo_run_scenario() {
	local st=$TMP/state boot pid i
	local had_log=0
	[ -e panic.log ] && had_log=1
	for boot in 1 2; do
		local out=$TMP/kozo-run.$boot.out
		mkfifo "$TMP/kozo-run.$boot.in"
		env -u KOZO_CRASH_DB KOZO_STATE_DIR="$st" KOZO_UUID="$UUID_A" \
			scripts/kozo-run "$ARCH" <"$TMP/kozo-run.$boot.in" >"$out" 2>&1 &
		pid=$!
		exec 5>"$TMP/kozo-run.$boot.in"
		for i in $(seq $((BOOT_TIMEOUT * 10))); do
			grep -q 'kozo> ' "$out" && break
			sleep 0.1
		done
		printf 'panic\r' >&5
		for i in $(seq $((CMD_TIMEOUT * 10))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		exec 5>&-
		[ $boot = 1 ] && sum1=$(sha256sum <"$st/devices/$ARCH-$UUID_A/secret")
	done
	local dev=$st/devices/$ARCH-$UUID_A
	check "kozo-run: state 0700, secret 0600 of 32 bytes, kept across boots$SUFFIX" test \
		"$(stat -c %a "$st" "$dev" | tr '\n' ' ')$(stat -c '%a %s' "$dev/secret")" = "700 700 600 32" -a \
		"$sum1" = "$(sha256sum <"$dev/secret")"
	check "kozo-run: both boots' serial 1 ingested, 0600, none pending$SUFFIX" test \
		"$(stat -c %a "$dev"/ingested/*.log | sort -u | tr '\n' ' ')$(ls "$dev/pending" | wc -l)" = "600 0"
	check "kozo-run: two panics in two boots, 2 occurrences on 1 device$SUFFIX" test \
		"$(sqlite3 "$st/crash.db" "SELECT sum(count) || ' ' || count(*) FROM crash_devices")" = "2 1"
	check "kozo-run: nothing written into the source tree$SUFFIX" \
		test "$had_log" = 1 -o ! -e panic.log
	grep -q "Crash-ID: " "$TMP/kozo-run.2.out" || cat "$TMP/kozo-run.2.out"
}

for ARCH in $ARCHES; do
	echo "building ($ARCH)"
	if ! make -s ARCH="$ARCH" kernel >"$TMP/build.log" 2>&1 ||
		! make -s ARCH="$ARCH" CONFIG=release BUILD="build/$ARCH-release" kernel \
			>>"$TMP/build.log" 2>&1 ||
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
	SUFFIX=" [$ARCH release]"
	release_scenario
	SUFFIX=" [$ARCH]"
	[ "$ARCH" = x86_64 ] && kozo_run_scenario
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
