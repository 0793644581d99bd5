# shellcheck shell=bash
# summary: stop everything `up` started
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

# Reverse order: dependents before what they depend on.
for _svc in $(svc_names | tac); do
  svc_stop "$_svc"
done
