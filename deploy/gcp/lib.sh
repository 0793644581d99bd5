# shellcheck shell=bash
# The settings are read by the scripts that source this file (SC2034 cannot see that).
# shellcheck disable=SC2034
# Shared by deploy/gcp/{setup,deploy,cleanup}.sh: the settings (from the environment,
# with defaults) and the one way every gcloud/kubectl command is run, so that
# --dry-run prints exactly the commands a real run would execute, in order.
#
# Settings (environment):
#   VMPULSE_GCP_PROJECT    the Google Cloud project id (required)
#   VMPULSE_GCP_REGION     us-central1         Cloud SQL, Cloud Run, the cluster's region
#   VMPULSE_GCP_ZONE       us-central1-a       the cluster's zone (a zonal cluster)
#   VMPULSE_CLUSTER        vmpulse
#   VMPULSE_NODE_TYPE      e2-standard-2       VMPULSE_NODES 2 (autoscaling up to 4)
#   VMPULSE_SQL_INSTANCE   vmpulse-mysql       VMPULSE_SQL_TIER db-f1-micro
#   VMPULSE_NAMESPACE      so1-fase2           must be a DNS-1123 label
#   VMPULSE_DOMAIN         the public host name; default <static IP>.sslip.io
#   VMPULSE_OVERLAY        gateway             or ingress-nginx
#   VMPULSE_IMAGE_PREFIX   (deploy: required without --release) images are
#                          PREFIX/vmpulse-<component>:TAG, e.g. docker.io/<your user>
#   VMPULSE_IMAGE_TAG      latest
#   VMPULSE_EDGE_RATE      from config/defaults.env: requests/s per client address
#   VMPULSE_DB_PASSWORD, VMPULSE_DB_INGEST_PASSWORD, VMPULSE_DB_HUB_PASSWORD, VMPULSE_TOKEN,
#   VMPULSE_VIEWER_TOKEN
#                          secrets: read from the environment, never printed or put on a
#                          command line

GCP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$GCP_DIR/../.." && pwd)"
# shellcheck source=scripts/lib/image-names.sh
source "$REPO_ROOT/scripts/lib/image-names.sh"

DRY_RUN=""
# What --dry-run assumes a describe would find: setup and deploy assume a new project
# (nothing exists yet), cleanup assumes everything exists, so each prints its whole path.
DRY_ASSUME_EXISTS=""

gcp_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

gcp_note() { printf '# %s\n' "$*" >&2; }

# gcp_parse_args ARGS...: the options every script takes.
gcp_parse_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dry-run) DRY_RUN=1 ;;
      --overlay)
        [[ $# -ge 2 ]] || gcp_die "--overlay needs a value (gateway or ingress-nginx)"
        VMPULSE_OVERLAY="$2"
        shift
        ;;
      --tag)
        [[ $# -ge 2 ]] || gcp_die "--tag needs a value"
        VMPULSE_IMAGE_TAG="$2"
        shift
        ;;
      --release)
        [[ $# -ge 2 ]] || gcp_die "--release needs a file (written by ./vmpulse images push)"
        VMPULSE_IMAGE_RELEASE="$2"
        shift
        ;;
      -h | --help)
        sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
      *) gcp_die "unknown option: $1 (options: --dry-run, --overlay NAME, --tag TAG, --release FILE)" ;;
    esac
    shift
  done
}

# gcp_settings: defaults, then checks that fail early with a clear message.
gcp_settings() {
  PROJECT="${VMPULSE_GCP_PROJECT:-}"
  REGION="${VMPULSE_GCP_REGION:-us-central1}"
  ZONE="${VMPULSE_GCP_ZONE:-us-central1-a}"
  CLUSTER="${VMPULSE_CLUSTER:-vmpulse}"
  NODE_TYPE="${VMPULSE_NODE_TYPE:-e2-standard-2}"
  NODES="${VMPULSE_NODES:-2}"
  SQL_INSTANCE="${VMPULSE_SQL_INSTANCE:-vmpulse-mysql}"
  SQL_TIER="${VMPULSE_SQL_TIER:-db-f1-micro}"
  NAMESPACE="${VMPULSE_NAMESPACE:-so1-fase2}"
  DOMAIN="${VMPULSE_DOMAIN:-}"
  OVERLAY="${VMPULSE_OVERLAY:-gateway}"
  IMAGE_PREFIX="${VMPULSE_IMAGE_PREFIX:-}"
  IMAGE_TAG="${VMPULSE_IMAGE_TAG:-latest}"
  DB_NAME="${VMPULSE_DB_NAME:-sistema_monitoreo_fase2}"
  DB_USER="${VMPULSE_DB_USER:-vmpulse}"
  SQL_SA_NAME="vmpulse-sql"
  ADDRESS_NAME="vmpulse-ip"
  CERT_NAME="vmpulse-cert"
  CERTMAP_NAME="vmpulse-certmap"
  CERTMAP_ENTRY="vmpulse-entry"
  RUN_SERVICE="vmpulse-dashboard"
  EDGE_POLICY="vmpulse-edge"
  # Requests per second per client address: the same number as the local ingress's.
  EDGE_RATE="${VMPULSE_EDGE_RATE:-$(sed -n 's/^VMPULSE_EDGE_RATE=//p' "$REPO_ROOT/config/defaults.env")}"

  [[ -n "$PROJECT" ]] || gcp_die "set VMPULSE_GCP_PROJECT to your project id"
  [[ "$PROJECT" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || gcp_die "VMPULSE_GCP_PROJECT=$PROJECT is not a project id"
  [[ "$NAMESPACE" =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]] ||
    gcp_die "VMPULSE_NAMESPACE=$NAMESPACE is not a DNS-1123 label (lower case, digits, '-'; e.g. so1-fase2)"
  [[ "$OVERLAY" == gateway || "$OVERLAY" == ingress-nginx ]] ||
    gcp_die "overlay must be gateway or ingress-nginx (got: $OVERLAY)"
  valid_image_tag "$IMAGE_TAG" || gcp_die "VMPULSE_IMAGE_TAG=$IMAGE_TAG is not an image tag"
  [[ "$NODES" =~ ^[1-9][0-9]*$ ]] || gcp_die "VMPULSE_NODES must be a positive number"
  [[ "$EDGE_RATE" =~ ^[1-9][0-9]{0,5}$ ]] || gcp_die "VMPULSE_EDGE_RATE must be a positive number of requests/s"
  if [[ -n "$DOMAIN" && ! "$DOMAIN" =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]]; then
    gcp_die "VMPULSE_DOMAIN=$DOMAIN is not a host name"
  fi
  SQL_SA="$SQL_SA_NAME@$PROJECT.iam.gserviceaccount.com"
  GCLOUD=(gcloud --project="$PROJECT" --quiet)
}

# gcp_need_tools CMD...: a real run needs the tools; a dry run needs none of them.
gcp_need_tools() {
  [[ -n "$DRY_RUN" ]] && return 0
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || gcp_die "$tool is not installed (see docs/deploy.md)"
  done
}

# Printed commands show this folder as $WORKDIR (deploy.sh's temporary files), so a dry
# run prints the same text every time.
SHOW_WORKDIR=""

# _show CMD...: the command as a shell would read it (arguments quoted where needed).
_show() {
  local out="" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@,+%-]+$ || "$arg" == "|" ]]; then
      out+=" $arg"
    else
      out+=" $(printf '%q' "$arg")"
    fi
  done
  out="${out# }"
  [[ -n "$SHOW_WORKDIR" ]] && out="${out//"$SHOW_WORKDIR"/\$WORKDIR}"
  printf '%s\n' "$out"
}

# run CMD...: print it, then run it (a dry run only prints).
run() {
  _show "$@"
  [[ -n "$DRY_RUN" ]] && return 0
  "$@"
}

# exists CMD...: a describe; true when the thing exists. Prints the command like run.
exists() {
  _show "$@"
  if [[ -n "$DRY_RUN" ]]; then
    [[ -n "$DRY_ASSUME_EXISTS" ]]
    return
  fi
  "$@" >/dev/null 2>&1
}

# value PLACEHOLDER CMD...: the command's output (a dry run prints the command and
# answers PLACEHOLDER, so what follows shows where the value goes).
value() {
  local placeholder="$1"
  shift
  _show "$@" >&2
  if [[ -n "$DRY_RUN" ]]; then
    printf '%s\n' "$placeholder"
    return 0
  fi
  "$@"
}

# ensure WHAT -- DESCRIBE... -- CREATE...: create unless the describe finds it.
ensure() {
  local what="$1" describe=() create=()
  shift 2
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    describe+=("$1")
    shift
  done
  shift
  create=("$@")
  if exists "${describe[@]}"; then
    gcp_note "$what exists"
  else
    run "${create[@]}"
  fi
}

# remove WHAT -- DESCRIBE... -- DELETE...: delete when the describe finds it.
remove() {
  local what="$1" describe=() delete=()
  shift 2
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    describe+=("$1")
    shift
  done
  shift
  delete=("$@")
  if exists "${describe[@]}"; then
    run "${delete[@]}"
  else
    gcp_note "$what already gone"
  fi
}

# public_domain: VMPULSE_DOMAIN, or the static IP as an sslip.io name (which resolves to
# that IP, so a Google-managed certificate can be issued without owning a domain).
public_domain() {
  if [[ -n "$DOMAIN" ]]; then
    printf '%s\n' "$DOMAIN"
    return
  fi
  local ip
  ip="$(value 203.0.113.10 "${GCLOUD[@]}" compute addresses describe "$ADDRESS_NAME" --global --format='value(address)')"
  [[ "$ip" =~ ^[0-9.]+$ ]] || gcp_die "no static address $ADDRESS_NAME yet (run ./vmpulse cloud setup first)"
  printf '%s.sslip.io\n' "$ip"
}

# gcp_image_refs: IMAGE_REF[component], the image each component runs (deploy only):
# by digest from the release file of `./vmpulse images push` (VMPULSE_IMAGE_RELEASE,
# --release), the exact bytes built and tested; else PREFIX/vmpulse-COMPONENT:TAG, with
# the prefix given explicitly (a default namespace could be anyone's).
declare -gA IMAGE_REF=()
gcp_image_refs() {
  local c
  if [[ -n "${VMPULSE_IMAGE_RELEASE:-}" ]]; then
    [[ -f "$VMPULSE_IMAGE_RELEASE" ]] || gcp_die "no release file $VMPULSE_IMAGE_RELEASE (./vmpulse images push writes it)"
    for c in api node-api hub dashboard; do
      IMAGE_REF[$c]="$(release_ref "$VMPULSE_IMAGE_RELEASE" "$c")" ||
        gcp_die "$VMPULSE_IMAGE_RELEASE: no $(release_var "$c")=REGISTRY/USER/vmpulse-$c@sha256:… line"
    done
    return 0
  fi
  [[ -n "$IMAGE_PREFIX" ]] ||
    gcp_die "set VMPULSE_IMAGE_PREFIX (REGISTRY/USER the images were pushed to, e.g. docker.io/<your user>) or give --release FILE: there is no default registry"
  valid_image_prefix "$IMAGE_PREFIX" || gcp_die "VMPULSE_IMAGE_PREFIX=$IMAGE_PREFIX is not an image prefix (REGISTRY/USER, lower case)"
  for c in api node-api hub dashboard; do
    IMAGE_REF[$c]="$(image_ref "$IMAGE_PREFIX" "$c" "$IMAGE_TAG")"
  done
}
