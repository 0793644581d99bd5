# shellcheck shell=bash
# summary: build and start the whole system on this machine
# usage: ./vmpulse up      (ports from config/defaults.env; VMPULSE_*_PORT overrides)
# shellcheck source=scripts/lib/deps.sh
source "$VMPULSE_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/build.sh
source "$VMPULSE_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

need_packages_for up
need_npm node-api
need_npm dashboard
info "building the C++ components"
build_preset release >"${TMPDIR:-/tmp}/vmpulse-build.log" 2>&1 || {
  tail -n 40 "${TMPDIR:-/tmp}/vmpulse-build.log"
  die "build failed; full log: ${TMPDIR:-/tmp}/vmpulse-build.log"
}
# The dashboard is rebuilt when any of its sources is newer than the last build.
if [[ ! -f "$VMPULSE_ROOT/dashboard/dist/index.html" ]] ||
  [[ -n "$(find "$VMPULSE_ROOT/dashboard/src" "$VMPULSE_ROOT/dashboard/index.html" -newer "$VMPULSE_ROOT/dashboard/dist/index.html" 2>/dev/null | head -n1)" ]]; then
  info "building the dashboard"
  (cd "$VMPULSE_ROOT/dashboard" && npm run --silent build >/dev/null) || die "dashboard build failed"
fi

local_token >/dev/null
svc_load
for _svc in $(svc_names); do
  "svc_${_svc//-/_}_start" || die "$_svc failed to start; log: $LOG_DIR/$_svc.log"
  svc_wait "$_svc" 60 || die "$_svc failed; log: $LOG_DIR/$_svc.log"
done
# Where a browser reaches the ingress (the dashboard, the sign-in page, the hub).
_base_url="http://127.0.0.1:$VMPULSE_INGRESS_PORT"
echo
info "dashboard:  $_base_url/ (sign in once with the link below; it holds the viewer token)"
info "sign in:    $_base_url/signin#$(tr -d '[:space:]' <"$(viewer_token_file)")"
info "https:      https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/ (trust $VMPULSE_STATE_DIR/tls/ca.pem; sign in there with the same link's #token)"
info "ingest:     POST http://127.0.0.1:$VMPULSE_INGRESS_PORT/api/metrics (token in $VMPULSE_STATE_DIR/token)"
info "agent:      http://127.0.0.1:$VMPULSE_AGENT_PORT/metrics"
info "state and logs in $VMPULSE_STATE_DIR; ./vmpulse status, ./vmpulse logs SERVICE, ./vmpulse down"
