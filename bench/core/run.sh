#!/usr/bin/env bash
# The core library's hot paths next to nlohmann::json: the strict ingest parser with
# every contract check (1 record and a 1,000-record batch; version 2 records with 10
# processes, 1 and a batch of 100) against a DOM parse that checks nothing, the record
# encoder against building and dumping a DOM, and procesos_top's stored form (written by
# the routes, turned back into objects by the hub).
# Then the instructions route 1 spends per record (parse and checks, v1 and v2, v2 also
# read for storage as route 1 reads it; the
# stored form of v2's processes), counted by callgrind: a measure that stays put on a
# busy machine, for following v2 against v1 (issue 13).
# Usage: bench/core/run.sh            (builds build/bench-core, release, then runs)
# BENCH_BUILD=DIR builds and runs in another build tree (core only, release).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BENCH_BUILD:-build/bench-core}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DVMPULSE_COMPONENTS=core -DVMPULSE_BENCH=ON >/dev/null
cmake --build "$build" -j 2 --target vmpulse_core_bench vmpulse_parse_instructions >/dev/null
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

# Instructions per record under callgrind (the same count on a busy machine): a run with
# 10 repeats of a 100-record body less a run with none, over 1,000 records.
command -v valgrind >/dev/null || { echo "valgrind is not installed: no instruction counts"; exit 0; }
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/bin/vmpulse_parse_instructions" "$1" "$2" 2>&1 |
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}
echo
echo "| route 1's work per record (callgrind) | instructions |"
echo "|---|---:|"
declare -A per_record
for mode in parse-v1 parse-v2 stored-v2 store-v2; do
  base="$(instructions "$mode" 0)"
  more="$(instructions "$mode" 10)"
  per_record[$mode]=$(((more - base) / 1000))
  echo "| $mode | ${per_record[$mode]} |"
done
awk -v a="${per_record[parse-v2]}" -v b="${per_record[stored-v2]}" -v c="${per_record[parse-v1]}" \
  'BEGIN { printf "\nversion 2 / version 1, parse and checks: %.2fx (with the stored form: %.2fx)\n", a / c, (a + b) / c }'
awk -v a="${per_record[store-v2]}" -v c="${per_record[parse-v1]}" \
  'BEGIN { printf "version 2 read for storage (route 1, lists kept as their text) / version 1: %.2fx\n", a / c }'
