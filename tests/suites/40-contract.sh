#!/usr/bin/env bash
# One contract, two implementations: node-api's unit tests, then tests/contract/ run
# against both ingest routes (build/bin/vmpulse-api and node-api) on one private
# MariaDB. A route that is missing or does not start fails its cases; nothing is skipped.
# timeout: 900
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source scripts/lib/deps.sh
# shellcheck source=tests/lib/service_metrics.sh
source tests/lib/service_metrics.sh

work="$(mktemp -d /tmp/vmpulse-contract.XXXXXX)"
pids=()
cleanup() {
  local pid
  # Routes faults.test.js started again after killing them are listed in $work/pids.
  [[ -f "$work/pids" ]] && mapfile -t -O "${#pids[@]}" pids <"$work/pids"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  done
  db_stop "$work/db"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0
# count_node_test LOG: adds the totals of node --test's spec reporter to passed/failed.
count_node_test() {
  local p f c
  p="$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$1" | tail -n1)"
  f="$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$1" | tail -n1)"
  c="$(sed -n 's/^ℹ cancelled \([0-9]*\)$/\1/p' "$1" | tail -n1)"
  if [[ -z "$p" ]]; then
    failed=$((failed + 1)) # died before reporting
    return
  fi
  passed=$((passed + p))
  failed=$((failed + ${f:-0} + ${c:-0}))
}

need_npm node-api >/dev/null
need_npm tests/contract >/dev/null

echo "== node-api unit tests"
(cd node-api && timeout 120 node --test --test-reporter=spec tests/) 2>&1 | tee "$work/unit.log"
count_node_test "$work/unit.log"

echo "== private MariaDB"
db_port="$(free_port)"
db_start "$work/db" "$db_port" || { echo "0 passed, 1 failed"; exit 1; }
db_url="$(db_url "$work/db" "$db_port")"
db_migrate "$db_url" || { echo "0 passed, 1 failed"; exit 1; }
token="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export VMPULSE_DB_URL="$db_url" VMPULSE_TOKEN="$token"

# start_route NAME PORT CMD...: starts a route, waits for /livez; sets CONTRACT_<NAME>_URL
# or, when it does not come up, CONTRACT_<NAME>_PROBLEM with its log's last lines.
start_route() {
  local name="$1" port="$2" upper pid
  shift 2
  upper="$(tr '[:lower:]' '[:upper:]' <<<"$name")"
  "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  if wait_http "http://127.0.0.1:$port/livez" 30; then
    export "CONTRACT_${upper}_URL=http://127.0.0.1:$port"
    # For faults.test.js, which kills the route and starts it again the same way.
    export "CONTRACT_${upper}_PID=$pid"
    export "CONTRACT_${upper}_ARGV=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@")"
    echo "$name route on 127.0.0.1:$port"
  else
    export "CONTRACT_${upper}_PROBLEM=it did not answer /livez within 30 s; its log ends: $(tail -n 5 "$work/$name.log" | tr '\n' ' ')"
    echo "$name route did not start:"
    tail -n 20 "$work/$name.log"
  fi
}

echo "== routes"
# Both routes log in JSON here, as in the container images; checked line by line below.
export VMPULSE_LOG_FORMAT=json
node_port="$(free_port)"
start_route nodejs "$node_port" node node-api/src/server.js --listen "127.0.0.1:$node_port"
cpp_bin="$VMPULSE_BIN/vmpulse-api"
if [[ -x "$cpp_bin" ]]; then
  cpp_port="$(free_port)"
  start_route cpp "$cpp_port" "$cpp_bin" --listen "127.0.0.1:$cpp_port"
else
  export CONTRACT_CPP_PROBLEM="$cpp_bin does not exist (./vmpulse build builds it)"
  echo "cpp route: $CONTRACT_CPP_PROBLEM"
fi
export CONTRACT_WORK="$work"
export CONTRACT_DB_START="source '$VMPULSE_ROOT/scripts/lib/common.sh'; source '$VMPULSE_ROOT/scripts/lib/mariadb.sh'; db_start '$work/db' '$db_port'"
export CONTRACT_DB_STOP="source '$VMPULSE_ROOT/scripts/lib/common.sh'; source '$VMPULSE_ROOT/scripts/lib/mariadb.sh'; db_stop '$work/db'"

echo "== contract cases against both routes"
timeout 420 node --test --test-reporter=spec tests/contract/contract.test.js 2>&1 | tee "$work/contract.log"
count_node_test "$work/contract.log"

echo "== the routes' own metrics and JSON logs"
# check_count WHAT CMD...: one pass or failure in this suite's totals.
check_count() {
  local what="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "PASS $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what"
  fi
}
for name in nodejs cpp; do
  upper="$(tr '[:lower:]' '[:upper:]' <<<"$name")"
  url_var="CONTRACT_${upper}_URL"
  url="${!url_var:-}"
  if [[ -z "$url" ]]; then
    failed=$((failed + 4))
    echo "FAIL $name: not running, no metrics or log to check"
    continue
  fi
  check_count "$name: GET /metrics is promtool-clean with the ingest series" metrics_clean "$url/metrics" \
    vmpulse_http_requests_total vmpulse_http_request_duration_seconds_bucket \
    vmpulse_ingest_records_stored_total vmpulse_ingest_queue_depth \
    vmpulse_ingest_commit_duration_seconds_bucket vmpulse_db_errors_total \
    process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes \
    process_open_fds process_max_fds process_start_time_seconds
  check_count "$name: its process series are a live process's" process_series_live "$url/metrics"
  check_count "$name: the contract cases' records are counted as stored, their 201s under route ingest" \
    bash -c "curl -fsS '$url/metrics' | grep -Eq '^vmpulse_ingest_records_stored_total [1-9]' &&
      curl -fsS '$url/metrics' | grep -qF 'vmpulse_http_requests_total{route=\"ingest\",code=\"201\"}'"
  check_count "$name: every log line is JSON (time, severity, component, message), never a token" \
    json_log_clean "$work/$name.log" "$token"
done

echo "== database outage under load, both routes"
timeout 180 node --test --test-reporter=spec tests/contract/faults.test.js 2>&1 | tee "$work/faults.log"
count_node_test "$work/faults.log"

for name in nodejs cpp; do
  if [[ -f "$work/$name.log" ]]; then
    echo "== last lines of the $name route's log"
    tail -n 15 "$work/$name.log"
  fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
