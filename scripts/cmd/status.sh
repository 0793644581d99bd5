# shellcheck shell=bash
# summary: each service and its health
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

svc_load
for _svc in $(svc_names); do
  svc_status "$_svc"
done
