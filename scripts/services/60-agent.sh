# shellcheck shell=bash
# The agent samples this machine, serves its metrics, and pushes them through the
# ingress so the dashboard is live at once.

# VMPULSE_AGENT_PUSH=0 keeps the agent from pushing (tests that count rows exactly).
# By default it pushes through the ingress's HTTPS port, trusting only the local CA, as
# an agent on another VM would; VMPULSE_AGENT_PUSH_TLS=0 pushes over plain HTTP on
# loopback instead. The token file is read again on SIGHUP (./vmpulse token rotate).
svc_agent_start() {
  local push=()
  if [[ "${VMPULSE_AGENT_PUSH:-1}" != 0 ]]; then
    if [[ "${VMPULSE_AGENT_PUSH_TLS:-1}" == 1 ]]; then
      push=(--push "https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/api/metrics"
        --ca-file "$VMPULSE_STATE_DIR/tls/ca.pem")
    else
      push=(--push "http://127.0.0.1:$VMPULSE_INGRESS_PORT/api/metrics")
    fi
    push+=(--token-file "$VMPULSE_STATE_DIR/token" --spool "$VMPULSE_STATE_DIR/spool")
  fi
  svc_launch agent "$VMPULSE_BIN/vmpulse-agent" --listen "127.0.0.1:$VMPULSE_AGENT_PORT" "${push[@]}"
}
svc_agent_health() { echo "http://127.0.0.1:$VMPULSE_AGENT_PORT/readyz"; }
