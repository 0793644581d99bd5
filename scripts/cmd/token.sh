# shellcheck shell=bash
# summary: rotate the ingest token without a restart: token rotate [--finish]
# usage: ./vmpulse token rotate            add a new token to the token file; reload the routes, then the agent
#        ./vmpulse token rotate --finish   keep only the newest token; reload the agent, then the routes
#
# The token file ($VMPULSE_STATE_DIR/token, 0600) holds one token a line, oldest first:
# clients send the newest, the routes accept every line (docs/ingest.md, "Tokens"). A
# rotation first makes both routes accept the new token (checked: a request with it is
# no longer 401), and only then tells the agent to send it, so no request is refused
# during the switch; the old token stays valid until --finish.
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

_token_routes=(api node-api)

# _token_write FILE LINES...: replaces FILE with LINES at once (rename), mode 0600.
_token_write() {
  local file="$1" tmp
  shift
  tmp="$(umask 077 && mktemp "$file.XXXXXX")" || die "cannot write beside $file"
  if ! { printf '%s\n' "$@" >"$tmp" && chmod 600 "$tmp" && mv -f "$tmp" "$file"; }; then
    rm -f "$tmp"
    die "cannot replace $file"
  fi
}

# _token_status ROUTE TOKEN: the HTTP status ROUTE answers a POST carrying TOKEN and an
# empty text body: 401 while the token is refused, 415 once it is accepted. The header
# goes through stdin, never the command line.
_token_status() {
  local port
  case "$1" in
    api) port="$VMPULSE_API_PORT" ;;
    node-api) port="$VMPULSE_NODE_API_PORT" ;;
  esac
  printf 'Authorization: Bearer %s\n' "$2" |
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H @- \
      -H 'Content-Type: text/plain' --data '' "http://127.0.0.1:$port/api/metrics" 2>/dev/null
}

# _token_wait ROUTE TOKEN WANT: waits (10 s at most) until ROUTE answers TOKEN with
# WANT (415: accepted, 401: refused).
_token_wait() {
  local deadline=$((SECONDS + 10)) got
  while ((SECONDS < deadline)); do
    got="$(_token_status "$1" "$2")"
    [[ "$got" == "$3" ]] && return 0
    sleep 0.1
  done
  warn "$1 answered $got, not $3, 10 s after SIGHUP (its log: $LOG_DIR/$1.log)"
  return 1
}

# _token_hup SERVICE: SIGHUP to SERVICE when it runs; false when it does not.
_token_hup() {
  local pid
  pid="$(svc_pid "$1")" || return 1
  kill -HUP "$pid"
}

# _token_reload_routes TOKEN WANT: SIGHUP each running route, then wait for it to answer
# TOKEN with WANT.
_token_reload_routes() {
  local route
  for route in "${_token_routes[@]}"; do
    if _token_hup "$route"; then
      _token_wait "$route" "$1" "$2" || die "$route did not take the new token file; nothing else was reloaded"
      ok "$route reloaded"
    else
      info "$route is not running (it reads the file when it starts)"
    fi
  done
}

_token_reload_agent() {
  if _token_hup agent; then
    ok "agent reloaded (it sends the newest token)"
  else
    info "the agent is not running (it reads the file when it starts)"
  fi
}

_token_rotate() {
  local file fresh
  local -a tokens
  file="$(local_token_file)"
  mapfile -t tokens < <(grep -v '^[[:space:]]*\(#\|$\)' "$file" | tr -d ' \t\r')
  fresh="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  [[ ${#fresh} -eq 64 ]] || die "could not make a random token"
  _token_write "$file" "${tokens[@]}" "$fresh"
  ok "new token added to $file (${#tokens[@]} older kept)"
  # The routes accept it before the agent sends it.
  _token_reload_routes "$fresh" 415
  _token_reload_agent
  info "the older tokens stay valid until: ./vmpulse token rotate --finish"
}

_token_finish() {
  local file newest
  local -a tokens
  file="$(local_token_file)"
  mapfile -t tokens < <(grep -v '^[[:space:]]*\(#\|$\)' "$file" | tr -d ' \t\r')
  newest="${tokens[-1]}"
  if [[ ${#tokens[@]} -le 1 ]]; then
    ok "only one token in $file; nothing to retire"
    return 0
  fi
  # The agent sends the newest before the routes stop accepting the others.
  _token_reload_agent
  _token_write "$file" "$newest"
  _token_reload_routes "${tokens[0]}" 401
  ok "retired $((${#tokens[@]} - 1)) older token(s); $file holds the newest only"
}

case "${1:-}" in
  rotate)
    case "${2:-}" in
      "") _token_rotate ;;
      --finish) _token_finish ;;
      *) die "usage: ./vmpulse token rotate [--finish]" ;;
    esac
    ;;
  *) die "usage: ./vmpulse token rotate [--finish]" ;;
esac
