#!/usr/bin/env bash
# Ingest faults, with the real vmpulse-api and a private MariaDB:
#   - bad configuration exits 2 and never prints the password;
#   - one Idempotency-Key sent by many clients at once stores once;
#   - the database stopped under load: 503 + Retry-After at once, readyz false, back
#     within 5 s of its return, and the rows are exactly the records answered 201;
#   - vmpulse-api killed with SIGKILL under load: every record answered 201 is stored,
#     once (clients retry with their Idempotency-Key against the restarted server);
#   - the queue full (database stalled by a table lock): 503 + Retry-After at once for
#     what does not fit, 201 and stored for what was queued.
# timeout: 300
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh

faults="$VMPULSE_ROOT/tests/faults"
api_bin="${VMPULSE_API_BIN:-$VMPULSE_BIN/vmpulse-api}"
work="$(mktemp -d /tmp/vmpulse-faults.XXXXXX)"
api_pid=""
load_pid=""
qf_pid=""

cleanup() {
  [[ -n "$load_pid" ]] && kill "$load_pid" 2>/dev/null
  [[ -n "$api_pid" ]] && kill -KILL "$api_pid" 2>/dev/null
  [[ -n "$qf_pid" ]] && kill -KILL "$qf_pid" 2>/dev/null
  db_stop "$work/db"
  if [[ $_suite_failed -gt 0 ]]; then
    echo "----- vmpulse-api log (last 40 lines) -----"
    tail -n 40 "$work/api.log" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x "$api_bin" ]]; then
  echo "FAIL $api_bin is not built"
  echo "0 passed, 1 failed"
  exit 1
fi

db_port="$(free_port)"
db_start "$work/db" "$db_port" || { echo "0 passed, 1 failed"; exit 1; }
url="$(db_url "$work/db" "$db_port")"
db_migrate "$url" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
token="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
api_port="$(free_port)"
base="http://127.0.0.1:$api_port"

start_api() {
  # Started directly (no wrapper) so that $api_pid is the server itself, for SIGKILL.
  VMPULSE_DB_URL="$url" VMPULSE_TOKEN="$token" "$api_bin" --listen "127.0.0.1:$api_port" >>"$work/api.log" 2>&1 &
  api_pid=$!
  wait_http "$base/readyz" 20
}

rows_of() { db_client "$url" -e "SELECT vm, procesos_durmiendo FROM metricas WHERE vm LIKE '$1-%'"; }

# --- configuration -------------------------------------------------------------------
config_exit() {
  local expected="$1" out rc
  shift
  out="$(env -u VMPULSE_DB_URL -u VMPULSE_TOKEN timeout 10 "$api_bin" "$@" 2>&1)"
  rc=$?
  [[ $rc -eq $expected ]] || { echo "  exit $rc (wanted $expected): $out"; return 1; }
  [[ "$out" != *hunter2* ]] || { echo "  the password was printed: $out"; return 1; }
}
check "no database URL exits 2" config_exit 2 --token t
check "a bad listen address exits 2" config_exit 2 --db "mysql://u:hunter2@127.0.0.1:1/db" --token t --listen nowhere
check "a bad database URL exits 2 without printing the password" \
  config_exit 2 --db "mysql://u:hunter2@127.0.0.1:port/db" --token t
check "--writers 0 exits 2" config_exit 2 --db "mysql://u:hunter2@127.0.0.1:1/db" --token t --writers 0

check "vmpulse-api becomes ready" start_api

# --- one key, many concurrent senders --------------------------------------------------
same_key() {
  local out count
  out="$(timeout 60 python3 "$faults/same_key.py" "$base/api/metrics" "$token" "dup-key-1" "dupkey-vm" 16 5)"
  echo "  $out"
  [[ "$out" == "stored=1 replayed=15 other=0 stored_counts=[5]" ]] || return 1
  count="$(db_client "$url" -e "SELECT COUNT(*) FROM metricas WHERE vm = 'dupkey-vm'")"
  [[ "$count" == 5 ]] || { echo "  $count rows stored, wanted 5"; return 1; }
}
check "one Idempotency-Key from 16 concurrent clients stores once, the rest replay" same_key

# --- the database stopped under load -----------------------------------------------------
timeout 120 python3 "$faults/loadgen.py" --url "$base/api/metrics" --token "$token" --prefix outage \
  --clients 8 --batch 3 --duration 10 --drain 30 --out "$work/outage.json" >"$work/outage.out" 2>&1 &
load_pid=$!
sleep 3
db_stop "$work/db"
down_at="$(date +%s.%N)"
sleep 0.5

answer_503_now() {
  local headers code
  headers="$(curl -s -o "$work/503.body" -D - --max-time 3 -X POST -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    --data '{"vm":"probe","total_ram":1,"ram_libre":1,"uso_ram":0,"porcentaje_ram":0,"porcentaje_cpu_uso":0,"porcentaje_cpu_libre":100,"procesos_corriendo":0,"procesos_durmiendo":0,"procesos_zombie":0,"procesos_parados":0,"total_procesos":0,"hora":"2026-11-26 10:00:00"}' \
    "$base/metrics" 2>/dev/null)"
  code="$(sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p' <<<"$headers" | head -n1)"
  [[ "$code" == 503 ]] || { echo "  answered $code"; return 1; }
  grep -qi '^Retry-After: [0-9]' <<<"$headers" || { echo "  no Retry-After"; return 1; }
  grep -q '"error":"database_unavailable"' "$work/503.body" || { echo "  body: $(cat "$work/503.body")"; return 1; }
}
check "while the database is down a POST is answered 503 with Retry-After within 3 s" answer_503_now
readyz_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base/readyz"; }
check "while the database is down /readyz is 503" test "$(readyz_code)" = 503
check "while the database is down /livez is 200" test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base/livez")" = 200
sleep 2
restart_at="$(date +%s.%N)"
db_start "$work/db" "$db_port" &
db_start_pid=$!
# "Returned" is when it accepts connections, which is before db_start finishes.
for _ in $(seq 1 600); do
  db_ping "$work/db" && break
  sleep 0.05
done
up_at="$(date +%s.%N)"
wait "$db_start_pid"
ready_again() { wait_http "$base/readyz" 5; }
check "/readyz is 200 again within 5 s of the database's return" ready_again
wait "$load_pid"
load_pid=""
cat "$work/outage.out"
check "database outage: 503 during it, none 201, recovery within 5 s" \
  python3 "$faults/judge.py" outage "$work/outage.json" "$down_at" "$restart_at" "$up_at"
rows_of outage >"$work/outage.rows"
check "database outage: stored rows are exactly the records answered 201" \
  python3 "$faults/judge.py" reconcile "$work/outage.json" "$work/outage.rows"

# --- vmpulse-api killed under load --------------------------------------------------------
timeout 120 python3 "$faults/loadgen.py" --url "$base/api/cpp/metrics" --token "$token" --prefix killed \
  --clients 16 --batch 1 --duration 8 --drain 30 --out "$work/killed.json" >"$work/killed.out" 2>&1 &
load_pid=$!
sleep 3
killed_at="$(date +%s.%N)"
kill -KILL "$api_pid"
wait "$api_pid" 2>/dev/null
check "vmpulse-api restarts after SIGKILL" start_api
cut_off() {
  # The kill must have cut requests off, or this part tested nothing.
  python3 - "$work/killed.json" "$killed_at" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["events"]
cut = [e for e in events if e[1] == 0]
print(f"  {len(cut)} requests cut off by the kill or refused during the restart")
sys.exit(0 if cut else 1)
PY
}
wait "$load_pid"
load_pid=""
cat "$work/killed.out"
check "SIGKILL under load cut requests off" cut_off
rows_of killed >"$work/killed.rows"
check "SIGKILL under load: stored rows are exactly the records answered 201" \
  python3 "$faults/judge.py" reconcile "$work/killed.json" "$work/killed.rows"

# --- the queue full ----------------------------------------------------------------------
# A second route with the smallest queue and one writer; a table lock stalls its INSERT.
qf_port="$(free_port)"
VMPULSE_DB_URL="$url" VMPULSE_TOKEN="$token" "$api_bin" --listen "127.0.0.1:$qf_port" \
  --writers 1 --queue-records 1000 >>"$work/api-qf.log" 2>&1 &
qf_pid=$!
check "a route with --queue-records 1000 becomes ready" wait_http "http://127.0.0.1:$qf_port/readyz" 20
queue_full() {
  local lock_pid out line
  db_client "$url" -e "LOCK TABLES metricas WRITE; SELECT SLEEP(3); UNLOCK TABLES;" >/dev/null &
  lock_pid=$!
  sleep 0.3
  out="$(timeout 30 python3 "$faults/queue_full.py" "http://127.0.0.1:$qf_port/api/metrics" "$token" qfull)"
  wait "$lock_pid"
  while IFS= read -r line; do echo "  $line"; done <<<"$out"
  # A and B stored after the lock; C refused at once, with Retry-After, as JSON.
  grep -q '^a 201 ' <<<"$out" && grep -q '^b 201 ' <<<"$out" || return 1
  awk '$1 == "c" && $2 == 503 && $3 < 1.5 && $4 ~ /^[0-9]+$/ && $5 == "database_unavailable:ingest_queue_full" { ok = 1 } END { exit !ok }' <<<"$out"
}
check "queue full: a batch beyond --queue-records is answered 503 + Retry-After at once, the queued ones 201" queue_full
queue_full_rows() {
  local counts
  counts="$(db_client "$url" -e "SELECT vm, COUNT(*) FROM metricas WHERE vm LIKE 'qfull-%' GROUP BY vm ORDER BY vm" | tr '\t\n' ': ')"
  echo "  $counts"
  [[ "$counts" == "qfull-a:1000 qfull-b:1000 " ]]
}
check "queue full: exactly the two batches answered 201 are stored, none of the refused one" queue_full_rows
kill "$qf_pid" 2>/dev/null
wait "$qf_pid" 2>/dev/null
qf_pid=""

counter_matches() {
  local counted rows
  counted="$(db_client "$url" -e "SELECT total FROM metricas_por_api WHERE api = 'cpp'")"
  rows="$(db_client "$url" -e "SELECT COUNT(*) FROM metricas WHERE api = 'cpp'")"
  echo "  metricas_por_api says $counted, metricas holds $rows"
  [[ -n "$counted" && "$counted" == "$rows" ]]
}
check "metricas_por_api counts exactly the rows stored (same transaction)" counter_matches

suite_end
