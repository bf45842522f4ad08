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

# Bad records are quarantined, not dropped: bytes kept 0600 with the file,
# offset and reason in index.tsv.
q="$T/mixed.db.quarantine"
rm -rf "$q"
kc ingest --db "$T/mixed.db" "$T/corrupt.log" >/dev/null 2>"$T/err"
kept=$(ls "$q"/*.bad 2>/dev/null | wc -l)
first=$(head -n 1 "$q/index.tsv" 2>/dev/null)
bad777=$(awk -F'\t' '$3 == 777 { print $1 }' "$q/index.tsv" 2>/dev/null)
if [ "$kept" = 2 ] && [ -n "$bad777" ] && cmp -s "$q/$bad777" <(tail -c +778 "$T/corrupt.log" | head -c 4096) &&
	grep -q 'checksum mismatch' <<<"$first" && [ "$(stat -c %a "$q" "$q/$bad777" | tr '\n' ' ')" = "700 600 " ] &&
	grep -q '2 bad records kept in' "$T/err"; then
	ok cli_bad_records_quarantined
else
	ko cli_bad_records_quarantined "kept=$kept first='$first' $(tail -n 2 "$T/err" | tr '\n' ' ')"
fi
kc ingest --db "$T/nq.db" --no-quarantine "$T/corrupt.log" >/dev/null 2>&1
[ ! -e "$T/nq.db.quarantine" ] && ok cli_no_quarantine_option || ko cli_no_quarantine_option "made $T/nq.db.quarantine"

# Nothing already stored is lost: a file of nothing but damage, then a run
# that fails half way (second file unreadable) is rolled back whole.
sqlite3 "$db" .dump >"$T/before.sql"
head -c 5000 /dev/urandom >"$T/junk.log"
head -c 4000 "$T/alice.log" >>"$T/junk.log"
kc ingest --db "$db" "$T/junk.log" >/dev/null 2>&1; rc1=$?
$MK --fmt "brand new bug %d" --int 7 --frame f >"$T/new.log"
kc ingest --db "$db" "$T/new.log" "$T/does-not-exist.log" >/dev/null 2>&1; rc2=$?
sqlite3 "$db" .dump >"$T/after.sql"
if [ $rc1 -eq 3 ] && [ $rc2 -eq 2 ] && cmp -s "$T/before.sql" "$T/after.sql"; then
	ok db_intact_after_corrupt_and_failed_ingest
else
	ko db_intact_after_corrupt_and_failed_ingest "rc1=$rc1 rc2=$rc2 $(diff "$T/before.sql" "$T/after.sql" | head -c 300)"
fi

# Random input of all sizes never crashes the shipped (unsanitized) tool.
crash_rc=""
for n in 0 1 7 8 100 4095 4096 4097 20000; do
	head -c "$n" /dev/urandom >"$T/r.log"
	kc ingest --db "$T/rand.db" "$T/r.log" >/dev/null 2>&1; rc=$?
	[ $rc = 0 ] || [ $rc = 3 ] || crash_rc="$crash_rc $n:$rc"
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
kc ingest --db "$T/rand.db" "$T/flips.log" >/dev/null 2>&1; rc=$?
[ $rc = 0 ] || [ $rc = 3 ] || crash_rc="$crash_rc flips:$rc"
kc ingest --db "$T/rand.db" - <"$T/alice.log" >"$T/out" 2>&1 || crash_rc="$crash_rc stdin:$?"
grep -q '^Crash-ID:' "$T/out" || crash_rc="$crash_rc stdin-no-output"
[ -z "$crash_rc" ] && ok cli_survives_random_input || ko cli_survives_random_input "$crash_rc"

# Exit codes: unreadable file 2, usage 1.
kc ingest --db "$T/e.db" "$T/nope" >/dev/null 2>&1; e1=$?
kc frobnicate >/dev/null 2>&1; e2=$?
kc ingest --db "$T/e.db" >/dev/null 2>&1; e3=$?
if [ $e1 -eq 2 ] && [ $e2 -eq 1 ] && [ $e3 -eq 1 ]; then ok cli_exit_codes
else ko cli_exit_codes "unreadable=$e1 unknown=$e2 nofile=$e3"; fi

# Version 2 records (the kernel's) need no key: the collector makes none.
if [ ! -e "$T/c.db.key" ] && [ ! -e "$T/count.db.key" ]; then ok v2_collector_holds_no_key
else ko v2_collector_holds_no_key "$(ls "$T"/*.key)"; fi

# Version 1 records are still read: the same bug has the same Crash-ID,
# and their device key is created 0600 next to the database, never printed.
$MK --v1 --fmt "$cap_fmt" --addr 0xdeadbeef --user alice --hwid 52:54:00:12:34:56 \
	--frame panic --frame arch_panic_entry --frame cnode_copy --frame syscall_dispatch \
	--log "init: alice logged in" >"$T/alice-v1.log"
kc ingest --db "$T/c.db" "$T/alice-v1.log" >"$T/out" 2>"$T/err"
key="$T/c.db.key"
idv1=$(sed -n 's/^Crash-ID: \([0-9a-f]*\) .*/\1/p' "$T/out")
if [ "$idv1" = "$ida" ] && grep -q '1 valid record (1 new' "$T/err"; then ok v1_record_still_read
else ko v1_record_still_read "id=$idv1 $(head -c 300 "$T/err")"; fi
mode=$(stat -c %a "$key" 2>/dev/null); size=$(stat -c %s "$key" 2>/dev/null)
keyhex=$(od -An -tx1 "$key" | tr -d ' \n')
if [ "$mode" = 600 ] && [ "$size" = 32 ] && ! grep -rqF "$keyhex" "$T/out" "$T/err" "$T/report" "$T/report.json"; then
	ok v1_key_file_0600_not_printed
else
	ko v1_key_file_0600_not_printed "mode=$mode size=$size"
fi
KOZO_CRASH_DB="$T/env.db" kc ingest "$T/alice.log" >/dev/null 2>&1
[ -f "$T/env.db" ] && ok db_path_from_env || ko db_path_from_env "no $T/env.db"

# Done-when of issue 15: two panics in two boots of one device (same
# secret, fresh nonce each) are 2 occurrences on 1 device; the same
# record ingested twice still counts 1.
boot() { $MK --fmt "$cap_fmt" --addr 0xdeadbeef --user alice --hwid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f \
	--frame cnode_copy --frame syscall_dispatch --log "boot" --uptime 777; }
boot >"$T/boot1.log"; boot >"$T/boot2.log"
db="$T/boots.db"
kc ingest --db "$db" "$T/boot1.log" >/dev/null 2>&1
kc ingest --db "$db" "$T/boot2.log" >/dev/null 2>&1
kc ingest --db "$db" "$T/boot1.log" "$T/boot2.log" >/dev/null 2>&1
c=$(sqlite3 "$db" "SELECT count FROM crashes"); d=$(sqlite3 "$db" "SELECT count(*) FROM crash_devices")
if cmp -s "$T/boot1.log" "$T/boot2.log"; then ko v2_two_boots_two_occurrences "the two boots' records are identical"
elif [ "$c" = 2 ] && [ "$d" = 1 ]; then ok v2_two_boots_two_occurrences
else ko v2_two_boots_two_occurrences "count=$c devices=$d"; fi

# ---- issue 15, item 5: the collector's smaller defects, one test each ----

# --help on stdout, exit 0; a bare --db is a clear usage error.
out=$(kc --help 2>/dev/null); e1=$?
out2=$(kc ingest --help 2>/dev/null); e2=$?
kc report --db >/dev/null 2>"$T/err"; e3=$?
if [ $e1 = 0 ] && [ $e2 = 0 ] && grep -q '^usage: kozo-crash ingest' <<<"$out" &&
	grep -q '^usage:' <<<"$out2" && [ $e3 = 1 ] && grep -q -- '--db needs a value' "$T/err"; then
	ok cli_help_stdout_and_db_without_value
else
	ko cli_help_stdout_and_db_without_value "help=$e1/$e2 db=$e3 $(head -c 200 "$T/err")"
fi

# report/show need an existing database (a typo must not make an empty
# one) unless --create; they open it read-only.
kc report --db "$T/typo.db" >/dev/null 2>"$T/err"; e1=$?
kc show --db "$T/typo.db" "${ida:0:8}" >/dev/null 2>>"$T/err"; e2=$?
made=$([ -e "$T/typo.db" ] && echo yes || echo no)
kc report --db "$T/typo.db" --create >"$T/out" 2>&1; e3=$?
if [ $e1 = 2 ] && [ $e2 = 2 ] && [ $made = no ] && grep -q 'no database at' "$T/err" &&
	[ $e3 = 0 ] && [ -f "$T/typo.db" ] && grep -q '0 crash buckets' "$T/out"; then
	ok cli_report_show_need_existing_db
else
	ko cli_report_show_need_existing_db "report=$e1 show=$e2 made=$made create=$e3"
fi

# Exit codes: records stored 0, usage 1, unreadable 2, nothing valid 3.
kc ingest --db "$T/x.db" "$T/alice.log" >/dev/null 2>&1; e0=$?
head -c 9000 /dev/urandom >"$T/noise.log"
kc ingest --db "$T/x.db" "$T/noise.log" >/dev/null 2>"$T/err"; e3=$?
kc ingest --db "$T/x.db" --bogus "$T/alice.log" >/dev/null 2>&1; e1=$?
if [ $e0 = 0 ] && [ $e3 = 3 ] && [ $e1 = 1 ] && grep -q 'no valid record' "$T/err"; then
	ok cli_exit_code_nothing_valid
else
	ko cli_exit_code_nothing_valid "ok=$e0 nothing=$e3 usage=$e1"
fi

# More than 256 files in one run.
files=()
for i in $(seq 300); do files+=("$T/alice.log"); done
kc ingest --db "$T/many.db" "${files[@]}" >/dev/null 2>"$T/err"; e=$?
if [ $e = 0 ] && [ "$(grep -c 'valid record' "$T/err")" = 300 ]; then ok cli_more_than_256_files
else ko cli_more_than_256_files "exit $e, $(grep -c 'valid record' "$T/err") files read"; fi

# --json for ingest (one object per record) and show.
kc ingest --db "$T/j.db" --json "$T/three.log" >"$T/ingest.json" 2>/dev/null
kc show --db "$T/j.db" --json "${ida:0:10}" >"$T/show.json" 2>/dev/null
cat >"$T/check.py" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 4 and all(len(r["crash_id"]) == 64 for r in rows), rows
assert rows[0]["message"] == "Capability violation at <addr> by user '<user>'"
assert rows[0]["new"] is True and rows[0]["record_version"] == 2
show = json.load(open(sys.argv[2]))
assert show["crash_id"] == sys.argv[3] and show["count"] == 3, show
EOF
if python3 "$T/check.py" "$T/ingest.json" "$T/show.json" "$ida" 2>"$T/py.err"; then
	ok cli_json_ingest_and_show
else
	ko cli_json_ingest_and_show "$(tail -c 300 "$T/py.err")"
fi

# Crash-ID prefixes: any case; too short or not hex is a clear usage
# error; no match is "nothing" (3), not a usage error.
up=$(tr a-f A-F <<<"${ida:0:12}")
kc show --db "$T/j.db" "$up" >"$T/out" 2>&1; e1=$?
kc show --db "$T/j.db" "${ida:0:7}" >/dev/null 2>"$T/err"; e2=$?
kc show --db "$T/j.db" 0000000000 >/dev/null 2>>"$T/err"; e3=$?
if [ $e1 = 0 ] && grep -q "^Crash-ID: *$ida$" "$T/out" && [ $e2 = 1 ] && [ $e3 = 3 ] &&
	grep -q 'prefix of at least 8' "$T/err" && grep -q 'no crash matches 0000000000' "$T/err"; then
	ok cli_crash_id_prefix_case_and_length
else
	ko cli_crash_id_prefix_case_and_length "upper=$e1 short=$e2 none=$e3 $(head -c 200 "$T/err")"
fi

# 16 MiB of nothing but record magic: cheap header checks first, at most
# 10 error lines and a count, in little time.
python3 -c 'import sys; sys.stdout.buffer.write(b"\x7fKOZOPNC" * (2 * 1024 * 1024))' >"$T/magic.log"
start=$(date +%s%N)
kc ingest --db "$T/m.db" "$T/magic.log" >/dev/null 2>"$T/err"; e=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
lines=$(wc -l <"$T/err")
if [ $e = 3 ] && [ "$lines" -le 14 ] && grep -q '2097142 more bad records not shown' "$T/err" &&
	[ "$ms" -lt 10000 ]; then
	ok cli_magic_flood_capped_and_fast
else
	ko cli_magic_flood_capped_and_fast "exit $e, $lines lines, $ms ms: $(tail -n 2 "$T/err" | tr '\n' ' ')"
fi

# Streaming: 600 MiB of zeros with records around them, read from a pipe,
# in constant memory (the old reader held the whole input and gave up at
# 1 GiB).
rss=$( { cat "$T/alice.log"; head -c $((600 * 1024 * 1024)) /dev/zero; cat "$T/other.log"; } |
	/usr/bin/time -f '%M' "$KC" ingest --db "$T/big.db" - 2>&1 >"$T/out" | tail -n 1)
if [ "$(grep -c '^Crash-ID:' "$T/out")" = 2 ] && [ "${rss:-999999}" -lt 65536 ]; then
	ok cli_streams_in_constant_memory
else
	ko cli_streams_in_constant_memory "records $(grep -c '^Crash-ID:' "$T/out"), max RSS ${rss} KiB"
fi

# A record across the reader's 1 MiB window border is still whole.
{ head -c $((1024 * 1024 - 100)) /dev/zero; cat "$T/alice.log"; head -c 5000 /dev/zero; cat "$T/bob.log"; } >"$T/border.log"
kc ingest --db "$T/border.db" "$T/border.log" >"$T/out" 2>"$T/err"
if [ "$(grep -c '^Crash-ID:' "$T/out")" = 2 ] &&
	grep -q "2 valid records (2 new, 0 already counted), 0 bad records, $((1024 * 1024 - 100 + 5000)) bytes outside" "$T/err"; then
	ok cli_record_across_window_border
else
	ko cli_record_across_window_border "$(tail -n 1 "$T/err")"
fi

# kozo-run keeps a record the collector could not store, and stores it
# on the next collection.
st="$T/state"
dev="$st/devices/x86_64-5e1f0c1a-7d0b-4c3e-9a55-00000000c0de"
mkdir -p "$dev/pending"
cp "$T/alice.log" "$dev/pending/1.log"
KOZO_STATE_DIR="$st" KOZO_CRASH_DB=/proc/no/such/dir/c.db scripts/kozo-run --collect >/dev/null 2>&1; e1=$?
kept=$(ls "$dev/pending")
KOZO_STATE_DIR="$st" env -u KOZO_CRASH_DB scripts/kozo-run --collect >"$T/out" 2>&1; e2=$?
if [ $e1 != 0 ] && [ "$kept" = 1.log ] && [ $e2 = 0 ] && [ -f "$dev/ingested/1.log" ] &&
	[ -z "$(ls "$dev/pending")" ] && [ "$(sqlite3 "$st/crash.db" 'SELECT sum(count) FROM crashes')" = 1 ]; then
	ok kozo_run_keeps_unstored_records
else
	ko kozo_run_keeps_unstored_records "first=$e1 kept='$kept' second=$e2 $(head -c 300 "$T/out")"
fi

# Item 4 of issue 15: report works during a 100,000-record ingest (WAL,
# read-only opens), and a second ingest waits for the first instead of
# failing.
db="$T/busy.db"
kc ingest --db "$db" "$T/alice.log" >/dev/null 2>&1
$MK --fmt "bulk %d" --int 1 --frame bulk --count 100000 |
	kc ingest --db "$db" - >/dev/null 2>"$T/bulk.err" &
bulk=$!
reports=0 bad_reports=0
sleep 1
kc ingest --db "$db" "$T/other.log" >/dev/null 2>"$T/second.err" &
second=$!
while kill -0 $bulk 2>/dev/null; do
	if kc report --db "$db" >/dev/null 2>>"$T/report.err"; then reports=$((reports + 1))
	else bad_reports=$((bad_reports + 1)); fi
	sleep 0.5
done
wait $bulk; e1=$?
wait $second; e2=$?
total=$(sqlite3 "$db" "SELECT sum(count) FROM crashes")
if [ $e1 = 0 ] && [ $e2 = 0 ] && [ $reports -ge 2 ] && [ $bad_reports = 0 ] && [ "$total" = 100002 ]; then
	ok db_report_during_100k_ingest
else
	ko db_report_during_100k_ingest "bulk=$e1 second=$e2 reports=$reports failed=$bad_reports total=$total $(head -c 200 "$T/report.err" "$T/second.err")"
fi

# ---- issue 15, item 7: triage queries ----
# Bug A in build b1 on x86_64 and aarch64, then in b2; bug B only in b2.
db="$T/triage.db"
bug() { $MK --build-id "$1" --arch "$2" --fmt "$3" --frame "$4" --frame syscall_dispatch; }
bug 1.0-b1 1 "bug A" fa >"$T/t1.log"; bug 1.0-b1 2 "bug A" fa >>"$T/t1.log"
kc ingest --db "$db" "$T/t1.log" >/dev/null 2>&1
sleep 1.1 # a later second, so b2 is first seen after b1
bug 1.0-b2 1 "bug A" fa >"$T/t2.log"; bug 1.0-b2 1 "bug B" fb >>"$T/t2.log"
kc ingest --db "$db" "$T/t2.log" >/dev/null 2>&1
kc report --db "$db" --json >"$T/tr.json"
kc report --db "$db" --new-in 1.0-b2 --json >"$T/tr-new.json"
kc report --db "$db" --limit 1 --offset 1 --json >"$T/tr-page.json"
kc report --db "$db" --since 2100-01-01 >"$T/tr-future"
kc report --db "$db" --since 2000-01-01T00:00:00Z >"$T/tr-past"
kc export --db "$db" >"$T/tr.ndjson"
kc show --db "$db" --json "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["crash_id"])' "$T/tr.json")" >"$T/tr-show.json"
cat >"$T/check.py" <<'EOF'
import json, sys
d = sys.argv[1]
rep = json.load(open(d + "/tr.json"))
a, b = rep
assert a["count"] == 3 and b["count"] == 1, rep
assert a["arches"] == {"aarch64": 1, "x86_64": 2}, a["arches"]
assert a["signature"] == "fa <- syscall_dispatch", a["signature"]
builds = {x["build_id"]: x for x in a["builds"]}
assert builds["1.0-b1"]["count"] == 2 and builds["1.0-b2"]["count"] == 1, builds
assert builds["1.0-b1"]["first_seen"] < builds["1.0-b2"]["first_seen"], builds
new = json.load(open(d + "/tr-new.json"))
assert [x["crash_id"] for x in new] == [b["crash_id"]], new
page = json.load(open(d + "/tr-page.json"))
assert [x["crash_id"] for x in page] == [b["crash_id"]], page
lines = [json.loads(l) for l in open(d + "/tr.ndjson")]
assert [x["crash_id"] for x in lines] == [a["crash_id"], b["crash_id"]], lines
show = json.load(open(d + "/tr-show.json"))
assert show["arches"] == a["arches"] and len(show["builds"]) == 2, show
EOF
if python3 "$T/check.py" "$T" 2>"$T/py.err" && grep -q '^0 crash buckets' "$T/tr-future" &&
	grep -q '^2 crash buckets' "$T/tr-past"; then
	ok triage_arch_builds_new_since_paging_export
else
	ko triage_arch_builds_new_since_paging_export "$(tail -c 300 "$T/py.err")"
fi

# Retention: prune forgets occurrences, the totals stay.
before=$(sqlite3 "$db" "SELECT group_concat(count) FROM (SELECT count FROM crashes ORDER BY crash_id)")
kc prune --db "$db" --before 2100-01-01 >/dev/null 2>"$T/err"; e=$?
after=$(sqlite3 "$db" "SELECT group_concat(count) FROM (SELECT count FROM crashes ORDER BY crash_id)")
occ=$(sqlite3 "$db" "SELECT count(*) FROM occurrences")
kc prune --db "$db" >/dev/null 2>&1; e2=$?
if [ $e = 0 ] && [ "$before" = "$after" ] && [ "$occ" = 0 ] && [ $e2 = 1 ] &&
	grep -q 'pruned 4 occurrences' "$T/err"; then
	ok retention_prune_keeps_totals
else
	ko retention_prune_keeps_totals "exit $e/$e2 before=$before after=$after occurrences=$occ"
fi

# A schema 1 database (before issue 15) is upgraded by ingest.
sqlite3 "$T/old.db" "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('schema','1');
CREATE TABLE crashes(crash_id TEXT PRIMARY KEY, count INTEGER NOT NULL, first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL, sample TEXT NOT NULL, frames TEXT NOT NULL);
CREATE TABLE crash_devices(crash_id TEXT NOT NULL, device TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY(crash_id, device));
CREATE TABLE crash_builds(crash_id TEXT NOT NULL, build_id TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY(crash_id, build_id));
CREATE TABLE occurrences(occurrence TEXT PRIMARY KEY, crash_id TEXT NOT NULL, seen INTEGER NOT NULL);"
kc report --db "$T/old.db" >/dev/null 2>"$T/err"; e1=$?
kc ingest --db "$T/old.db" "$T/alice.log" >/dev/null 2>&1; e2=$?
kc report --db "$T/old.db" >"$T/out" 2>&1; e3=$?
if [ $e1 = 2 ] && grep -q 'ingest upgrades it' "$T/err" && [ $e2 = 0 ] && [ $e3 = 0 ] &&
	grep -q '^1 crash bucket$' "$T/out"; then
	ok db_schema_1_upgraded
else
	ko db_schema_1_upgraded "report=$e1 ingest=$e2 report=$e3"
fi

# Privacy: none of these strings, nor a plain BLAKE3 of one, may appear in
# the collector's output or database.
secrets=(alice bob.smith mallory99 carol.danvers@example.org 203.0.113.77
	2001:db8::dead:beef:1 52:54:00:ab:cd:ef 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
	C02XK0ABJG5H WD-WCC4N7PL1234 /home/dave/projects/secret.txt dave
	deadbeef ffff800012345678 0xffff800012345678 10.20.30.40 fe80::1ff:fe23:4567:890a
	a0:ce:c8:01:02:03 zed-the-user)
P="$T/privacy.log"; : >"$P"
for ver in "" --v1; do
add() { $MK $ver "$@" --frame panic --frame cnode_copy --frame syscall_dispatch >>"$P"; }
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
done
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
if [ "$n_records" = 16 ] && [ -z "$leaks" ]; then ok privacy_corpus_no_leaks
else ko privacy_corpus_no_leaks "records=$n_records leaks:$leaks"; fi

finish
