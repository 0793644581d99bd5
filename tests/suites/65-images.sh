#!/usr/bin/env bash
# The images, built with podman from deploy/docker/ and run for real:
#   - every image builds (the base images made here when Docker Hub is out of reach,
#     scripts/lib/images.sh); sizes reported and held to their targets (agent 15 MB,
#     api and hub 100 MB);
#   - each container runs as the manifests demand: a numeric non-root user, a read-only
#     root filesystem, no capabilities, /tmp a tmpfs where it writes;
#   - the agent, run as the README says, reports this host's memory from its procfs;
#   - api, node-api and hub against a MariaDB on this host, each with its own database
#     user: a record posted to each route is stored, the hub streams it, and every
#     /readyz goes 503 while the database is down and 200 when it is back;
#   - the dashboard container serves the built app and its runtime config;
#   - compose.yaml brought up with podman-compose on these images shows the agent
#     container's data live in the dashboard, in Chromium (tests/lib/images-compose.sh).
# The C++ images hold the binaries the test run already built (release and static
# presets; cpp.Dockerfile's BINARIES=prebuilt), so nothing is compiled twice;
# VMPULSE_IMAGES_FROM_SOURCE=1 compiles them in the image as users do, and checks that
# the three share one compile. Images are tagged :suite and stay in podman's store, so
# a second run on the same machine rebuilds only what changed (VMPULSE_PODMAN_ROOT=DIR:
# a separate store, as on a fresh machine).
# timeout: 900
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/images.sh
source "$ROOT/scripts/lib/images.sh"

WORK="$(mktemp -d /tmp/vmpulse-images-suite.XXXXXX)"
CONTAINERS=()
cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do "${PODMAN[@]}" rm -f -t 2 "$c" >/dev/null 2>&1; done
  [[ -z "${COMPOSE_PROJECT:-}" ]] || compose_cleanup
  db_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT
TAG=suite
export IMAGES_LOG_DIR="$WORK/logs"

# ---------------------------------------------------------------- the command's checks
# fails_with MESSAGE CMD...: CMD exits non-zero and says MESSAGE (nothing is pushed:
# each of these stops before podman is asked to).
fails_with() {
  local want="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    echo "succeeded, but should have failed: $*"
    return 1
  fi
  grep -qF -- "$want" <<<"$out" || { echo "no \"$want\" in: $out"; return 1; }
}
check "images push without --prefix is refused (no default registry)" \
  fails_with "push needs --prefix" "$ROOT/vmpulse" images push --tag v1.0.0
check "images push with a bad prefix is refused" \
  fails_with "not an image prefix" "$ROOT/vmpulse" images push --prefix 'Docker.io/Me;x' --tag v1.0.0
check "images push without --tag is refused" \
  fails_with "push needs --tag" "$ROOT/vmpulse" images push --prefix registry.example:5000/team
check "images push with a bad tag is refused" \
  fails_with "not an image tag" "$ROOT/vmpulse" images push --prefix docker.io/me --tag 'v1;rm'
check "images push of a tag never built says so" \
  fails_with "is not built" "$ROOT/vmpulse" images push --prefix docker.io/me --tag "never-built-$$"
check "images build with a bad tag is refused" fails_with "not an image tag" "$ROOT/vmpulse" images build --tag '-x'
check "images with an unknown option is refused" fails_with "unknown option: --force" "$ROOT/vmpulse" images build --force
check "images without a step explains itself" fails_with "usage: ./vmpulse images" "$ROOT/vmpulse" images

# ---------------------------------------------------------------- build
t_build=$SECONDS
bases_ready() {
  local t0=$SECONDS
  (images_bases local && declare -p IMAGES_BASE_ARGS >"$WORK/base-args") || return 1
  echo "local bases (Debian by mmdebstrap, Node.js, nginx) ready in $((SECONDS - t0)) s"
}
check "the local base images are made (or found by their recipe's key)" bases_ready
# shellcheck source=/dev/null
[[ -f "$WORK/base-args" ]] && source "$WORK/base-args"

if [[ -z "${VMPULSE_IMAGES_FROM_SOURCE:-}" ]]; then
  static_agent() {
    [[ -x "$ROOT/build/static/bin/vmpulse-agent" ]] && return 0
    (cd "$ROOT" && cmake --preset static >/dev/null && nice cmake --build --preset static -j2 --target vmpulse-agent >/dev/null)
  }
  check "the static agent is built (cmake --preset static, as for the QEMU guest)" static_agent
  prebuilt_ready() { (images_prebuilt "$TAG" && declare -p IMAGES_PREBUILT_ARGS >"$WORK/prebuilt-args"); }
  check "the C++ images' root filesystems are laid out from this machine's build (collect-runtime.sh)" prebuilt_ready
  # shellcheck source=/dev/null
  [[ -f "$WORK/prebuilt-args" ]] && source "$WORK/prebuilt-args"
fi

built() {
  local t0=$SECONDS
  (image_build "$1" "$TAG") || { cat "$IMAGES_LOG_DIR"/build-localhost_vmpulse-"$1"_*.log | tail -n 30; return 1; }
  echo "vmpulse-$1 built in $((SECONDS - t0)) s"
}
for c in "${IMAGE_COMPONENTS[@]}"; do
  check "vmpulse-$c builds from $(image_dockerfile_args "$c" | sed -n 2p | sed "s#$ROOT/##")" built "$c"
done
echo "all images built in $((SECONDS - t_build)) s"

# The C++ three share one build stage: after the agent's, the others compile nothing
# (the log of a build whose compile step came from the cache says so at that step).
one_compile() {
  local c
  for c in api hub; do
    grep -A2 'cmake --build --preset release' "$IMAGES_LOG_DIR/build-localhost_vmpulse-${c}_$TAG.log" |
      grep -q 'Using cache' || { echo "vmpulse-$c compiled again"; return 1; }
  done
}
if [[ -n "${VMPULSE_IMAGES_FROM_SOURCE:-}" ]]; then
  check "api and hub reuse the agent's build stage (one compile for the three)" one_compile
fi

size_within() {
  local mb
  mb="$(image_size_mb "$(image_ref localhost "$1" "$TAG")")" || return 1
  echo "vmpulse-$1: $mb MB (target: at most $2 MB)"
  ((mb <= $2))
}
check "vmpulse-agent is at most 15 MB" size_within agent 15
check "vmpulse-api is at most 100 MB" size_within api 100
check "vmpulse-hub is at most 100 MB" size_within hub 100
check "vmpulse-node-api is at most 350 MB" size_within node-api 350
check "vmpulse-dashboard is at most 250 MB" size_within dashboard 250

image_user_numeric_non_root() {
  local user
  user="$("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$(image_ref localhost "$1" "$TAG")")" || return 1
  [[ "$user" =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || { echo "vmpulse-$1 runs as '$user'"; return 1; }
}
for c in "${IMAGE_COMPONENTS[@]}"; do
  check "vmpulse-$c's user is numeric and not root" image_user_numeric_non_root "$c"
done

# ---------------------------------------------------------------- running
# run_container NAME IMAGE ARGS... (podman run's options, then -- and the command): a
# hardened container on the host's network (no port mapping to set up), its secrets
# passed by name from this shell's environment (never on a command line).
HARDENED=(--read-only --cap-drop ALL --security-opt no-new-privileges --tmpfs "/tmp:size=16m,mode=1777"
  --network host "${PODMAN_LIMITS[@]}")
run_container() {
  local name="vmpulse-suite-$1-$$" image
  image="$(image_ref localhost "$2" "$TAG")"
  shift 2
  local opts=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    opts+=("$1")
    shift
  done
  [[ "${1:-}" == -- ]] && shift
  CONTAINERS+=("$name")
  "${PODMAN[@]}" run -d --name "$name" "${HARDENED[@]}" "${opts[@]}" "$image" "$@" >/dev/null
}
logs_of() { "${PODMAN[@]}" logs "vmpulse-suite-$1-$$" 2>&1 | tail -n 20; }

# container_hardened CONTAINER: its process runs as a non-root user, with the root
# filesystem read-only and no capabilities (seen from the host, not from the image).
container_hardened() {
  local pid uid ro caps
  pid="$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$1")" || return 1
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || { echo "not running"; "${PODMAN[@]}" logs "$1" 2>&1 | tail -n 20; return 1; }
  uid="$(awk '/^Uid:/ {print $3}' "/proc/$pid/status")"
  caps="$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")"
  ro="$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | tail -n1)"
  echo "$1: uid $uid, CapEff $caps, root mount $ro"
  # The root mount's options are "ro" or "ro,..."; grouped, or `||` would let a root or
  # capable process pass whenever the mount alone was read-only.
  [[ "$uid" != 0 && "$caps" =~ ^0+$ && ("$ro" == ro || "$ro" == ro,*) ]]
}
runs_hardened() { container_hardened "vmpulse-suite-$1-$$"; }

# The agent as the README runs it: host PID namespace, host /proc read-only at /host/proc.
AGENT_PORT="$(free_port)"
check "the agent container starts (--pid=host, /proc at /host/proc read-only, user 10001)" \
  run_container agent agent --pid=host -v /proc:/host/proc:ro --user 10001:10001 -e VMPULSE_VM=img-agent -- \
  --procfs /host/proc --listen "127.0.0.1:$AGENT_PORT"
check "the agent container answers /livez" wait_http "http://127.0.0.1:$AGENT_PORT/livez" 30
agent_reports_host_memory() {
  local record host_mib
  record="$(curl -fsS "http://127.0.0.1:$AGENT_PORT/metrics")" || return 1
  host_mib=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
  echo "agent: total_ram $(jq .total_ram <<<"$record") MiB, host MemTotal $host_mib MiB, total_procesos $(jq .total_procesos <<<"$record")"
  [[ "$(jq -r .vm <<<"$record")" == img-agent && "$(jq .total_ram <<<"$record")" == "$host_mib" ]] || return 1
  # The host's processes, not the container's one: the host PID namespace is seen.
  (($(jq .total_procesos <<<"$record") > 20))
}
check "the agent's /metrics holds the host's total RAM and its processes" agent_reports_host_memory
agent_reads_procfs() {
  local sources
  sources="$(curl -fsS "http://127.0.0.1:$AGENT_PORT/metrics/sources")" || return 1
  jq -c '[.. | objects | select(has("from")) | .from] | unique' <<<"$sources"
  jq -e '[.. | objects | select(has("from")) | .from] | length > 0 and all(. == "procfs")' <<<"$sources" >/dev/null &&
    grep -q '/host/proc/' <<<"$sources"
}
check "the agent reports procfs (under /host/proc) as the source of every value" agent_reads_procfs
check "the agent container runs as uid 10001, read-only, without capabilities" runs_hardened agent

# ---------------------------------------------------------------- the database and the routes
DB_PORT="$(free_port)"
db_up() {
  db_start "$WORK/db" "$DB_PORT" && db_migrate "$(db_url "$WORK/db" "$DB_PORT")" >/dev/null && db_grant_roles "$WORK/db"
}
check "a MariaDB on this host, migrated, with the service users" db_up
INGEST_URL="$(db_role_url "$WORK/db" "$DB_PORT" ingest)"
HUB_DB_URL="$(db_role_url "$WORK/db" "$DB_PORT" hub)"
VMPULSE_TOKEN="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
VIEWER_TOKEN="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
# The hub reads the viewer token from a file, as from a Kubernetes Secret: readable by
# its user only.
(umask 077 && echo "$VIEWER_TOKEN" >"$WORK/viewer-token")
chown 10001:10001 "$WORK/viewer-token"
export VMPULSE_TOKEN

API_PORT="$(free_port)" NODE_PORT="$(free_port)" HUB_PORT="$(free_port)"
VMPULSE_DB_URL="$INGEST_URL" check "the api container starts" \
  run_container api api -e VMPULSE_DB_URL -e VMPULSE_TOKEN -- --listen "127.0.0.1:$API_PORT"
VMPULSE_DB_URL="$INGEST_URL" check "the node-api container starts" \
  run_container node-api node-api -e VMPULSE_DB_URL -e VMPULSE_TOKEN -e "PORT=127.0.0.1:$NODE_PORT"
VMPULSE_DB_URL="$HUB_DB_URL" check "the hub container starts" \
  run_container hub hub -e VMPULSE_DB_URL -e VMPULSE_VIEWER_TOKEN_FILE=/run/secrets/viewer-token \
  -v "$WORK/viewer-token:/run/secrets/viewer-token:ro" -- --listen "127.0.0.1:$HUB_PORT"
for svc in "api $API_PORT" "node-api $NODE_PORT" "hub $HUB_PORT"; do
  ready_or_logs() { wait_http "http://127.0.0.1:$2/readyz" 60 || { logs_of "$1"; return 1; }; }
  # shellcheck disable=SC2086 # name and port
  check "the ${svc% *} container is ready (/readyz 200)" ready_or_logs $svc
done
for c in api node-api hub; do
  check "the $c container runs as a non-root user, read-only, without capabilities" runs_hardened "$c"
done

# post_record PORT VM: the agent container's own record, renamed VM, posted to a route.
post_record() {
  local record code
  record="$(curl -fsS "http://127.0.0.1:$AGENT_PORT/metrics" | jq -c --arg vm "$2" '.vm = $vm')" || return 1
  code="$(curl -sS -o "$WORK/post.out" -w '%{http_code}' -H "Authorization: Bearer $VMPULSE_TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$record" "http://127.0.0.1:$1/api/metrics")"
  [[ "$code" == 201 ]] || { echo "POST answered $code: $(head -c 300 "$WORK/post.out")"; return 1; }
}
stored_by() {
  local route
  route="$(db_client "$(db_url "$WORK/db" "$DB_PORT")" -e "SELECT api FROM metricas WHERE vm = '$1'")"
  echo "$1 stored by route: ${route:-none}"
  [[ -n "$route" ]]
}
check "a record posted to the api container is answered 201" post_record "$API_PORT" img-api
check "...and stored" stored_by img-api
check "a record posted to the node-api container is answered 201" post_record "$NODE_PORT" img-node
check "...and stored" stored_by img-node

# The hub's WebSocket, read with curl: the frames are JSON text, unmasked from a server.
hub_streams() {
  timeout 15 curl -sS -N --http1.1 --max-time 10 -H "Authorization: Bearer $VIEWER_TOKEN" \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dm1wdWxzZS1pbWFnZXMtMQ==' "http://127.0.0.1:$HUB_PORT/ws" -o "$WORK/ws.out" 2>/dev/null
  if ! grep -aq img-api "$WORK/ws.out" || ! grep -aq img-node "$WORK/ws.out"; then
    echo "the stream held: $(head -c 300 "$WORK/ws.out")"
    return 1
  fi
}
check "the hub container streams both records over /ws" hub_streams

# /readyz follows the database: 503 while it is down, 200 once it is back.
readyz_is() {
  local port="$1" want="$2" deadline=$((SECONDS + 30)) code
  while ((SECONDS < deadline)); do
    code="$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz")"
    [[ "$code" == "$want" ]] && return 0
    sleep 0.3
  done
  echo "port $port: /readyz $code, not $want"
  return 1
}
check "the database stops" db_stop "$WORK/db"
for svc in "api $API_PORT" "node-api $NODE_PORT" "hub $HUB_PORT"; do
  check "the ${svc% *} container's /readyz is 503 while the database is down" readyz_is "${svc#* }" 503
done
check "the database starts again" db_start "$WORK/db" "$DB_PORT"
for svc in "api $API_PORT" "node-api $NODE_PORT" "hub $HUB_PORT"; do
  check "the ${svc% *} container's /readyz is 200 again" readyz_is "${svc#* }" 200
done

# ---------------------------------------------------------------- dashboard
DASH_PORT="$(free_port)"
check "the dashboard container starts" run_container dashboard dashboard \
  -e "PORT=$DASH_PORT" -e HUB_URL=https://hub.example.org
check "the dashboard container answers /livez" wait_http "http://127.0.0.1:$DASH_PORT/livez" 30
dashboard_serves_app() {
  local index asset
  index="$(curl -fsS "http://127.0.0.1:$DASH_PORT/")" || return 1
  asset="$(grep -o '/assets/[^"]*\.js' <<<"$index" | head -n1)"
  [[ -n "$asset" ]] || { echo "no script in: $(head -c 300 <<<"$index")"; return 1; }
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$DASH_PORT$asset")" == 200 ]] &&
    [[ "$(curl -fsS "http://127.0.0.1:$DASH_PORT/config.js")" == 'window.VMPULSE_CONFIG = { hubUrl: "https://hub.example.org" };' ]]
}
check "the dashboard serves the built app and config.js from HUB_URL" dashboard_serves_app
check "the dashboard container runs as a non-root user, read-only, without capabilities" runs_hardened dashboard

# ---------------------------------------------------------------- compose.yaml
# shellcheck source=tests/lib/images-compose.sh
source "$ROOT/tests/lib/images-compose.sh"

echo "suite time: $((SECONDS)) s"
suite_end
