#!/usr/bin/env bash
# vmpulse-hub against the specification's Socket.IO server and a plain ws broadcast
# server, in one run, on loopback, each with the same private MariaDB and the same load
# client (load_client.cpp): N WebSocket clients, 10 rows per second inserted with their
# commit time, a steady window of S seconds, then every client leaves. Then 10 million
# rows are bulk-loaded and GET /api/history over 24 h of one VM is timed.
#
#   bench/hub/run.sh            (about 8 minutes on 2 cores)
#   HUB_BENCH_SECONDS=20 HUB_BENCH_ROWS=10000000 HUB_BENCH_CLIENTS="5000 20000" bench/hub/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"

SECONDS_STEADY="${HUB_BENCH_SECONDS:-20}"
ROWS="${HUB_BENCH_ROWS:-10000000}"
read -r -a HUB_CLIENTS <<<"${HUB_BENCH_CLIENTS:-5000 20000}"
PEER_CLIENTS="${HUB_BENCH_PEER_CLIENTS:-5000}"
RATE=10

# 20,000 clients need 20,000 descriptors in the client and in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Where the hard limit cannot be raised (a container without CAP_SYS_RESOURCE), run as
# many clients as fit and say so in the table.
MAX_FDS="$(ulimit -n)"
fit() { local n="$1"; ((n > MAX_FDS - 100)) && n=$((MAX_FDS - 100)); echo "$n"; }

HUB="${VMPULSE_HUB_BIN:-$ROOT/build/bin/vmpulse-hub}"
if [[ ! -x "$HUB" ]]; then
  info "building vmpulse-hub (release)"
  build_preset release --target vmpulse-hub >/dev/null
fi
for peer in socketio-hub ws-hub; do
  [[ -d "$ROOT/bench/peers/$peer/node_modules" ]] ||
    (cd "$ROOT/bench/peers/$peer" && npm ci --no-audit --no-fund --loglevel=error)
done

WORK="$(mktemp -d /tmp/vmpulse-hub-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  db_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT

info "compiling the load client"
read -r -a MARIADB_FLAGS <<<"$(pkg-config --cflags --libs libmariadb)"
g++ -std=c++20 -O2 -o "$WORK/load_client" "$ROOT/bench/hub/load_client.cpp" "${MARIADB_FLAGS[@]}"

DB_PORT="$(free_port)"
db_start "$WORK/db" "$DB_PORT"
DB_URL="$(db_url "$WORK/db" "$DB_PORT")"
db_migrate "$DB_URL" >/dev/null
DB_PASS="$(cat "$WORK/db/password")"
DB_PID="$(cat "$WORK/db/mysqld.pid")"

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

# ---- live push: hub, ws peer, Socket.IO peer --------------------------------------
run_load() { # LABEL PORT PATH MODE CLIENTS
  "$WORK/load_client" --label "$1" --port "$2" --path "$3" --mode "$4" --clients "$5" \
    --seconds "$SECONDS_STEADY" --rate "$RATE" --db-host 127.0.0.1 --db-port "$DB_PORT" \
    --db-user "$VMPULSE_DB_USER" --db-pass "$DB_PASS" --db-name "$VMPULSE_DB_NAME" \
    --server-pid "$SERVER_PID" --db-pid "$DB_PID" | tee -a "$WORK/results.txt"
}
peer_env=(PORT="$PORT" DB_HOST=127.0.0.1 DB_PORT="$DB_PORT" DB_USER="$VMPULSE_DB_USER" DB_PASSWORD="$DB_PASS"
  DB_NAME="$VMPULSE_DB_NAME")

for clients in "${HUB_CLIENTS[@]}"; do
  if [[ "$(fit "$clients")" != "$clients" ]]; then
    warn "ulimit -n is $MAX_FDS: running $(fit "$clients") clients instead of $clients"
    clients="$(fit "$clients")"
  fi
  info "vmpulse-hub, $clients clients"
  start_server "hub-$clients" env VMPULSE_DB_URL="$DB_URL" "$HUB" --listen "127.0.0.1:$PORT" --log-level warn
  wait_http "http://127.0.0.1:$PORT/readyz" 300 || die "the hub did not become ready"
  run_load "vmpulse-hub" "$PORT" /ws ws "$clients"
  stop_server
done

info "ws broadcast peer, $PEER_CLIENTS clients"
start_server ws-peer env "${peer_env[@]}" node "$ROOT/bench/peers/ws-hub/server.js"
wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the ws peer did not start"
run_load "ws-peer" "$PORT" / ws "$PEER_CLIENTS"
stop_server

info "Socket.IO peer (the specification's), $PEER_CLIENTS clients"
start_server socketio-peer env "${peer_env[@]}" node "$ROOT/bench/peers/socketio-hub/server.js"
wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the Socket.IO peer did not start"
run_load "socketio-peer" "$PORT" "/socket.io/?EIO=4&transport=websocket" socketio "$PEER_CLIENTS"
stop_server

# ---- the table ----------------------------------------------------------------------
echo
echo "live push: $RATE rows/s inserted for ${SECONDS_STEADY} s; latency = commit to receipt at each client"
printf '%-14s %7s %6s %11s %9s %11s %8s %8s %8s %8s %10s %9s %10s\n' server clients open rows_rcvd/exp \
  cpu_cores us/msg db_cores rss_MiB p50_ms p99_ms selects/s idle_cpu idle_sel/s
while read -r line; do
  declare -A r=()
  for kv in ${line#RESULT }; do r["${kv%%=*}"]="${kv#*=}"; done
  printf '%-14s %7s %6s %11s %9s %11s %8s %8s %8s %8s %10s %9s %10s\n' "${r[label]}" "${r[clients]}" \
    "${r[still_open]}" "$((r[rows_received] * 100 / (r[rows_expected] > 0 ? r[rows_expected] : 1)))%" \
    "${r[cpu_cores]}" "${r[us_per_msg]}" "${r[db_cores]}" "${r[rss_mib]}" "${r[p50_ms]}" "${r[p99_ms]}" \
    "${r[selects_per_s]}" "${r[idle_cpu_cores]}" "${r[idle_selects_per_s]}"
  unset r
done < <(grep '^RESULT' "$WORK/results.txt")
echo
echo "history: GET /api/history for one VM over 24 h ($SUM_N rows -> $POINTS points), $ROWS rows in metricas"
echo "  load ${LOAD_S} s; hub start-up (per-VM counts over the table) ${STARTUP_S} s"
echo "  time per request over 15 requests, ms (min / median / max):"
echo "    schema as is (index (vm, hora)):                          $HISTORY_MS"
echo "    with a covering index (built in ${INDEX_S} s):               $HISTORY_COVER_MS"
