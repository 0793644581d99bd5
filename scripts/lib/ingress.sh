# shellcheck shell=bash
# Renders the local ingress (nginx) configuration from scripts/ingress/nginx.conf.template
# with this run's ports into DIR/nginx.conf, serving HTTPS with the local CA's
# certificate (scripts/lib/tls.sh) from TLS_DIR.
# shellcheck source=scripts/lib/tls.sh
source "$VMPULSE_ROOT/scripts/lib/tls.sh"

# ingress_render DIR DASHBOARD_DIST [TLS_DIR]   TLS_DIR: $VMPULSE_STATE_DIR/tls by default
ingress_render() {
  local dir="$1" dist="$2" tls="${3:-$VMPULSE_STATE_DIR/tls}" user=""
  mkdir -p "$dir/tmp"
  tls_ensure "$tls" || return 1
  # As root, nginx would drop its workers to "nobody", who cannot write the state
  # folder; this is a private instance on loopback, so keep the invoking user.
  [[ "$(id -u)" -eq 0 ]] && user="user root;"
  sed -e "s|@USER@|$user|" -e "s|@DIR@|$dir|g" -e "s|@DASHBOARD@|$dist|g" \
    -e "s|@API_PORT@|$VMPULSE_API_PORT|g" -e "s|@NODE_API_PORT@|$VMPULSE_NODE_API_PORT|g" \
    -e "s|@HUB_PORT@|$VMPULSE_HUB_PORT|g" -e "s|@INGRESS_PORT@|$VMPULSE_INGRESS_PORT|g" \
    -e "s|@INGRESS_TLS_PORT@|$VMPULSE_INGRESS_TLS_PORT|g" -e "s|@TLS_DIR@|$tls|g" \
    -e "s|@EDGE_RATE@|$VMPULSE_EDGE_RATE|g" -e "s|@EDGE_BURST@|$VMPULSE_EDGE_BURST|g" \
    -e "s|@EDGE_CONNS@|$VMPULSE_EDGE_CONNS|g" \
    "$VMPULSE_ROOT/scripts/ingress/nginx.conf.template" >"$dir/nginx.conf"
  nginx -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/check.log" 2>&1 || {
    cat "$dir/check.log" >&2
    return 1
  }
}
