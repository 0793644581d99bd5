# shellcheck shell=bash
# Ingest route 1 (C++). It reads the token file again on SIGHUP (./vmpulse token rotate);
# the file is given as a flag so that it wins over a VMPULSE_TOKEN in the environment.

svc_api_start() {
  VMPULSE_DB_URL="$(local_db_url ingest)" \
    svc_launch api "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$VMPULSE_API_PORT" \
    --token-file "$(local_token_file)"
}
svc_api_health() { echo "http://127.0.0.1:$VMPULSE_API_PORT/readyz"; }
