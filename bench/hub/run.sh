#!/usr/bin/env bash
# vmpulse-hub's benchmarks: the live push (bench/hub/live.sh): the hub side by side
# with the floor of a fan-out, the specification's Socket.IO server and a plain ws
# broadcast server, on loopback, with the same private MariaDB and load client; then
# history (bench/hub/history.sh): 10 million rows bulk-loaded and GET /api/history over
# 24 h of one VM timed from raw rows and from the per-minute rollup. Each script has its
# own private MariaDB and prints its own table and target lines.
#
#   bench/hub/run.sh            (about 20 minutes on 2 cores)
#   HUB_BENCH_ROWS=10000000 HUB_BENCH_SECONDS=20 HUB_BENCH_CLIENTS=5000 \
#     HUB_BENCH_BIG_CLIENTS=20000 bench/hub/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"

HUB="${VMPULSE_HUB_BIN:-$ROOT/build/bin/vmpulse-hub}"
export VMPULSE_HUB_BIN="$HUB"
if [[ ! -x "$HUB" ]]; then
  info "building vmpulse-hub (release)"
  build_preset release --target vmpulse-hub >/dev/null
fi

# ---- live push: the floor, the hub at 250 ms and 1 s, ws peer, Socket.IO peer -------
# Its own private MariaDB, its own table and target lines (bench/hub/live.sh).
"$ROOT/bench/hub/live.sh"

# ---- history: raw rows and the rollup (bench/hub/history.sh) ----------------------
"$ROOT/bench/hub/history.sh"

# ---- alert evaluation per row against the hub's per-row work (bench/hub/alerts.sh) ----
"$ROOT/bench/hub/alerts.sh"
