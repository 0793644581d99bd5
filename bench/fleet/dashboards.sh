#!/usr/bin/env bash
# What a fleet costs the hub's live push (issue 15): N simulated VMs x 1 sample/s
# (vmpulse-fleet-sim through vmpulse-api, a private MariaDB) while D dashboards
# (vmpulse-fleet-dashboards) each watch one VM, for two hub binaries side by side in the
# same run: the floor/peer (FLEET_BEFORE_HUB, e.g. a hub built from the commit before
# per-VM records, which sends every VM's records to every dashboard) and this tree's hub
# (records of the watched VM only, plus a `fleet` summary at most once a second). Per row:
#   hub cores / RSS    the hub's CPU over the window, its RSS at the end and peak (VmHWM)
#   rows/s             rows the hub delivered (its /api/stats) in the window
#   KB/s per dash      bytes each dashboard received (frames), mean over the dashboards
#   records/s, fleet/s messages per dashboard per second; resyncs/s: slow-client resyncs
#   own/foreign rows/s rows of the dashboard's VM and of other VMs in its records (first 4)
#
#   FLEET_BEFORE_HUB=/tmp/hub-main/vmpulse-hub bench/fleet/dashboards.sh
#   FLEET_VMS=10000 FLEET_DASHBOARDS=100 FLEET_WARMUP=15 FLEET_WINDOW=30 (defaults)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

VMS="${FLEET_VMS:-10000}"
DASHBOARDS="${FLEET_DASHBOARDS:-100}"
WARMUP="${FLEET_WARMUP:-15}"
WINDOW="${FLEET_WINDOW:-30}"
BATCH="${FLEET_BATCH:-10}"
TOP="${FLEET_TOP:-10}"
VMPULSE_BIN="${VMPULSE_BIN:-$ROOT/build/bin}"
BEFORE_HUB="${FLEET_BEFORE_HUB:-}"
for bin in vmpulse-api vmpulse-hub vmpulse-fleet-sim vmpulse-fleet-dashboards; do
  [[ -x "$VMPULSE_BIN/$bin" ]] ||
    die "$VMPULSE_BIN/$bin is not built (cmake --build build/release --target $bin)"
done
[[ -z "$BEFORE_HUB" || -x "$BEFORE_HUB" ]] || die "FLEET_BEFORE_HUB=$BEFORE_HUB is not executable"

bench_setup fleet-dashboards
bench_db
results="$work/results.txt"

api_port="$(free_port)"
"$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$api_port" --log-level warn >"$work/api.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$api_port/readyz" 30 || die "vmpulse-api did not start"

# run_row LABEL HUB: emptied tables, a fresh hub, the simulator, the dashboards over the window.
run_row() {
  local label="$1" hub="$2" hub_port hub_pid sim_pid
  # Each row on emptied tables: the same start for both hubs.
  db_client "$VMPULSE_DB_URL" -e "TRUNCATE metricas; TRUNCATE metricas_por_api;
    TRUNCATE ingest_keys; TRUNCATE metricas_minuto; TRUNCATE metricas_minuto_estado"
  hub_port="$(free_port)"
  # Every dashboard is on 127.0.0.1 and needs no sign-in: measure the push, not the limits.
  "$hub" --listen "127.0.0.1:$hub_port" --reads open --max-per-address 1000000 --log-level warn \
    >"$work/hub-$label.log" 2>&1 &
  hub_pid=$!
  pids+=("$hub_pid")
  wait_http "http://127.0.0.1:$hub_port/readyz" 120 || die "$label: the hub did not start"
  info "$label: $VMS VMs x 1 sample/s, $DASHBOARDS dashboards, ${WARMUP} s warm-up, ${WINDOW} s window"
  "$VMPULSE_BIN/vmpulse-fleet-sim" --url "http://127.0.0.1:$api_port/api/cpp/metrics" \
    --vms "$VMS" --seconds $((WARMUP + WINDOW + 5)) --batch "$BATCH" --top "$TOP" \
    --prefix fleet >"$work/sim-$label.out" 2>"$work/sim-$label.err" &
  sim_pid=$!
  pids+=("$sim_pid")
  "$VMPULSE_BIN/vmpulse-fleet-dashboards" --port "$hub_port" --clients "$DASHBOARDS" \
    --vms "$VMS" --prefix fleet --warmup "$WARMUP" --seconds "$WINDOW" --server-pid "$hub_pid" \
    --label "$label" | tee -a "$results" || warn "$label: some dashboards were closed"
  kill -TERM "$sim_pid" "$hub_pid" 2>/dev/null || true
  timeout 10 tail --pid="$sim_pid" -f /dev/null || true
  timeout 10 tail --pid="$hub_pid" -f /dev/null || true
}

[[ -n "$BEFORE_HUB" ]] && run_row before "$BEFORE_HUB"
run_row after "$VMPULSE_BIN/vmpulse-hub"

echo
echo "fleet live push: $VMS VMs x 1 sample/s (batch $BATCH, procesos_top $TOP), $DASHBOARDS dashboards each watching one VM, ${WINDOW} s window"
awk '
function val(key,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
  return ""
}
/^RESULT/ {
  if (!header++) printf "%-7s %6s %9s %8s %8s %7s %13s %10s %8s %9s %8s %8s\n", "hub", "open", "hub_cores", "rss_MiB", "hwm_MiB", "rows/s", "KB/s_per_dash", "records/s", "fleet/s", "resyncs/s", "own/s", "foreign/s"
  printf "%-7s %6s %9.3f %8.1f %8.1f %7.0f %13.1f %10.2f %8.2f %9.3f %8.2f %8.1f\n", val("label"), val("open") "/" val("clients"), val("hub_cores"), val("hub_rss"), val("hub_hwm"), val("rows_per_s"), val("bytes_per_client_s") / 1000, val("records_per_client_s"), val("fleet_per_client_s"), val("resyncs_per_client_s"), val("own_rows_per_client_s"), val("foreign_rows_per_client_s")
}' "$results"
