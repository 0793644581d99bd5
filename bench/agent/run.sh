#!/usr/bin/env bash
# The agent's benchmarks, each side by side with its peers in one run:
#  1. one collection (procesos_top included) and the process scan against a tight C
#     loop reading the same files (Google Benchmark, build/bin/vmpulse_agent_bench), at
#     100 and 1,000 processes: as root in a PID namespace of its own (unshare), holding
#     only the benchmark and its sleeping children, so the counts are exact; otherwise
#     on this machine's /proc, topped up with sleepers; and what the agent's own
#     process_* series (read and rendered once a sample, outside the collection) add;
#  2. the agent's idle RSS with its default flags (--top 10), at this machine's process
#     count and with 1,000 sleeping processes more: the release build (shared
#     libraries) and the static one (`cmake --preset static`, built here), the single
#     file installed on VMs;
#  3. HTTP on loopback with wrk (keep-alive) against the floor (floor_server.c: one
#     epoll loop that answers every read with fixed bytes of the JSON record's size and
#     parses nothing, compiled here with cc), Debian's prometheus-node-exporter (cpu,
#     meminfo, processes collectors only) and netdata's data API for one chart: CPU
#     time per request, requests/s at 50 connections, p99 at 50 and 300 connections,
#     idle RSS; the agent with one io thread (its default) and with two.
#   bench/agent/run.sh              prints the tables and the targets
#   bench/agent/run.sh collection   parts 1 and 2 only (3–6 minutes, nothing to install)
# BENCH_SECONDS (default 5) bounds each wrk run. The peers are installed on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/deps.sh
source bench/lib.sh

part="${1:-all}"
[[ $part == all || $part == collection ]] || die "usage: bench/agent/run.sh [collection]"
seconds="${BENCH_SECONDS:-5}"
agent_bin="$VMPULSE_BIN/vmpulse-agent"
bench_bin="$VMPULSE_BIN/vmpulse_agent_bench"
[[ -x "$agent_bin" && -x "$bench_bin" ]] || die "build first: ./vmpulse build ($agent_bin, $bench_bin)"
if [[ $part == all ]]; then
  need_apt wrk prometheus-node-exporter netdata
  command -v cc >/dev/null || die "cc is needed to build the floor server (apt-get install gcc)"
fi
bench_setup agent

echo "# vmpulse-agent benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---------------------------------------------------------------- collection
namespace=()
where="this machine's /proc, topped up with sleepers"
if [[ $EUID -eq 0 ]]; then
  namespace=(unshare --pid --fork --mount-proc)
  where="a PID namespace holding the benchmark and its sleepers"
fi
echo "## One collection against the C floor ($where; µs per collection, median of 5 runs; CPU = this process's CPU time)"
echo
printf '| processes | floor scan | agent scan | ratio | floor collection | agent collection (--top 10) | ratio | agent collection (--top 0) | own process_* series |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for processes in 100 1000; do
  "${namespace[@]}" "$bench_bin" --processes="$processes" --benchmark_min_time=0.5 \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_format=json \
    >"$work/gbench-$processes.json" 2>"$work/gbench-$processes.err"
  python3 - "$work/gbench-$processes.json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def cell(name):
    b = runs[name]
    return b["real_time"], b["cpu_time"]
fs, as_, fc, ac, an, own = (cell(n) for n in ("BM_FloorProcessScan", "BM_AgentProcessScan", "BM_FloorCollection",
                                              "BM_AgentCollection", "BM_AgentCollectionNoTop",
                                              "BM_AgentOwnProcessSeries"))
procs = int(runs["BM_AgentProcessScan"]["processes"])
listed = runs["BM_AgentCollection"]["listed"]
fmt = lambda t: f"{t[0]:.0f} (CPU {t[1]:.0f})"
ratio = lambda a, f: f"{a[1] / f[1]:.2f}× CPU, {a[0] / f[0]:.2f}× wall"
print(f"| {procs} | {fmt(fs)} | {fmt(as_)} | {ratio(as_, fs)} | {fmt(fc)} | {fmt(ac)}, {listed:.1f} listed | {ratio(ac, fc)} | {fmt(an)} "
      f"| {own[0]:.1f} (CPU {own[1]:.1f}), {100 * own[1] / ac[1]:.1f} % of a collection |")
PY
done
echo

# ---------------------------------------------------------------- idle RSS
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
echo "## The agent's idle RSS (default flags: --interval 1s, --top 10; read after 5 s; target ≤ 8 MiB)"
echo
# VmRSS counts every mapped page of the binary and of the shared libraries it touched
# (libstdc++, libcrypto, …) in full; RssAnon is the agent's own memory; PSS shares the
# library pages among the processes mapping them.
status_mib() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
pss_mib() { awk '$1 == "Pss:" { printf "%.1f", $2 / 1024 }' "/proc/$1/smaps_rollup"; }
# Built (or brought up to date) here: the release build is the caller's, as for part 1.
static_bin="$VMPULSE_ROOT/build/static/bin/vmpulse-agent"
(cmake --preset static && cmake --build --preset static --target vmpulse-agent) >"$work/static-build.log" 2>&1 ||
  die "the static agent did not build: $(tail -n 5 "$work/static-build.log")"
echo "| build | processes | VmRSS MiB | RssAnon MiB | RssFile MiB | PSS MiB | procesos_top entries |"
echo "|---|---|---|---|---|---|---|"
for build in release static; do
  for extra in 0 1000; do
    sleepers=()
    for ((i = 0; i < extra; i++)); do
      sleep 60 & # bounded even if this script dies before it kills them
      sleepers+=($!)
    done
    port="$(free_port)"
    binary="$agent_bin"
    [[ $build == static ]] && binary="$static_bin"
    "$binary" --listen "127.0.0.1:$port" >"$work/agent-rss.log" 2>&1 &
    agent_pid=$!
    pids+=("$agent_pid")
    wait_http "http://127.0.0.1:$port/readyz" 15 || die "the agent did not start: $(tail -n 5 "$work/agent-rss.log")"
    sleep 5
    listed="$(curl -fsS "http://127.0.0.1:$port/metrics" | python3 -c 'import json, sys; print(len(json.load(sys.stdin).get("procesos_top", [])))')"
    echo "| $build | $(find /proc -maxdepth 1 -name '[1-9]*' | wc -l) | $(status_mib "$agent_pid" VmRSS) |" \
      "$(status_mib "$agent_pid" RssAnon) | $(status_mib "$agent_pid" RssFile) | $(pss_mib "$agent_pid") | $listed |"
    kill -TERM "$agent_pid"
    wait "$agent_pid" || true
    unset 'pids[-1]'
    if ((extra > 0)); then
      kill "${sleepers[@]}" 2>/dev/null || true
      wait "${sleepers[@]}" 2>/dev/null || true
    fi
  done
done
echo
[[ $part == collection ]] && exit 0

# ---------------------------------------------------------------- HTTP
ticks="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }   # utime + stime
to_ms() { # wrk latency ("850.00us", "1.23ms", "1.02s") → ms
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'
}
p99_of() { # "n/a" when wrk saw no answer at all (every request timed out)
  if grep -q '^ *0 requests in' "$1"; then echo "n/a"; else awk '$1 == "99%" { print $2 }' "$1" | to_ms; fi
}

rows=()
declare -A rps_of p99_300_of cpu_of
measure() { # measure NAME PID URL
  local name="$1" pid="$2" url="$3" c0 c1 requests rps p99_50 p99_300 rss cpu_us file
  file="$work/$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '_')"
  for _ in 1 2 3 4 5; do curl -fsS -o /dev/null --max-time 5 "$url" || die "$name does not answer $url"; done
  sleep 3 # idle: what it holds between scrapes
  rss="$(rss_mib "$pid")"
  c0="$(cpu_ticks "$pid")"
  wrk -t2 -c50 -d"${seconds}s" --latency "$url" >"$file-50.txt"
  c1="$(cpu_ticks "$pid")"
  wrk -t2 -c300 -d"${seconds}s" --latency "$url" >"$file-300.txt"
  requests="$(awk '/requests in/ { print $1 }' "$file-50.txt")"
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$file-50.txt")"
  p99_50="$(p99_of "$file-50.txt")"
  p99_300="$(p99_of "$file-300.txt")"
  cpu_us="$(awk -v c="$((c1 - c0))" -v t="$ticks" -v n="$requests" 'BEGIN { printf "%.2f", c / t * 1e6 / n }')"
  local errors
  errors="$(awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' "$file-50.txt" "$file-300.txt")"
  rows+=("| $name | $cpu_us | $rps | $p99_50 | $p99_300 | $rss | ${errors:-none} |")
  rps_of[$name]="$rps"
  p99_300_of[$name]="$p99_300"
  cpu_of[$name]="$cpu_us"
  printf '%s\n' "$name: $rps req/s at 50, p99 $p99_50 ms at 50 and $p99_300 ms at 300, $cpu_us µs CPU/request, idle RSS $rss MiB" >&2
}

stop_server() { # stop_server PID: frees the CPU for the next server
  kill -TERM "$1" 2>/dev/null || true
  timeout 10 tail --pid="$1" -f /dev/null 2>/dev/null || kill -KILL "$1" 2>/dev/null || true
}

port="$(free_port)"
"$agent_bin" --listen "127.0.0.1:$port" >"$work/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
wait_http "http://127.0.0.1:$port/readyz" 15 || die "the agent did not start: $(tail -n 5 "$work/agent.log")"
json_bytes="$(curl -fsS "http://127.0.0.1:$port/metrics" | wc -c)"
prometheus_bytes="$(curl -fsS "http://127.0.0.1:$port/metrics/prometheus" | wc -c)"
agent_json="vmpulse-agent /metrics (JSON)"
measure "$agent_json" "$agent_pid" "http://127.0.0.1:$port/metrics"
measure "vmpulse-agent /metrics/prometheus" "$agent_pid" "http://127.0.0.1:$port/metrics/prometheus"
agent_rss_after="$(rss_mib "$agent_pid")"
stop_server "$agent_pid"

port="$(free_port)"
"$agent_bin" --listen "127.0.0.1:$port" --threads 2 >"$work/agent2.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/readyz" 15 || die "the agent did not start: $(tail -n 5 "$work/agent2.log")"
measure "vmpulse-agent /metrics (JSON), --threads 2" "${pids[-1]}" "http://127.0.0.1:$port/metrics"
stop_server "${pids[-1]}"

cc -O2 -Wall -Wextra -o "$work/floor_server" bench/agent/floor_server.c -lpthread
floor="floor: bare epoll, fixed bytes"
floor_prometheus="$floor, Prometheus-sized body"
for setup in "1 $json_bytes $floor" "2 $json_bytes $floor, 2 threads" "1 $prometheus_bytes $floor_prometheus"; do
  read -r threads bytes name <<<"$setup"
  port="$(free_port)"
  "$work/floor_server" "$port" "$threads" "$bytes" >"$work/floor.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/" 15 || die "the floor server did not start: $(tail -n 5 "$work/floor.log")"
  measure "$name" "${pids[-1]}" "http://127.0.0.1:$port/"
  stop_server "${pids[-1]}"
done

port="$(free_port)"
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
  --collector.cpu --collector.meminfo --collector.processes --web.max-requests=0 >"$work/node.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/metrics" 15 || die "node_exporter did not start: $(tail -n 5 "$work/node.log")"
measure "node_exporter /metrics" "${pids[-1]}" "http://127.0.0.1:$port/metrics"

port="$(free_port)"
mkdir -p "$work/netdata/cache" "$work/netdata/lib" "$work/netdata/log"
cat >"$work/netdata.conf" <<CONF
[global]
  run as user = $(id -un)
  memory mode = ram
  history = 120
  update every = 1
[directories]
  cache = $work/netdata/cache
  lib = $work/netdata/lib
  log = $work/netdata/log
[logs]
  debug log = none
  error log = $work/netdata/log/error.log
  access log = none
[web]
  bind to = 127.0.0.1:$port
[plugins]
  enable running new plugins = no
  proc = yes
  diskspace = no
  cgroups = no
  tc = no
  idlejitter = no
  apps = no
  python.d = no
  charts.d = no
  go.d = no
  ebpf = no
  statsd = no
  timex = no
  checks = no
[health]
  enabled = no
[ml]
  enabled = no
[registry]
  enabled = no
CONF
DO_NOT_TRACK=1 netdata -D -c "$work/netdata.conf" >"$work/netdata.out" 2>&1 &
pids+=($!)
netdata_url="http://127.0.0.1:$port/api/v1/data?chart=system.cpu&points=1&after=-1"
wait_http "$netdata_url" 30 || die "netdata did not start: $(tail -n 5 "$work/netdata.out")"
measure "netdata /api/v1/data system.cpu" "${pids[-1]}" "$netdata_url"

echo "## HTTP on loopback (wrk -t2, keep-alive, ${seconds} s per run)"
echo
echo "| server | CPU µs/request | req/s at 50 conns | p99 ms at 50 | p99 ms at 300 | idle RSS MiB | errors |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "agent RSS after both load runs: $agent_rss_after MiB"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
echo "## Against the floor (one thread each, the same body size: $json_bytes bytes for JSON, $prometheus_bytes for Prometheus text)"
echo
against_floor() { # against_floor NAME FLOOR_NAME
  echo "- $1: req/s at 50 $(ratio "${rps_of[$1]}" "${rps_of[$2]}")× the floor's," \
    "p99 at 300 $(ratio "${p99_300_of[$1]}" "${p99_300_of[$2]}")× the floor's," \
    "CPU/request $(ratio "${cpu_of[$1]}" "${cpu_of[$2]}")× the floor's"
}
against_floor "$agent_json" "$floor"
against_floor "vmpulse-agent /metrics/prometheus" "$floor_prometheus"
echo
# With every connection busy, mean latency = connections / throughput (Little's law).
agent_p99="${p99_300_of[$agent_json]}"
floor_p99="${p99_300_of[$floor]}"
verdict="not met"
if [[ $agent_p99 != n/a ]] && awk -v p="$agent_p99" 'BEGIN { exit !(p <= 2) }'; then verdict="met"; fi
echo "Target p99 ≤ 2 ms at 300 connections: $verdict — the agent's JSON p99 at 300 is $agent_p99 ms;" \
  "the floor's is $floor_p99 ms with one thread and ${p99_300_of["$floor, 2 threads"]} ms with two" \
  "(${rps_of[$floor]} and ${rps_of["$floor, 2 threads"]} req/s at 50 connections). 300 always-busy" \
  "connections at a mean latency of 2 ms need 150,000 req/s (Little's law), with wrk on the same $(nproc) CPUs."
