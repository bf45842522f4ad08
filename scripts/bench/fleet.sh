#!/usr/bin/env bash
# Fleet server figures for `make bench` (scripts/bench.sh), per backend
# (SQLite, and PostgreSQL 15 started in a temporary directory):
#   fleet: <backend>: events/s, 1 sender: N    (kozo-crash send of N events
#                                               from one spool, one connection)
#   fleet: <backend>: events/s, 4 senders: N   (four spools sent at once)
# The server runs with rate limits out of the way (--rate/--burst 1e6);
# the figures are wall clock from the first POST to the last acknowledgement
# and include the sender's per-event delete and directory fsync.
set -euo pipefail
cd "$(dirname "$0")/../.."
${CRASH_MAKE:-make} -s crash-bench >&2

events=${FLEET_BENCH_EVENTS:-2000}
T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-fleet-bench.XXXXXX")
chmod 755 "$T"
SERVER_PID=""
. scripts/lib/pg-temp.sh
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; stop_pg; rm -rf "$T"' EXIT
KC=build/host/kozo-crash
head -c 24 /dev/urandom | base64 >"$T/token"

now() { date +%s%N; }
rate() { awk -v n="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%d", n / ((t1 - t0) / 1e9) }'; }

# Five spools of events/4 (and one of all) made once; copied per run.
for d in 1 2 3 4; do
	build/host/crash/bench/mkpanic --release --secret "$(printf "%02x" $d)$(printf '5a%.0s' {1..31})" \
		--count $((events / 4)) --spread --fmt "bug %d" --int $d --frame x >"$T/d$d.log"
	"$KC" ingest --db "$T/dev.db" --spool "$T/spool$d" "$T/d$d.log" >/dev/null 2>&1
done
mkdir "$T/all"; cp "$T"/spool?/*.json "$T/all/"

bench_backend() {
	local name=$1 db=$2 port
	port=$((20000 + RANDOM % 30000))
	"$KC" serve --listen 127.0.0.1:$port --db "$db" --token-file "$T/token" --rate 1e6 --burst 1e6 \
		>"$T/server.log" 2>&1 & SERVER_PID=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
	rm -rf "$T/run"; cp -r "$T/all" "$T/run"
	local t0 t1
	t0=$(now)
	"$KC" send --server http://127.0.0.1:$port --token-file "$T/token" --spool "$T/run" 2>/dev/null
	t1=$(now)
	echo "fleet: $name: events/s, 1 sender: $(rate "$(ls "$T/all" | wc -l)" "$t0" "$t1")"
	# The same events again, four senders at once: all duplicates now, so a
	# second, fresh database takes the parallel run.
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
	"$KC" serve --listen 127.0.0.1:$port --db "$3" --token-file "$T/token" --rate 1e6 --burst 1e6 \
		>"$T/server.log" 2>&1 & SERVER_PID=$!
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
	for d in 1 2 3 4; do rm -rf "$T/run$d"; cp -r "$T/spool$d" "$T/run$d"; done
	t0=$(now)
	for d in 1 2 3 4; do
		"$KC" send --server http://127.0.0.1:$port --token-file "$T/token" --spool "$T/run$d" 2>/dev/null &
	done
	wait %2 %3 %4 %5 2>/dev/null || wait
	t1=$(now)
	echo "fleet: $name: events/s, 4 senders: $(rate "$(ls "$T/all" | wc -l)" "$t0" "$t1")"
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}
bench_backend sqlite "$T/s1.db" "$T/s2.db"
if start_pg && "$PG_BIN/psql" -h "$T/pg" -U kozo -d postgres -qc 'CREATE DATABASE second' >/dev/null; then
	bench_backend postgres "postgresql://kozo@/kozo_fleet?host=$T/pg" "postgresql://kozo@/second?host=$T/pg"
else
	echo "fleet: postgres: not measured (no PostgreSQL 15: $(tail -n 1 "$T/pg.log" 2>/dev/null))"
fi
