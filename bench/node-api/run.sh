#!/usr/bin/env bash
# node-api against its peer, route 1 (build/bin/vmpulse-api), in one run on one private
# MariaDB: requests/s, records/s and latency for one record per request and for batches
# of 100, plus /livez (no database) to separate the HTTP stack from the insert.
# Loopback only; each measurement is bounded (BENCH_SECONDS, default 10).
#   bench/node-api/run.sh            prints the table (markdown)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-32}"
bench_setup node-api

bench_db

record='{"vm":"bench-vm","total_ram":16000,"ram_libre":6000,"uso_ram":10000,"porcentaje_ram":62.5,"porcentaje_cpu_uso":30.25,"porcentaje_cpu_libre":69.75,"procesos_corriendo":3,"procesos_durmiendo":200,"procesos_zombie":1,"procesos_parados":2,"total_procesos":206,"hora":"2025-06-15 08:30:45"}'
printf '%s' "$record" >"$work/one.json"
{
  printf '['
  for ((i = 0; i < 100; i++)); do
    ((i > 0)) && printf ','
    printf '%s' "$record"
  done
  printf ']'
} >"$work/batch100.json"

declare -A urls paths
node_port="$(free_port)"
PORT="$node_port" node node-api/src/server.js >"$work/nodejs.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$node_port/readyz" 30 || die "node-api did not start: $(tail -n 5 "$work/nodejs.log")"
urls[nodejs]="http://127.0.0.1:$node_port"
paths[nodejs]=/api/nodejs/metrics
if [[ -x "$VMPULSE_BIN/vmpulse-api" ]]; then
  cpp_port="$(free_port)"
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$cpp_port" >"$work/cpp.log" 2>&1 &
  pids+=($!)
  if wait_http "http://127.0.0.1:$cpp_port/readyz" 30; then
    urls[cpp]="http://127.0.0.1:$cpp_port"
    paths[cpp]=/api/cpp/metrics
  else
    warn "vmpulse-api did not start; its row is left out: $(tail -n 3 "$work/cpp.log")"
  fi
else
  warn "$VMPULSE_BIN/vmpulse-api does not exist; only node-api is measured"
fi

# measure ROUTE WHAT PATH BODY_FILE RECORDS_PER_REQUEST: one wrk run, one table row.
measure() {
  local route="$1" what="$2" path="$3" body="$4" per="$5" out rps p50 p99 errors
  if [[ -n "$body" ]]; then
    out="$(BENCH_BODY_FILE="$body" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/node-api/post.lua "${urls[$route]}$path")"
  else
    out="$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "${urls[$route]}$path")"
  fi
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  errors="${errors:-0}"
  printf '| %s | %s | %.0f | %.0f | %s | %s | %s |\n' "$route" "$what" "$rps" "$(awk -v r="$rps" -v n="$per" 'BEGIN {print r * n}')" "$p50" "$p99" "$errors"
}

echo "node-api vs route 1: wrk -t2 -c$connections -d${seconds}s per row, $(nproc) cores shared, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| route | request | requests/s | records/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|---:|"
for route in nodejs cpp; do
  [[ -n "${urls[$route]:-}" ]] || continue
  measure "$route" "GET /livez (no database)" /livez "" 0
  measure "$route" "POST 1 record" "${paths[$route]}" "$work/one.json" 1
  measure "$route" "POST 100 records" "${paths[$route]}" "$work/batch100.json" 100
done
rows="$(db_client "$VMPULSE_DB_URL" -e 'SELECT api, COUNT(*) FROM metricas GROUP BY api' | tr '\t\n' '= ')"
echo
echo "rows stored during the run: $rows"
