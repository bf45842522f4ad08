#!/usr/bin/env bash
# Crash-telemetry figures for `make bench` (scripts/bench.sh):
#   crash: records ingested per second: N (CPU: M; peak RSS K KiB)
#                                            (kozo-crash ingest, fresh database,
#                                            100 000 records streamed from a file)
#   crash: report of 100000 buckets: N ms
#   crash: report during a 100000-record ingest: N runs, all succeeded
#   crash: blake3 MiB/s: N (b3sum: M)        (64 MiB; b3sum uses all cores)
# plus b3sum on one thread, the fair comparison for our portable C.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/out.sh
${CRASH_MAKE:-make} -s crash-bench >&2

records=${CRASH_BENCH_RECORDS:-100000}
T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-crash-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

now() { date +%s%N; }
rate() { awk -v n="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%d", n / ((t1 - t0) / 1e9) }'; }

$KOZO_OUT/host/crash/bench/mkpanic --count "$records" --vary \
	--fmt "Capability violation at %p by user '%s'" --addr 0xdeadbeef --user alice \
	--hwid 52:54:00:12:34:56 --frame panic --frame cnode_copy --frame syscall_dispatch \
	--log "bench" >"$T/panic.log"
t0=$(now)
/usr/bin/time -f '%U %S %M' -o "$T/time" $KOZO_OUT/host/kozo-crash ingest --db "$T/bench.db" \
	"$T/panic.log" >/dev/null 2>&1
t1=$(now)
read -r user sys rss <"$T/time"
cpu=$(awk -v n="$records" -v u="$user" -v s="$sys" 'BEGIN { printf "%d", n / (u + s) }')
echo "crash: records ingested per second: $(rate "$records" "$t0" "$t1") (CPU: $cpu; peak RSS $rss KiB)"

# report over as many buckets (each record its own Crash-ID).
$KOZO_OUT/host/crash/bench/mkpanic --count "$records" --spread --fmt "bug %d" --int 1 \
	--frame x --frame syscall_dispatch >"$T/spread.log"
$KOZO_OUT/host/kozo-crash ingest --db "$T/spread.db" "$T/spread.log" >/dev/null 2>&1
t0=$(now)
$KOZO_OUT/host/kozo-crash report --db "$T/spread.db" >"$T/report"
t1=$(now)
echo "crash: report of $(tail -n 1 "$T/report" | cut -d' ' -f1) buckets: $(( (t1 - t0) / 1000000 )) ms"

head -c $((64 << 20)) /dev/urandom >"$T/blob"
cat "$T/blob" >/dev/null # warm the page cache for both
t0=$(now); $KOZO_OUT/host/crash/bench/b3cli "$T/blob" >"$T/ours"; t1=$(now)
ours=$(rate 64 "$t0" "$t1")
t0=$(now); b3sum --no-names "$T/blob" >"$T/theirs"; t1=$(now)
theirs=$(rate 64 "$t0" "$t1")
t0=$(now); b3sum --no-names --num-threads 1 "$T/blob" >/dev/null; t1=$(now)
single=$(rate 64 "$t0" "$t1")
cmp -s "$T/ours" "$T/theirs" || { echo "crash: blake3 output differs from b3sum" >&2; exit 1; }
echo "crash: blake3 MiB/s: $ours (b3sum: $theirs)"
echo "crash: b3sum single-thread MiB/s: $single"
