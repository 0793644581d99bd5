#!/usr/bin/env bash
# Alert notifications end to end (docs/alerts.md, "Notifications"): a private MariaDB,
# real hubs, a webhook receiver that fails its first attempts, and Debian's
# prometheus-alertmanager with a webhook receiver of its own behind it. The changes are
# written into the outbox (alertas_historial, alertas) with SQL as the alert service
# writes them. Every change arrives in order despite failures, in Alertmanager's webhook
# v4 shape; a hub restarted mid-way sends no duplicate and misses none; two hubs deliver
# once; Alertmanager holds the firing alerts (its API), notifies its receiver, and gets
# what waited while it was down; an https receiver is verified against --alert-ca-file.
# timeout: 420
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=tests/lib/db_suite.sh
source "$ROOT/tests/lib/db_suite.sh"
# shellcheck source=scripts/lib/tls.sh
source "$ROOT/scripts/lib/tls.sh"

HUB="${VMPULSE_HUB_BIN:-$VMPULSE_BIN/vmpulse-hub}"
[[ -x "$HUB" ]] || { echo "no $HUB (build first)"; echo "0 passed, 1 failed"; exit 1; }
ALERTMANAGER="$(command -v prometheus-alertmanager || echo /usr/bin/prometheus-alertmanager)"
[[ -x "$ALERTMANAGER" ]] || { echo "no prometheus-alertmanager (scripts/packages/test-tools.apt)"; echo "0 passed, 1 failed"; exit 1; }

db_suite_start alert-delivery
db_grant_roles "$WORK/db" || { echo "0 passed, 1 failed"; exit 1; }
# The hubs connect as the hub's database user: its grants are part of what is tested.
HUB_DB_URL="$(db_role_url "$WORK/db" "$DB_PORT" hub)"
sql() { db_sql "$WORK/db" "USE $VMPULSE_DB_NAME; $1"; }
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$WORK/viewer-token")

# The webhook receiver fails its first 4 POSTs and takes 0.15 s over each answer; the
# query is the URL's secret, which must show in no log.
SECRET="s3cr3t$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
HOOK_PORT="$(free_port)"
python3 "$ROOT/tests/alert-delivery/receiver.py" "$HOOK_PORT" "$WORK/hook.jsonl" 4 0.15 &
PIDS+=($!)
HOOK_URL="http://127.0.0.1:$HOOK_PORT/hook?token=$SECRET"
AM_HOOK_PORT="$(free_port)"
python3 "$ROOT/tests/alert-delivery/receiver.py" "$AM_HOOK_PORT" "$WORK/am-hook.jsonl" &
PIDS+=($!)

AM_PORT="$(free_port)"
mkdir -p "$WORK/am"
cat >"$WORK/am/alertmanager.yml" <<YAML
route:
  receiver: hook
  group_by: [alertname, vm]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$AM_HOOK_PORT/am
        send_resolved: true
YAML
start_alertmanager() {
  "$ALERTMANAGER" --config.file="$WORK/am/alertmanager.yml" --storage.path="$WORK/am/data" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
    >>"$WORK/alertmanager.log" 2>&1 &
  AM_PID=$!
  PIDS+=("$AM_PID")
}
start_alertmanager
AM_URL="http://127.0.0.1:$AM_PORT"
check "prometheus-alertmanager becomes ready" wait_http "$AM_URL/-/ready" 30

# start_hub NAME ARGS...: a hub on a free port with both destinations; sets HUB_PID and
# HUB_URL.
start_hub() {
  local name="$1" port
  shift
  port="$(free_port)"
  VMPULSE_DB_URL="$HUB_DB_URL" VMPULSE_VIEWER_TOKEN_FILE="$WORK/viewer-token" \
    VMPULSE_ALERT_WEBHOOK="$HOOK_URL" VMPULSE_ALERTMANAGER_URL="$AM_URL" \
    "$HUB" --listen "127.0.0.1:$port" --alertmanager-resend 2s "$@" >>"$WORK/$name.log" 2>&1 &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  HUB_URL="http://127.0.0.1:$port"
  wait_http "$HUB_URL/readyz" 30
}
# stop_hub PID: SIGTERM, and the hub's exit status (0: stopped in good order).
stop_hub() { kill -TERM "$1" && wait "$1" 2>/dev/null; }

# change TAG RULE VM STATE [NOTIFY]: one history row as the alert service writes it; TAG
# goes into resumen, so each delivery names the row it came from.
change() {
  local tag="$1" rule="$2" vm="$3" state="$4" notify="${5:-TRUE}" from="NULL"
  [[ "$state" == resolved ]] && from="'firing'"
  sql "INSERT INTO alertas_historial (regla, vm, severidad, estado, anterior, valor, umbral,
         desde, hora, huella, resumen, silenciada, notificar)
       VALUES ('$rule', '$vm', 'warning', '$state', $from, 95.5, 90,
         UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, UTC_TIMESTAMP(3),
         LEFT(SHA2(CONCAT('$rule', '/', '$vm'), 256), 16), '$tag', FALSE, $notify)"
}
# tags FILE: the resumen of every delivery in FILE, in arrival order, one a line.
tags() {
  python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    for alert in json.loads(line)["body"].get("alerts", []):
        print(alert["annotations"]["summary"])' "$1"
}
# wait_tags FILE EXPECTED SECONDS: until FILE's tags (space separated) are EXPECTED.
wait_tags() {
  local deadline=$((SECONDS + $3)) got
  while ((SECONDS < deadline)); do
    got="$(tags "$1" | tr '\n' ' ' | sed 's/ $//')"
    [[ "$got" == "$2" ]] && return 0
    sleep 0.2
  done
  echo "expected [$2], got [$got]"
  return 1
}

# Changes from before a destination was first seen are history, not news.
change old cpu_high web-0 firing
check "hub A (a webhook and an Alertmanager) becomes ready" start_hub a
HUB_A="$HUB_PID"
sleep 1.5

change t1 cpu_high web-1 firing
change t2 cpu_high web-1 pending FALSE
change t2s cpu_high web-9 firing FALSE  # silenced: history only
change t3 vm_down web-2 firing
sql "INSERT INTO alertas (regla, vm, severidad, estado, valor, umbral, desde, cambio, huella, resumen)
     VALUES ('vm_down', 'web-2', 'warning', 'firing', NULL, NULL, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE,
       UTC_TIMESTAMP(3), LEFT(SHA2('vm_down/web-2', 256), 16), 't3'),
       ('cpu_high', 'web-9', 'warning', 'firing', 95.5, 90, UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE,
       UTC_TIMESTAMP(3), LEFT(SHA2('cpu_high/web-9', 256), 16), 't2s')"
sql "UPDATE alertas SET silenciada = TRUE WHERE vm = 'web-9'"
change t4 cpu_high web-1 resolved
# 4 failures at 1, 2, 4, 8 s of back-off: about 15 s before the first one gets through.
check "every notifiable change arrives, in order, despite 4 failed attempts" \
  wait_tags "$WORK/hook.jsonl" "t1 t3 t4" 40
check "the receiver answered 500 four times first" test "$(cat "$WORK/hook.jsonl.failed" 2>/dev/null)" = 4

shape() {
  python3 - "$WORK/hook.jsonl" "$SECRET" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
first, last = lines[0], lines[-1]
assert first["path"] == "/hook?token=" + sys.argv[2], first["path"]
body = first["body"]
for key in ("version", "groupKey", "status", "receiver", "groupLabels", "commonLabels",
            "commonAnnotations", "externalURL", "alerts", "truncatedAlerts"):
    assert key in body, key
assert body["version"] == "4" and body["status"] == "firing", body
alert = body["alerts"][0]
assert alert["labels"] == {"alertname": "cpu_high", "vm": "web-1", "severity": "warning"}, alert
assert alert["annotations"]["value"] == "95.5" and alert["annotations"]["threshold"] == "90", alert
assert alert["endsAt"] == "0001-01-01T00:00:00Z", alert
assert len(alert["fingerprint"]) == 16, alert
assert alert["startsAt"].endswith("Z"), alert
res = last["body"]
assert res["status"] == "resolved" and res["alerts"][0]["status"] == "resolved", res
assert res["alerts"][0]["fingerprint"] == alert["fingerprint"], res
assert res["alerts"][0]["endsAt"] > res["alerts"][0]["startsAt"], res
PY
}
check "the webhook gets Alertmanager's v4 shape, the URL's query, a stable fingerprint" shape

cursor_is_last() {
  local key last cursor
  key="$(printf '%s' "$HOOK_URL" | sha256sum | cut -d' ' -f1)"
  last="$(sql "SELECT MAX(id) FROM alertas_historial WHERE notificar")"
  cursor="$(sql "SELECT ultimo_id FROM alertas_envios WHERE destino = '$key'")"
  [[ -n "$cursor" && "$cursor" == "$last" ]] || { echo "cursor [$cursor], last [$last]"; return 1; }
}
check "the webhook's cursor (keyed by the URL's SHA-256) is at the last change" cursor_is_last

# Alertmanager: the firing vm_down of alertas (re-sent every 2 s), not the resolved one,
# not the silenced one. By now (the webhook's back-off took ~15 s) the first POST's
# endsAt (4 re-sends, 8 s) has passed: it is still active only through the re-sends.
am_has() {
  local deadline=$((SECONDS + 20)) out
  while ((SECONDS < deadline)); do
    out="$(curl -fsS "$AM_URL/api/v2/alerts?active=true" 2>/dev/null)"
    if python3 -c '
import json, sys
alerts = json.loads(sys.argv[1])
names = sorted((a["labels"]["alertname"], a["labels"]["vm"]) for a in alerts)
sys.exit(0 if names == [("vm_down", "web-2")] else 1)' "$out"; then
      return 0
    fi
    sleep 0.5
  done
  echo "alertmanager has: $out"
  return 1
}
check "Alertmanager's API lists the firing alert, not the resolved or the silenced one" am_has
check "Alertmanager notified its own webhook receiver of vm_down web-2" bash -c "
  for i in \$(seq 1 40); do grep -q '\"vm\": \"web-2\"' '$WORK/am-hook.jsonl' && exit 0; sleep 0.5; done; exit 1"
am_resolved() {
  local deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    body = json.loads(line)["body"]
    if body.get("status") == "resolved" and any(
        a["labels"].get("vm") == "web-1" for a in body.get("alerts", [])):
        sys.exit(0)
sys.exit(1)' "$WORK/am-hook.jsonl" && return 0
    sleep 0.5
  done
  return 1
}
check "Alertmanager got cpu_high web-1 firing then resolved (its receiver saw the resolve)" am_resolved

# Restart mid-way: changes written while the hub is down arrive once it is back, and
# nothing delivered before comes again.
check "hub A stops on SIGTERM with exit status 0" stop_hub "$HUB_A"
change t5 cpu_high web-3 firing
change t6 cpu_high web-3 resolved
check "hub A restarted becomes ready" start_hub a
HUB_A="$HUB_PID"
check "after a restart: the changes made meanwhile, no duplicate" \
  wait_tags "$WORK/hook.jsonl" "t1 t3 t4 t5 t6" 15

# A restart in the middle of a delivery burst: stopped while the slow receiver has
# taken some of the burst and not all.
for i in 7 8 9 10 11 12; do change "t$i" cpu_high "web-$i" firing; done
for _ in $(seq 1 100); do
  (($(tags "$WORK/hook.jsonl" | wc -l) >= 6)) && break
  sleep 0.05
done
check "hub A stops mid-burst with exit status 0" stop_hub "$HUB_A"
MIDWAY="$(tags "$WORK/hook.jsonl" | wc -l)"
check "the hub stopped mid-burst ($MIDWAY of 11 delivered)" test "$MIDWAY" -gt 5 -a "$MIDWAY" -lt 11
for i in 13 14; do change "t$i" cpu_high "web-$i" firing; done
check "hub A restarted again becomes ready" start_hub a
HUB_A="$HUB_PID"
check "a restart during a burst: every change once, in order" \
  wait_tags "$WORK/hook.jsonl" "t1 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14" 15

# Two hubs: one holds the delivery lock; each change arrives once. Then the holder
# stops and the other takes over.
check "hub B (same destinations) becomes ready" start_hub b
HUB_B_URL="$HUB_URL"
sleep 1.5
for i in 15 16 17 18; do change "t$i" cpu_high "web-$i" firing; done
check "two hubs: every change once" \
  wait_tags "$WORK/hook.jsonl" "t1 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 t17 t18" 15
one_delivering() { [[ "$(grep -c 'delivering to' "$WORK/b.log")" == 0 ]]; }
check "only the first hub took the delivery lock" one_delivering
# notifier_stats URL DELIVERING MIN_SENT: /api/stats's alert counters.
notifier_stats() {
  local out
  out="$(curl -fsS -H "Authorization: Bearer $(cat "$WORK/viewer-token")" "$1/api/stats")" || return 1
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])
ok = s["alerts_delivering"] == (sys.argv[2] == "true") and s["alerts_sent"] >= int(sys.argv[3])
sys.exit(0 if ok else 1)' "$out" "$2" "$3" || { echo "$out"; return 1; }
}
check "hub B's /api/stats: not delivering while A holds the lock" notifier_stats "$HUB_B_URL" false 0
stop_hub "$HUB_A"
change t19 cpu_high web-19 resolved
check "the holder stopped: the other hub takes over, once" \
  wait_tags "$WORK/hook.jsonl" "t1 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 t17 t18 t19" 15
# The receiver writes the change down before it answers, and the hub counts it as sent
# only once the answer is back, so the counters may lag the file by a moment.
notifier_stats_within() { # SECONDS URL DELIVERING MIN_SENT
  local end=$((SECONDS + $1))
  until notifier_stats "$2" "$3" "$4" >/dev/null; do
    ((SECONDS < end)) || { notifier_stats "$2" "$3" "$4"; return 1; }
    sleep 0.2
  done
}
check "hub B's /api/stats: delivering, sent to the webhook" notifier_stats_within 5 "$HUB_B_URL" true 1

# HTTPS: a receiver with a certificate of a private CA gets the changes when the hub
# trusts that CA (--alert-ca-file), and nothing when it does not (the system's CAs).
stop_hub "$HUB_PID"
tls_ensure "$WORK/tls"
TLS_PORT="$(free_port)"
RECEIVER_CERT="$WORK/tls/server.pem" RECEIVER_KEY="$WORK/tls/server.key" \
  python3 "$ROOT/tests/alert-delivery/receiver.py" "$TLS_PORT" "$WORK/tls.jsonl" &
PIDS+=($!)
TLS_URL="https://127.0.0.1:$TLS_PORT/tls"
check "hub (an https webhook, --alert-ca-file) becomes ready" \
  start_hub tls --alert-webhook "$TLS_URL" --alert-ca-file "$WORK/tls/ca.pem"
sleep 1.5
change t20 cpu_high web-20 firing
check "https with the receiver's CA trusted: delivered" wait_tags "$WORK/tls.jsonl" "t20" 15
stop_hub "$HUB_PID"
check "hub (the same https webhook, the system's CAs) becomes ready" \
  start_hub untrusted --alert-webhook "$TLS_URL"
change t21 cpu_high web-21 firing
untrusted_refused() {
  local i
  for i in $(seq 1 40); do
    grep -q 'certificate verify failed' "$WORK/untrusted.log" && break
    sleep 0.25
  done
  grep -q 'certificate verify failed' "$WORK/untrusted.log" || { tail -3 "$WORK/untrusted.log"; return 1; }
  [[ "$(tags "$WORK/tls.jsonl" | tr '\n' ' ')" == "t20 " ]]
}
check "https with an untrusted certificate: refused, logged, not delivered" untrusted_refused
stop_hub "$HUB_PID"

# Alertmanager down: the change waits, retried with back-off (the re-send of alertas
# comes first and fails first), and arrives once it is up; only the outbox has t22.
kill -TERM "$AM_PID" && wait "$AM_PID" 2>/dev/null
check "hub (Alertmanager down) becomes ready" start_hub am-down
change t22 cpu_high web-22 firing
am_retried() {
  local i
  for i in $(seq 1 40); do
    grep -Eq "http://127.0.0.1:$AM_PORT #[0-9a-f]{8}: (history id|re-send of) [^:]*: connect to .*; retry in" \
      "$WORK/am-down.log" && return 0
    sleep 0.25
  done
  tail -3 "$WORK/am-down.log"
  return 1
}
check "Alertmanager down: the POST fails and is logged for a retry" am_retried
start_alertmanager
am_got_t22() {
  local deadline=$((SECONDS + 30)) out
  while ((SECONDS < deadline)); do
    out="$(curl -fsS "$AM_URL/api/v2/alerts?active=true" 2>/dev/null)"
    [[ "$out" == *'"vm":"web-22"'* ]] && return 0
    sleep 0.5
  done
  echo "alertmanager has: $out"
  return 1
}
check "Alertmanager back: the change that waited arrives" am_got_t22
stop_hub "$HUB_PID"

no_secret() { ! grep -qF "$SECRET" "$WORK"/*.log; }
check "the webhook URL's secret is in no hub log" no_secret
check "the hub logged the failed attempts, redacted" grep -q 'http://127.0.0.1:[0-9]*/… #[0-9a-f]\{8\}: history id [0-9]*: HTTP 500' "$WORK/a.log"

# End to end: rows in metricas as the ingest routes write them → the hub's rules
# (tests/alerts/short.yaml: zombies_now fires at once at >= 10, resolves below 5) → the
# outbox → a webhook: firing, then resolved, each once.
E2E_PORT="$(free_port)"
python3 "$ROOT/tests/alert-delivery/receiver.py" "$E2E_PORT" "$WORK/e2e.jsonl" &
PIDS+=($!)
e2e_row() {
  sql "START TRANSACTION;
    INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,
      porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,
      procesos_parados,hora,api)
    VALUES ('e2e-1',8000,4000,4000,50,10,90,1,100,99-$1,$1,0,UTC_TIMESTAMP(),'cpp');
    INSERT INTO metricas_por_api (api,total) VALUES ('cpp',1) ON DUPLICATE KEY UPDATE total = total + 1;
    COMMIT"
}
# e2e_seen EXPECTED: until the receiver has e2e-1's zombies_now as EXPECTED ("firing resolved").
e2e_seen() {
  local deadline=$((SECONDS + 15)) got
  while ((SECONDS < deadline)); do
    got="$(python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    for a in json.loads(line)["body"].get("alerts", []):
        if a["labels"].get("alertname") == "zombies_now" and a["labels"].get("vm") == "e2e-1":
            print(a["status"])' "$WORK/e2e.jsonl" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
    [[ "$got" == "$1" ]] && return 0
    sleep 0.2
  done
  echo "expected [$1], got [$got]"
  return 1
}
check "hub (rules from tests/alerts/short.yaml and a webhook) becomes ready" \
  start_hub e2e --alerts "$ROOT/tests/alerts/short.yaml" --poll 200ms \
  --alert-webhook "http://127.0.0.1:$E2E_PORT/e2e"
e2e_row 20
check "a row in metricas over a rule's threshold reaches the webhook as firing" e2e_seen "firing"
e2e_row 0
check "the next row under the resolve threshold reaches it as resolved, each once" \
  e2e_seen "firing resolved"
stop_hub "$HUB_PID"

# Bad destinations: exit 2 with a message that names the option and hides the secret.
bad_args() {
  local out rc
  out="$(VMPULSE_DB_URL="$HUB_DB_URL" VMPULSE_VIEWER_TOKEN_FILE="$WORK/viewer-token" timeout 10 "$HUB" "$@" 2>&1)"
  rc=$?
  [[ $rc -eq 2 && "$out" == *"$1"* && "$out" != *"$SECRET"* ]] || { echo "exit $rc: $out"; return 1; }
}
check "--alert-webhook http:// to another host: exit 2" bad_args --alert-webhook "http://hooks.example/$SECRET"
check "--alertmanager with a query: exit 2" bad_args --alertmanager "https://am.example/?k=$SECRET"
check "--alertmanager-resend 0s: exit 2" bad_args --alertmanager-resend 0s
check "--alert-ca-file missing: exit 2" bad_args --alert-ca-file "$WORK/none.pem"

suite_end
