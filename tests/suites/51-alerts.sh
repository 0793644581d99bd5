#!/usr/bin/env bash
# Alerts end to end (docs/alerts.md): a private MariaDB, real vmpulse-hub processes with
# tests/alerts/short.yaml, rows inserted into metricas as the ingest routes insert them.
# Lifecycle, hysteresis, per-VM overrides, silences, VM down, the WebSocket `alerts`
# message, a restart mid-alert, two hubs (one evaluator, takeover) and bad rules files.
# timeout: 300
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=tests/lib/db_suite.sh
source "$ROOT/tests/lib/db_suite.sh"

HUB="${VMPULSE_HUB_BIN:-$VMPULSE_BIN/vmpulse-hub}"
RULES="$ROOT/tests/alerts/short.yaml"
[[ -x "$HUB" ]] || { echo "no $HUB (build first)"; echo "0 passed, 1 failed"; exit 1; }
[[ -d "$ROOT/tests/hub/node_modules" ]] || (cd "$ROOT/tests/hub" && npm ci --no-audit --no-fund --loglevel=error)

db_suite_start alerts-suite
TOKEN="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
(umask 077 && echo "$TOKEN" >"$WORK/viewer-token")

# start_hub NAME ARGS...: a hub with the short rules, polling every 200 ms, on a free
# port; sets HUB_URL and HUB_PID.
start_hub() {
  local name="$1" port
  shift
  port="$(free_port)"
  VMPULSE_DB_URL="$DB_URL" VMPULSE_VIEWER_TOKEN_FILE="$WORK/viewer-token" \
    "$HUB" --listen "127.0.0.1:$port" --poll 200ms --alerts "$RULES" "$@" >>"$WORK/$name.log" 2>&1 &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  HUB_URL="http://127.0.0.1:$port"
  wait_http "$HUB_URL/readyz" 30
}

# stop_hub PID: SIGTERM and wait for it to exit.
stop_hub() {
  kill -TERM "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

sql() { db_client "$DB_URL" -e "$1"; }

# row VM CPU [ZOMBIES] [SECONDS_AGO]: one row as the ingest routes write it (the row and
# the per-route count in one transaction); hora is the sampling time, UTC.
row() {
  local vm="$1" cpu="$2" zombies="${3:-0}" ago="${4:-0}"
  sql "START TRANSACTION;
    INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,
      porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,
      procesos_parados,hora,api)
    VALUES ('$vm',8000,4000,4000,50,$cpu,100-$cpu,1,100,99-$zombies,$zombies,0,
      UTC_TIMESTAMP() - INTERVAL $ago SECOND,'cpp');
    INSERT INTO metricas_por_api (api,total) VALUES ('cpp',1) ON DUPLICATE KEY UPDATE total = total + 1;
    COMMIT"
}

api() { curl -sS -H "Authorization: Bearer $TOKEN" "$@"; }

# state URL RULE VM: the state of that active alert in GET /api/alerts ("none" if absent).
state() {
  api "$1/api/alerts" | jq -r --arg r "$2" --arg v "$3" \
    '[.active[] | select(.rule == $r and .vm == $v) | .state] | first // "none"'
}

# wait_state URL RULE VM STATE [SECONDS]: until GET /api/alerts shows STATE.
wait_state() {
  local deadline=$((SECONDS + ${5:-8})) now
  while ((SECONDS < deadline)); do
    now="$(state "$1" "$2" "$3")"
    [[ "$now" == "$4" ]] && return 0
    sleep 0.2
  done
  echo "$2/$3: $now, expected $4"
  return 1
}

# states RULE VM: its history in SQL, oldest first, one line ("pending firing resolved").
states() {
  sql "SELECT estado FROM alertas_historial WHERE regla='$1' AND vm='$2' ORDER BY id" | paste -sd' '
}

expect_states() {
  local got
  got="$(states "$1" "$2")"
  [[ "$got" == "$3" ]] || { echo "$1/$2 history: '$got', expected '$3'"; return 1; }
}

# wait_evaluator URL: until that hub holds the evaluator lock (/api/stats). A hub is
# ready (/readyz) once its poller has loaded and asks for the lock right after; the rows
# it delivers before it has the lock are evaluated once it has (check 7b).
evaluator() { api "$1/api/stats" | jq -r '.alert_evaluator'; }
wait_evaluator() {
  local _
  for _ in $(seq 1 30); do
    [[ "$(evaluator "$1")" == true ]] && return 0
    sleep 0.1
  done
  echo "$1 is not the evaluator"
  return 1
}

start_evaluator() { start_hub "$1" && wait_evaluator "$HUB_URL"; }
check "hub with the short rules becomes ready and evaluates" start_evaluator a
A="$HUB_URL"
A_PID="$HUB_PID"
T0="$(date +%s)"

# (1) Lifecycle: pending, firing after `for` (2 s on the rows' time), resolved below 80.
lifecycle() {
  row life-1 95 0 3 && wait_state "$A" cpu_test life-1 pending || return 1
  row life-1 96 && wait_state "$A" cpu_test life-1 firing || return 1
  row life-1 50 && wait_state "$A" cpu_test life-1 none || return 1
  expect_states cpu_test life-1 "pending firing resolved"
}
check "lifecycle: pending -> firing -> resolved in GET /api/alerts and alertas_historial" lifecycle
history_since() {
  local got
  got="$(api "$A/api/alerts?since=$((T0 - 5))" |
    jq -r '[.history[] | select(.rule == "cpu_test" and .vm == "life-1") | .state] | reverse | join(" ")')"
  [[ "$got" == "pending firing resolved" ]] || { echo "history: '$got'"; return 1; }
}
check "GET /api/alerts?since= lists the three changes (newest first)" history_since
notify_flags() {
  local got
  got="$(sql "SELECT CONCAT(estado,':',notificar) FROM alertas_historial WHERE regla='cpu_test' AND vm='life-1' ORDER BY id" | paste -sd' ')"
  [[ "$got" == "pending:0 firing:1 resolved:1" ]] || { echo "notificar: '$got'"; return 1; }
}
check "history notificar: pending 0, firing 1, resolved 1 (the notifier's outbox)" notify_flags
bad_since() {
  local code
  code="$(api -o /dev/null -w '%{http_code}' "$A/api/alerts?since=yesterday")"
  [[ "$code" == 400 ]] || { echo "since=yesterday: $code"; return 1; }
}
check "GET /api/alerts?since=yesterday is 400" bad_since

# (2) Hysteresis: 85 is between resolve (80) and threshold (90): nothing changes.
hysteresis() {
  row hyst-1 95 0 3 && row hyst-1 95 && wait_state "$A" cpu_test hyst-1 firing || return 1
  row hyst-1 85 && sleep 1 && wait_state "$A" cpu_test hyst-1 firing 1 || return 1
  expect_states cpu_test hyst-1 "pending firing" || return 1
  row hyst-1 79 && wait_state "$A" cpu_test hyst-1 none
}
check "hysteresis: a value between resolve and threshold keeps a firing alert; below resolve resolves" hysteresis

# (3) Per-VM overrides: big-* fires at 99, not 95; quiet-1 never.
overrides() {
  row big-1 95 0 3 && row big-1 96 && row quiet-1 100 0 3 && row quiet-1 100 && sleep 1.5 || return 1
  [[ "$(states cpu_test big-1)" == "" && "$(states cpu_test quiet-1)" == "" ]] ||
    { echo "fired: big-1 '$(states cpu_test big-1)' quiet-1 '$(states cpu_test quiet-1)'"; return 1; }
  row big-1 99.5 && wait_state "$A" cpu_test big-1 pending || return 1
  local threshold
  threshold="$(api "$A/api/alerts" | jq -r '.active[] | select(.rule == "cpu_test" and .vm == "big-1") | .threshold')"
  [[ "$threshold" == 99 ]] || { echo "threshold $threshold"; return 1; }
  row big-1 96 && sleep 1 && wait_state "$A" cpu_test big-1 pending 1 || return 1
  row big-1 90 && wait_state "$A" cpu_test big-1 none
}
check "per-VM overrides: big-* uses threshold 99/resolve 95, quiet-1 is disabled" overrides

# (4) Silences.
post_silence() { api -o "$WORK/silence.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$2" "$1/api/silences"; }
silence() {
  local code
  code="$(post_silence "$A" '{"vm":"sil-*","minutes":5,"comment":"maintenance"}')"
  [[ "$code" == 201 ]] || { echo "POST: $code $(cat "$WORK/silence.json")"; return 1; }
  row sil-1 10 20 && wait_state "$A" zombies_now sil-1 firing || return 1
  local silenced
  silenced="$(api "$A/api/alerts" | jq -r '.active[] | select(.rule == "zombies_now" and .vm == "sil-1") | .silenced')"
  [[ "$silenced" == true ]] || { echo "silenced: $silenced"; return 1; }
  local hist
  hist="$(sql "SELECT CONCAT(estado,':',silenciada,':',notificar) FROM alertas_historial WHERE regla='zombies_now' AND vm='sil-1'")"
  [[ "$hist" == "firing:1:0" ]] || { echo "history: $hist"; return 1; }
  code="$(api -o /dev/null -w '%{http_code}' -X DELETE "$A/api/silences?vm=sil-*")"
  [[ "$code" == 204 ]] || { echo "DELETE: $code"; return 1; }
  local i
  for i in $(seq 1 20); do
    silenced="$(api "$A/api/alerts" | jq -r '.active[] | select(.rule == "zombies_now" and .vm == "sil-1") | .silenced')"
    [[ "$silenced" == false ]] && break
    sleep 0.2
  done
  [[ "$silenced" == false ]] || { echo "after DELETE silenced: $silenced"; return 1; }
  row sil-1 10 0 && wait_state "$A" zombies_now sil-1 none
}
check "silence: POST 201, alert silenced:true, history silenciada=1 notificar=0, DELETE ?vm= 204" silence
bad_silences() {
  local body code
  for body in '' 'not json' '{}' '{"vm":"a b","minutes":5}' '{"vm":"x","minutes":0}' \
    '{"vm":"x","minutes":43201}' '{"vm":"x","until":"tomorrow"}' '{"vm":"x","minutes":5,"extra":1}'; do
    code="$(post_silence "$A" "$body")"
    [[ "$code" == 400 ]] || { echo "body '$body': $code $(cat "$WORK/silence.json")"; return 1; }
  done
}
check "POST /api/silences with bad bodies is 400" bad_silences
delete_by_id() {
  local code id
  code="$(post_silence "$A" '{"vm":"gone-1","minutes":1}')"
  id="$(jq -r .id "$WORK/silence.json")"
  [[ "$code" == 201 && "$id" =~ ^[0-9]+$ ]] || { echo "POST: $code $(cat "$WORK/silence.json")"; return 1; }
  code="$(api -o /dev/null -w '%{http_code}' -X DELETE "$A/api/silences/$id")"
  [[ "$code" == 204 ]] || { echo "DELETE /$id: $code"; return 1; }
  code="$(api -o /dev/null -w '%{http_code}' -X DELETE "$A/api/silences/$id")"
  [[ "$code" == 404 ]] || { echo "DELETE /$id again: $code"; return 1; }
  [[ "$(sql "SELECT COUNT(*) FROM silencios WHERE id=$id")" == 0 ]]
}
check "DELETE /api/silences/ID: 204, then 404; the row is gone" delete_by_id
# At most 1,000 silences in force (every hub sends them all to every dashboard).
silence_cap() {
  local code
  sql "INSERT INTO silencios (patron, hasta, comentario, creado)
       SELECT 'cap-1', UTC_TIMESTAMP() + INTERVAL 1 HOUR, '', UTC_TIMESTAMP() FROM seq_1_to_1000" || return 1
  code="$(post_silence "$A" '{"vm":"cap-2","minutes":5}')"
  [[ "$code" == 409 && "$(jq -r .error "$WORK/silence.json")" == too_many_silences ]] ||
    { echo "POST over the cap: $code $(cat "$WORK/silence.json")"; return 1; }
  code="$(api -o /dev/null -w '%{http_code}' -X DELETE "$A/api/silences?vm=cap-1")"
  [[ "$code" == 204 ]] || { echo "DELETE ?vm=cap-1: $code"; return 1; }
  code="$(post_silence "$A" '{"vm":"cap-2","minutes":5}')"
  [[ "$code" == 201 ]] || { echo "POST under the cap: $code $(cat "$WORK/silence.json")"; return 1; }
  api -o /dev/null -X DELETE "$A/api/silences?vm=cap-2"
}
check "POST /api/silences over 1,000 in force is 409 too_many_silences" silence_cap

# (5) VM down: within after (2 s) + one poll (200 ms) + the 1 s tick (+ slack), resolved by the next row.
vm_down() {
  row down-1 10 || return 1
  local start=$SECONDS
  wait_state "$A" vm_down down-1 firing 10 || return 1
  local took=$((SECONDS - start))
  ((took <= 5)) || { echo "fired after ${took}s"; return 1; }
  row down-1 10 && wait_state "$A" vm_down down-1 none
}
check "vm_down fires within after + poll + tick and resolves on the next row" vm_down

# (6) WebSocket: the snapshot has `alerts`, a change sends an `alerts` message.
ws_alerts() {
  # shellcheck disable=SC2016 # the single quotes hold JavaScript, not shell
  (
    cd "$ROOT/tests/hub" &&
      HUB="$A" TOKEN="$TOKEN" timeout 20 node -e '
        const WebSocket = require("ws");
        const ws = new WebSocket(process.env.HUB.replace(/^http/, "ws") + "/ws",
          { headers: { Authorization: `Bearer ${process.env.TOKEN}` } });
        ws.on("message", (data) => {
          const m = JSON.parse(data.toString());
          if (m.type === "snapshot") {
            if (!m.alerts || !Array.isArray(m.alerts.active) || !Array.isArray(m.alerts.silences)) {
              console.log("snapshot without alerts"); process.exit(1);
            }
            console.log("ready");
          }
          if (m.type === "alerts" && m.active.some((a) => a.rule === "zombies_now" && a.vm === "ws-1" && a.state === "firing")) {
            console.log("alerts"); process.exit(0);
          }
        });
        ws.on("error", (e) => { console.log(String(e)); process.exit(1); });'
  ) >"$WORK/ws.out" 2>&1 &
  local node=$! i
  for i in $(seq 1 50); do
    grep -q ready "$WORK/ws.out" && break
    sleep 0.2
  done
  grep -q ready "$WORK/ws.out" || { cat "$WORK/ws.out"; kill "$node" 2>/dev/null; return 1; }
  row ws-1 10 20 || return 1
  wait "$node" || { cat "$WORK/ws.out"; return 1; }
  row ws-1 10 0
}
check "WebSocket: the snapshot has alerts; a new firing alert sends an alerts message" ws_alerts

# (7) Restart mid-alert: no second firing row, and it resolves afterwards.
restart() {
  row rst-1 10 20 && wait_state "$A" zombies_now rst-1 firing || return 1
  stop_hub "$A_PID"
  start_hub a || return 1
  A="$HUB_URL"
  A_PID="$HUB_PID"
  wait_evaluator "$A" && wait_state "$A" zombies_now rst-1 firing || return 1
  row rst-1 10 30 && sleep 1.5 || return 1
  expect_states zombies_now rst-1 "firing" || return 1
  row rst-1 10 0 && wait_state "$A" zombies_now rst-1 none || return 1
  expect_states zombies_now rst-1 "firing resolved"
}
check "restart (SIGTERM) while firing: no duplicate firing row, resolves later" restart

# (7b) The first rows after a restart, read before the hub holds the lock, still count.
restart_first_row() {
  row rs2-1 10 20 && wait_state "$A" zombies_now rs2-1 firing || return 1
  stop_hub "$A_PID"
  start_hub a || return 1
  A="$HUB_URL"
  A_PID="$HUB_PID"
  row rs2-1 10 0 && wait_state "$A" zombies_now rs2-1 none || return 1
  expect_states zombies_now rs2-1 "firing resolved"
}
check "restart: a row read before the hub holds the lock is evaluated" restart_first_row

# (8) Two hubs: one evaluator, each change written once, the other takes over.
two_hubs() {
  start_hub b || return 1
  B="$HUB_URL"
  sleep 1.5
  local ea eb
  ea="$(evaluator "$A")" eb="$(evaluator "$B")"
  [[ "$ea" == true && "$eb" == false ]] || { echo "evaluator: a=$ea b=$eb"; return 1; }
  row two-1 10 20 && wait_state "$A" zombies_now two-1 firing && wait_state "$B" zombies_now two-1 firing || return 1
  sleep 1
  expect_states zombies_now two-1 "firing" || return 1
  stop_hub "$A_PID"
  wait_evaluator "$B" || return 1
  row two-1 10 0 && wait_state "$B" zombies_now two-1 none || return 1
  sleep 1
  expect_states zombies_now two-1 "firing resolved"
}
check "two hubs: exactly one evaluator, each change once in history, the other takes over" two_hubs

# (9) Bad rules files: exit 2 with file:line.
bad_rules() {
  local name="$1" line="$2" out rc
  cat >"$WORK/$name.yaml"
  out="$(VMPULSE_DB_URL="$DB_URL" VMPULSE_VIEWER_TOKEN_FILE="$WORK/viewer-token" timeout 10 \
    "$HUB" --listen "127.0.0.1:$(free_port)" --alerts "$WORK/$name.yaml" 2>&1)"
  rc=$?
  [[ $rc -eq 2 && "$out" == *"$name.yaml:$line:"* ]] || { echo "exit $rc: $out"; return 1; }
}
check "unknown metric: exit 2 with the line" bad_rules metric 4 <<'YAML'
rules:
  - name: gpu
    threshold: 5
    metric: porcentaje_gpu
YAML
check "bad duration: exit 2 with the line" bad_rules duration 5 <<'YAML'
rules:
  - name: cpu
    metric: porcentaje_cpu_uso
    threshold: 90
    for: 5x
YAML
check "duplicate rule names: exit 2 with the line" bad_rules duplicate 6 <<'YAML'
rules:
  - name: cpu
    metric: porcentaje_cpu_uso
    threshold: 90
  - metric: porcentaje_ram
    name: cpu
    threshold: 90
YAML

suite_end
