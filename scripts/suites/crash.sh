#!/usr/bin/env bash
# Crash telemetry suite: the panic-record encoder (freestanding, both
# arches), BLAKE3 (official vectors, b3sum), the record parser,
# normalization, pseudonyms, Crash-IDs, the SQLite database and a privacy
# corpus.  Each test prints "PASS name" or "FAIL name: reason"; the last
# line is "N passed, N failed".  Needs: clang, lld/llvm (llvm-nm), b3sum,
# sqlite3, libsqlite3-dev, python3.
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-crash.XXXXXX")
trap 'rm -rf "$T"' EXIT

# CRASH_MAKE lets the suite run before every mk/ fragment exists.
if ! ${CRASH_MAKE:-make} -s crash-tests tools >"$T/build.log" 2>&1; then
	ko build "$(tail -n 20 "$T/build.log" | tr '\n' ' ')"
	finish
fi
ok build

B=$KOZO_OUT/host/crash/test
KC=$KOZO_OUT/host/kozo-crash
MK=$B/mkpanic

# C unit tests: keep their PASS/FAIL lines, count them here.
run_c() {
	local out rc
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' || true
	pass=$((pass + $(printf '%s\n' "$out" | grep -c '^PASS ')))
	fail=$((fail + $(printf '%s\n' "$out" | grep -c '^FAIL ')))
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
		ko "$(basename "$1")" "exit $rc: $(printf '%s\n' "$out" | tail -n 5 | tr '\n' ' ')"
	fi
}
run_c $B/test_blake3 tests/crash/blake3_vectors.json
run_c $B/test_record "$T"

# The encoder builds freestanding for both kernels and calls nothing.
for arch in x86_64 aarch64; do
	for opt in -O0 -O2 -Os; do
		if ! clang --target=$arch-unknown-none-elf -ffreestanding -fno-builtin -nostdlib \
			-fno-common -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
			-std=c11 -Iinclude $opt -c kernel/core/panic_record.c -o "$T/pr.o" 2>"$T/cc.err"; then
			ko "encoder_freestanding_$arch$opt" "$(head -c 400 "$T/cc.err")"; continue
		fi
		undef=$(llvm-nm -u "$T/pr.o")
		if [ -n "$undef" ]; then ko "encoder_freestanding_$arch$opt" "calls $undef"
		else ok "encoder_freestanding_$arch$opt"; fi
	done
done

# BLAKE3 against b3sum on random inputs around the block and chunk sizes.
b3_bad=""
for len in 0 1 63 64 65 1023 1024 1025 2048 2049 3072 4097 8191 65536 65537 \
	$((1048576 + 13)) $((RANDOM * 7)) $((RANDOM % 5000)); do
	head -c "$len" /dev/urandom >"$T/in"
	a=$($B/b3cli "$T/in"); b=$(b3sum --no-names "$T/in")
	[ "$a" = "$b" ] || b3_bad="$b3_bad $len"
	a=$($B/b3cli --length 200 <"$T/in"); b=$(b3sum --no-names --length 200 <"$T/in")
	[ "$a" = "$b" ] || b3_bad="$b3_bad $len/xof"
done
[ -z "$b3_bad" ] && ok blake3_vs_b3sum_random || ko blake3_vs_b3sum_random "lengths:$b3_bad"

# The spec's example, two users: same bug.  A different message: another.
cap_fmt="Capability violation at %p by user '%s'"
$MK --fmt "$cap_fmt" --addr 0xdeadbeef --user alice --hwid 52:54:00:12:34:56 \
	--frame panic --frame arch_panic_entry --frame cnode_copy --frame syscall_dispatch \
	--log "init: alice logged in" >"$T/alice.log"
$MK --fmt "$cap_fmt" --addr 0x1234 --user bob --hwid 52:54:00:65:43:21 --cpu 1 \
	--frame panic@99 --frame arch_panic_entry --frame cnode_copy@777 --frame syscall_dispatch \
	>"$T/bob.log"
$MK --fmt "Untyped watermark past end at %p" --addr 0x1234 \
	--frame panic --frame untyped_retype --frame syscall_dispatch >"$T/other.log"

kc() { "$KC" "$@"; }
db="$T/c.db"
if kc ingest --db "$db" "$T/alice.log" >"$T/out" 2>"$T/err" &&
	grep -Eq '^Crash-ID: [0-9a-f]{64} \| Build-ID: 0\.0\.1-dev-test$' "$T/out" &&
	[ "$(sed -n 2p "$T/out")" = "  Capability violation at <addr> by user '<user>'" ]; then
	ok cli_output_format
else
	ko cli_output_format "$(head -c 300 "$T/out" "$T/err" | tr '\n' ' ')"
fi

id_of() { kc ingest --db "$T/ids.db" "$1" 2>/dev/null | sed -n 's/^Crash-ID: \([0-9a-f]*\) .*/\1/p'; }
ida=$(id_of "$T/alice.log"); idb=$(id_of "$T/bob.log"); ido=$(id_of "$T/other.log")
if [ -n "$ida" ] && [ "$ida" = "$idb" ] && [ "$ida" != "$ido" ]; then ok crash_id_same_bug_across_users
else ko crash_id_same_bug_across_users "alice=$ida bob=$idb other=$ido"; fi

# Counting: three panics of one bug on two devices, one of another bug.
cat "$T/alice.log" "$T/bob.log" "$T/other.log" >"$T/three.log"
$MK --fmt "$cap_fmt" --addr 0x99 --user carol --hwid 52:54:00:12:34:56 \
	--frame cnode_copy --frame syscall_dispatch --log "later" >>"$T/three.log"
db="$T/count.db"
count_of() { sqlite3 "$db" "SELECT count FROM crashes WHERE crash_id='$1'"; }
devices_of() { sqlite3 "$db" "SELECT count(*) FROM crash_devices WHERE crash_id='$1'"; }
kc ingest --db "$db" "$T/three.log" >/dev/null 2>&1
c1=$(count_of "$ida"); d1=$(devices_of "$ida"); o1=$(count_of "$ido")
if [ "$c1" = 3 ] && [ "$d1" = 2 ] && [ "$o1" = 1 ]; then ok db_counts_and_devices
else ko db_counts_and_devices "count=$c1 devices=$d1 other=$o1"; fi

kc ingest --db "$db" "$T/three.log" >/dev/null 2>"$T/err"
kc ingest --db "$db" "$T/alice.log" >/dev/null 2>>"$T/err"
c2=$(count_of "$ida"); o2=$(count_of "$ido")
if [ "$c2" = 3 ] && [ "$o2" = 1 ] && grep -q 'already counted' "$T/err"; then ok db_reingest_no_double_count
else ko db_reingest_no_double_count "count=$c2 other=$o2"; fi

# report: table and JSON; show by prefix.
kc report --db "$db" >"$T/report" && kc report --db "$db" --json >"$T/report.json"
first=$(sed -n 2p "$T/report" | awk '{print $1, $2, $4}')
if [ "$first" = "3 2 $ida" ] &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [b["count"] for b in d]==[3,1]; assert d[0]["devices"]==2; assert d[0]["build_ids"]==["0.0.1-dev-test"]' "$T/report.json" 2>"$T/py.err"; then
	ok cli_report_table_and_json
else
	ko cli_report_table_and_json "row '$first'; $(head -c 300 "$T/py.err")"
fi
if kc show --db "$db" "${ida:0:12}" >"$T/show" && grep -q "^Count: *3$" "$T/show" &&
	grep -q "^Crash-ID: *$ida$" "$T/show" && grep -q "cnode_copy <- syscall_dispatch" "$T/show" &&
	! kc show --db "$db" 0123456789abcdef >/dev/null 2>&1 && ! kc show --db "$db" "x'" >/dev/null 2>&1; then
	ok cli_show
else
	ko cli_show "$(head -c 300 "$T/show" | tr '\n' ' ')"
fi

# Bad input: garbage, a corrupted and a cut record among good ones.
{
	head -c 777 /dev/urandom
	cat "$T/alice.log"
	printf 'noise between records\n'
	cat "$T/other.log"
	head -c 3000 "$T/bob.log"
} >"$T/mixed.log"
off_bad=$((777 + 4096 + 22 + 4096))
cp "$T/mixed.log" "$T/corrupt.log"
printf '\xff' | dd of="$T/corrupt.log" bs=1 seek=$((777 + 300)) conv=notrunc status=none
kc ingest --db "$T/mixed.db" "$T/corrupt.log" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '^Crash-ID:' "$T/out")" = 1 ] &&
	grep -q "offset 777: bad record: checksum mismatch" "$T/err" &&
	grep -q "offset $off_bad: bad record: truncated record: 3000 of 4096" "$T/err" &&
	grep -q "1 valid record .*, 2 bad records" "$T/err"; then
	ok cli_bad_records_reported_with_offset
else
	ko cli_bad_records_reported_with_offset "rc=$rc $(head -c 400 "$T/err" | tr '\n' ' ')"
fi

# Nothing already stored is lost: a file of nothing but damage, then a run
# that fails half way (second file unreadable) is rolled back whole.
sqlite3 "$db" .dump >"$T/before.sql"
head -c 5000 /dev/urandom >"$T/junk.log"
head -c 4000 "$T/alice.log" >>"$T/junk.log"
kc ingest --db "$db" "$T/junk.log" >/dev/null 2>&1; rc1=$?
$MK --fmt "brand new bug %d" --int 7 --frame f >"$T/new.log"
kc ingest --db "$db" "$T/new.log" "$T/does-not-exist.log" >/dev/null 2>&1; rc2=$?
sqlite3 "$db" .dump >"$T/after.sql"
if [ $rc1 -eq 0 ] && [ $rc2 -ne 0 ] && cmp -s "$T/before.sql" "$T/after.sql"; then
	ok db_intact_after_corrupt_and_failed_ingest
else
	ko db_intact_after_corrupt_and_failed_ingest "rc1=$rc1 rc2=$rc2 $(diff "$T/before.sql" "$T/after.sql" | head -c 300)"
fi

# Random input of all sizes never crashes the shipped (unsanitized) tool.
crash_rc=""
for n in 0 1 7 8 100 4095 4096 4097 20000; do
	head -c "$n" /dev/urandom >"$T/r.log"
	kc ingest --db "$T/rand.db" "$T/r.log" >/dev/null 2>&1 || crash_rc="$crash_rc $n:$?"
done
python3 - "$T/alice.log" "$T/flips.log" <<'EOF'
import random, sys
rec = open(sys.argv[1], 'rb').read()
out = bytearray()
random.seed(5)
for i in range(300):
    r = bytearray(rec)
    for _ in range(random.randint(1, 6)):
        r[random.randrange(len(r))] = random.randrange(256)
    out += r[:random.randrange(len(r) + 1)]
open(sys.argv[2], 'wb').write(out)
EOF
kc ingest --db "$T/rand.db" "$T/flips.log" >/dev/null 2>&1 || crash_rc="$crash_rc flips:$?"
kc ingest --db "$T/rand.db" - <"$T/alice.log" >"$T/out" 2>&1 || crash_rc="$crash_rc stdin:$?"
grep -q '^Crash-ID:' "$T/out" || crash_rc="$crash_rc stdin-no-output"
[ -z "$crash_rc" ] && ok cli_survives_random_input || ko cli_survives_random_input "$crash_rc"

# Exit codes: unreadable file 2, usage 1.
kc ingest --db "$T/e.db" "$T/nope" >/dev/null 2>&1; e1=$?
kc frobnicate >/dev/null 2>&1; e2=$?
kc ingest --db "$T/e.db" >/dev/null 2>&1; e3=$?
if [ $e1 -eq 2 ] && [ $e2 -eq 1 ] && [ $e3 -eq 1 ]; then ok cli_exit_codes
else ko cli_exit_codes "unreadable=$e1 unknown=$e2 nofile=$e3"; fi

# The device key: created 0600 next to the database, never printed.
key="$T/c.db.key"
mode=$(stat -c %a "$key" 2>/dev/null); size=$(stat -c %s "$key" 2>/dev/null)
keyhex=$(od -An -tx1 "$key" | tr -d ' \n')
if [ "$mode" = 600 ] && [ "$size" = 32 ] && ! grep -rqF "$keyhex" "$T/out" "$T/err" "$T/report" "$T/report.json"; then
	ok key_file_0600_not_printed
else
	ko key_file_0600_not_printed "mode=$mode size=$size"
fi
KOZO_CRASH_DB="$T/env.db" kc ingest "$T/alice.log" >/dev/null 2>&1
[ -f "$T/env.db" ] && [ -f "$T/env.db.key" ] && ok db_path_from_env || ko db_path_from_env "no $T/env.db"

# Privacy: none of these strings, nor a plain BLAKE3 of one, may appear in
# the collector's output or database.
secrets=(alice bob.smith mallory99 carol.danvers@example.org 203.0.113.77
	2001:db8::dead:beef:1 52:54:00:ab:cd:ef 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
	C02XK0ABJG5H WD-WCC4N7PL1234 /home/dave/projects/secret.txt dave
	deadbeef ffff800012345678 0xffff800012345678 10.20.30.40 fe80::1ff:fe23:4567:890a
	a0:ce:c8:01:02:03 zed-the-user)
P="$T/privacy.log"; : >"$P"
add() { $MK "$@" --frame panic --frame cnode_copy --frame syscall_dispatch >>"$P"; }
add --fmt "$cap_fmt" --addr 0xdeadbeef --user alice --hwid 52:54:00:ab:cd:ef \
	--log "login alice from 203.0.113.77 mail carol.danvers@example.org"
add --fmt "$cap_fmt" --addr 0xffff800012345678 --user bob.smith --hwid C02XK0ABJG5H
add --fmt "open %s failed for %s" --text /home/dave/projects/secret.txt --user mallory99 \
	--hwid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
add --fmt "net: %s" --text "peer 203.0.113.77 / 2001:db8::dead:beef:1 mac 52:54:00:ab:cd:ef"
add --fmt "mail %s about %s" --text carol.danvers@example.org --text "uuid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
add --fmt "disk %s serial %s at %p" --hwid WD-WCC4N7PL1234 --text "WD-WCC4N7PL1234 says 0xffff800012345678" \
	--addr 0xffff800012345678
add --fmt "user %s (%s) at %s" --user zed-the-user --text "zed-the-user from 10.20.30.40" \
	--text "fe80::1ff:fe23:4567:890a a0:ce:c8:01:02:03"
add --fmt "%s" --text "deadbeef C02XK0ABJG5H /home/dave"
pdb="$T/privacy.db"
kc ingest --db "$pdb" "$P" >"$T/p.out" 2>"$T/p.err"
n_records=$(grep -c '^Crash-ID:' "$T/p.out")
kc report --db "$pdb" >>"$T/p.out" 2>>"$T/p.err"
kc report --db "$pdb" --json >>"$T/p.out" 2>>"$T/p.err"
for id in $(sqlite3 "$pdb" "SELECT crash_id FROM crashes"); do kc show --db "$pdb" "$id" >>"$T/p.out" 2>>"$T/p.err"; done
sqlite3 "$pdb" .dump >"$T/p.dump"
cat "$T/p.out" "$T/p.err" "$T/p.dump" "$pdb" >"$T/p.all"
leaks=""
for s in "${secrets[@]}"; do
	# The corpus must really carry each one, or the test proves nothing.
	grep -aqiF -- "$s" "$P" || leaks="$leaks not-in-corpus:'$s'"
	grep -aqiF -- "$s" "$T/p.all" && leaks="$leaks '$s'"
	h=$(printf '%s' "$s" | b3sum --no-names)
	grep -aqiF -- "${h:0:16}" "$T/p.all" && leaks="$leaks b3('$s')"
done
if [ "$n_records" = 8 ] && [ -z "$leaks" ]; then ok privacy_corpus_no_leaks
else ko privacy_corpus_no_leaks "records=$n_records leaks:$leaks"; fi

finish
