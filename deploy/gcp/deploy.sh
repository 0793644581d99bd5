#!/usr/bin/env bash
# Deploys vmpulse onto what setup.sh created: renders deploy/k8s (the chosen overlay,
# with this project's namespace, image tags, Cloud SQL instance and host name), creates
# the Secrets from the environment, applies, runs the migration Job, waits for every
# rollout, and deploys the dashboard to Cloud Run with the hub's URL.
#
#   deploy/gcp/deploy.sh [--dry-run] [--render] [--overlay gateway|ingress-nginx] [--tag TAG] [--release FILE]
#   (or ./vmpulse cloud deploy ...)
#
# --dry-run prints every gcloud and kubectl command in order and runs none.
# --render prints the Kubernetes objects that would be applied and touches nothing.
# Needs VMPULSE_DB_PASSWORD (the password setup gave the migrate user),
# VMPULSE_DB_INGEST_PASSWORD and VMPULSE_DB_HUB_PASSWORD (the routes' and the hub's
# database users, which the migration Job creates with these passwords) and
# VMPULSE_TOKEN (the ingest bearer token), VMPULSE_VIEWER_TOKEN (the dashboard's); none is ever printed, written to the
# repository or put on a command line. Settings: see deploy/gcp/lib.sh.
set -euo pipefail
# shellcheck source=deploy/gcp/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RENDER=""
_args=()
for _a in "$@"; do
  if [[ "$_a" == --render ]]; then RENDER=1; else _args+=("$_a"); fi
done
gcp_parse_args "${_args[@]}"
[[ -n "$RENDER" ]] && DRY_RUN=1
gcp_settings
gcp_image_refs
gcp_need_tools gcloud kubectl

if [[ -z "$DRY_RUN" ]]; then
  [[ -n "${VMPULSE_DB_PASSWORD:-}" ]] || gcp_die "set VMPULSE_DB_PASSWORD (the database user's password from setup)"
  for _role in INGEST HUB; do
    _var="VMPULSE_DB_${_role}_PASSWORD"
    [[ -n "${!_var:-}" ]] ||
      gcp_die "set $_var (the ${_role,,} database user's password, e.g. openssl rand -hex 24; keep it for later deploys)"
    _value="${!_var}"
    ((${#_value} >= 12)) || gcp_die "$_var is too short (12 characters at least)"
  done
  [[ -n "${VMPULSE_TOKEN:-}" ]] || gcp_die "set VMPULSE_TOKEN (the ingest bearer token, e.g. openssl rand -hex 24)"
  ((${#VMPULSE_TOKEN} >= 16)) || gcp_die "VMPULSE_TOKEN is too short (16 characters at least)"
  [[ -n "${VMPULSE_VIEWER_TOKEN:-}" ]] || gcp_die "set VMPULSE_VIEWER_TOKEN (the dashboard's viewer token, e.g. openssl rand -hex 32)"
  ((${#VMPULSE_VIEWER_TOKEN} >= 16)) || gcp_die "VMPULSE_VIEWER_TOKEN is too short (16 characters at least)"
fi

WORKDIR="$(mktemp -d)"
SHOW_WORKDIR="$WORKDIR"
trap 'rm -rf "$WORKDIR"' EXIT
chmod 700 "$WORKDIR"

# urlencode TEXT: percent-encodes everything but RFC 3986's unreserved characters (the
# password goes into a mysql:// URL).
urlencode() {
  local text="$1" out="" c i
  for ((i = 0; i < ${#text}; i++)); do
    c="${text:i:1}"
    if [[ "$c" =~ [A-Za-z0-9._~-] ]]; then out+="$c"; else out+="$(printf '%%%02X' "'$c")"; fi
  done
  printf '%s\n' "$out"
}

# When run for real, the commands go to stderr so that --render's stdout is only YAML.
[[ -n "$RENDER" ]] && exec 3>&1 1>&2

if [[ -z "$RENDER" ]]; then
  run "${GCLOUD[@]}" container clusters get-credentials "$CLUSTER" --zone="$ZONE"
fi
_instance="$(value "$PROJECT:$REGION:$SQL_INSTANCE" "${GCLOUD[@]}" sql instances describe "$SQL_INSTANCE" \
  --format='value(connectionName)')"
_number="$(value 123456789012 "${GCLOUD[@]}" projects describe "$PROJECT" --format='value(projectNumber)')"
_domain="$(public_domain)"
# Cloud Run's deterministic URL for the dashboard: the hub accepts WebSockets and
# history requests from this origin only.
_dashboard_origin="https://$RUN_SERVICE-$_number.$REGION.run.app"
_hub_url="https://$_domain"

# A kustomization of our own around the chosen overlay: the project's values without
# editing the checked-in files.
_overlay_rel="$(realpath --relative-to="$WORKDIR" "$REPO_ROOT/deploy/k8s/overlays/$OVERLAY")"
cat >"$WORKDIR/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $NAMESPACE
resources:
  - $_overlay_rel
images:
$(kustomize_image api "${IMAGE_REF[api]}")
$(kustomize_image node-api "${IMAGE_REF[node-api]}")
$(kustomize_image hub "${IMAGE_REF[hub]}")
configMapGenerator:
  - name: vmpulse-config
    behavior: merge
    literals:
      - VMPULSE_DB_NAME=$DB_NAME
      - VMPULSE_DB_USER=$DB_USER
      - CLOUDSQL_INSTANCE=$_instance
      - DASHBOARD_ORIGIN=$_dashboard_origin
patches:
  - target:
      kind: ServiceAccount
      name: cloudsql-proxy
    patch: |-
      - op: add
        path: /metadata/annotations
        value:
          iam.gke.io/gcp-service-account: $SQL_SA
YAML
if [[ "$OVERLAY" == ingress-nginx ]]; then
  cat >>"$WORKDIR/kustomization.yaml" <<YAML
  - target:
      kind: Ingress
    patch: |-
      - op: replace
        path: /spec/rules/0/host
        value: $_domain
      - op: replace
        path: /spec/tls/0/hosts/0
        value: $_domain
YAML
fi

if [[ -n "$RENDER" ]]; then
  kubectl kustomize "$WORKDIR" >&3
  exit 0
fi

run kubectl kustomize "$WORKDIR" "--output=$WORKDIR/rendered.yaml"

# The namespace first, so that the Secrets can go in before any pod needs them.
_show kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml "|" kubectl apply -f -
if [[ -z "$DRY_RUN" ]]; then
  kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
fi

# Secrets from the environment, through files only this user can read (never on a
# command line, never in the repository). One database user per job: migrate (the one
# setup created; only the migration Job), ingest (api, node-api), hub.
# db_secret_files DIR USER PW writes the user, its password and its URL into DIR.
db_secret_files() {
  mkdir -p "$1"
  printf '%s' "$2" >"$1/user"
  printf '%s' "$3" >"$1/password"
  printf 'mysql://%s:%s@cloudsql-proxy:3306/%s' "$2" "$(urlencode "$3")" "$DB_NAME" >"$1/url"
}
(
  umask 077
  db_secret_files "$WORKDIR/migrate" "$DB_USER" "${VMPULSE_DB_PASSWORD:-dry-run}"
  db_secret_files "$WORKDIR/ingest" "${DB_USER}_ingest" "${VMPULSE_DB_INGEST_PASSWORD:-dry-run}"
  db_secret_files "$WORKDIR/hub" "${DB_USER}_hub" "${VMPULSE_DB_HUB_PASSWORD:-dry-run}"
  mkdir -p "$WORKDIR/ingest-token"
  printf '%s' "${VMPULSE_TOKEN:-dry-run}" >"$WORKDIR/ingest-token/token"
  mkdir -p "$WORKDIR/viewer-token"
  printf '%s' "${VMPULSE_VIEWER_TOKEN:-dry-run}" >"$WORKDIR/viewer-token/token"
)
# apply_secret NAME FOLDER KEY...: a Secret with FOLDER/KEY as each KEY.
apply_secret() {
  local name="$1" dir="$WORKDIR/$2"
  shift 2
  local from=() key
  for key in "$@"; do from+=("--from-file=$key=$dir/$key"); done
  _show kubectl create secret generic "$name" --namespace="$NAMESPACE" "${from[@]}" \
    --dry-run=client -o yaml "|" kubectl apply -f -
  if [[ -z "$DRY_RUN" ]]; then
    kubectl create secret generic "$name" --namespace="$NAMESPACE" "${from[@]}" \
      --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  fi
}
apply_secret vmpulse-db migrate user password
apply_secret vmpulse-db-ingest ingest user password url
apply_secret vmpulse-db-hub hub user password url
apply_secret vmpulse-ingest ingest-token token
apply_secret vmpulse-viewer viewer-token token
rm -rf "$WORKDIR/migrate" "$WORKDIR/ingest" "$WORKDIR/hub" "$WORKDIR/ingest-token" "$WORKDIR/viewer-token"

# A Job's template cannot change, and the migrations ConfigMap's name does with every
# new migration: the finished Job goes before the new one is applied.
run kubectl delete job vmpulse-migrate --namespace="$NAMESPACE" --ignore-not-found
run kubectl apply --filename="$WORKDIR/rendered.yaml"
run kubectl wait job/vmpulse-migrate --namespace="$NAMESPACE" --for=condition=complete --timeout=600s
for _d in cloudsql-proxy api node-api hub; do
  run kubectl rollout status "deployment/$_d" --namespace="$NAMESPACE" --timeout=300s
done

run "${GCLOUD[@]}" run deploy "$RUN_SERVICE" --region="$REGION" \
  --image="${IMAGE_REF[dashboard]}" --port=8080 \
  --allow-unauthenticated --cpu=1 --memory=256Mi --min-instances=0 --max-instances=3 \
  --set-env-vars="HUB_URL=$_hub_url"

gcp_note "dashboard: $_dashboard_origin"
gcp_note "ingest:    $_hub_url/api/metrics (split 50/50), $_hub_url/api/cpp/metrics, $_hub_url/api/nodejs/metrics"
gcp_note "the certificate for $_domain may take up to an hour to become active the first time"
