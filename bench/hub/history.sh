#!/usr/bin/env bash
# GET /api/history over 24 h of one VM with millions of rows in metricas: raw rows
# against the per-minute rollup (db/migrations/002_metricas_minuto.sql), in one run, on
# a private MariaDB. Loads ROWS rows (50 VMs, one row per second each, ending now) with
# LOAD DATA, starts vmpulse-hub, times its start-up and the rollup's catch-up (wall
# time, the hub's and MariaDB's CPU), then 15 requests per path, alternating, and
# checks that both paths answer the same body.
#
#   bench/hub/history.sh                       (10 million rows: ~10 minutes on 2 cores)
#   HUB_BENCH_ROWS=1000000 bench/hub/history.sh
#
# bench/hub/run.sh runs it at its end. VMPULSE_HUB_BIN picks the binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"

ROWS="${HUB_BENCH_ROWS:-10000000}"
REQUESTS=15
TARGET_MS=50
VMS=50
[[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -ge "$VMS" ]] || die "HUB_BENCH_ROWS must be a number of rows >= $VMS, not '$ROWS'"
PER_VM=$((ROWS / VMS))

HUB="${VMPULSE_HUB_BIN:-$ROOT/build/bin/vmpulse-hub}"
if [[ ! -x "$HUB" ]]; then
  info "building vmpulse-hub (release)"
  build_preset release --target vmpulse-hub >/dev/null
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_setup hub-history
bench_db
DB_PID="$(cat "$work/db/mysqld.pid")"
sql() { db_sql "$work/db" "USE \`$VMPULSE_DB_NAME\`; $1"; }

info "loading $ROWS rows ($VMS VMs x $PER_VM, one row per second each) with LOAD DATA"
mkfifo "$work/rows.tsv"
NOW="$(date -u +%s)"
awk -v vms="$VMS" -v per="$PER_VM" -v now="$NOW" 'BEGIN {
  OFS = "\t"
  for (v = 1; v <= vms; v++)
    for (i = 0; i < per; i++) {
      cpu = (i * 7 + v) % 100
      print "vm-" v, 8000, 4000, 4000, 50 + (i % 13) / 4, cpu + (i % 3) / 4, 100 - cpu, 1, 100 + i % 7, 99, 0, 0, now - per + i, (i % 2 ? "cpp" : "nodejs")
    }
}' >"$work/rows.tsv" &
AWK_PID=$!
load_start=$SECONDS
sql "SET time_zone = '+00:00'; LOAD DATA INFILE '$work/rows.tsv' INTO TABLE metricas
  (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso, porcentaje_cpu_libre,
   procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie, procesos_parados, @t, api)
  SET hora = FROM_UNIXTIME(@t);
  INSERT INTO metricas_por_api SELECT api, COUNT(*) FROM metricas GROUP BY api;"
LOAD_S=$((SECONDS - load_start))
wait "$AWK_PID"
MAX_ID="$(sql "SELECT MAX(id) FROM metricas")"
ok "loaded in ${LOAD_S} s (ids up to $MAX_ID)"

# cpu_ticks PID: user + system clock ticks so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK="$(getconf CLK_TCK)"
rolled() { sql "SELECT ultimo_id FROM metricas_minuto_estado WHERE id = 1"; }

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
db_ticks0="$(cpu_ticks "$DB_PID")"
start_ns="$(date +%s%N)"
# Reads open: the benchmark measures queries, on loopback, without signing in.
"$HUB" --listen "127.0.0.1:$PORT" --reads open --log-level info >"$work/hub.log" 2>&1 &
HUB_PID=$!
pids+=("$HUB_PID")
wait_http "$BASE/readyz" 300 || die "the hub did not become ready: $(tail -n 5 "$work/hub.log")"
READY_MS=$((($(date +%s%N) - start_ns) / 1000000))
FROM=$((NOW - 86400))
URL="$BASE/api/history?vm=vm-7&from=$FROM&to=$NOW"
# While the rollup catches up, history answers from raw rows (and /readyz stays 200).
read -r during_s during_path < <(curl -fsS -o /dev/null -w '%{time_total} %header{x-history-source}\n' "$URL")
DURING="$(awk -v s="$during_s" 'BEGIN {printf "%.0f", s * 1000}') ms from ${during_path:-?} rows"
until [[ "$(rolled)" -ge "$MAX_ID" ]]; do
  kill -0 "$HUB_PID" 2>/dev/null || die "the hub exited: $(tail -n 5 "$work/hub.log")"
  (($(date +%s%N) - start_ns < 1800 * 1000000000)) || die "the rollup did not catch up in 30 minutes"
  sleep 0.2
done
CATCHUP_MS=$((($(date +%s%N) - start_ns) / 1000000))
HUB_CPU_S="$(awk -v t="$(cpu_ticks "$HUB_PID")" -v hz="$TICK" 'BEGIN {printf "%.1f", t / hz}')"
DB_CPU_S="$(awk -v a="$db_ticks0" -v b="$(cpu_ticks "$DB_PID")" -v hz="$TICK" 'BEGIN {printf "%.1f", (b - a) / hz}')"
MINUTES="$(sql "SELECT COUNT(*) FROM metricas_minuto")"
ok "rollup caught up: $MINUTES minutes from $MAX_ID rows"

# Both paths answer the same body.
curl -fsS -o "$work/raw.json" "$URL&source=raw"
curl -fsS -D "$work/rollup.headers" -o "$work/rollup.json" "$URL"
grep -qi '^x-history-source: rollup' "$work/rollup.headers" || die "history did not use the rollup"
cmp -s "$work/raw.json" "$work/rollup.json" || die "the raw and rollup answers differ"
POINTS="$(grep -o '"t":' "$work/rollup.json" | wc -l)"
SUM_N="$(grep -o '"n":[0-9]*' "$work/rollup.json" | cut -d: -f2 | awk '{s += $1} END {print s + 0}')"
BUCKET="$(grep -o '"bucket_seconds":[0-9]*' "$work/rollup.json" | cut -d: -f2)"

raw_times=() rollup_times=()
for _ in $(seq 1 "$REQUESTS"); do
  raw_times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$URL&source=raw")")
  rollup_times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$URL")")
done
summarize() { sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f / %.1f / %.1f", a[1], a[int((NR+1)/2)], a[NR]}'; }
median() { sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f", a[int((NR+1)/2)]}'; }
RAW_MS="$(printf '%s\n' "${raw_times[@]}" | summarize)"
ROLLUP_MS="$(printf '%s\n' "${rollup_times[@]}" | summarize)"
ROLLUP_MEDIAN="$(printf '%s\n' "${rollup_times[@]}" | median)"
RAW_MEDIAN="$(printf '%s\n' "${raw_times[@]}" | median)"
VERDICT="$(awk -v m="$ROLLUP_MEDIAN" -v t="$TARGET_MS" 'BEGIN {print (m <= t ? "met" : "NOT met")}')"

echo
echo "history: GET /api/history for one VM over 24 h ($SUM_N rows -> $POINTS points of ${BUCKET} s), $MAX_ID rows in metricas"
echo "  load ${LOAD_S} s; hub ready after $((READY_MS / 1000)).$(((READY_MS % 1000) / 100)) s"
echo "  rollup catch-up from an empty rollup: $((CATCHUP_MS / 1000)).$(((CATCHUP_MS % 1000) / 100)) s after the hub started,"
echo "    $MINUTES minute rows; CPU meanwhile: hub ${HUB_CPU_S} s, MariaDB ${DB_CPU_S} s"
echo "  one request during the catch-up: $DURING"
echo "  time per request over $REQUESTS requests each, alternating, ms (min / median / max):"
echo "    raw rows (source=raw):                 $RAW_MS"
echo "    rollup (the default path):             $ROLLUP_MS"
echo "  target: median <= $TARGET_MS ms with the rollup: $VERDICT (${ROLLUP_MEDIAN} ms; raw ${RAW_MEDIAN} ms)"
