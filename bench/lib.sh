# shellcheck shell=bash
# What the bench scripts share, so that each one says only what it measures:
#   bench_setup NAME   a private work folder in $work, removed at exit, and an exit trap
#                      that stops every process in the `pids` array (TERM, then KILL
#                      after 10 s) and the private MariaDB if one was started
#   bench_db           a private MariaDB in $work/db on a free loopback port, migrated;
#                      exports VMPULSE_DB_URL and a fresh VMPULSE_TOKEN, sets db_port
#   cpu_ticks PID...   user + system clock ticks of processes and their children
#   us_per_record TICKS RECORDS   CPU microseconds per record
#   settled_rows       COUNT(*) of metricas once commits in flight have landed
#   start_route NAME READY_URL TARGET_URL CMD...   (after declare -A route_url route_pid)
#                      a route in the background, its pid in
#                      route_pid[NAME] and `pids`; route_url[NAME] set once it answers, else
#                      a warning and left out
#   ratio A B [DECIMALS]   A / B (2 decimals), "n/a" when B is not positive
# Sourced after scripts/lib/common.sh (and scripts/lib/mariadb.sh for bench_db).

pids=()
work=""
_bench_db=""

_bench_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  [[ -n "$_bench_db" ]] && db_stop "$_bench_db"
  [[ -n "$work" ]] && rm -rf "$work"
  return 0
}

bench_setup() {
  work="$(mktemp -d "/tmp/vmpulse-bench-$1.XXXXXX")"
  trap _bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_db() {
  db_port="$(free_port)"
  _bench_db="$work/db"
  db_start "$_bench_db" "$db_port"
  VMPULSE_DB_URL="$(db_url "$_bench_db" "$db_port")"
  db_migrate "$VMPULSE_DB_URL" >/dev/null
  VMPULSE_TOKEN="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  export VMPULSE_DB_URL VMPULSE_TOKEN
}

# cpu_ticks PID...: user + system clock ticks of the processes and their children
# (gunicorn's workers), all threads included.
cpu_ticks() {
  local pid all=() total=0 fields
  for pid in "$@"; do
    all+=("$pid")
    mapfile -t -O "${#all[@]}" all < <(pgrep -P "$pid" || true)
  done
  for pid in "${all[@]}"; do
    [[ -r "/proc/$pid/stat" ]] || continue
    # Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
    read -ra fields <<<"$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null)" || continue
    ((${#fields[@]} > 12)) && total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
ticks_per_second="$(getconf CLK_TCK)"
db_pid() { cat "$work/db/mysqld.pid"; }
# us_per_record TICKS RECORDS: CPU microseconds per stored record.
us_per_record() {
  awk -v t="$1" -v n="$2" -v hz="$ticks_per_second" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else printf "n/a" }'
}

rows_in_db() { db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM metricas"; }

# The count settles once every commit in flight when wrk stopped has landed.
settled_rows() {
  local before after
  after="$(rows_in_db)"
  while :; do
    sleep 0.5
    before="$after"
    after="$(rows_in_db)"
    [[ "$after" == "$before" ]] && break
  done
  echo "$after"
}

# wait_answer URL SECONDS: until anything answers HTTP there (the Flask route has no
# health path: a GET answers 404 or 405, which is enough to know it is up).
wait_answer() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1")" != 000 ]] && return 0
    sleep 0.1
  done
  return 1
}

# The caller declares the maps: declare -A route_url route_pid.
start_route() { # NAME READY_URL TARGET_URL CMD...
  local name="$1" ready="$2" target="$3"
  shift 3
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  # shellcheck disable=SC2034,SC2004 # associative arrays, declared by the caller
  route_pid[$name]=$!
  local up=wait_answer
  [[ "$ready" == */readyz ]] && up=wait_http
  if "$up" "$ready" 30; then
    # shellcheck disable=SC2034,SC2004 # associative arrays, declared by the caller
    route_url[$name]="$target"
  else
    warn "$name did not start; left out: $(tail -n 3 "$work/$name.log")"
  fi
}

ratio() {
  awk -v a="${1:-0}" -v b="${2:-0}" -v f="%.${3:-2}f" 'BEGIN { if (b > 0) printf f, a / b; else printf "n/a" }'
}
