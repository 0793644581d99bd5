#!/usr/bin/env bash
# Creates what vmpulse runs on in a Google Cloud project: the APIs, a GKE cluster with
# Gateway API and Workload Identity, a Cloud SQL MySQL 8.0 instance with the database
# and its migrate user, the service account the Cloud SQL proxy acts as, a global
# static IP, a Google-managed certificate for it and the Cloud Armor policy that limits
# requests per client. Safe to run again: each step looks before it creates.
#
#   deploy/gcp/setup.sh [--dry-run]      (or ./vmpulse cloud setup [--dry-run])
#
# --dry-run prints every gcloud command in order and runs none (it assumes a new
# project, so it shows each create). Settings: see deploy/gcp/lib.sh. Needs
# VMPULSE_DB_PASSWORD when the database user does not exist yet.
set -euo pipefail
# shellcheck source=deploy/gcp/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

gcp_parse_args "$@"
gcp_settings
gcp_need_tools gcloud

# Files handed to gcloud (the database password) live here, readable by this user only.
WORKDIR="$(mktemp -d)"
SHOW_WORKDIR="$WORKDIR"
trap 'rm -rf "$WORKDIR"' EXIT
chmod 700 "$WORKDIR"

run "${GCLOUD[@]}" services enable container.googleapis.com sqladmin.googleapis.com \
  run.googleapis.com compute.googleapis.com certificatemanager.googleapis.com \
  iam.googleapis.com

# A zonal Standard cluster: one zonal cluster per billing account has its management
# fee covered by GKE's free tier. Dataplane V2 enforces the NetworkPolicies.
ensure "cluster $CLUSTER" -- \
  "${GCLOUD[@]}" container clusters describe "$CLUSTER" --zone="$ZONE" -- \
  "${GCLOUD[@]}" container clusters create "$CLUSTER" --zone="$ZONE" \
  --release-channel=regular --machine-type="$NODE_TYPE" --num-nodes="$NODES" \
  --enable-autoscaling --min-nodes="$NODES" --max-nodes=$((NODES + 2)) \
  --disk-size=30 --gateway-api=standard --workload-pool="$PROJECT.svc.id.goog" \
  --enable-dataplane-v2 --enable-shielded-nodes --shielded-secure-boot

ensure "Cloud SQL instance $SQL_INSTANCE" -- \
  "${GCLOUD[@]}" sql instances describe "$SQL_INSTANCE" -- \
  "${GCLOUD[@]}" sql instances create "$SQL_INSTANCE" --database-version=MYSQL_8_0 \
  --edition=enterprise --tier="$SQL_TIER" --region="$REGION" --storage-type=SSD \
  --storage-size=10 --storage-auto-increase --backup-start-time=03:00 \
  --availability-type=zonal --database-flags=default_time_zone=+00:00

ensure "database $DB_NAME" -- \
  "${GCLOUD[@]}" sql databases describe "$DB_NAME" --instance="$SQL_INSTANCE" -- \
  "${GCLOUD[@]}" sql databases create "$DB_NAME" --instance="$SQL_INSTANCE" \
  --charset=utf8mb4 --collation=utf8mb4_0900_ai_ci

# The migrate user: the only one gcloud creates (Cloud SQL gives it the
# cloudsqlsuperuser role); the migration Job, running as it, creates the ingest and hub
# users with only the privileges of db/grants.sql. The password reaches gcloud in a
# flags file only this user can read (gcloud topic flags-file), never on its command
# line, and is never printed.
_user_exists="$(value "" "${GCLOUD[@]}" sql users list --instance="$SQL_INSTANCE" \
  --filter="name=$DB_USER" --format='value(name)')"
if [[ -n "$_user_exists" ]]; then
  gcp_note "database user $DB_USER exists (./vmpulse cloud deploy uses VMPULSE_DB_PASSWORD as its password)"
else
  if [[ -z "$DRY_RUN" && -z "${VMPULSE_DB_PASSWORD:-}" ]]; then
    gcp_die "set VMPULSE_DB_PASSWORD (e.g. export VMPULSE_DB_PASSWORD=\"\$(openssl rand -hex 24)\") and keep it for deploy"
  fi
  [[ "${VMPULSE_DB_PASSWORD:-}" =~ [[:cntrl:]] ]] && gcp_die "VMPULSE_DB_PASSWORD has a control character"
  _pw="${VMPULSE_DB_PASSWORD:-dry-run}"
  _pw="${_pw//\\/\\\\}"
  (umask 077 && printf '{"--password": "%s"}\n' "${_pw//\"/\\\"}" >"$WORKDIR/db-user.yaml")
  run "${GCLOUD[@]}" sql users create "$DB_USER" --instance="$SQL_INSTANCE" --host=% \
    "--flags-file=$WORKDIR/db-user.yaml"
  rm -f "$WORKDIR/db-user.yaml"
fi

# The Cloud SQL proxy's identity: a Google service account that may connect to Cloud
# SQL, which the proxy's Kubernetes service account may act as (Workload Identity).
ensure "service account $SQL_SA" -- \
  "${GCLOUD[@]}" iam service-accounts describe "$SQL_SA" -- \
  "${GCLOUD[@]}" iam service-accounts create "$SQL_SA_NAME" --display-name="vmpulse Cloud SQL proxy"
run "${GCLOUD[@]}" projects add-iam-policy-binding "$PROJECT" \
  --member="serviceAccount:$SQL_SA" --role=roles/cloudsql.client --condition=None
run "${GCLOUD[@]}" iam service-accounts add-iam-policy-binding "$SQL_SA" \
  --role=roles/iam.workloadIdentityUser \
  --member="serviceAccount:$PROJECT.svc.id.goog[$NAMESPACE/cloudsql-proxy]"

# The Gateway's address and certificate.
ensure "address $ADDRESS_NAME" -- \
  "${GCLOUD[@]}" compute addresses describe "$ADDRESS_NAME" --global -- \
  "${GCLOUD[@]}" compute addresses create "$ADDRESS_NAME" --global --ip-version=IPV4
_domain="$(public_domain)"
ensure "certificate $CERT_NAME" -- \
  "${GCLOUD[@]}" certificate-manager certificates describe "$CERT_NAME" -- \
  "${GCLOUD[@]}" certificate-manager certificates create "$CERT_NAME" --domains="$_domain"
ensure "certificate map $CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps describe "$CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps create "$CERTMAP_NAME"
ensure "certificate map entry $CERTMAP_ENTRY" -- \
  "${GCLOUD[@]}" certificate-manager maps entries describe "$CERTMAP_ENTRY" --map="$CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps entries create "$CERTMAP_ENTRY" --map="$CERTMAP_NAME" \
  --certificates="$CERT_NAME" --hostname="$_domain"

# Limits at the edge for the Gateway: a Cloud Armor policy (the Gateway's
# GCPBackendPolicies name it) throttling each client address to VMPULSE_EDGE_RATE
# requests/s averaged over a minute, 429 past it (docs/deploy.md).
ensure "security policy $EDGE_POLICY" -- \
  "${GCLOUD[@]}" compute security-policies describe "$EDGE_POLICY" -- \
  "${GCLOUD[@]}" compute security-policies create "$EDGE_POLICY" \
  --description="vmpulse: requests per client address"
ensure "security policy rule 1000" -- \
  "${GCLOUD[@]}" compute security-policies rules describe 1000 --security-policy="$EDGE_POLICY" -- \
  "${GCLOUD[@]}" compute security-policies rules create 1000 --security-policy="$EDGE_POLICY" \
  --src-ip-ranges=0.0.0.0/0 --action=throttle --rate-limit-threshold-count=$((EDGE_RATE * 60)) \
  --rate-limit-threshold-interval-sec=60 --conform-action=allow --exceed-action=deny-429 \
  --enforce-on-key=IP

run "${GCLOUD[@]}" container clusters get-credentials "$CLUSTER" --zone="$ZONE"
gcp_note "setup done: the public host name is $_domain; next: ./vmpulse cloud deploy"
