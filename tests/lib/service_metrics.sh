# shellcheck shell=bash
# Checks of the services' own metrics and JSON logs against a running service, shared
# by the agent, contract and hub suites (docs/observability.md, "Service metrics", "Logs").
#   metrics_clean URL NAME...      GET URL answers 200, `promtool check metrics` finds
#                                  nothing to say, and every NAME has a sample
#   process_series_live URL        the process_* series at URL are a running process's:
#                                  resident memory over 1 MiB, virtual at least that, CPU
#                                  time, 3 or more open fds within the limit, started in
#                                  the last day and not in the future
#   json_log_clean FILE SECRET...  every line of FILE is one JSON object with time,
#                                  severity (Cloud Logging's names), component and
#                                  message, and no SECRET appears in it

metrics_clean() {
  local url="$1" text name problems
  shift
  text="$(curl -fsS --max-time 5 "$url")" || { echo "  $url did not answer 200"; return 1; }
  problems="$(promtool check metrics <<<"$text" 2>&1)" || { echo "  promtool: $problems"; return 1; }
  if [[ -n "$problems" ]]; then
    echo "  promtool: $problems"
    return 1
  fi
  for name in "$@"; do
    grep -Eq "^${name}(\{| )" <<<"$text" || { echo "  no sample of $name at $url"; return 1; }
  done
}

process_series_live() {
  local text
  text="$(curl -fsS --max-time 5 "$1")" || { echo "  $1 did not answer 200"; return 1; }
  awk -v now="$(date +%s)" '
    { v[$1] = $2 + 0 }
    END {
      ok = v["process_resident_memory_bytes"] > 1048576 &&
           v["process_virtual_memory_bytes"] >= v["process_resident_memory_bytes"] &&
           v["process_cpu_seconds_total"] > 0 &&
           v["process_open_fds"] >= 3 && v["process_max_fds"] >= v["process_open_fds"] &&
           v["process_start_time_seconds"] > now - 86400 && v["process_start_time_seconds"] <= now + 1
      if (!ok) for (k in v) if (k ~ /^process_/) printf "  %s %s\n", k, v[k]
      exit !ok
    }' <<<"$text"
}

json_log_clean() {
  local file="$1"
  shift
  python3 - "$file" "$@" <<'PY'
import json, sys
path, secrets = sys.argv[1], [s for s in sys.argv[2:] if s]
lines = open(path, encoding="utf-8").read().splitlines()
if not lines:
    sys.exit(f"  {path} is empty")
for number, line in enumerate(lines, 1):
    try:
        entry = json.loads(line)
    except ValueError as error:
        sys.exit(f"  {path}:{number} is not JSON ({error}): {line[:120]}")
    if not isinstance(entry, dict) or set(entry) != {"time", "severity", "component", "message"}:
        sys.exit(f"  {path}:{number} has other fields: {line[:120]}")
    if entry["severity"] not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        sys.exit(f"  {path}:{number}: severity {entry['severity']!r}")
    if any(secret in line for secret in secrets):
        sys.exit(f"  {path}:{number} holds a secret")
PY
}
