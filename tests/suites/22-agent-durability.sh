#!/usr/bin/env bash
# The agent's journal and live push, with the real agent and the fake ingest: the agent
# is SIGKILLed twice (once with samples only in its journal while the ingest is down,
# once while pushing live) and restarted on the same spool. Every sample taken is stored
# exactly once (no duplicate hora, no key stored twice), and the only missing seconds
# are those when no agent was running. While the ingest keeps up, each sample goes in a
# request of its own, soon after it was taken (generous bounds: bench/agent/latency.sh
# measures the delay).
# timeout: 150
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"

AGENT="$VMPULSE_BIN/vmpulse-agent"
FAKE_INGEST="$ROOT/agent/tests/fake_ingest/fake_ingest.py"
OUT="${VMPULSE_TEST_OUTPUT:-$ROOT/test-output}/agent-durability"
rm -rf "$OUT" && mkdir -p "$OUT"
[[ -x "$AGENT" ]] || die "no $AGENT: build first (./vmpulse build)"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null
  done
}
trap cleanup EXIT

SPOOL="$OUT/spool"
SUMMARY="$OUT/ingest.json"
EVENTS="$OUT/events" # "start|kill|stop <epoch seconds>" for each agent run
INGEST_PORT="$(free_port)"
now() { date +%s.%N; }

# run_agent LOG ARGS...: starts the agent on the shared spool; sets PID, PORT.
run_agent() {
  local log="$1"
  shift
  PORT="$(free_port)"
  # Each run starts in a later wall second than the last sample of the one before: hora
  # has whole seconds and a run samples as it starts, so a restart within the second of
  # a kill stamps a second, real sample with the same hora, which the duplicate check
  # below would take for one sample stored twice (seen: killed at .066, restarted at .394).
  sleep "$(awk -v t="$(now)" 'BEGIN { printf "%.3f", 1.02 - (t - int(t)) }')"
  echo "start $(now)" >>"$EVENTS"
  "$AGENT" --listen "127.0.0.1:$PORT" --interval 1s --vm durable-vm \
    --push "http://127.0.0.1:$INGEST_PORT/api/metrics" --token test-token --spool "$SPOOL" \
    "$@" >"$log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  wait_http "http://127.0.0.1:$PORT/readyz" 15
}
# end_agent SIGNAL: signals the running agent and waits for it (bounded).
end_agent() {
  kill -"$1" "$PID" 2>/dev/null
  echo "$([[ $1 == KILL ]] && echo kill || echo stop) $(now)" >>"$EVENTS"
  timeout 15 tail --pid="$PID" -f /dev/null
  wait "$PID" 2>/dev/null
}

# 1. The ingest is not listening yet; a long --push-interval keeps every sample in the
#    journal only (nothing is sealed into the spool); then SIGKILL.
run_agent "$OUT/run-1.log" --push-interval 60s || true
sleep 5
end_agent KILL
check "run 1: nothing sealed into the spool before the kill" \
  bash -c "! ls '$SPOOL' | grep -q '\\.batch\$'"
check "run 1: the journal holds the samples" test -s "$SPOOL/samples.journal"

# The ingest comes up, and loses every 5th answer (stored, but the agent never hears).
python3 "$FAKE_INGEST" "$INGEST_PORT" "$SUMMARY" --lose-every 5 >"$OUT/ingest.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do [[ -f "$SUMMARY" ]] && break; sleep 0.1; done

# 2. Restarted: the journal's samples are sent again, each alone under its own key;
#    SIGKILL while pushing live.
run_agent "$OUT/run-2.log" --push-interval 2s || true
recovered="$(sed -n 's/.*journal .*: \([0-9]*\) samples of an earlier run to send again.*/\1/p' "$OUT/run-2.log")"
check "run 2: the samples of run 1 were found in the journal (${recovered:-0})" test "${recovered:-0}" -ge 3
sleep 8
end_agent KILL
sleep 3

# 3. Restarted once more; live for a while; a clean stop.
run_agent "$OUT/run-3.log" --push-interval 2s || true
sleep 8
end_agent TERM
check "run 3: stopped cleanly" test $? -eq 0
kill "${PIDS[1]}" 2>/dev/null # the ingest: its summary is complete
sleep 0.5

python3 - "$SUMMARY" "$EVENTS" "$OUT/result" <<'PY'
import calendar, collections, json, sys, time
summary = json.load(open(sys.argv[1]))
events = [line.split() for line in open(sys.argv[2])]
def epoch(hora):
    return calendar.timegm(time.strptime(hora, "%Y-%m-%d %H:%M:%S"))
horas = collections.Counter()
for batch in summary["batches"].values():
    for hora in batch["horas"]:
        horas[epoch(hora)] += 1
stored = sorted(horas)
duplicates = sum(n - 1 for n in horas.values())
# Dead windows: from one second before a kill to two seconds after the next start.
dead, last_kill = [], None
for kind, at in events:
    at = float(at)
    if kind == "kill":
        last_kill = at
    elif kind == "start" and last_kill is not None:
        dead.append((last_kill - 1, at + 2))
        last_kill = None
missing = [s for s in range(stored[0], stored[-1] + 1) if s not in horas] if stored else []
unexplained = [s for s in missing if not any(a <= s <= b for a, b in dead)]
starts = [float(at) for kind, at in events if kind == "start"]
run3 = [b for b in summary["batches"].values() if b["horas"] and epoch(b["horas"][0]) >= starts[-1] + 2]
single = sum(1 for b in run3 if b["records"] == 1)
prompt = sum(1 for b in run3 if b["records"] == 1 and b["at"] - epoch(b["horas"][0]) <= 2.5)
with open(sys.argv[3], "w") as out:
    print(f"stored={len(stored)} duplicates={duplicates} missing={len(missing)} "
          f"unexplained={len(unexplained)} replays={summary['replayed']} lost={summary['lost']} "
          f"bad={len(summary['bad_requests'])} run3_requests={len(run3)} run3_single={single} "
          f"run3_prompt={prompt}", file=out)
    print("missing seconds:", missing, "dead windows:", dead, "unexplained:", unexplained, file=out)
PY
cat "$OUT/result"
val() { sed -n "1s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$OUT/result"; }
check "samples were stored ($(val stored))" test "$(val stored)" -ge 20
check "no sample stored twice ($(val duplicates) duplicate horas)" test "$(val duplicates)" -eq 0
check "no gap beyond the seconds no agent ran ($(val unexplained) unexplained missing seconds)" \
  test "$(val unexplained)" -eq 0
check "answers were lost and retried under the same key (no double store above)" \
  test "$(val lost)" -ge 1 -a "$(val replays)" -ge 1
check "every request had the token, JSON type and a valid Idempotency-Key" test "$(val bad)" -eq 0
check "run 3: one sample per request while the ingest keeps up ($(val run3_single) of $(val run3_requests))" \
  test "$(val run3_requests)" -ge 4 -a "$(val run3_single)" -eq "$(val run3_requests)"
check "run 3: each received within 2.5 s of its hora ($(val run3_prompt) of $(val run3_requests))" \
  test "$(val run3_prompt)" -eq "$(val run3_requests)"
check "the journal is empty after a clean stop" test ! -s "$SPOOL/samples.journal"

suite_end
