# Sourced by scripts/suites/fleet.sh and scripts/bench/fleet.sh (T set): a
# PostgreSQL 15 of their own, the cluster in $T/pg/data, its socket in
# $T/pg, no TCP; as root the server runs as nobody (postgres refuses
# root).  start_pg makes database kozo_fleet; stop_pg stops the cluster.
PG_BIN=/usr/lib/postgresql/15/bin PG_RUN=()
start_pg() {
	[ -x "$PG_BIN/initdb" ] || { echo "no $PG_BIN/initdb (postgresql-15)"; return 1; }
	mkdir -p "$T/pg"
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$T/pg"
		PG_RUN=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
	fi
	"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$T/pg/data" -A trust -U kozo --locale=C -E UTF8 \
		>"$T/pg.log" 2>&1 || return 1
	"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$T/pg/data" -l "$T/pg/log" -w \
		-o "-k $T/pg -c listen_addresses=''" start >>"$T/pg.log" 2>&1 || return 1
	"$PG_BIN/psql" -h "$T/pg" -U kozo -d postgres -qc 'CREATE DATABASE kozo_fleet' >>"$T/pg.log" 2>&1
}
stop_pg() {
	[ -d "$T/pg/data" ] && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$T/pg/data" -m immediate stop >/dev/null 2>&1
	return 0
}
