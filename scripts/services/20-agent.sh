# shellcheck shell=bash
# The agent samples this machine and serves its metrics on VMPULSE_AGENT_PORT.

agent_start() {
  svc_launch agent "$VMPULSE_BIN/vmpulse-agent" \
    --listen "127.0.0.1:$VMPULSE_AGENT_PORT" ${VMPULSE_AGENT_ARGS:-}
}

agent_health() { echo "http://127.0.0.1:$VMPULSE_AGENT_PORT/readyz"; }
