# shellcheck shell=bash
# Ingest route 1 (C++).

svc_api_start() {
  VMPULSE_DB_URL="$(local_db_url ingest)" VMPULSE_TOKEN="$(local_token)" \
    svc_launch api "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$VMPULSE_API_PORT"
}
svc_api_health() { echo "http://127.0.0.1:$VMPULSE_API_PORT/readyz"; }
