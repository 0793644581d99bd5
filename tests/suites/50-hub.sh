#!/usr/bin/env bash
# vmpulse-hub end to end: a private MariaDB, three hubs with different limits, real
# WebSocket clients (Node, ws) and HTTP; plus the command line's bad values (exit 2,
# no password in the message or the log); then the history rollup, hubs restarted.
# timeout: 600
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"
# shellcheck source=tests/lib/service_metrics.sh
source "$ROOT/tests/lib/service_metrics.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=tests/lib/db_suite.sh
source "$ROOT/tests/lib/db_suite.sh"

# The rows here are dated early in 2026, older than the default retention (7 days raw,
# 90 of minutes): keep every tier for good, so the hubs' retention (46-storage) neither
# deletes them nor sends their history to the per-hour tier.
export VMPULSE_RETENTION_RAW_DAYS=36500 VMPULSE_RETENTION_MINUTE_DAYS=36500 VMPULSE_RETENTION_HOUR_DAYS=36500

HUB="${VMPULSE_HUB_BIN:-$VMPULSE_BIN/vmpulse-hub}"
[[ -x "$HUB" ]] || { echo "no $HUB (build first)"; echo "0 passed, 1 failed"; exit 1; }
[[ -d "$ROOT/tests/hub/node_modules" ]] || (cd "$ROOT/tests/hub" && npm ci --no-audit --no-fund --loglevel=error)

db_suite_start hub-suite
PASSWORD="$(cat "$WORK/db/password")"
# The viewer token every hub here reads, and an ingest token (the routes' secret), which
# must never open a read.
VIEWER_TOKEN="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
INGEST_TOKEN="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
(umask 077 && echo "$VIEWER_TOKEN" >"$WORK/viewer-token")

# start_hub NAME ARGS...: a hub on a free port; sets HUB_URL and HUB_PID.
start_hub() {
  local name="$1" port
  shift
  port="$(free_port)"
  VMPULSE_DB_URL="$DB_URL" VMPULSE_VIEWER_TOKEN_FILE="$WORK/viewer-token" \
    "$HUB" --listen "127.0.0.1:$port" "$@" >"$WORK/$name.log" 2>&1 &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  HUB_URL="http://127.0.0.1:$port"
  wait_http "$HUB_URL/readyz" 30
}

check "hub (defaults) becomes ready" start_hub main
MAIN="$HUB_URL"
MAIN_PID="$HUB_PID"
check "hub (3 /ws clients per address behind a trusted proxy, raw history 1 h) becomes ready" \
  start_hub guard --max-per-address 3 --trusted-proxy 127.0.0.1 --max-raw-span 1h
GUARD="$HUB_URL"
check "hub (strict limits) becomes ready" start_hub strict --allow-origin https://dash.example \
  --max-clients 3 --queue-messages 2
STRICT="$HUB_URL"
check "hub (1 s keepalive, 2 io threads) becomes ready" start_hub drop --keepalive 1s --threads 2
DROP="$HUB_URL"
check "hub (--log-format json) becomes ready" start_hub jsonlog --log-format json
JSONLOG="$HUB_URL"

# Command line: bad values exit 2 with a message that names the problem and hides the password.
bad_args() {
  local out rc
  out="$(VMPULSE_DB_URL="" timeout 10 "$HUB" "$@" 2>&1)"
  rc=$?
  [[ $rc -eq 2 && -n "$out" && "$out" != *"$PASSWORD"* ]] || { echo "exit $rc: $out"; return 1; }
}
check "no --db: exit 2" bad_args
check "--db not a mysql URL: exit 2" bad_args --db "postgres://u:$PASSWORD@h/db"
check "--poll soon: exit 2" bad_args --db "$DB_URL" --poll soon
check "--listen nowhere: exit 2" bad_args --db "$DB_URL" --listen nowhere
check "--max-clients 0: exit 2" bad_args --db "$DB_URL" --max-clients 0
check "--allow-origin example.com: exit 2" bad_args --db "$DB_URL" --allow-origin example.com
check "unknown flag: exit 2" bad_args --db "$DB_URL" --frobnicate
check "no viewer token file (reads not opened): exit 2" bad_args --db "$DB_URL"
check "a viewer token file that is missing: exit 1" bash -c \
  "VMPULSE_DB_URL='$DB_URL' timeout 10 '$HUB' --viewer-token-file '$WORK/none' >/dev/null 2>&1; test \$? -eq 1"

# The WebSocket and HTTP behaviour (tests/hub/hub.test.mjs); node prints TAP-like totals.
(
  cd "$ROOT/tests/hub" &&
    HUB_MAIN="$MAIN" HUB_STRICT="$STRICT" HUB_DROP="$DROP" HUB_TEST_DB_URL="$DB_URL" \
      HUB_TEST_DB_DIR="$WORK/db" HUB_TEST_DB_PORT="$DB_PORT" VMPULSE_ROOT="$ROOT" \
      HUB_VIEWER_TOKEN="$VIEWER_TOKEN" HUB_INGEST_TOKEN="$INGEST_TOKEN" HUB_GUARD="$GUARD" \
      HUB_MAIN_PID="$MAIN_PID" HUB_MAIN_LOG="$WORK/main.log" \
      timeout 420 node --test --test-reporter=spec --test-concurrency=1 auth.test.mjs hub.test.mjs \
        record_v2.test.mjs labels.test.mjs
) 2>&1 | tee "$WORK/node.log"
node_pass="$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$WORK/node.log" | tail -n1)"
node_fail="$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$WORK/node.log" | tail -n1)"
_suite_passed=$((_suite_passed + ${node_pass:-0}))
_suite_failed=$((_suite_failed + ${node_fail:-1}))
[[ -z "$node_pass" ]] && echo "FAIL node tests did not report totals"

# The hub's own metrics: no viewer credential, promtool-clean, route names as labels.
check "GET /metrics without a viewer token: 200" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "$MAIN/metrics")" = 200
check "/metrics is promtool-clean with the hub's series" metrics_clean "$MAIN/metrics" \
  vmpulse_http_requests_total vmpulse_http_request_duration_seconds_bucket vmpulse_hub_clients \
  vmpulse_hub_rows_delivered_total vmpulse_hub_poll_lag_seconds vmpulse_hub_rollup_lag_seconds \
  vmpulse_db_errors_total process_cpu_seconds_total process_resident_memory_bytes \
  process_virtual_memory_bytes process_open_fds process_max_fds process_start_time_seconds
check "the hub's process series are a live process's" process_series_live "$MAIN/metrics"
# (The text is read whole first: grep -q stopping early would fail curl under pipefail.)
rows_were_delivered() {
  local text
  text="$(curl -fsS "$MAIN/metrics")" && grep -Eq '^vmpulse_hub_rows_delivered_total [1-9]' <<<"$text"
}
check "the node tests' rows show in vmpulse_hub_rows_delivered_total" rows_were_delivered
route_labels_bounded() {
  local text
  curl -s -o /dev/null "$MAIN/no/such/path/$RANDOM"
  text="$(curl -fsS "$MAIN/metrics")" || return 1
  grep -q 'route="other"' <<<"$text" &&
    ! grep -E '^vmpulse_http_requests_total' <<<"$text" |
    grep -Ev 'route="(history|processes|split|vms|stats|session|auth|livez|readyz|metrics|ws|other)"'
}
check "request counts are labelled by route name, never by raw path" route_labels_bounded
processes_counted() {
  local text
  text="$(curl -fsS "$MAIN/metrics")" &&
    grep -Eq '^vmpulse_http_requests_total\{route="processes",code="(200|404|400)"\} [1-9]' <<<"$text"
}
check "GET /api/processes is counted under route processes" processes_counted
unauthorized_counted() {
  local text
  curl -s -o /dev/null "$MAIN/api/vms"
  text="$(curl -fsS "$MAIN/metrics")" &&
    grep -qF 'vmpulse_http_requests_total{route="vms",code="401"}' <<<"$text"
}
check "a 401 of /api/vms without a token is counted under route vms" unauthorized_counted
curl -s -o /dev/null "$JSONLOG/api/vms" -H "Authorization: Bearer $VIEWER_TOKEN"
check "--log-format json: every line of the hub's log is JSON, never a token" \
  json_log_clean "$WORK/jsonlog.log" "$VIEWER_TOKEN" "$INGEST_TOKEN" "$PASSWORD"
check "--log-format xml: exit 2" bad_args --db "$DB_URL" --reads open --log-format xml

no_secret_in_logs() { ! grep -qF "$PASSWORD" "$WORK"/main.log "$WORK"/strict.log "$WORK"/drop.log; }
check "no password in the hubs' logs" no_secret_in_logs
no_token_in_logs() { ! grep -qF -e "$VIEWER_TOKEN" -e "$INGEST_TOKEN" "$WORK"/*.log; }
check "no viewer or ingest token in the hubs' logs" no_token_in_logs
sighup_reload() {
  local fresh
  fresh="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s\n%s\n' "$VIEWER_TOKEN" "$fresh" >"$WORK/viewer-token")
  kill -HUP "$MAIN_PID"
  local i code
  for i in $(seq 1 50); do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $fresh" "$MAIN/api/vms")"
    [[ "$code" == 200 ]] && break
    sleep 0.1
  done
  [[ "$code" == 200 ]] || { echo "new token: $code"; return 1; }
  printf '%s\n' "$fresh" >"$WORK/viewer-token"
  kill -HUP "$MAIN_PID"
  for i in $(seq 1 50); do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER_TOKEN" "$MAIN/api/vms")"
    [[ "$code" == 401 ]] && break
    sleep 0.1
  done
  [[ "$code" == 401 ]] || { echo "retired token: $code"; return 1; }
  printf '%s\n' "$VIEWER_TOKEN" >"$WORK/viewer-token"
  kill -HUP "$MAIN_PID"
  sleep 0.3
}
check "SIGHUP reloads the viewer token file (a new token reads, a removed one is 401)" sighup_reload
hub_alive() { curl -fsS -o /dev/null "$MAIN/livez"; }
check "hub still alive after every test" hub_alive

# The per-minute rollup against the raw rows (tests/hub/rollup.test.mjs): first with the
# three hubs above rolling up at once, then it stops them and restarts hubs of its own.
(
  cd "$ROOT/tests/hub" &&
    HUB_BIN="$HUB" HUB_PIDS="${PIDS[*]}" HUB_MAIN_URL="$MAIN" HUB_TEST_DB_URL="$DB_URL" \
      HUB_VIEWER_TOKEN="$VIEWER_TOKEN" HUB_VIEWER_TOKEN_FILE="$WORK/viewer-token" \
      timeout 180 node --test --test-reporter=spec --test-concurrency=1 rollup.test.mjs
) 2>&1 | tee "$WORK/rollup.log"
rollup_pass="$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$WORK/rollup.log" | tail -n1)"
rollup_fail="$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$WORK/rollup.log" | tail -n1)"
_suite_passed=$((_suite_passed + ${rollup_pass:-0}))
_suite_failed=$((_suite_failed + ${rollup_fail:-1}))
[[ -z "$rollup_pass" ]] && echo "FAIL rollup tests did not report totals"

suite_end
