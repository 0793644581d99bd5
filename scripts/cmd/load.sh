# shellcheck shell=bash
# summary: Locust's two phases: collect from the agent, send to the ingress split
# usage: ./vmpulse load [--quick] [--agent URL] [--ingress URL] [--token T] [--out DIR]
#
# Phase 1 (CollectUser) reads the agent into records.jsonl; phase 2 (SendUser) posts
# them to the ingress. Locust's CSV and HTML reports land in the output folder; the
# summary gives requests and failures per phase and records stored per route (from the
# 201 answers, and from the database when it is the local one).
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"

_quick=0
_agent="http://127.0.0.1:$VMPULSE_AGENT_PORT"
_ingress="http://127.0.0.1:$VMPULSE_INGRESS_PORT"
_token="${VMPULSE_TOKEN:-}"
_out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) _quick=1; shift ;;
    --agent) _agent="${2:?--agent needs a URL}"; shift 2 ;;
    --ingress) _ingress="${2:?--ingress needs a URL}"; shift 2 ;;
    --token) _token="${2:?--token needs a value}"; shift 2 ;;
    --out) _out="${2:?--out needs a folder}"; shift 2 ;;
    -h | --help) sed -n 's/^# usage: //p' "${BASH_SOURCE[0]}"; return 0 ;;
    *) die "unknown option: $1 (see ./vmpulse load --help)" ;;
  esac
done
command -v locust >/dev/null || die "locust is not installed (apt-get install python3-locust, or ./vmpulse up installs it)"
if [[ -z "$_token" ]]; then
  [[ -s "$VMPULSE_STATE_DIR/token" ]] || die "no --token and no local token ($VMPULSE_STATE_DIR/token); run ./vmpulse up or pass --token"
  _token="$(local_token)"
fi
_out="${_out:-$VMPULSE_STATE_DIR/load/$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$_out"
_out="$(cd "$_out" && pwd)"

# Phase parameters live in locust/config.py; read them from there.
_phase() {
  (cd "$VMPULSE_ROOT/locust" && python3 -c "
import config, sys
table = config.QUICK if sys.argv[1] == '1' else config.PHASES
p = table[sys.argv[2]]
print(p['users'], p['spawn_rate'], p['run_time'])" "$_quick" "$1")
}

_local_db=""
if [[ "$_ingress" == "http://127.0.0.1:$VMPULSE_INGRESS_PORT" && -f "$VMPULSE_STATE_DIR/db/password" ]]; then
  _local_db="$(db_url "$VMPULSE_STATE_DIR/db" "$VMPULSE_DB_PORT")"
fi

_run_phase() {
  local phase="$1" class="$2" host="$3" users rate time
  read -r users rate time < <(_phase "$phase")
  info "phase $phase: $users users, spawn $rate/s, $time against $host"
  (cd "$VMPULSE_ROOT/locust" &&
    VMPULSE_QUICK="$_quick" VMPULSE_RECORDS="$_out/records.jsonl" VMPULSE_TOKEN="$_token" \
      VMPULSE_LOAD_SUMMARY="$_out/$phase-summary.json" \
      locust -f traffic_generator.py --headless --only-summary --host "$host" \
      -u "$users" -r "$rate" -t "$time" --stop-timeout 10 \
      --csv "$_out/$phase" --html "$_out/$phase.html" "$class" >"$_out/$phase.log" 2>&1)
  local rc=$?
  # Locust exits 1 when any request failed; the summary says how many.
  [[ $rc -le 1 ]] || { tail -n 20 "$_out/$phase.log" >&2; die "locust phase $phase failed (exit $rc)"; }
}

_stats() { # requests failures of a phase, final counts written by the locustfile
  python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
print(s['requests'], s['failures'])" "$1"
}

rm -f "$_out/records.jsonl"
_run_phase collect CollectUser "$_agent"
[[ -s "$_out/records.jsonl" ]] || die "phase 1 collected no records from $_agent"
_before=""
[[ -n "$_local_db" ]] && _before="$(db_client "$_local_db" -e "SELECT COALESCE(MAX(id),0) FROM metricas")"
_run_phase send SendUser "$_ingress"

read -r _req1 _fail1 < <(_stats "$_out/collect-summary.json")
read -r _req2 _fail2 < <(_stats "$_out/send-summary.json")
echo
info "load summary ($_out)"
printf '  phase 1 collect: %s requests, %s failures, %s records kept\n' "$_req1" "$_fail1" "$(wc -l <"$_out/records.jsonl")"
printf '  phase 2 send:    %s requests, %s failures\n' "$_req2" "$_fail2"
printf '  stored per route (201 answers): %s\n' "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stored_by_route'])" "$_out/send-summary.json")"
if [[ -n "$_local_db" ]]; then
  printf '  rows in the database since phase 2 began (including the agent'"'"'s own pushes):\n'
  db_client "$_local_db" -e "SELECT api, COUNT(*) FROM metricas WHERE id > $_before GROUP BY api" | sed 's/^/    /'
fi
printf '  reports: %s/{collect,send}.html and *_stats.csv\n' "$_out"
