#!/usr/bin/env bash
# The alert engine's cost per row (bench/hub/alerts_eval.cpp, Google Benchmark) at
# 5,000 VMs: with the shipped rules (config/alerts.yaml) and with 100 rules, against
# the floor of the hub's per-row work without alerts (from_row with its JSON encode,
# LiveState::apply, the row's share of the batch's records message), and the CPU share
# that evaluation takes at 5,000 rows/s (target ≤ 5 % of one core).
# Usage: bench/hub/alerts.sh          (builds build/bench-hub, release; about a minute)
# BENCH_BUILD=DIR builds and runs in another build tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BENCH_BUILD:-build/bench-hub}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DVMPULSE_COMPONENTS="core;hub" -DVMPULSE_BENCH=ON >/dev/null
cmake --build "$build" -j 2 --target vmpulse_alerts_bench >/dev/null
bin="$(sed -n 's/^VMPULSE_BIN_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")"
"${bin:-$build/bin}/vmpulse_alerts_bench" --benchmark_format=json --benchmark_min_time=1 \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true >"$build/alerts-bench.json"
python3 - "$build/alerts-bench.json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
def per_row_ns(name):
    return 1e9 / runs[name]["items_per_second"]
floor = per_row_ns("hub_floor")
rate = 5000
print("5,000 VMs, rows in batches of 1,250 (one 250 ms poll at 1 row/s each); median of 3")
print()
print("| per row | ns | vs floor | CPU at 5,000 rows/s |")
print("|---|---|---|---|")
def row(label, ns):
    print(f"| {label} | {ns:.0f} | {ns / floor * 100:.1f} % | {ns * rate / 1e9 * 100:.2f} % of a core |")
row("floor: from_row + LiveState::apply + records message (the hub today)", floor)
row("from_row's metric parse added for alerts (from_chars of every metric of a version 2 row)", per_row_ns("metric_parse"))
def active(name):
    return int(runs[name]["alerts"])
row(f"evaluate, shipped rules (4 rules + vm_down; {active('evaluate/shipped_rules')} alerts active)",
    per_row_ns("evaluate/shipped_rules"))
row(f"evaluate, 100 rules (10 with overrides; {active('evaluate/hundred_rules')} alerts active)",
    per_row_ns("evaluate/hundred_rules"))
tick = runs["vm_down_tick"]["real_time"]
unit = runs["vm_down_tick"]["time_unit"]
print()
print(f"vm_down tick over 5,000 VMs (once a second): {tick:.0f} {unit}")
worst = per_row_ns("evaluate/hundred_rules") + per_row_ns("metric_parse")
share = worst * rate / 1e9 * 100
print(f"target: evaluation (100 rules + metric parse) at 5,000 rows/s <= 5 % of a core: "
      f"{share:.2f} % -> {'met' if share <= 5 else 'NOT met'}")
PY
