# shellcheck shell=bash
# Background services of `./vmpulse up`: each runs in its own session (process
# group) with its PID in $VMPULSE_STATE_DIR/run/NAME.pid and its log in
# $VMPULSE_STATE_DIR/log/NAME.log, so `down` stops exactly what `up` started.
#
# A service is a file scripts/services/NN-NAME.sh that defines
#   svc_NAME_start   start it (through svc_launch)
#   svc_NAME_health  print its health URL (empty: the process being alive is enough)
#   svc_NAME_check   optional: a command that succeeds when healthy (instead of the URL)
# with NAME's dashes as underscores; NN orders them (dependencies first).

RUN_DIR="$VMPULSE_STATE_DIR/run"
LOG_DIR="$VMPULSE_STATE_DIR/log"

svc_names() {
  local f
  for f in "$VMPULSE_ROOT"/scripts/services/*.sh; do
    [[ -e "$f" ]] || continue
    basename "$f" .sh | sed 's/^[0-9]*-//'
  done
}

svc_load() {
  local f
  for f in "$VMPULSE_ROOT"/scripts/services/*.sh; do
    # shellcheck source=/dev/null
    [[ -e "$f" ]] && source "$f"
  done
}

svc_pid() {
  local pidfile="$RUN_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# svc_launch NAME CMD...: start CMD detached, in its own process group.
svc_launch() {
  local name="$1"
  shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  if svc_pid "$name" >/dev/null; then
    ok "$name already running (pid $(svc_pid "$name"))"
    return 0
  fi
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# _svc_healthy NAME URL: NAME_check when defined, else URL answering 2xx.
_svc_healthy() {
  local name="$1" url="$2" fn="svc_${1//-/_}_check"
  if declare -F "$fn" >/dev/null; then
    "$fn"
  elif [[ -n "$url" ]]; then
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
  fi
}

# svc_wait NAME [SECONDS]: wait until NAME is healthy; explain and fail if not.
svc_wait() {
  local name="$1" timeout="${2:-30}" fn url deadline
  fn="svc_${name//-/_}_health"
  url="$($fn 2>/dev/null || true)"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! svc_pid "$name" >/dev/null; then
      break
    fi
    if _svc_healthy "$name" "$url"; then
      ok "$name ${url:+($url)}"
      return 0
    fi
    sleep 0.2
  done
  printf '%s %s did not become healthy%s; its log (%s) ends with:\n' \
    "$(red error)" "$name" "${url:+ at $url}" "$LOG_DIR/$name.log" >&2
  tail -n 20 "$LOG_DIR/$name.log" >&2 2>/dev/null || true
  return 1
}

# svc_stop NAME: TERM the process group, KILL it after 10 s.
svc_stop() {
  local name="$1" pid i
  pid="$(svc_pid "$name")" || {
    rm -f "$RUN_DIR/$name.pid"
    return 0
  }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name did not stop in 10 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
  ok "stopped $name"
}

# svc_status NAME: one line: running/stopped and health.
svc_status() {
  local name="$1" pid fn url health
  fn="svc_${name//-/_}_health"
  url="$($fn 2>/dev/null || true)"
  if pid="$(svc_pid "$name")"; then
    if [[ -z "$url" ]] && ! declare -F "svc_${name//-/_}_check" >/dev/null; then
      health="alive"
    elif _svc_healthy "$name" "$url"; then
      health="healthy"
    else
      health="UNHEALTHY"
    fi
    printf '  %-10s running  pid %-7s %-9s %s\n' "$name" "$pid" "$health" "$url"
  else
    printf '  %-10s stopped\n' "$name"
  fi
}

# local_token: the ingest token of this installation (the newest line of its token
# file, generated once; `./vmpulse token rotate` appends newer ones).
local_token() {
  local file
  file="$(local_token_file)"
  grep -v '^[[:space:]]*\(#\|$\)' "$file" | tail -n 1 | tr -d ' \t\r'
}

# local_token_file: the token file the local routes and agent read (0600), created once.
local_token_file() {
  local file="$VMPULSE_STATE_DIR/token"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$VMPULSE_STATE_DIR"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$file")
  fi
  echo "$file"
}
