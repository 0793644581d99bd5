# shellcheck shell=bash
# Ingest route 2 (Node.js).

svc_node_api_start() {
  PORT="$VMPULSE_NODE_API_PORT" VMPULSE_DB_URL="$(local_db_url ingest)" VMPULSE_TOKEN="$(local_token)" \
    svc_launch node-api node "$VMPULSE_ROOT/node-api/src/server.js"
}
svc_node_api_health() { echo "http://127.0.0.1:$VMPULSE_NODE_API_PORT/readyz"; }
