#!/usr/bin/env bash
# vmpulse-hub's benchmarks. 10 million rows are bulk-loaded and GET /api/history over
# 24 h of one VM is timed; then the live push (bench/hub/live.sh): the hub side by side
# with the floor of a fan-out, the specification's Socket.IO server and a plain ws
# broadcast server, on loopback, with the same private MariaDB and load client.
#
#   bench/hub/run.sh            (about 12 minutes on 2 cores)
#   HUB_BENCH_ROWS=10000000 HUB_BENCH_SECONDS=20 HUB_BENCH_CLIENTS=5000 \
#     HUB_BENCH_BIG_CLIENTS=20000 bench/hub/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"

ROWS="${HUB_BENCH_ROWS:-10000000}"

HUB="${VMPULSE_HUB_BIN:-$ROOT/build/bin/vmpulse-hub}"
if [[ ! -x "$HUB" ]]; then
  info "building vmpulse-hub (release)"
  build_preset release --target vmpulse-hub >/dev/null
fi

WORK="$(mktemp -d /tmp/vmpulse-hub-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  db_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT

DB_PORT="$(free_port)"
db_start "$WORK/db" "$DB_PORT"
DB_URL="$(db_url "$WORK/db" "$DB_PORT")"
db_migrate "$DB_URL" >/dev/null

# ---- history over 10 million rows -------------------------------------------------
VMS=50
PER_VM=$((ROWS / VMS))
info "loading $ROWS rows ($VMS VMs x $PER_VM, one row per second each) with LOAD DATA"
mkfifo "$WORK/rows.tsv"
NOW="$(date -u +%s)"
awk -v vms="$VMS" -v per="$PER_VM" -v now="$NOW" 'BEGIN {
  OFS = "\t"
  for (v = 1; v <= vms; v++)
    for (i = 0; i < per; i++) {
      cpu = (i * 7 + v) % 100
      print "vm-" v, 8000, 4000, 4000, 50, cpu, 100 - cpu, 1, 100, 99, 0, 0, now - per + i, (i % 2 ? "cpp" : "nodejs")
    }
}' >"$WORK/rows.tsv" &
AWK_PID=$!
load_start=$SECONDS
db_sql "$WORK/db" "SET time_zone = '+00:00'; LOAD DATA INFILE '$WORK/rows.tsv' INTO TABLE \`$VMPULSE_DB_NAME\`.metricas
  (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso, porcentaje_cpu_libre,
   procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie, procesos_parados, @t, api)
  SET hora = FROM_UNIXTIME(@t);
  INSERT INTO \`$VMPULSE_DB_NAME\`.metricas_por_api SELECT api, COUNT(*) FROM \`$VMPULSE_DB_NAME\`.metricas GROUP BY api;"
LOAD_S=$((SECONDS - load_start))
wait "$AWK_PID"
ok "loaded in ${LOAD_S} s"

# start_server LABEL CMD...: starts a server with its output in WORK/LABEL.log.
start_server() {
  local label="$1"
  shift
  "$@" >"$WORK/$label.log" 2>&1 &
  SERVER_PID=$!
}
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

PORT="$(free_port)"
hub_start=$SECONDS
start_server hub-history env VMPULSE_DB_URL="$DB_URL" "$HUB" --listen "127.0.0.1:$PORT" --log-level warn
wait_http "http://127.0.0.1:$PORT/readyz" 300 || die "the hub did not become ready"
STARTUP_S=$((SECONDS - hub_start))
FROM=$((NOW - 86400))
URL="http://127.0.0.1:$PORT/api/history?vm=vm-7&from=$FROM&to=$NOW"
curl -fsS -o "$WORK/history.json" "$URL"
POINTS="$(grep -o '"t":' "$WORK/history.json" | wc -l)"
SUM_N="$(grep -o '"n":[0-9]*' "$WORK/history.json" | cut -d: -f2 | awk '{s += $1} END {print s + 0}')"
times=()
for _ in $(seq 1 15); do
  times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$URL")")
done
summarize() { sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f / %.1f / %.1f", a[1], a[int((NR+1)/2)], a[NR]}'; }
HISTORY_MS="$(printf '%s\n' "${times[@]}" | summarize)"
# The same with an index that covers the query (a proposed migration): the rows' values
# come from the index itself, no lookup of each row by its primary key.
info "adding a covering index (vm, hora, porcentaje_cpu_uso, porcentaje_ram, total_procesos)"
index_start=$SECONDS
db_sql "$WORK/db" "ALTER TABLE \`$VMPULSE_DB_NAME\`.metricas ADD INDEX metricas_history
  (vm, hora, porcentaje_cpu_uso, porcentaje_ram, total_procesos)"
INDEX_S=$((SECONDS - index_start))
curl -fsS -o /dev/null "$URL"
times=()
for _ in $(seq 1 15); do
  times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$URL")")
done
HISTORY_COVER_MS="$(printf '%s\n' "${times[@]}" | summarize)"
db_sql "$WORK/db" "ALTER TABLE \`$VMPULSE_DB_NAME\`.metricas DROP INDEX metricas_history"
stop_server

# ---- live push: the floor, the hub at 250 ms and 1 s, ws peer, Socket.IO peer -------
# Its own private MariaDB, its own table and target lines (bench/hub/live.sh).
"$ROOT/bench/hub/live.sh"

# ---- the table ----------------------------------------------------------------------
echo
echo "history: GET /api/history for one VM over 24 h ($SUM_N rows -> $POINTS points), $ROWS rows in metricas"
echo "  load ${LOAD_S} s; hub start-up (per-VM counts over the table) ${STARTUP_S} s"
echo "  time per request over 15 requests, ms (min / median / max):"
echo "    schema as is (index (vm, hora)):                          $HISTORY_MS"
echo "    with a covering index (built in ${INDEX_S} s):               $HISTORY_COVER_MS"
