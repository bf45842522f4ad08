#!/usr/bin/env bash
# Fleet suite (issue 15): `kozo-crash ingest --spool`, `send` and `serve`
# against a real server on 127.0.0.1, with each storage backend: SQLite,
# and PostgreSQL 15 started here in a temporary directory (as the user
# nobody when run as root).  Two emulated devices (two device secrets),
# the server killed with SIGKILL mid-stream and restarted, every event
# counted exactly once; bad token, rate limit, malformed and oversize
# bodies, debug events, raw identifiers.  Each test prints "PASS name" or
# "FAIL name: reason"; the last line is "N passed, N failed".
# Needs: libmicrohttpd-dev, libcurl4-openssl-dev, libjansson-dev, libpq-dev,
# postgresql-15, curl, sqlite3, b3sum, openssl.
set -uo pipefail
cd "$(dirname "$0")/../.."

pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

T=$(mktemp -d "${TMPDIR:-/tmp}/kozo-fleet.XXXXXX")
chmod 755 "$T"
SERVER_PID=""
. scripts/lib/pg-temp.sh
cleanup() {
	[ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
	stop_pg
	rm -rf "$T"
}
trap cleanup EXIT

if ! ${CRASH_MAKE:-make} -s crash-tests tools >"$T/build.log" 2>&1; then
	ko build "$(tail -n 20 "$T/build.log" | tr '\n' ' ')"
	finish
fi
ok build

KC=build/host/kozo-crash
MK=build/host/crash/test/mkpanic
kc() { "$KC" "$@"; }
head -c 24 /dev/urandom | base64 >"$T/token"; chmod 600 "$T/token"
TOKEN=$(cat "$T/token")
cap_fmt="Capability violation at %p by user '%s'"
SECRET_A=$(printf 'a1%.0s' {1..32}) SECRET_B=$(printf 'b2%.0s' {1..32})

# start_server DB [options...]: on a free port; sets SERVER_PID and URL.
start_server() {
	local db=$1; shift
	for _ in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 30000))
		"$KC" serve --listen 127.0.0.1:$PORT --db "$db" --token-file "$T/token" "$@" \
			>>"$T/server.log" 2>&1 &
		SERVER_PID=$!
		for _ in $(seq 50); do
			if curl -sk -o /dev/null "${SCHEME:-http}://127.0.0.1:$PORT/"; then
				URL=${SCHEME:-http}://127.0.0.1:$PORT; return 0
			fi
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
	done
	SERVER_PID=""
	return 1
}
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}
# post BODY-FILE [TOKEN]: prints the HTTP status; headers in $T/h.
post() {
	curl -s -o "$T/resp" -D "$T/h" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer ${2:-$TOKEN}" -H 'Content-Type: application/json' \
		--data-binary @"$1" "$URL/v1/events"
}
# total DB: the sum of the buckets' counts, through the tool's own export.
total() { kc export --db "$1" | sed -n 's/.*"count": \([0-9]*\), "devices".*/\1/p' | awk '{s+=$1} END {print s+0}'; }

# Device spools: A has 60 release occurrences over 6 crashes and one
# debug-build one, B 30 over 3 crashes (one crash shared with A).
mkdir -p "$T/dev"
$MK --release --secret "$SECRET_A" --count 60 --spread --fmt "$cap_fmt" --addr 0xdeadbeef \
	--user alice --hwid 52:54:00:12:34:56 --frame cnode_copy >"$T/dev/a.log"
$MK --secret "$SECRET_A" --fmt "$cap_fmt" --addr 0xdeadbeef --user alice \
	--hwid 52:54:00:12:34:56 --frame debug_only >"$T/dev/a-debug.log"
$MK --release --secret "$SECRET_B" --count 30 --spread --fmt "$cap_fmt" --addr 0x1234 \
	--user bob --hwid 52:54:00:65:43:21 --frame cnode_copy >"$T/dev/b.log"

make_spools() {
	rm -rf "$T/spoolA" "$T/spoolB" "$T/devA.db" "$T/devB.db"
	kc ingest --db "$T/devA.db" --spool "$T/spoolA" "$T/dev/a.log" "$T/dev/a-debug.log" \
		>/dev/null 2>"$T/ingest.err" &&
	kc ingest --db "$T/devB.db" --spool "$T/spoolB" "$T/dev/b.log" >/dev/null 2>>"$T/ingest.err"
}

# ---- the spool (no server needed) ----
make_spools; rc=$?
na=$(ls "$T/spoolA" | grep -c '\.json$'); nb=$(ls "$T/spoolB" | grep -c '\.json$')
modes=$(stat -c %a "$T/spoolA" "$T/spoolA"/*.json | sort -u | tr '\n' ' ')
tmp=$(ls -A "$T/spoolA" "$T/spoolB" | grep -c '\.tmp$')
if [ $rc = 0 ] && [ "$na" = 61 ] && [ "$nb" = 30 ] && [ "$modes" = "600 700 " ] && [ "$tmp" = 0 ]; then
	ok spool_one_file_per_occurrence_0600
else ko spool_one_file_per_occurrence_0600 "rc=$rc a=$na b=$nb modes=$modes tmp=$tmp"; fi
kc ingest --db "$T/devA.db" --spool "$T/spoolA" "$T/dev/a.log" >/dev/null 2>&1
na2=$(ls "$T/spoolA" | grep -c '\.json$')
[ "$na2" = 61 ] && ok spool_reingest_same_events || ko spool_reingest_same_events "$na2 files"

# A sender with nowhere to send: bounded tries, every event kept.
start=$(date +%s%N)
kc send --server http://127.0.0.1:1 --token-file "$T/token" --spool "$T/spoolB" --max-tries 3 \
	>/dev/null 2>"$T/send.err"; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
nb2=$(ls "$T/spoolB" | grep -c '\.json$')
if [ $rc = 2 ] && [ "$nb2" = 30 ] && [ $ms -lt 5000 ] && grep -q 'after 3 tries' "$T/send.err"; then
	ok send_bounded_retries_keep_events
else ko send_bounded_retries_keep_events "rc=$rc left=$nb2 ms=$ms $(head -c 200 "$T/send.err")"; fi
kc send --server ftp://x --token-file "$T/token" --spool "$T/spoolB" >/dev/null 2>&1; e1=$?
kc send --server http://x --token-file "$T/nope" --spool "$T/spoolB" >/dev/null 2>&1; e2=$?
kc serve --listen nohost --db "$T/x.db" --token-file "$T/token" >/dev/null 2>&1; e3=$?
printf 'short\n' >"$T/short"; kc serve --listen 127.0.0.1:1 --db "$T/x.db" --token-file "$T/short" >/dev/null 2>&1; e4=$?
[ "$e1$e2$e3$e4" = 1111 ] && ok fleet_usage_errors || ko fleet_usage_errors "$e1 $e2 $e3 $e4"

# ---- one backend: run_backend NAME DB ----
run_backend() {
	local be=$1 db=$2
	make_spools
	if ! start_server "$db" --rate 40 --burst 10; then
		ko "${be}_serve_starts" "$(tail -n 5 "$T/server.log" | tr '\n' ' ')"; return
	fi
	ok "${be}_serve_starts"

	# Two devices at once; the server is killed (SIGKILL) while they send
	# and restarted: the senders retry, and every event counts once.
	kc send --server "$URL" --token-file "$T/token" --spool "$T/spoolA" --max-tries 12 \
		>/dev/null 2>"$T/sendA.err" & local sa=$!
	kc send --server "$URL" --token-file "$T/token" --spool "$T/spoolB" --max-tries 12 \
		>/dev/null 2>"$T/sendB.err" & local sb=$!
	for _ in $(seq 200); do
		[ "$(ls "$T/spoolA" | grep -c '\.json$')" -lt 45 ] && break
		sleep 0.02
	done
	local left_at_kill
	left_at_kill=$(( $(ls "$T/spoolA" | grep -c '\.json$') + $(ls "$T/spoolB" | grep -c '\.json$') ))
	kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
	sleep 0.5
	local port=$PORT
	"$KC" serve --listen 127.0.0.1:$port --db "$db" --token-file "$T/token" --rate 40 --burst 10 \
		>>"$T/server.log" 2>&1 & SERVER_PID=$!
	wait $sa; local ra=$?; wait $sb; local rb=$?
	local left rej t
	left=$(( $(ls "$T/spoolA" | grep -c '\.json$') + $(ls "$T/spoolB" | grep -c '\.json$') ))
	rej=$(ls "$T/spoolA/rejected" 2>/dev/null | wc -l)
	t=$(total "$db")
	if [ $ra = 0 ] && [ $rb = 0 ] && [ "$left" = 0 ] && [ "$rej" = 1 ] && [ "$t" = 90 ] &&
	   [ "$left_at_kill" -gt 0 ] && [ "$left_at_kill" -lt 91 ]; then
		ok "${be}_two_devices_server_killed_each_event_once"
	else
		ko "${be}_two_devices_server_killed_each_event_once" \
			"send=$ra/$rb left=$left rejected=$rej total=$t at-kill=$left_at_kill $(tail -n 2 "$T/sendA.err" | tr '\n' ' ')"
	fi
	local devs
	devs=$(kc export --db "$db" | sed -n 's/.*"devices": \([0-9]*\),.*/\1/p' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
	# 6 crashes of A only... each --spread bucket has its own frame name:
	# bucket_0..29 are on both devices, bucket_30..59 on A only.
	[ "$devs" = " 30 1; 30 2;" ] && ok "${be}_devices_counted_by_pseudonym" ||
		ko "${be}_devices_counted_by_pseudonym" "$devs"

	# The debug-build event was refused (422) and kept, not deleted.
	local dbg; dbg=$(ls "$T/spoolA/rejected/" | head -n 1)
	if grep -q 'HTTP 422' "$T/sendA.err" && [ -n "$dbg" ] && grep -q '"debug":true' "$T/spoolA/rejected/$dbg"; then
		ok "${be}_debug_event_refused_by_default"
	else ko "${be}_debug_event_refused_by_default" "$(grep -h HTTP "$T/sendA.err" | head -c 300)"; fi

	# A resend after a lost acknowledgement: the same event counts once.
	local ev; ev=$(ls "$T/spoolA/rejected/")
	sed 's/"debug":true/"debug":false/' "$T/spoolA/rejected/$ev" >"$T/ev.json"
	local s1 s2 body1 body2
	s1=$(post "$T/ev.json"); body1=$(cat "$T/resp")
	s2=$(post "$T/ev.json"); body2=$(cat "$T/resp")
	t=$(total "$db")
	if [ "$s1" = 200 ] && [ "$s2" = 200 ] && [[ $body1 == *stored* ]] && [[ $body2 == *duplicate* ]] &&
	   [ "$t" = 91 ]; then ok "${be}_resend_counts_once"
	else ko "${be}_resend_counts_once" "$s1 $body1 / $s2 $body2 total=$t"; fi

	# Bad or missing token: 401, nothing stored.
	local s3 s4
	s3=$(post "$T/ev.json" "x$TOKEN")
	s4=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data-binary @"$T/ev.json" "$URL/v1/events")
	[ "$s3$s4" = 401401 ] && ok "${be}_bad_token_refused" || ko "${be}_bad_token_refused" "$s3 $s4"

	# Malformed or hostile bodies: a clear 4xx each, and the server serves on.
	local bad="" i=0 s
	mkbad() { i=$((i + 1)); printf '%s' "$1" >"$T/bad$i"; s=$(post "$T/bad$i"); [ "$s" = "$2" ] || bad="$bad [$1]=$s"; }
	mkbad '{"v":1,' 400
	mkbad '[]' 400
	mkbad 'null' 400
	mkbad "$(sed 's/}$/,"extra":1}/' "$T/ev.json")" 400
	mkbad "$(sed 's/"v":1/"v":1,"v":1/' "$T/ev.json")" 400
	mkbad "$(sed 's/"device":"[0-9a-f]*"/"device":"52:54:00:12:34:56"/' "$T/ev.json")" 400
	mkbad "$(sed 's/"device":"\([0-9a-f]*\)"/"device":"\U\1"/' "$T/ev.json")" 400
	mkbad "$(sed 's/"arch":"[a-z0-9_]*"/"arch":"x86"/' "$T/ev.json")" 400
	mkbad "$(sed 's/"sample":"/"sample":"\\u0000/' "$T/ev.json")" 400
	mkbad "$(sed 's/"debug":false/"debug":"no"/' "$T/ev.json")" 400
	head -c 20000 /dev/zero | tr '\0' ' ' >"$T/big"; s=$(post "$T/big"); [ "$s" = 413 ] || bad="$bad big=$s"
	s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$T/big" "$URL/v1/events"); [ "$s" = 413 ] || bad="$bad chunked-big=$s"
	s=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: text/plain' --data-binary @"$T/ev.json" "$URL/v1/events"); [ "$s" = 415 ] || bad="$bad text=$s"
	s=$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/events"); [ "$s" = 405 ] || bad="$bad get=$s"
	s=$(post "$T/ev.json"); [ "$s" = 200 ] || bad="$bad after=$s"
	grep -q '"error": "' "$T/resp" || [ "$s" = 200 ] || bad="$bad no-error-text"
	[ -z "$bad" ] && [ "$(total "$db")" = 91 ] && kill -0 "$SERVER_PID" 2>/dev/null &&
		ok "${be}_bad_bodies_4xx_server_serves_on" || ko "${be}_bad_bodies_4xx_server_serves_on" "$bad"

	# Rate limit: a device past its burst gets 429 with Retry-After (one
	# curl, one connection, 30 requests back to back).
	local urls=() codes first429 ra_h
	for n in $(seq 30); do urls+=("$URL/v1/events"); done
	codes=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' --data-binary @"$T/ev.json" "${urls[@]}")
	first429=$(printf '%s\n' "$codes" | grep -n 429 | head -n 1 | cut -d: -f1)
	ra_h=$(tr -d '\r' <"$T/h" | sed -n 's/^Retry-After: //Ip' | head -n 1)
	[ -n "$first429" ] && [ "${ra_h:-0}" -ge 1 ] && [ "$(total "$db")" = 91 ] &&
		ok "${be}_rate_limit_429_retry_after" ||
		ko "${be}_rate_limit_429_retry_after" "codes=$(echo $codes) retry-after=$ra_h"
	stop_server

	# --accept-debug lets the debug event in.
	start_server "$db" --accept-debug
	$MK --secret "$SECRET_A" --fmt "$cap_fmt" --addr 0xdeadbeef --user alice \
		--hwid 52:54:00:12:34:56 --frame debug_two >"$T/dev/a-debug2.log"
	kc ingest --db "$T/devA.db" --spool "$T/spoolA" "$T/dev/a-debug2.log" >/dev/null 2>&1
	kc send --server "$URL" --token-file "$T/token" --spool "$T/spoolA" >/dev/null 2>"$T/send.err"; rc=$?
	[ $rc = 0 ] && [ "$(ls "$T/spoolA" | grep -c json)" = 0 ] && grep -q '1 sent' "$T/send.err" &&
		ok "${be}_accept_debug" || ko "${be}_accept_debug" "rc=$rc $(cat "$T/send.err")"

	# report, show and export read the server's database.
	local id; id=$(kc export --db "$db" | head -n 1 | sed -n 's/{"crash_id": "\([0-9a-f]*\)".*/\1/p')
	kc report --db "$db" >"$T/rep" 2>&1 && kc report --db "$db" --json >"$T/rep.json" 2>&1 &&
	kc show --db "$db" "${id:0:12}" >"$T/show" 2>&1 && grep -q "^Crash-ID:   $id" "$T/show" &&
	grep -q '^[0-9]* crash buckets' "$T/rep" && python3 -m json.tool "$T/rep.json" >/dev/null &&
		ok "${be}_report_show_export" || ko "${be}_report_show_export" "$(head -c 300 "$T/show")"

	# The privacy corpus (debug and release, versions 1 and 2) through a
	# device spool to this server: no raw identifier reaches either.
	rm -rf "$T/spoolP"
	kc ingest --db "$T/devP.db" --spool "$T/spoolP" "$T/privacy.log" >/dev/null 2>&1
	kc send --server "$URL" --token-file "$T/token" --spool "$T/spoolP" >/dev/null 2>"$T/send.err"; rc=$?
	stop_server
	dump_db "$db" >"$T/server.dump"
	cat "$T/spoolP"/* "$T/spoolA"/* "$T/server.dump" "$T/server.log" 2>/dev/null >"$T/all"
	local leaks=""
	for s in "${secrets[@]}"; do
		grep -aqiF -- "$s" "$T/all" && leaks="$leaks '$s'"
	done
	local np; np=$(grep -c . "$T/privacy.log" >/dev/null; ls "$T/spoolP" | grep -c '\.json$')
	# (The dump must hold the events, or the grep proves nothing.)
	if [ $rc = 0 ] && [ -z "$leaks" ] && [ "$np" = 0 ] && grep -q '14 sent' "$T/send.err" &&
	   grep -q 'open <path> failed' "$T/server.dump"; then ok "${be}_no_raw_identifiers"
	else ko "${be}_no_raw_identifiers" "send=$rc left=$np leaks:$leaks $(tail -n 1 "$T/send.err")"; fi
}

# The raw values the privacy corpus carries (see crash.sh).
secrets=(alice bob.smith mallory99 carol.danvers@example.org 203.0.113.77
	2001:db8::dead:beef:1 52:54:00:ab:cd:ef 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
	C02XK0ABJG5H WD-WCC4N7PL1234 /home/dave/projects/secret.txt dave
	deadbeef ffff800012345678 10.20.30.40 fe80::1ff:fe23:4567:890a a0:ce:c8:01:02:03
	zed-the-user 52:54:00:12:34:56 52:54:00:65:43:21 "$SECRET_A" "$SECRET_B")
P="$T/privacy.log"; : >"$P"
for ver in "" --v1; do
add() { $MK $ver "$@" --frame panic --frame cnode_copy --frame syscall_dispatch >>"$P"; }
for rel in "" --release; do
[ -n "$ver" ] && [ -n "$rel" ] && continue
add $rel --fmt "$cap_fmt" --addr 0xdeadbeef --user alice --hwid 52:54:00:ab:cd:ef \
	--log "login alice from 203.0.113.77 mail carol.danvers@example.org"
add $rel --fmt "open %s failed for %s" --text /home/dave/projects/secret.txt --user mallory99 \
	--hwid 6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f
add $rel --fmt "net: %s" --text "peer 203.0.113.77 / 2001:db8::dead:beef:1 mac 52:54:00:ab:cd:ef"
add $rel --fmt "disk %s serial %s at %p" --hwid WD-WCC4N7PL1234 --text "WD-WCC4N7PL1234 says 0xffff800012345678" \
	--addr 0xffff800012345678 --user bob.smith
# (Not in release records: they carry no user value, so the collector
# cannot know to scrub a user name quoted in a text argument.)
[ -z "$rel" ] && add --fmt "user %s (%s) at %s" --user zed-the-user --text "zed-the-user from 10.20.30.40" \
	--text "fe80::1ff:fe23:4567:890a a0:ce:c8:01:02:03 C02XK0ABJG5H"
done
done

dump_db() { sqlite3 "$1" .dump; cat "$1" "$1-wal" 2>/dev/null; }
run_backend sqlite "$T/server.db"

dump_db() { "$PG_BIN/pg_dump" -h "$T/pg" -U kozo kozo_fleet; cat "$T"/pg/data/base/*/* 2>/dev/null; }
if start_pg; then
	ok postgres_starts
	PGURL="postgresql://kozo@/kozo_fleet?host=$T/pg"
	run_backend postgres "$PGURL"
	# The same database through report on an empty one, and refusals.
	kc report --db "postgresql://kozo@/nosuchdb?host=$T/pg" >/dev/null 2>"$T/e"; e1=$?
	"$PG_BIN/psql" -h "$T/pg" -U kozo -d postgres -qc 'CREATE DATABASE empty' >/dev/null 2>&1
	kc report --db "postgresql://kozo@/empty?host=$T/pg" >/dev/null 2>"$T/e2"; e2=$?
	kc report --create --db "postgresql://kozo@/empty?host=$T/pg" >"$T/o" 2>&1; e3=$?
	[ $e1 = 2 ] && [ $e2 = 2 ] && [ $e3 = 0 ] && grep -q '^0 crash buckets' "$T/o" &&
		grep -q 'cannot connect' "$T/e" && grep -q 'not a crash database' "$T/e2" &&
		ok postgres_missing_database_clear_error || ko postgres_missing_database_clear_error "$e1 $e2 $e3 $(cat "$T/e" "$T/e2" | head -c 300)"
else
	ko postgres_starts "$(tail -n 5 "$T/pg.log" "$T/pg/log" 2>/dev/null | tr '\n' ' ')"
fi

# TLS (Debian's libmicrohttpd is built with GnuTLS): a self-signed
# certificate; the sender refuses the server without --cacert, and with it
# every event arrives; plain HTTP to the TLS port gets nowhere.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
make_spools
if SCHEME=https start_server "$T/tls.db" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"; then
	HTTPS=$URL
	kc send --server "$HTTPS" --token-file "$T/token" --spool "$T/spoolB" --max-tries 1 >/dev/null 2>"$T/t1.err"; r1=$?
	kc send --server "$HTTPS" --token-file "$T/token" --spool "$T/spoolB" --cacert "$T/cert.pem" >/dev/null 2>"$T/t2.err"; r2=$?
	plain=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$PORT/v1/events")
	stop_server
	[ $r1 = 2 ] && [ $r2 = 0 ] && grep -q '30 sent' "$T/t2.err" && [ "$(total "$T/tls.db")" = 30 ] && [ "$plain" = 000 ] &&
		ok tls_send_with_cacert || ko tls_send_with_cacert "no-ca=$r1 ca=$r2 plain=$plain $(tail -n 1 "$T/t2.err")"
else
	ko tls_send_with_cacert "server did not start: $(tail -n 3 "$T/server.log" | tr '\n' ' ')"
fi

finish
