#!/usr/bin/env bash
# Agent push mode against the real stack: both ingest routes down for 30 s (and the
# agent itself restarted in the middle of the outage), then back → every sample of
# that time is stored exactly once (its spool survived the outage and the restart).
# timeout: 400
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"

OUT="${VMPULSE_TEST_OUTPUT:-$ROOT/test-output}/push"
rm -rf "$OUT" && mkdir -p "$OUT"
stack_env "$OUT"
export VMPULSE_AGENT_PUSH=1
# shellcheck source=scripts/lib/services.sh
source "$ROOT/scripts/lib/services.sh"
svc_load

cleanup() { "$ROOT/vmpulse" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

up_ok() { "$ROOT/vmpulse" up >"$OUT/up.log" 2>&1 || { tail -n 30 "$OUT/up.log"; return 1; }; }
check "./vmpulse up with the agent pushing" up_ok
URL="$(local_db_url)"
VM="$(curl -fsS "http://127.0.0.1:$VMPULSE_AGENT_PORT/metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["vm"])')"
sql() { db_client "$URL" -e "$1"; }
now_utc() { date -u '+%Y-%m-%d %H:%M:%S'; }

wait_rows_since() { # wait until a row of $VM with hora >= $1 is stored
  local deadline=$((SECONDS + ${2:-60}))
  while ((SECONDS < deadline)); do
    [[ "$(sql "SELECT COUNT(*) FROM metricas WHERE vm='$VM' AND hora >= '$1'")" -gt 0 ]] && return 0
    sleep 0.5
  done
  return 1
}
t_start="$(now_utc)"
check "the agent's own samples reach the database through the split" wait_rows_since "$t_start" 30

t0="$(now_utc)"
svc_stop api && svc_stop node-api
echo "ingest down at $t0"
sleep 15
t_agent_stop="$(now_utc)"
svc_stop agent
svc_agent_start && svc_wait agent 30
t_agent_back="$(now_utc)"
sleep 15
svc_api_start && svc_wait api 30
svc_node_api_start && svc_wait node-api 30
t_end="$(now_utc)"
echo "ingest back at $t_end (agent restarted $t_agent_stop → $t_agent_back)"
check "samples taken during the outage arrive after it" wait_rows_since "$t_end" 90
sleep 3 # let the last spooled batch commit

count() { sql "SELECT COUNT(*) FROM metricas WHERE vm='$VM' AND hora >= '$1' AND hora < '$2'"; }
distinct() { sql "SELECT COUNT(DISTINCT hora) FROM metricas WHERE vm='$VM' AND hora >= '$1' AND hora < '$2'"; }
secs() { echo $(($(date -ud "$2" +%s) - $(date -ud "$1" +%s))); }
n1="$(count "$t0" "$t_agent_stop")" s1="$(secs "$t0" "$t_agent_stop")"
n2="$(count "$t_agent_back" "$t_end")" s2="$(secs "$t_agent_back" "$t_end")"
echo "before the agent restart: $n1 rows in $s1 s; after it: $n2 rows in $s2 s"
check "nothing stored twice (one row per sample time)" test "$(count "$t0" "$t_end")" -eq "$(distinct "$t0" "$t_end")"
check "samples before the agent restart survived it in the spool ($n1 of ~$s1)" test "$n1" -ge $((s1 - 2))
check "samples after the agent restart stored ($n2 of ~$s2)" test "$n2" -ge $((s2 - 2))
suite_end
