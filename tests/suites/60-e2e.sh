#!/usr/bin/env bash
# The whole flow on one machine: `./vmpulse up` from scratch on free ports, a short run
# of both Locust phases through the local ingress, then: every record answered 201 is
# in the database, the split is consistent with 50/50 (exact binomial test), the
# dashboard in Chromium shows the new data, and `down` leaves no process and no
# listening port behind.
# timeout: 600
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"

OUT="${VMPULSE_TEST_OUTPUT:-$ROOT/test-output}/e2e"
rm -rf "$OUT" && mkdir -p "$OUT"
stack_env "$OUT"
# Rows are counted exactly below, so the agent does not push on its own here
# (tests/suites/61-push.sh covers the push path).
export VMPULSE_AGENT_PUSH=0
PORTS=("$VMPULSE_INGRESS_PORT" "$VMPULSE_AGENT_PORT" "$VMPULSE_API_PORT" "$VMPULSE_NODE_API_PORT" "$VMPULSE_HUB_PORT" "$VMPULSE_DB_PORT")

cleanup() { "$ROOT/vmpulse" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

up_ok() { "$ROOT/vmpulse" up >"$OUT/up.log" 2>&1 || { tail -n 30 "$OUT/up.log"; return 1; }; }
check "./vmpulse up starts every service" up_ok
"$ROOT/vmpulse" status | tee "$OUT/status.txt"
check "status shows no unhealthy or stopped service" bash -c "! grep -Eq 'UNHEALTHY|stopped' '$OUT/status.txt'"

URL="$(db_url "$VMPULSE_STATE_DIR/db" "$VMPULSE_DB_PORT")"
rows() { db_client "$URL" -e "SELECT COUNT(*) FROM metricas ${1:-}"; }
before_id="$(db_client "$URL" -e "SELECT COALESCE(MAX(id),0) FROM metricas")"

check "both Locust phases run (quick)" "$ROOT/vmpulse" load --quick --out "$OUT/load"

records="$(wc -l <"$OUT/load/records.jsonl" 2>/dev/null || echo 0)"
check "phase 1 collected records from the agent ($records)" test "$records" -gt 0
read -r sent failed < <(python3 -c "
import json
s = json.load(open('$OUT/load/send-summary.json'))
print(s['requests'], s['failures'])")
echo "phase 2: $sent requests, $failed failures"
check "phase 2 posted records ($sent) without failures ($failed)" test "${sent:-0}" -gt 0 -a "${failed:-1}" -eq 0

read -r ok_cpp ok_node < <(python3 -c "
import json
s = json.load(open('$OUT/load/send-summary.json'))['stored_by_route']
print(s.get('cpp', 0), s.get('nodejs', 0))")
db_cpp="$(rows "WHERE id > $before_id AND api='cpp'")"
db_node="$(rows "WHERE id > $before_id AND api='nodejs'")"
echo "201 answers: cpp $ok_cpp, nodejs $ok_node; rows stored: cpp $db_cpp, nodejs $db_node"
check "every record answered 201 by route 1 is in the database" test "$db_cpp" -eq "$ok_cpp"
check "every record answered 201 by route 2 is in the database" test "$db_node" -eq "$ok_node"
check "the split is consistent with 50/50" python3 "$ROOT/tests/e2e/binomial.py" "$ok_cpp" "$((ok_cpp + ok_node))"

split_total="$(db_client "$URL" -e "SELECT COALESCE(SUM(total),0) FROM metricas_por_api")"
check "per-route counters equal the rows" test "$split_total" -eq "$(rows)"

# Signed-in reads through the ingress: every dashboard and hub path is 401 without a
# viewer credential (the ingest token is not one), 200 with the viewer token.
INGRESS="http://127.0.0.1:$VMPULSE_INGRESS_PORT"
# The tokens go to curl as header files and to Chromium as a file: on no command line.
VIEWER="$(tr -d '[:space:]' <"$VMPULSE_STATE_DIR/viewer-token")"
INGEST="$(tr -d '[:space:]' <"$VMPULSE_STATE_DIR/token")"
VIEWER_H="$VMPULSE_STATE_DIR/e2e-viewer.header" INGEST_H="$VMPULSE_STATE_DIR/e2e-ingest.header"
(umask 077 && printf 'Authorization: Bearer %s\n' "$VIEWER" >"$VIEWER_H" &&
  printf 'Authorization: Bearer %s\n' "$INGEST" >"$INGEST_H")
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
reads_need_a_viewer() {
  local path code bad=0
  for path in / /index.html /config.js /api/vms /api/split "/api/history?vm=x"; do
    code="$(status_of "$INGRESS$path")"
    [[ "$code" == 401 ]] || { echo "$path without a credential: $code"; bad=1; }
    code="$(status_of -H "@$INGEST_H" "$INGRESS$path")"
    [[ "$code" == 401 ]] || { echo "$path with the ingest token: $code"; bad=1; }
    code="$(status_of -H "@$VIEWER_H" "$INGRESS$path")"
    [[ "$code" == 200 ]] || { echo "$path with the viewer token: $code"; bad=1; }
  done
  # /api/processes for a VM with no rows: 404 with the viewer (past the credential check).
  path="/api/processes?vm=x"
  code="$(status_of "$INGRESS$path")"
  [[ "$code" == 401 ]] || { echo "$path without a credential: $code"; bad=1; }
  code="$(status_of -H "@$INGEST_H" "$INGRESS$path")"
  [[ "$code" == 401 ]] || { echo "$path with the ingest token: $code"; bad=1; }
  code="$(status_of -H "@$VIEWER_H" "$INGRESS$path")"
  [[ "$code" == 404 ]] || { echo "$path with the viewer token: $code"; bad=1; }
  code="$(status_of -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$INGRESS/ws")"
  [[ "$code" == 401 ]] || { echo "/ws upgrade without a credential: $code"; bad=1; }
  [[ "$(status_of "$INGRESS/signin")" == 200 ]] || { echo "/signin is not open"; bad=1; }
  curl -s -D - -o /dev/null "$INGRESS/" | grep -qi '^content-security-policy:.*script-src .self.' ||
    { echo "no Content-Security-Policy on the 401 page"; bad=1; }
  curl -s -D - -o /dev/null -H "@$VIEWER_H" "$INGRESS/" |
    grep -qi '^content-security-policy:.*connect-src .self.' || { echo "no Content-Security-Policy on the page"; bad=1; }
  return "$bad"
}
check "every dashboard and hub path needs the viewer credential (401 without, ingest token 401, viewer 200)" reads_need_a_viewer
signin_printed() { grep -qFf <(printf '/signin#%s\n' "$VIEWER") "$OUT/up.log"; }
check "./vmpulse up printed the sign-in URL" signin_printed

check "Chromium signs in through the sign-in URL and the dashboard shows the new data" \
  node "$ROOT/tests/e2e/dashboard-check.mjs" "$INGRESS" "$VMPULSE_STATE_DIR/viewer-token" "$OUT" "$(db_client "$URL" -e "SELECT vm FROM metricas ORDER BY id DESC LIMIT 1")"

pids=()
for f in "$VMPULSE_STATE_DIR"/run/*.pid; do pids+=("$(cat "$f")"); done
check "./vmpulse down succeeds" "$ROOT/vmpulse" down
no_process_left() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "still running: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline")"
      return 1
    fi
  done
}
check "down leaves no process behind (${#pids[@]} services)" no_process_left
no_port_left() {
  local port
  for port in "${PORTS[@]}"; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      echo "still listening: $port"
      return 1
    fi
  done
}
check "down leaves no listening port behind" no_port_left
trap - EXIT
suite_end
