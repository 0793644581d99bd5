#!/usr/bin/env bash
# The fleet bench (issue 15): N simulated VMs (vmpulse-fleet-sim) x 1 sample/s for a
# bounded time through route 1 (vmpulse-api) on loopback, a private MariaDB, and the
# hub watching it; one row per N, each on emptied tables with a fresh api and hub:
#   lost / doubled   expected rows (N x seconds) against what the database holds and what
#                    the 201s said they stored (both must be 0)
#   ingest p50/p99   each 201's request time, as the simulator measured it
#   hub cpu / rss    the hub's cores over the run, its peak RSS (VmHWM)
#   memory           peak RSS of route 1 and (via the ingress) node-api, and node-api's
#                    V8 heap at the end (its /metrics: nodejs_heap_size_*_bytes)
#   db cpu           MariaDB's cores over the run; route 1's, node-api's, the ingress's
#                    and the simulator's too (every core of the machine is one of them)
#   /api/vms p99     GET /api/vms twice a second during the run (curl time_total), and its
#                    size at the end
#
#   bench/fleet/run.sh                              (1,000 VMs x 60 s)
#   FLEET_VMS="1000 5000 10000" FLEET_SECONDS=150 bench/fleet/run.sh
#   FLEET_BATCH=10 (samples per request), FLEET_TOP=10 (procesos_top entries),
#   FLEET_LABELS=0 (etiquetas pairs per sample, 0-16),
#   FLEET_CONNECTIONS=32 (simulator threads)
#   FLEET_VIA=route1 (default: straight to vmpulse-api) or ingress: the way agents push in
#   production, HTTPS (verified against the local CA) to the local ingress of `./vmpulse up`
#   (scripts/ingress/nginx.conf.template), whose POST /api/metrics splits the batches
#   between route 1 and node-api (route 2); node-api needs node-api/node_modules.
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
VIA="${FLEET_VIA:-route1}"
[[ "$VIA" == route1 || "$VIA" == ingress ]] || die "FLEET_VIA must be route1 or ingress, not $VIA"
VMPULSE_BIN="${VMPULSE_BIN:-$ROOT/build/bin}"
for bin in vmpulse-api vmpulse-hub vmpulse-fleet-sim; do
  [[ -x "$VMPULSE_BIN/$bin" ]] ||
    die "$VMPULSE_BIN/$bin is not built (cmake --build build/release --target $bin)"
done

if [[ "$VIA" == ingress ]]; then
  # shellcheck source=scripts/lib/ingress.sh
  source scripts/lib/ingress.sh
  command -v nginx >/dev/null || die "nginx is not installed (scripts/packages/local.apt)"
  [[ -d node-api/node_modules ]] || die "node-api/node_modules is missing (npm ci --prefix node-api)"
fi

bench_setup fleet
bench_db
results="$work/results.txt"

# rss_peak_mib PID: the process's peak resident set (VmHWM), MiB.
rss_peak_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# node_heap_mib URL NAME: the gauge NAME of node-api's /metrics at URL, MiB ("n/a" if none).
node_heap_mib() {
  curl -fsS --max-time 5 "$1" 2>/dev/null |
    awk -v n="$2" '$1 == n { v = $2 / 1048576 } END { if (v == "") print "n/a"; else printf "%.1f", v }'
}
# p99 FILE: the 99th percentile of the numbers in FILE (one a line), in ms from seconds.
p99_ms() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", 1000 * v[int(0.99 * (NR - 1)) + 1]; else printf "n/a" }'; }

# start_ingress: node-api and the local ingress in front of route 1 ($api_port) and the
# hub ($hub_port); sets node_pid, nginx_pid and sim_url.
start_ingress() {
  export VMPULSE_API_PORT="$api_port" VMPULSE_HUB_PORT="$hub_port"
  export VMPULSE_NODE_API_PORT VMPULSE_INGRESS_PORT VMPULSE_INGRESS_TLS_PORT
  VMPULSE_NODE_API_PORT="$(free_port)" VMPULSE_INGRESS_PORT="$(free_port)"
  VMPULSE_INGRESS_TLS_PORT="$(free_port)"
  env PORT="$VMPULSE_NODE_API_PORT" node node-api/src/server.js >"$work/node-$1.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  wait_http "http://127.0.0.1:$VMPULSE_NODE_API_PORT/readyz" 30 ||
    die "node-api did not start: $(tail -n 3 "$work/node-$1.log")"
  mkdir -p "$work/dist"
  echo '<!doctype html>' >"$work/dist/index.html"
  ingress_render "$work/ing-$1" "$work/dist" "$work/tls" || die "the ingress configuration did not render"
  nginx -p "$work/ing-$1" -c "$work/ing-$1/nginx.conf" -e "$work/ing-$1/error.log" -g 'daemon off;' \
    >"$work/nginx-$1.log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  sim_url="https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/api/metrics"
  local try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    curl -fsS --cacert "$work/tls/ca.pem" -o /dev/null "https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/livez" 2>/dev/null &&
      return 0
    sleep 0.5
  done
  die "the ingress does not answer HTTPS after $try tries: $(tail -n 3 "$work/ing-$1/error.log")"
}

# ticks_of PID: its CPU ticks, or 0 once it is gone (a process not started in this mode).
ticks_of() { if [[ -n "$1" ]]; then cpu_ticks "$1"; else echo 0; fi; }

run_row() {
  local vms="$1" api_port hub_port api_pid hub_pid sim_pid t0 hub0 db0 hub1 db1 t1 result
  local node_pid="" nginx_pid="" sim_url api0 api1 node0 node1 nginx0 nginx1 sim_ticks=0 ticks
  local sim_tls=()
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
  sim_url="http://127.0.0.1:$api_port/api/cpp/metrics"
  if [[ "$VIA" == ingress ]]; then
    start_ingress "$vms"
    sim_tls=(--ca-file "$work/tls/ca.pem")
  fi

  info "$vms VMs x $SECS s via $VIA, batch $BATCH, top $TOP, labels $LABELS, $CONNECTIONS connections"
  t0="$(date +%s.%N)"
  hub0="$(cpu_ticks "$hub_pid")"
  db0="$(cpu_ticks "$(db_pid)")"
  api0="$(cpu_ticks "$api_pid")"
  node0="$(ticks_of "$node_pid")"
  nginx0="$(ticks_of "$nginx_pid")"
  "$VMPULSE_BIN/vmpulse-fleet-sim" --url "$sim_url" "${sim_tls[@]}" \
    --vms "$vms" --seconds "$SECS" --batch "$BATCH" --top "$TOP" --labels "$LABELS" --connections "$CONNECTIONS" \
    --prefix fleet >"$work/sim-$vms.out" 2>"$work/sim-$vms.err" &
  sim_pid=$!
  : >"$work/vms-$vms.times"
  while kill -0 "$sim_pid" 2>/dev/null; do
    curl -s -o "$work/vms.json" -w '%{time_total}\n' "http://127.0.0.1:$hub_port/api/vms" \
      >>"$work/vms-$vms.times" || true
    # The simulator's own ticks, last seen alive (it is reaped before it could be read).
    ticks="$(cpu_ticks "$sim_pid")" && ((ticks > sim_ticks)) && sim_ticks="$ticks"
    sleep 0.5
  done
  # The simulator is this script's own child: its status says whether every batch got a 201.
  wait "$sim_pid" || warn "the simulator reported failures: $(tail -n 3 "$work/sim-$vms.err")"
  t1="$(date +%s.%N)"
  hub1="$(cpu_ticks "$hub_pid")"
  db1="$(cpu_ticks "$(db_pid)")"
  api1="$(cpu_ticks "$api_pid")"
  node1="$(ticks_of "$node_pid")"
  nginx1="$(ticks_of "$nginx_pid")"
  local rows distinct hub_vms vms_bytes memory
  memory="api_rss=$(rss_peak_mib "$api_pid")"
  if [[ -n "$node_pid" ]]; then
    local node_metrics="http://127.0.0.1:$VMPULSE_NODE_API_PORT/metrics"
    memory+=" node_rss=$(rss_peak_mib "$node_pid")"
    memory+=" node_heap_used=$(node_heap_mib "$node_metrics" nodejs_heap_size_used_bytes)"
    memory+=" node_heap_total=$(node_heap_mib "$node_metrics" nodejs_heap_size_total_bytes)"
  fi
  rows="$(settled_rows)"
  distinct="$(db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM (SELECT DISTINCT vm, hora FROM metricas) d")"
  # The hub has seen every row once its /api/vms lists every VM.
  hub_vms="$(curl -s "http://127.0.0.1:$hub_port/api/vms" | grep -o '"vm":' | wc -l)"
  vms_bytes="$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$hub_port/api/vms")"
  result="$(grep '^RESULT' "$work/sim-$vms.out" || echo "RESULT")"
  echo "$result rows=$rows distinct=$distinct hub_vms=$hub_vms vms_bytes=$vms_bytes" \
    "window_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
    "hub_ticks=$((hub1 - hub0)) db_ticks=$((db1 - db0)) hub_rss=$(rss_peak_mib "$hub_pid")" \
    "api_ticks=$((api1 - api0)) node_ticks=$((node1 - node0)) nginx_ticks=$((nginx1 - nginx0)) sim_ticks=$sim_ticks" \
    "vms_p99=$(p99_ms "$work/vms-$vms.times") vms_n=$(wc -l <"$work/vms-$vms.times") $memory" | tee -a "$results"
  local pid
  for pid in "$api_pid" "$hub_pid" $node_pid $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$api_pid" "$hub_pid" $node_pid $nginx_pid; do timeout 10 tail --pid="$pid" -f /dev/null || true; done
}

for vms in $VMS_LIST; do
  run_row "$vms"
done

# val(key): the value of key=value on a RESULT line, for both tables' awk programs.
# shellcheck disable=SC2016 # an awk program: its $i is awk's
awk_val='
function val(key,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
  return ""
}'

echo
echo "fleet: N VMs x 1 sample/s for $SECS s via $VIA (batch $BATCH, procesos_top $TOP, labels $LABELS), one machine"
awk -v hz="$ticks_per_second" "$awk_val"'
/^RESULT/ {
  if (!header++) printf "%7s %9s %8s %7s %7s %8s %8s %6s %9s %9s %8s %9s %9s %8s\n", "vms", "expected", "stored", "lost", "doubled", "p50_ms", "p99_ms", "late", "hub_cores", "hub_rss", "db_cores", "vms_p99", "vms_KiB", "hub_vms"
  w = val("window_s"); e = val("expected"); r = val("rows"); d = val("distinct")
  printf "%7d %9d %8d %7d %7d %8.1f %8.1f %6d %9.3f %9.1f %8.3f %9s %9.0f %8d\n", val("vms"), e, val("stored"), e - d, r - d, val("p50_ms"), val("p99_ms"), val("late_ticks"), val("hub_ticks") / hz / w, val("hub_rss"), val("db_ticks") / hz / w, val("vms_p99"), val("vms_bytes") / 1024, val("hub_vms")
}' "$results"
echo "lost = expected - distinct (vm, hora) rows; doubled = rows - distinct; stored = sum of the 201s' \"stored\""
echo "late = simulator ticks that started over 1 s late (the sender could not keep up)"
echo
echo "where the cores went (CPU over the run's window; the machine has $(nproc)):"
awk -v hz="$ticks_per_second" "$awk_val"'
function cores(key) { return val(key) / hz / val("window_s") }
/^RESULT/ {
  if (!header++) printf "%7s %9s %10s %9s %10s %8s %9s %8s %8s %10s\n", "vms", "window_s", "rows/s", "route1", "node-api", "ingress", "simulator", "hub", "db", "all"
  all = cores("api_ticks") + cores("node_ticks") + cores("nginx_ticks") + cores("sim_ticks") + cores("hub_ticks") + cores("db_ticks")
  printf "%7d %9.1f %10.0f %9.3f %10.3f %8.3f %9.3f %8.3f %8.3f %10.3f\n", val("vms"), val("window_s"), val("rows") / val("window_s"), cores("api_ticks"), cores("node_ticks"), cores("nginx_ticks"), cores("sim_ticks"), cores("hub_ticks"), cores("db_ticks"), all
}' "$results"
echo
echo "memory (MiB): peak resident set (VmHWM) over the run; node-api's V8 heap at its end"
awk "$awk_val"'
/^RESULT/ {
  if (!header++) printf "%7s %12s %14s %15s %16s %9s\n", "vms", "route1_peak", "node_api_peak", "node_heap_used", "node_heap_total", "hub_peak"
  printf "%7d %12s %14s %15s %16s %9s\n", val("vms"), val("api_rss"), val("node_rss") == "" ? "-" : val("node_rss"), val("node_heap_used") == "" ? "-" : val("node_heap_used"), val("node_heap_total") == "" ? "-" : val("node_heap_total"), val("hub_rss")
}' "$results"
