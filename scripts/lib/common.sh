# shellcheck shell=bash
# Shared by ./vmpulse and every script under scripts/ and tests/: where things are,
# the defaults, and small helpers. Source it; it defines, it does not run anything.

VMPULSE_ROOT="${VMPULSE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export VMPULSE_ROOT

# Ports and defaults come from config/defaults.env; the environment wins.
load_defaults() {
  local line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key="${line%%=*}"
    value="${line#*=}"
    if [[ -z "${!key:-}" ]]; then
      export "$key=$value"
    fi
  done <"$VMPULSE_ROOT/config/defaults.env"
  case "$VMPULSE_STATE_DIR" in
    /*) ;;
    *) VMPULSE_STATE_DIR="$VMPULSE_ROOT/$VMPULSE_STATE_DIR" ;;
  esac
  export VMPULSE_STATE_DIR
}
load_defaults

VMPULSE_BIN="${VMPULSE_BIN:-$VMPULSE_ROOT/build/bin}"
export VMPULSE_BIN

if [[ -t 1 ]]; then
  _c_red=$'\e[31m' _c_green=$'\e[32m' _c_yellow=$'\e[33m' _c_bold=$'\e[1m' _c_off=$'\e[0m'
else
  _c_red="" _c_green="" _c_yellow="" _c_bold="" _c_off=""
fi

red() { printf '%s%s%s' "$_c_red" "$1" "$_c_off"; }
info() { printf '%s==>%s %s\n' "$_c_bold" "$_c_off" "$*"; }
ok() { printf '%s ok %s %s\n' "$_c_green" "$_c_off" "$*"; }
warn() { printf '%swarn%s %s\n' "$_c_yellow" "$_c_off" "$*" >&2; }
die() {
  printf '%serror%s %s\n' "$_c_red" "$_c_off" "$*" >&2
  exit 1
}

# as_root CMD...: run as root, through sudo when we are not.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (and sudo is not installed)"
  fi
}

# free_port: a TCP port nobody listens on, for tests that start their own servers.
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# wait_http URL [SECONDS]: wait until URL answers 2xx; 1 on timeout.
wait_http() {
  local url="$1" deadline=$((SECONDS + ${2:-30}))
  while ((SECONDS < deadline)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# nproc_build: parallel jobs for builds: one per core (nproc), or 2 where nproc is missing.
nproc_build() {
  local n
  n="$(nproc 2>/dev/null || echo 2)"
  echo "$n"
}
