#!/usr/bin/env bash
# The fleet bench (issue 15): N simulated VMs (vmpulse-fleet-sim) x 1 sample/s for a
# bounded time through route 1 (vmpulse-api) on loopback, a private MariaDB, and the
# hub watching it; one row per N, each on emptied tables with a fresh api and hub:
#   lost / doubled   expected rows (N x seconds) against what the database holds and what
#                    the 201s said they stored (both must be 0)
#   ingest p50/p99   each 201's request time, as the simulator measured it
#   hub cpu / rss    the hub's cores over the run, its peak RSS (VmHWM)
#   db cpu           MariaDB's cores over the run
#   /api/vms p99     GET /api/vms twice a second during the run (curl time_total), and its
#                    size at the end
#
#   bench/fleet/run.sh                              (1,000 VMs x 60 s)
#   FLEET_VMS="1000 5000 10000" FLEET_SECONDS=150 bench/fleet/run.sh
#   FLEET_BATCH=10 (samples per request), FLEET_TOP=10 (procesos_top entries),
#   FLEET_LABELS=0 (etiquetas pairs per sample, 0-16),
#   FLEET_CONNECTIONS=32 (simulator threads)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

VMS_LIST="${FLEET_VMS:-1000}"
SECS="${FLEET_SECONDS:-60}"
BATCH="${FLEET_BATCH:-10}"
TOP="${FLEET_TOP:-10}"
LABELS="${FLEET_LABELS:-0}"
CONNECTIONS="${FLEET_CONNECTIONS:-32}"
VMPULSE_BIN="${VMPULSE_BIN:-$ROOT/build/bin}"
for bin in vmpulse-api vmpulse-hub vmpulse-fleet-sim; do
  [[ -x "$VMPULSE_BIN/$bin" ]] ||
    die "$VMPULSE_BIN/$bin is not built (cmake --build build/release --target $bin)"
done

bench_setup fleet
bench_db
results="$work/results.txt"

# rss_peak_mib PID: the process's peak resident set (VmHWM), MiB.
rss_peak_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# p99 FILE: the 99th percentile of the numbers in FILE (one a line), in ms from seconds.
p99_ms() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", 1000 * v[int(0.99 * (NR - 1)) + 1]; else printf "n/a" }'; }

run_row() {
  local vms="$1" api_port hub_port api_pid hub_pid sim_pid t0 hub0 db0 hub1 db1 t1 result
  db_client "$VMPULSE_DB_URL" -e "TRUNCATE metricas; TRUNCATE metricas_por_api;
    TRUNCATE ingest_keys; TRUNCATE metricas_minuto; TRUNCATE metricas_minuto_estado"
  api_port="$(free_port)"
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$api_port" --log-level warn >"$work/api-$vms.log" 2>&1 &
  api_pid=$!
  pids+=("$api_pid")
  hub_port="$(free_port)"
  "$VMPULSE_BIN/vmpulse-hub" --listen "127.0.0.1:$hub_port" --reads open --log-level warn \
    >"$work/hub-$vms.log" 2>&1 &
  hub_pid=$!
  pids+=("$hub_pid")
  wait_http "http://127.0.0.1:$api_port/readyz" 30 || die "vmpulse-api did not start"
  wait_http "http://127.0.0.1:$hub_port/readyz" 60 || die "vmpulse-hub did not start"

  info "$vms VMs x $SECS s, batch $BATCH, top $TOP, labels $LABELS"
  t0="$(date +%s.%N)"
  hub0="$(cpu_ticks "$hub_pid")"
  db0="$(cpu_ticks "$(db_pid)")"
  "$VMPULSE_BIN/vmpulse-fleet-sim" --url "http://127.0.0.1:$api_port/api/cpp/metrics" \
    --vms "$vms" --seconds "$SECS" --batch "$BATCH" --top "$TOP" --labels "$LABELS" --connections "$CONNECTIONS" \
    --prefix fleet >"$work/sim-$vms.out" 2>"$work/sim-$vms.err" &
  sim_pid=$!
  : >"$work/vms-$vms.times"
  while kill -0 "$sim_pid" 2>/dev/null; do
    curl -s -o "$work/vms.json" -w '%{time_total}\n' "http://127.0.0.1:$hub_port/api/vms" \
      >>"$work/vms-$vms.times" || true
    sleep 0.5
  done
  # The simulator is this script's own child: its status says whether every batch got a 201.
  wait "$sim_pid" || warn "the simulator reported failures: $(tail -n 3 "$work/sim-$vms.err")"
  t1="$(date +%s.%N)"
  hub1="$(cpu_ticks "$hub_pid")"
  db1="$(cpu_ticks "$(db_pid)")"
  local rows distinct hub_vms vms_bytes
  rows="$(settled_rows)"
  distinct="$(db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM (SELECT DISTINCT vm, hora FROM metricas) d")"
  # The hub has seen every row once its /api/vms lists every VM.
  hub_vms="$(curl -s "http://127.0.0.1:$hub_port/api/vms" | grep -o '"vm":' | wc -l)"
  vms_bytes="$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$hub_port/api/vms")"
  result="$(grep '^RESULT' "$work/sim-$vms.out" || echo "RESULT")"
  echo "$result rows=$rows distinct=$distinct hub_vms=$hub_vms vms_bytes=$vms_bytes" \
    "window_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
    "hub_ticks=$((hub1 - hub0)) db_ticks=$((db1 - db0)) hub_rss=$(rss_peak_mib "$hub_pid")" \
    "vms_p99=$(p99_ms "$work/vms-$vms.times") vms_n=$(wc -l <"$work/vms-$vms.times")" | tee -a "$results"
  kill -TERM "$api_pid" "$hub_pid" 2>/dev/null || true
  timeout 10 tail --pid="$api_pid" -f /dev/null || true
  timeout 10 tail --pid="$hub_pid" -f /dev/null || true
}

for vms in $VMS_LIST; do
  run_row "$vms"
done

echo
echo "fleet: N VMs x 1 sample/s for $SECS s through vmpulse-api (batch $BATCH, procesos_top $TOP), one machine"
awk -v hz="$ticks_per_second" '
function val(key,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
  return ""
}
/^RESULT/ {
  if (!header++) printf "%7s %9s %8s %7s %7s %8s %8s %6s %9s %9s %8s %9s %9s %8s\n", "vms", "expected", "stored", "lost", "doubled", "p50_ms", "p99_ms", "late", "hub_cores", "hub_rss", "db_cores", "vms_p99", "vms_KiB", "hub_vms"
  w = val("window_s"); e = val("expected"); r = val("rows"); d = val("distinct")
  printf "%7d %9d %8d %7d %7d %8.1f %8.1f %6d %9.3f %9.1f %8.3f %9s %9.0f %8d\n", val("vms"), e, val("stored"), e - d, r - d, val("p50_ms"), val("p99_ms"), val("late_ticks"), val("hub_ticks") / hz / w, val("hub_rss"), val("db_ticks") / hz / w, val("vms_p99"), val("vms_bytes") / 1024, val("hub_vms")
}' "$results"
echo "lost = expected - distinct (vm, hora) rows; doubled = rows - distinct; stored = sum of the 201s' \"stored\""
echo "late = simulator ticks that started over 1 s late (the sender could not keep up)"
