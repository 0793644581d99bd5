#!/usr/bin/env bash
# Retention and tiers (issue 15, docs/storage.md), side by side in one run on a private
# MariaDB:
#   - expiring one day of metricas: ALTER TABLE … DROP PARTITION (the hub's way since
#     migration 007) against batched DELETEs of the same rows from an unpartitioned copy
#     (the row-by-row way db/retention.sql had, 5,000 rows a batch);
#   - ingest latency while each runs: INGEST_VMS simulated VMs (vmpulse-fleet-sim,
#     1 sample/s, batches of 10 with procesos_top 10) push through route 1
#     (vmpulse-api) while a second day's partition is dropped and, later, a third day's
#     rows are DELETEd from the live table; p50/p99/max of the requests in flight in
#     each window against those in the quiet time around them;
#   - bytes per stored row and per raw sample of each tier (data + indexes, InnoDB's
#     figures after ANALYZE): raw rows, the per-minute and the per-hour rollup;
#   - GET /api/history of one VM over 30 days (per-minute tier) and over 1 year (per-hour
#     tier), median and worst of REQUESTS requests, target 100 ms each.
#
#   bench/storage/retention.sh                           (3 days of 500,000 rows, 100 VMs)
#   STORAGE_BENCH_ROWS_PER_DAY=2000000 STORAGE_BENCH_INGEST_VMS=2000 bench/storage/retention.sh
#
# The raw rows fill 3 UTC days (the three before today); the VM whose history is
# timed gets its rollup rows written directly: 90 days of minutes and 365 of hours, as
# a VM at 1 sample/s leaves them. VMPULSE_BIN picks the folder of the binaries.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

PER_DAY="${STORAGE_BENCH_ROWS_PER_DAY:-500000}"
INGEST_VMS="${STORAGE_BENCH_INGEST_VMS:-1000}"
VMS=100
REQUESTS=9
TARGET_MS=100
[[ "$PER_DAY" =~ ^[0-9]+$ && "$PER_DAY" -ge 100000 ]] ||
  die "STORAGE_BENCH_ROWS_PER_DAY must be a number of rows >= 100000, not '$PER_DAY'"
[[ "$INGEST_VMS" =~ ^[0-9]+$ && "$INGEST_VMS" -ge 10 ]] ||
  die "STORAGE_BENCH_INGEST_VMS must be a number of VMs >= 10, not '$INGEST_VMS'"
BIN="${VMPULSE_BIN:-$ROOT/build/bin}"
for bin in vmpulse-hub vmpulse-api vmpulse-fleet-sim; do
  [[ -x "$BIN/$bin" ]] || die "no $BIN/$bin: cmake --build build/release --target $bin"
done
HUB="$BIN/vmpulse-hub"

bench_setup storage
bench_db
sql() { db_client "$VMPULSE_DB_URL" -e "$1"; }
now_ms() { date +%s%3N; }

# Day partitions for the three days (the migration ran on an empty table, so its first
# partition, today's, holds everything older).
t0="$(date -u +%F)"
d1="$(date -u -d "$t0 -1 day" +%F)" d2="$(date -u -d "$t0 -2 day" +%F)" d3="$(date -u -d "$t0 -3 day" +%F)"
p() { echo "p${1//-/}"; }
sql "ALTER TABLE metricas REORGANIZE PARTITION $(p "$t0") INTO (
  PARTITION $(p "$d3") VALUES LESS THAN ('$d2'), PARTITION $(p "$d2") VALUES LESS THAN ('$d1'),
  PARTITION $(p "$d1") VALUES LESS THAN ('$t0'),
  PARTITION $(p "$t0") VALUES LESS THAN ('$(date -u -d "$t0 +1 day" +%F)'))"

echo "loading 3 days of $PER_DAY rows ($VMS VMs, one row each every $((86400 * VMS / PER_DAY)) s)..." >&2
started="$(now_ms)"
chunk=100000
for day in "$d3" "$d2" "$d1"; do
  for ((at = 0; at < PER_DAY; at += chunk)); do
    sql "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso,
      porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie,
      procesos_parados, hora, api, carga_1, porcentaje_cpu_robado, porcentaje_cpu_espera, swap_total,
      swap_libre, disco_total, disco_libre, disco_lectura_kib_s, disco_escritura_kib_s, red_rx_kib_s,
      red_tx_kib_s, tiempo_activo)
      SELECT CONCAT('vm-', s.seq % $VMS), 16000, 4000 + s.seq % 997, 12000 - s.seq % 997, 40 + s.seq % 50,
        s.seq % 100, 100 - s.seq % 100, 2, 300, 290, 0, 1,
        TIMESTAMP('$day') + INTERVAL FLOOR(s.seq * 86400 / $PER_DAY) SECOND, 'cpp', (s.seq % 400) / 100,
        0.5, 1.25, 2048, 1024, 100000, 60000, s.seq % 5000, s.seq % 3000, s.seq % 9000, s.seq % 7000, s.seq
      FROM seq_${at}_to_$((at + chunk - 1)) s WHERE s.seq < $PER_DAY"
  done
done
load_s="$(awk -v ms=$(($(now_ms) - started)) 'BEGIN { printf "%.1f", ms / 1000 }')"

# The same rows in an unpartitioned table, for the row-by-row path.
sql "CREATE TABLE metricas_plain LIKE metricas; ALTER TABLE metricas_plain REMOVE PARTITIONING;
     INSERT INTO metricas_plain SELECT * FROM metricas"

# The hub rolls the raw rows up (for the tiers' sizes) and serves history.
port="$(free_port)"
"$HUB" --db "$VMPULSE_DB_URL" --listen "127.0.0.1:$port" --reads open --log-level warn \
  --raw-days 36500 --minute-days 36500 --hour-days 36500 >"$work/hub.log" 2>&1 &
pids+=($!)
hub="http://127.0.0.1:$port"
wait_http "$hub/readyz" 60 || die "the hub did not start: $(tail -5 "$work/hub.log")"
newest="$(sql "SELECT MAX(id) FROM metricas")"
deadline=$((SECONDS + 1200))
until [[ "$(curl -s "$hub/api/stats" | sed -E 's/.*"rollup_id":([0-9]+).*/\1/')" == "$newest" ]]; do
  ((SECONDS < deadline)) || die "the rollup did not catch up in 20 minutes"
  sleep 1
done

# Sizes, before anything is dropped.
sql "ANALYZE TABLE metricas, metricas_minuto, metricas_hora" >/dev/null
size_row() { # TABLE SECONDS_PER_ROW_AT_1_HZ
  local bytes rows
  bytes="$(sql "SELECT SUM(data_length + index_length) FROM information_schema.tables
    WHERE table_schema = DATABASE() AND table_name = '$1'")"
  rows="$(sql "SELECT COUNT(*) FROM $1")"
  awk -v t="$1" -v b="$bytes" -v r="$rows" -v p="$2" 'BEGIN {
    printf "| %-16s | %10d | %9.1f | %8.0f | %12.3f | %13.1f |\n", t, r, b / 1048576, b / r, b / r / p, b / r * 86400 / p / 1024 }'
}
sizes="$(
  size_row metricas 1
  size_row metricas_minuto 60
  size_row metricas_hora 3600
)"

# Drop against DELETE of the same day's rows.
# delete_rows TABLE BEFORE: the old retention's loop; prints the rows it removed.
delete_rows() {
  local deleted=0 n
  while :; do
    n="$(sql "DELETE FROM $1 WHERE hora < '$2' ORDER BY hora LIMIT 5000; SELECT ROW_COUNT()")"
    deleted=$((deleted + n))
    ((n < 5000)) && break
  done
  echo "$deleted"
}
day_rows="$(sql "SELECT COUNT(*) FROM metricas PARTITION ($(p "$d3"))")"
started="$(now_ms)"
sql "ALTER TABLE metricas DROP PARTITION $(p "$d3")"
drop_ms=$(($(now_ms) - started))
started="$(now_ms)"
deleted="$(delete_rows metricas_plain "$d2")"
delete_ms=$(($(now_ms) - started))
[[ "$deleted" == "$day_rows" ]] || die "DELETE removed $deleted rows, the partition held $day_rows"

# The same two ways on the live table, while route 1 takes a fleet's batches: quiet,
# DROP PARTITION (day 2), quiet, DELETE (day 1), quiet. The simulator runs long enough
# for all of it at the speeds just measured.
quiet=15
sim_seconds=$((3 * quiet + (drop_ms + 2 * delete_ms) / 1000 + 5))
api_port="$(free_port)"
"$BIN/vmpulse-api" --listen "127.0.0.1:$api_port" --log-level warn >"$work/api.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$api_port/readyz" 30 || die "vmpulse-api did not start: $(tail -5 "$work/api.log")"
echo "ingest: $INGEST_VMS VMs for $sim_seconds s while day 2 is dropped and day 1 deleted..." >&2
"$BIN/vmpulse-fleet-sim" --url "http://127.0.0.1:$api_port/api/cpp/metrics" --vms "$INGEST_VMS" \
  --seconds "$sim_seconds" --batch 10 --top 10 --prefix live --latency-log "$work/latency.log" \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
pids+=("$sim_pid")
sleep "$quiet"
live_day_rows="$(sql "SELECT COUNT(*) FROM metricas PARTITION ($(p "$d2"))")"
drop_from="$(now_ms)"
sql "ALTER TABLE metricas DROP PARTITION $(p "$d2")"
drop_to="$(now_ms)"
sleep "$quiet"
delete_from="$(now_ms)"
live_deleted="$(delete_rows metricas "$t0")"
delete_to="$(now_ms)"
wait "$sim_pid" || die "the simulator reported failures: $(tail -n 3 "$work/sim.err")"
[[ "$live_deleted" == "$live_day_rows" ]] ||
  die "the live DELETE removed $live_deleted rows, the day held $live_day_rows"
sim_result="$(grep '^RESULT' "$work/sim.out")"
# A request counts in a window when it was in flight during any part of it. The
# simulator sends each second's batches in a burst at the start of the second, so a
# window is at least one second long (a 0.2 s DROP can fall between two bursts).
latency_row() { # NAME FROM_MS TO_MS (FROM 0: outside both windows)
  awk -v a="$2" -v b="$(window_end "$2" "$3")" -v da="$drop_from" -v db="$(window_end "$drop_from" "$drop_to")" \
    -v la="$delete_from" -v lb="$(window_end "$delete_from" "$delete_to")" '
    function in_window(s, e, x, y) { return s <= y && e >= x }
    { s = $1; e = $1 + $2
      if (a ? in_window(s, e, a, b) : !in_window(s, e, da, db) && !in_window(s, e, la, lb)) print $2 }' \
    "$work/latency.log" | sort -g | awk -v name="$1" -v len="$(($3 - $2))" '
    { v[NR] = $1 }
    END {
      if (!NR) { printf "| %-27s | %8s | %8d | %8s | %8s | %8s |\n", name, "-", 0, "-", "-", "-"; exit }
      printf "| %-27s | %8s | %8d | %8.1f | %8.1f | %8.1f |\n", name, (len ? sprintf("%.2f", len / 1000) : "-"),
        NR, v[int((NR + 1) / 2)], v[int(0.99 * (NR - 1)) + 1], v[NR] }'
}
window_end() { echo $(($2 > $1 + 1000 ? $2 : $1 + 1000)); } # FROM_MS TO_MS
latency="$(
  latency_row "quiet (outside both)" 0 0
  latency_row "DROP PARTITION (day 2)" "$drop_from" "$drop_to"
  latency_row "DELETE … LIMIT 5000 (day 1)" "$delete_from" "$delete_to"
)"

# History of one VM: its rollup rows as 1 sample/s leaves them.
sql "INSERT INTO metricas_minuto (vm, minuto, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max,
       procesos_suma, carga_n, carga_suma, carga_max)
     SELECT 'bench-hist', TIMESTAMP('$t0') - INTERVAL s.seq MINUTE, 60, 60 * (s.seq % 100), s.seq % 50,
       s.seq % 100, 3000, 45, 55, 18000, 60, 60, 1.5 FROM seq_1_to_129600 s;
     INSERT INTO metricas_hora (vm, hora, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max,
       procesos_suma, carga_n, carga_suma, carga_max)
     SELECT 'bench-hist', TIMESTAMP('$t0') - INTERVAL s.seq HOUR, 3600, 3600 * (s.seq % 100), s.seq % 50,
       s.seq % 100, 180000, 45, 55, 1080000, 3600, 3600, 1.5 FROM seq_1_to_8760 s"
history_row() { # DAYS TIER [QUERY]
  local to from times=() i ms source
  to="$(date -u +%s)"
  from=$((to - $1 * 86400))
  for ((i = 0; i < REQUESTS; i++)); do
    ms="$(curl -s -o /dev/null -D "$work/headers" -w '%{time_total}' \
      "$hub/api/history?vm=bench-hist&from=$from&to=$to${3:-}" | awk '{ printf "%.1f", $1 * 1000 }')"
    times+=("$ms")
  done
  source="$(grep -i '^x-history-source' "$work/headers" | tr -d '\r' | awk '{print $2}')"
  [[ "$source" == "$2" ]] || die "history over $1 days came from '$source', not $2"
  printf '%s\n' "${times[@]}" | sort -n | awk -v d="$1" -v s="$source" -v t=$TARGET_MS '
    { v[NR] = $1 } END { printf "| %4d days | %-6s | %9.1f | %8.1f | %s |\n", d, s, v[int((NR + 1) / 2)], v[NR], (v[NR] <= t ? "yes" : "NO") }'
}
load_avg="$(cut -d' ' -f1-3 /proc/loadavg)"
hist_30="$(history_row 30 hour)"
hist_30_minutes="$(history_row 30 rollup '&source=rollup')"
hist_365="$(history_row 365 hour)"

cat <<TABLE

Storage tiers, $(date -u +%F), $(nproc) cores (load average $load_avg), MariaDB $(sql "SELECT VERSION()" | cut -d- -f1).
$((3 * PER_DAY)) raw rows over 3 days ($VMS VMs), loaded in $load_s s.

Expiring one day ($day_rows rows):
| how                                   | time (ms) |
|---------------------------------------|-----------|
| ALTER TABLE metricas DROP PARTITION   | $(printf '%9d' "$drop_ms") |
| DELETE … LIMIT 5000, unpartitioned    | $(printf '%9d' "$delete_ms") |

Route 1 while the live table loses a day ($live_day_rows rows each way), $INGEST_VMS VMs x 1 sample/s,
batches of 10 (procesos_top 10); latency of the 201s in flight during each window:
$sim_result
| window                      | took s   | requests | p50 ms   | p99 ms   | max ms   |
|-----------------------------|----------|----------|----------|----------|----------|
$latency

Bytes per tier (data + indexes):
| table            |       rows |       MiB | B / row  | B / sample * | KiB / VM-day * |
|------------------|------------|-----------|----------|--------------|---------------|
$sizes

History of one VM ($REQUESTS requests each, target ${TARGET_MS} ms):
* a VM at 1 sample/s: a minute row stands for 60 samples, an hour row for 3,600.

| span      | tier   | median ms | worst ms | ≤ target |
|-----------|--------|-----------|----------|----------|
$hist_30
$hist_30_minutes
$hist_365
(1,000 points asked; the second row forces the per-minute tier: 44-minute buckets.)
TABLE
