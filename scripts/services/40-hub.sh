# shellcheck shell=bash
# The WebSocket hub: new rows from MySQL to every dashboard. Every read needs the
# viewer token (.vmpulse/viewer-token, made once here) or the session cookie the
# sign-in page gets for it; behind the local ingress every client is 127.0.0.1, so the
# hub believes the ingress's X-Forwarded-For for its per-address /ws cap.
# Alerts (docs/alerts.md): the rules of VMPULSE_ALERTS_FILE (default config/alerts.yaml),
# sent to VMPULSE_ALERT_WEBHOOK (one or more URLs) and VMPULSE_ALERTMANAGER_URL when set.

# viewer_token_file: the viewer token of this installation (32 random bytes, hex, 0600),
# made once; prints its path. It is a different secret from the ingest token.
viewer_token_file() {
  local file="$VMPULSE_STATE_DIR/viewer-token"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$VMPULSE_STATE_DIR"
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file" && echo >>"$file")
  fi
  echo "$file"
}

svc_hub_start() {
  local tokens
  tokens="$(viewer_token_file)" || return 1
  VMPULSE_DB_URL="$(local_db_url hub)" VMPULSE_VIEWER_TOKEN_FILE="$tokens" \
    VMPULSE_ALERTS_FILE="${VMPULSE_ALERTS_FILE:-$VMPULSE_ROOT/config/alerts.yaml}" \
    VMPULSE_ALERT_WEBHOOK="${VMPULSE_ALERT_WEBHOOK:-}" \
    VMPULSE_ALERTMANAGER_URL="${VMPULSE_ALERTMANAGER_URL:-}" \
    svc_launch hub "$VMPULSE_BIN/vmpulse-hub" --listen "127.0.0.1:$VMPULSE_HUB_PORT" \
    --trusted-proxy 127.0.0.1 \
    --allow-origin "http://127.0.0.1:$VMPULSE_INGRESS_PORT,http://localhost:$VMPULSE_INGRESS_PORT" \
    --allow-origin "https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT,https://localhost:$VMPULSE_INGRESS_TLS_PORT"
}
svc_hub_health() { echo "http://127.0.0.1:$VMPULSE_HUB_PORT/readyz"; }
