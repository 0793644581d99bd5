#!/usr/bin/env bash
# The core library's hot paths next to nlohmann::json: the strict ingest parser with
# every contract check (1 record and a 1,000-record batch; version 2 records with 10
# processes, 1 and a batch of 100) against a DOM parse that checks nothing, the record
# encoder against building and dumping a DOM, and procesos_top's stored form (written by
# the routes, turned back into objects by the hub).
# Usage: bench/core/run.sh            (builds build/bench-core, release, then runs)
# BENCH_BUILD=DIR builds and runs in another build tree (core only, release).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BENCH_BUILD:-build/bench-core}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DVMPULSE_COMPONENTS=core -DVMPULSE_BENCH=ON >/dev/null
cmake --build "$build" -j 2 --target vmpulse_core_bench >/dev/null
"$build/bin/vmpulse_core_bench" --benchmark_format=json --benchmark_min_time=1 \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true >"$build/core-bench.json"
python3 - "$build/core-bench.json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def row(label, ours, peer):
    a, b = runs[ours], runs[peer]
    print(f"| {label} | {a['real_time']:.2f} {a['time_unit']} | {b['real_time']:.2f} {b['time_unit']} "
          f"| {b['real_time'] / a['real_time']:.2f}x |")
print("| operation (median of 3) | vmpulse | nlohmann::json (peer) | peer time / vmpulse time |")
print("|---|---|---|---|")
row("ingest body, 1 record (vmpulse: parse + all checks; peer: DOM parse only)",
    "vmpulse_parse_ingest_body/1", "nlohmann_dom_parse_only/1")
row("ingest body, 1,000 records (same)", "vmpulse_parse_ingest_body/1000", "nlohmann_dom_parse_only/1000")
row("ingest body, 1 version 2 record (10 processes; same)",
    "vmpulse_parse_ingest_body_v2/1", "nlohmann_dom_parse_only_v2/1")
row("ingest body, 100 version 2 records (same)",
    "vmpulse_parse_ingest_body_v2/100", "nlohmann_dom_parse_only_v2/100")
row("record to JSON (vmpulse: append_json; peer: build DOM + dump)", "vmpulse_append_json", "nlohmann_dump")
row("procesos_top (10) stored form back to objects (hub; peer: parse, build DOM, dump)",
    "vmpulse_append_processes_from_stored", "nlohmann_processes_from_stored")
a = runs["vmpulse_append_processes_stored"]
print(f"\nprocesos_top (10) to the stored form (routes' append_processes_stored): "
      f"{a['real_time']:.2f} {a['time_unit']}")
PY
