# shellcheck shell=bash
# Ingest route 2 (Node.js). It reads the token file again on SIGHUP (./vmpulse token
# rotate); the file is given as a flag so that it wins over a VMPULSE_TOKEN in the
# environment.

svc_node_api_start() {
  PORT="$VMPULSE_NODE_API_PORT" VMPULSE_DB_URL="$(local_db_url ingest)" \
    svc_launch node-api node "$VMPULSE_ROOT/node-api/src/server.js" --token-file "$(local_token_file)"
}
svc_node_api_health() { echo "http://127.0.0.1:$VMPULSE_NODE_API_PORT/readyz"; }
