# shellcheck shell=bash
# summary: Google Cloud: setup | deploy | cleanup [--dry-run] (GKE, Cloud SQL, Cloud Run)
# usage: ./vmpulse cloud setup   [--dry-run]
#        ./vmpulse cloud deploy  [--dry-run] [--render] [--overlay gateway|ingress-nginx] [--tag TAG]
#                                [--release FILE]   (the digests ./vmpulse images push wrote)
#        ./vmpulse cloud cleanup [--dry-run]
# The work is done by deploy/gcp/<step>.sh (settings and secrets from the environment:
# see docs/deploy.md); --dry-run prints every command in order and runs none.

_step="${1:-}"
[[ $# -gt 0 ]] && shift
case "$_step" in
  setup | deploy | cleanup) "$VMPULSE_ROOT/deploy/gcp/$_step.sh" "$@" ;;
  *) die "usage: ./vmpulse cloud setup|deploy|cleanup [--dry-run] (see docs/deploy.md)" ;;
esac
