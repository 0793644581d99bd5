# shellcheck shell=bash
# What the bench scripts share, so that each one says only what it measures:
#   bench_setup NAME   a private work folder in $work, removed at exit, and an exit trap
#                      that stops every process in the `pids` array (TERM, then KILL
#                      after 10 s) and the private MariaDB if one was started
#   bench_db           a private MariaDB in $work/db on a free loopback port, migrated;
#                      exports VMPULSE_DB_URL and a fresh VMPULSE_TOKEN, sets db_port
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
