#!/usr/bin/env bash
# Removes everything setup.sh and deploy.sh created, back to an empty project: the
# Cloud Run service, the cluster (and with it every Kubernetes object), the Cloud SQL
# instance (and its data and backups: there is no undo), the certificate, its map, the
# Cloud Armor policy, the static IP and the proxy's service account. Each step looks before it deletes, so it
# can be run again after a partial failure. The enabled APIs stay (they cost nothing).
#
#   deploy/gcp/cleanup.sh [--dry-run]      (or ./vmpulse cloud cleanup [--dry-run])
#
# --dry-run prints every gcloud command in order and runs none (it assumes everything
# exists, so it shows each delete). Settings: see deploy/gcp/lib.sh.
set -euo pipefail
# shellcheck source=deploy/gcp/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

gcp_parse_args "$@"
DRY_ASSUME_EXISTS=1
gcp_settings
gcp_need_tools gcloud kubectl

remove "Cloud Run service $RUN_SERVICE" -- \
  "${GCLOUD[@]}" run services describe "$RUN_SERVICE" --region="$REGION" -- \
  "${GCLOUD[@]}" run services delete "$RUN_SERVICE" --region="$REGION"
# The Gateway's load balancer (forwarding rule, backends, NEGs) is made by GKE's
# controller and is not always removed with the cluster: delete the namespace first and
# wait, so the controller tears it down; only then the cluster. The static IP and the
# certificate map can be deleted only once no load balancer uses them.
if exists "${GCLOUD[@]}" container clusters describe "$CLUSTER" --zone="$ZONE"; then
  run "${GCLOUD[@]}" container clusters get-credentials "$CLUSTER" --zone="$ZONE"
  run kubectl delete namespace "$NAMESPACE" --ignore-not-found --wait=true --timeout=600s
  run "${GCLOUD[@]}" container clusters delete "$CLUSTER" --zone="$ZONE"
else
  gcp_note "cluster $CLUSTER already gone"
fi
remove "Cloud SQL instance $SQL_INSTANCE" -- \
  "${GCLOUD[@]}" sql instances describe "$SQL_INSTANCE" -- \
  "${GCLOUD[@]}" sql instances delete "$SQL_INSTANCE"
remove "certificate map entry $CERTMAP_ENTRY" -- \
  "${GCLOUD[@]}" certificate-manager maps entries describe "$CERTMAP_ENTRY" --map="$CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps entries delete "$CERTMAP_ENTRY" --map="$CERTMAP_NAME"
remove "certificate map $CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps describe "$CERTMAP_NAME" -- \
  "${GCLOUD[@]}" certificate-manager maps delete "$CERTMAP_NAME"
remove "certificate $CERT_NAME" -- \
  "${GCLOUD[@]}" certificate-manager certificates describe "$CERT_NAME" -- \
  "${GCLOUD[@]}" certificate-manager certificates delete "$CERT_NAME"
# Once the cluster (and with it the Gateway's backends) is gone, nothing uses it.
remove "security policy $EDGE_POLICY" -- \
  "${GCLOUD[@]}" compute security-policies describe "$EDGE_POLICY" -- \
  "${GCLOUD[@]}" compute security-policies delete "$EDGE_POLICY"
remove "address $ADDRESS_NAME" -- \
  "${GCLOUD[@]}" compute addresses describe "$ADDRESS_NAME" --global -- \
  "${GCLOUD[@]}" compute addresses delete "$ADDRESS_NAME" --global
# The project-level role binding goes first: once the account is deleted, the binding
# lingers under a "deleted:" name that needs the account's uid to remove.
if exists "${GCLOUD[@]}" iam service-accounts describe "$SQL_SA"; then
  run "${GCLOUD[@]}" projects remove-iam-policy-binding "$PROJECT" \
    --member="serviceAccount:$SQL_SA" --role=roles/cloudsql.client --condition=None ||
    gcp_note "no cloudsql.client binding for $SQL_SA (a setup that stopped early)"
  run "${GCLOUD[@]}" iam service-accounts delete "$SQL_SA"
else
  gcp_note "service account $SQL_SA already gone"
fi
gcp_note "cleanup done: nothing of vmpulse is left in $PROJECT but its enabled APIs"
