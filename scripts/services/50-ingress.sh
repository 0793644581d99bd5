# shellcheck shell=bash
# nginx as the local ingress: the dashboard, /api/metrics split 50/50 at random per
# request between the two routes, /api/cpp/ and /api/nodejs/ direct, /ws to the hub.
# shellcheck source=scripts/lib/ingress.sh
source "$VMPULSE_ROOT/scripts/lib/ingress.sh"

svc_ingress_start() {
  local dir="$VMPULSE_STATE_DIR/ingress"
  ingress_render "$dir" "$VMPULSE_ROOT/dashboard/dist" || return 1
  svc_launch ingress nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g "daemon off;"
}
svc_ingress_health() { echo "http://127.0.0.1:$VMPULSE_INGRESS_PORT/livez"; }
