#!/usr/bin/env bash
# From a sample's time to a dashboard receiving it, through the real local path: the
# agent pushes at its default 1 s interval through the ingress (nginx) to ingest route 1
# (vmpulse-api) into MariaDB; the hub polls the rows and sends them on /ws, where
# ws_latency.py records now - hora for each row. p50/p95/p99 over LATENCY_SAMPLES rows
# (60) per agent, the agents running side by side on one private stack on free ports:
#   live      this build: each sample POSTed as soon as it is taken
#   batched   LATENCY_OLD_AGENT, an agent binary of the old behaviour (batches sealed
#             every 5 s, e.g. one built from before the journal); the row is left out
#             when it is not given
# The sampler ticks on whole seconds, so `hora` (whole seconds) is when the sample was
# taken, to a few ms.
#
#   bench/agent/latency.sh
#   LATENCY_OLD_AGENT=/path/to/old/vmpulse-agent bench/agent/latency.sh
# By default the agents push and the WebSocket client reads through the private stack's
# HTTPS ingress, trusting its local CA, with the stack's viewer token, as `./vmpulse up`
# runs them. LATENCY_INGRESS_URL points both at another ingress (e.g. the plain
# http://127.0.0.1:<port>), with LATENCY_CA_FILE its CA (passed as the agents' --ca-file
# and the client's CA) and VMPULSE_VIEWER_TOKEN the bearer token sent to /ws.
# Needs the release binaries (./vmpulse build): vmpulse-agent, vmpulse-api, vmpulse-hub.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VMPULSE_ROOT="$ROOT"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

SAMPLES="${LATENCY_SAMPLES:-60}"
AGENT="${LATENCY_AGENT:-$VMPULSE_BIN/vmpulse-agent}"
OLD_AGENT="${LATENCY_OLD_AGENT:-}"
for bin in "$AGENT" "$VMPULSE_BIN/vmpulse-api" "$VMPULSE_BIN/vmpulse-hub"; do
  [[ -x "$bin" ]] || die "no $bin: build first (./vmpulse build)"
done
command -v nginx >/dev/null || die "nginx is needed (./vmpulse up installs it)"

bench_setup agent-latency
# A private stack, as tests/lib/suite.sh's stack_env makes it.
export VMPULSE_STATE_DIR="$work/state"
for var in VMPULSE_INGRESS_PORT VMPULSE_INGRESS_TLS_PORT VMPULSE_API_PORT \
  VMPULSE_NODE_API_PORT VMPULSE_HUB_PORT VMPULSE_DB_PORT; do
  export "$var=$(free_port)"
done
# shellcheck source=scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
svc_load
_bench_db="$DB_DIR" # stopped by the exit trap
for svc in db api hub ingress; do
  "svc_${svc}_start" >/dev/null || die "$svc failed to start; log: $LOG_DIR/$svc.log"
  svc_wait "$svc" 60 >/dev/null || die "$svc failed; log: $LOG_DIR/$svc.log"
  [[ "$svc" == db ]] || pids+=("$(svc_pid "$svc")")
done

if [[ -z "${LATENCY_INGRESS_URL:-}" ]]; then
  LATENCY_INGRESS_URL="https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT"
  LATENCY_CA_FILE="${LATENCY_CA_FILE:-$VMPULSE_STATE_DIR/tls/ca.pem}"
fi
INGRESS="$LATENCY_INGRESS_URL"
if [[ -z "${VMPULSE_VIEWER_TOKEN:-}" ]]; then
  VMPULSE_VIEWER_TOKEN="$(tr -d '[:space:]' <"$VMPULSE_STATE_DIR/viewer-token")"
fi
export VMPULSE_VIEWER_TOKEN
WS_URL="$(sed -e 's|^http://|ws://|' -e 's|^https://|wss://|' <<<"${INGRESS%/}")/ws"
tls_args=()
if [[ -n "${LATENCY_CA_FILE:-}" ]]; then
  tls_args=(--ca-file "$LATENCY_CA_FILE")
  export VMPULSE_CA_FILE="$LATENCY_CA_FILE"
fi

vms="bench-live"
[[ -n "$OLD_AGENT" ]] && vms+=",bench-batched"
python3 "$ROOT/bench/agent/ws_latency.py" "$WS_URL" "$work/latency" "$vms" \
  --rows "$((SAMPLES + 2))" --timeout "$((SAMPLES * 2 + 60))" &
client=$!
pids+=("$client")
sleep 1

# start_agent VM BINARY ARGS...
start_agent() {
  local vm="$1" bin="$2"
  shift 2
  "$bin" --listen "127.0.0.1:$(free_port)" --vm "$vm" --interval 1s \
    --push "${INGRESS%/}/api/cpp/metrics" --token-file "$VMPULSE_STATE_DIR/token" \
    --spool "$work/spool-$vm" "$@" >"$work/agent-$vm.log" 2>&1 &
  pids+=("$!")
}
start_agent bench-live "$AGENT" ${tls_args[@]+"${tls_args[@]}"}
[[ -n "$OLD_AGENT" ]] && start_agent bench-batched "$OLD_AGENT" ${tls_args[@]+"${tls_args[@]}"}

echo "# agent sample-to-dashboard latency, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SAMPLES rows per agent at --interval 1s through $INGRESS (ingress → vmpulse-api → MariaDB → hub poll 250 ms → $WS_URL)"
if ! wait "$client"; then
  tail -n 5 "$work"/agent-*.log >&2
  die "the WebSocket client did not get its rows"
fi
python3 - "$work/latency" "$SAMPLES" <<'PY'
import collections, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    vm, latency, _ = line.split(" ", 2)
    rows[vm].append(float(latency))
labels = {"bench-live": "live (this build)", "bench-batched": "batched every 5 s (old agent)"}
print(f"{'agent':32} {'rows':>5} {'p50_s':>6} {'p95_s':>6} {'p99_s':>6} {'max_s':>6}")
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)]
for vm in ("bench-live", "bench-batched"):
    values = rows.get(vm, [])[2:]  # the first two: the agent's start, off the tick
    if values:
        print(f"{labels[vm]:32} {len(values):5d} {pct(values, 50):6.2f} {pct(values, 95):6.2f} "
              f"{pct(values, 99):6.2f} {max(values):6.2f}")
live = rows.get("bench-live", [])[2:]
if live:
    p99 = pct(live, 99)
    print(f"target: live p99 <= 1.5 s: {'met' if p99 <= 1.5 else 'NOT met'} ({p99:.2f} s)")
PY
