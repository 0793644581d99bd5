# shellcheck shell=bash
# summary: build and start the whole system on this machine
# shellcheck source=scripts/lib/deps.sh
source "$VMPULSE_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/build.sh
source "$VMPULSE_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

need_packages_for up
build_preset release
svc_load
for _svc in $(svc_names); do
  "${_svc//-/_}_start" || die "$_svc failed to start; log: $LOG_DIR/$_svc.log"
  svc_wait "$_svc" 60 || die "$_svc failed; log: $LOG_DIR/$_svc.log"
done
if declare -F up_banner >/dev/null; then
  up_banner
else
  info "agent: http://127.0.0.1:$VMPULSE_AGENT_PORT/metrics"
fi
info "state and logs in $VMPULSE_STATE_DIR; stop with ./vmpulse down"
