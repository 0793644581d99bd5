#!/usr/bin/env bash
# Ingest abuse limits and token rotation, against each real route (build/bin/vmpulse-api
# and node-api) started directly, as ./vmpulse up starts them, on a private MariaDB:
#   - 300 concurrent 1 MiB POSTs without a token: every one 401, the route's resident
#     memory grows by 32 MiB at most, and authorized requests sent meanwhile are all 201,
#     every one counted back in the database;
#   - the same Idempotency-Key with another body: 422 idempotency_key_reused, nothing stored;
#   - request bodies in flight past --body-bytes-in-flight: 503 server_busy + Retry-After;
#   - ./vmpulse token rotate and --finish while two clients post continuously (one that
#     reloads on SIGHUP like the agent, one that keeps the old token): every request 201
#     until the old token is retired, then the old token 401 and the new one 201.
# timeout: 600
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/deps.sh
source scripts/lib/deps.sh

abuse="$VMPULSE_ROOT/tests/abuse"
work="$(mktemp -d /tmp/vmpulse-abuse.XXXXXX)"
stack_env "$work"
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
svc_load
extra_pids=()
poster_pid=""

cleanup() {
  local pid
  [[ -n "$poster_pid" ]] && kill "$poster_pid" 2>/dev/null
  for pid in "${extra_pids[@]}"; do kill "$pid" 2>/dev/null; done
  svc_stop agent >/dev/null 2>&1
  if [[ $_suite_failed -gt 0 ]]; then
    for name in api node-api; do
      echo "----- $name log (last 20 lines) -----"
      tail -n 20 "$LOG_DIR/$name.log" 2>/dev/null
    done
  fi
  svc_stop node-api >/dev/null 2>&1
  svc_stop api >/dev/null 2>&1
  db_stop "$DB_DIR"
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x "$VMPULSE_BIN/vmpulse-api" ]]; then
  echo "FAIL $VMPULSE_BIN/vmpulse-api is not built"
  echo "0 passed, 1 failed"
  exit 1
fi
need_npm node-api >/dev/null

svc_db_start || { echo "0 passed, 1 failed"; exit 1; }
url="$(local_db_url)"
token_file="$(local_token_file)"
svc_api_start >/dev/null
svc_node_api_start >/dev/null
check "vmpulse-api starts with --token-file" svc_wait api 30
check "node-api starts with --token-file" svc_wait node-api 30
api_url="http://127.0.0.1:$VMPULSE_API_PORT"
node_url="http://127.0.0.1:$VMPULSE_NODE_API_PORT"

rows() { db_client "$url" -e "SELECT COUNT(*) FROM metricas WHERE vm LIKE '$1-%'"; }
keys() { db_client "$url" -e "SELECT COUNT(*) FROM ingest_keys"; }

# --- 300 concurrent 1 MiB POSTs without a token ---------------------------------------
flood() {
  local name="$1" base="$2" pid out
  pid="$(svc_pid "$name")" || { echo "  $name is not running"; return 1; }
  out="$(timeout 150 node "$abuse/flood.js" "$base/api/metrics" "$(local_token)" "$pid" "flood-$name")"
  echo "  $name: $out"
  echo "$out" >"$work/flood-$name.json"
}
flood_judge() {
  local name="$1" what="$2"
  python3 - "$work/flood-$name.json" "$what" "$(rows "flood-$name")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
what, rows = sys.argv[2], int(sys.argv[3])
if what == "401":
    ok = r["flood"] == {"401": 300}
elif what == "rss":
    ok = r["growthMiB"] <= 32
elif what == "authorized":
    ok = set(r["authorized"]) == {"201"} and r["authorized"]["201"] >= 4
else:  # stored
    ok = r["stored"] == rows and rows > 0
    print(f"  201s stored {r['stored']} records; the database holds {rows}")
sys.exit(0 if ok else 1)
PY
}
for route in api:"$api_url" node-api:"$node_url"; do
  name="${route%%:*}"
  base="${route#*:}"
  if flood "$name" "$base"; then
    check "$name: 300 concurrent 1 MiB POSTs without a token are all 401" flood_judge "$name" 401
    check "$name: resident memory grows by 32 MiB at most during the flood" flood_judge "$name" rss
    check "$name: authorized requests during the flood are all 201" flood_judge "$name" authorized
    check "$name: every record answered 201 during the flood is in the database" flood_judge "$name" stored
  else
    check "$name: the flood ran" false
  fi
done

# --- the same key with another body -----------------------------------------------------
post_status() { # URL KEY BODY: prints the status and the error code
  printf 'Authorization: Bearer %s\n' "$(local_token)" |
    curl -s -o "$work/answer" -w '%{http_code}' --max-time 10 -H @- -H 'Content-Type: application/json' \
      -H "Idempotency-Key: $2" --data "$3" "$1/api/metrics"
  sed -n 's/.*"error":"\([a-z_]*\)".*/ \1/p' "$work/answer"
}
key_reused() {
  local base="$1" vm="$2" first second rows_before keys_before
  local a b
  a="$(node -e "console.log(JSON.stringify(require('$abuse/record.js').record('$vm-a')))")"
  b="$(node -e "console.log(JSON.stringify([require('$abuse/record.js').record('$vm-b'), require('$abuse/record.js').record('$vm-b')]))")"
  first="$(post_status "$base" "reuse-$vm" "$a")"
  rows_before="$(rows "$vm")"
  keys_before="$(keys)"
  second="$(post_status "$base" "reuse-$vm" "$b")"
  echo "  first: $first, same key with another body: $second; rows $rows_before -> $(rows "$vm"), keys $keys_before -> $(keys)"
  [[ "$first" == 201 && "$second" == "422 idempotency_key_reused" && "$(rows "$vm")" == "$rows_before" && "$(keys)" == "$keys_before" ]]
}
check "api: the same Idempotency-Key with another body is 422 and stores nothing" key_reused "$api_url" reuse-api
check "node-api: the same Idempotency-Key with another body is 422 and stores nothing" key_reused "$node_url" reuse-node

# --- the cap on body bytes in flight --------------------------------------------------------
cap_port_api="$(free_port)"
cap_port_node="$(free_port)"
VMPULSE_DB_URL="$url" "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$cap_port_api" --token-file "$token_file" \
  --body-bytes-in-flight 2097152 >>"$work/cap-api.log" 2>&1 &
extra_pids+=($!)
VMPULSE_DB_URL="$url" node node-api/src/server.js --listen "127.0.0.1:$cap_port_node" --token-file "$token_file" \
  --body-bytes-in-flight 2097152 >>"$work/cap-node.log" 2>&1 &
extra_pids+=($!)
# The Retry-After both routes must give: the contract's.
busy_retry_after="$(node -p "require('./contract/record.schema.json')['x-vmpulse-ingest'].busy_retry_after_seconds")"
cap() {
  local out
  wait_http "$1/readyz" 30 || { echo "  not ready"; return 1; }
  out="$(timeout 30 node "$abuse/cap.js" "$1/api/metrics" "$(local_token)")"
  echo "  $(tr '\n' ' ' <<<"$out")"
  [[ "$out" == "503 $busy_retry_after server_busy"$'\n201' ]]
}
check "api: past --body-bytes-in-flight 503 server_busy with Retry-After; served again once the bytes are freed" \
  cap "http://127.0.0.1:$cap_port_api"
check "node-api: past --body-bytes-in-flight 503 server_busy with Retry-After; served again once the bytes are freed" \
  cap "http://127.0.0.1:$cap_port_node"

# --- token rotation while records are posted -------------------------------------------
# The "agent" is a poster that reloads the token file on SIGHUP, registered where
# ./vmpulse token looks for the agent; the other poster keeps the token it started with.
svc_launch agent node "$abuse/poster.js" agent "$token_file" "$work/agent.events" rot-agent "$api_url/api/metrics" "$node_url/api/metrics"
node "$abuse/poster.js" fixed "$token_file" "$work/fixed.events" rot-fixed "$api_url/api/metrics" "$node_url/api/metrics" &
poster_pid=$!
sleep 2
./vmpulse token rotate >"$work/rotate.out" 2>&1
rotate_rc=$?
sed 's/^/  /' "$work/rotate.out"
check "./vmpulse token rotate succeeds" test "$rotate_rc" = 0
check "the token file holds two tokens, mode 0600" \
  test "$(grep -c . "$token_file"):$(stat -c %a "$token_file")" = "2:600"
sleep 2
finish_at="$(date +%s%3N)"
./vmpulse token rotate --finish >"$work/finish.out" 2>&1
finish_rc=$?
finished_at="$(date +%s%3N)"
sed 's/^/  /' "$work/finish.out"
check "./vmpulse token rotate --finish succeeds" test "$finish_rc" = 0
check "the token file holds the newest token only, mode 0600" \
  test "$(grep -c . "$token_file"):$(stat -c %a "$token_file"):$(local_token)" = "1:600:$(tail -n1 "$token_file")"
sleep 2
svc_stop agent >/dev/null
kill "$poster_pid" 2>/dev/null
wait "$poster_pid" 2>/dev/null
poster_pid=""

rotation_judge() {
  python3 - "$work/agent.events" "$work/fixed.events" "$finish_at" "$finished_at" "$1" <<'PY'
import sys
def events(path):
    return [(int(t), int(r), n, s) for t, r, n, s in (l.split() for l in open(path))]
agent, fixed = events(sys.argv[1]), events(sys.argv[2])
finish_at, finished_at, what = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if what == "agent":
    bad = [e for e in agent if e[3] != "201"]
    new = [e for e in agent if e[2] == "t1"]
    print(f"  agent-like client: {len(agent)} requests, {len(bad)} not 201, {len(new)} with the new token")
    ok = not bad and len(new) > 10 and {e[1] for e in new} == {0, 1}
elif what == "before":
    before = [e for e in fixed if e[0] < finish_at]
    bad = [e for e in before if e[3] != "201"]
    print(f"  old-token client before --finish: {len(before)} requests, {len(bad)} not 201")
    ok = len(before) > 10 and not bad
else:
    after = [e for e in fixed if e[0] > finished_at + 50]
    bad = [e for e in after if e[3] != "401"]
    print(f"  old-token client after --finish: {len(after)} requests, {len(bad)} not 401")
    ok = len(after) > 4 and not bad and {e[1] for e in after} == {0, 1}
sys.exit(0 if ok else 1)
PY
}
check "rotation: the client that reloads on SIGHUP got 201 for every request, then sent the new token" rotation_judge agent
check "rotation: the old token got 201 for every request until --finish" rotation_judge before
check "rotation: after --finish the old token gets 401 on both routes" rotation_judge after
rotation_stored() {
  local answered stored
  answered="$(cat "$work/agent.events" "$work/fixed.events" | awk '$4 == 201' | wc -l)"
  stored="$(db_client "$url" -e "SELECT COUNT(*) FROM metricas WHERE vm LIKE 'rot-%'")"
  echo "  $answered requests answered 201; $stored rows stored"
  [[ "$answered" -gt 0 && "$answered" == "$stored" ]]
}
check "rotation: every request answered 201 is stored" rotation_stored

suite_end
