# shellcheck shell=bash
# The WebSocket hub: new rows from MySQL to every dashboard.

svc_hub_start() {
  VMPULSE_DB_URL="$(local_db_url hub)" \
    svc_launch hub "$VMPULSE_BIN/vmpulse-hub" --listen "127.0.0.1:$VMPULSE_HUB_PORT" \
    --allow-origin "http://127.0.0.1:$VMPULSE_INGRESS_PORT,http://localhost:$VMPULSE_INGRESS_PORT"
}
svc_hub_health() { echo "http://127.0.0.1:$VMPULSE_HUB_PORT/readyz"; }
