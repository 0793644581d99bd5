# shellcheck shell=bash
# The compose check of tests/suites/65-images.sh (sourced at its end, after the images
# are built and tagged :suite): compose.yaml, as users run it, brought up with Debian's
# podman-compose (scripts/lib/compose.sh) on those images, its database a local MariaDB
# image (deploy/docker/local-bases/mariadb.Dockerfile) and its ingress the local nginx
# base, standing in for the mysql and nginx images of Docker Hub. Then:
#   - the migrate one-shot applies the migrations and creates the service users;
#   - the agent container pushes its samples through the ingress to the routes;
#   - the dashboard, signed in through the ingress, shows them arriving live in Chromium;
#   - every long-running container runs as a non-root user, read-only, without
#     capabilities (the database too);
#   - `podman-compose down -v` leaves no container, volume or network of the project.
# podman-compose 1.0.3 ignores depends_on's conditions and `pid: host` (the agent reads
# the host's /proc through its mount all the same), and puts `environment:` values on
# podman's command line, so its output, which repeats them, goes to a private file.
# Uses from the suite: ROOT, WORK, TAG, PODMAN, check, container_hardened.

# shellcheck source=scripts/lib/compose.sh
source "$ROOT/scripts/lib/compose.sh"

COMPOSE_DIR="$WORK/compose"
COMPOSE_PROJECT="vmpulse-suite-$$"
COMPOSE_OUT="${VMPULSE_TEST_OUTPUT:-$ROOT/test-output}/images"
mkdir -p "$COMPOSE_OUT"
compose_env "$COMPOSE_DIR"
t_compose=$SECONDS

# In this shell (the images are exported to compose); a failure (die) is caught by the
# check through the subshell's exit, and the variables then come from its file.
mariadb_ready() {
  (compose_local_bases && declare -p VMPULSE_DB_IMAGE VMPULSE_INGRESS_IMAGE >"$COMPOSE_DIR/bases") || return 1
  cat "$COMPOSE_DIR/bases"
}
check "the local MariaDB image is made (or found by its recipe's key)" mariadb_ready
# shellcheck source=/dev/null
[[ -f "$COMPOSE_DIR/bases" ]] && source "$COMPOSE_DIR/bases"

# The secrets: passwords in this shell's environment, tokens in files the services'
# users can read, in a directory nobody else can enter.
rand_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
install -d -m 700 "$COMPOSE_DIR/secrets"
(umask 022 && rand_hex 24 >"$COMPOSE_DIR/secrets/ingest-token" && rand_hex 32 >"$COMPOSE_DIR/secrets/viewer-token")
COMPOSE_PORT="$(free_port)" COMPOSE_AGENT_PORT="$(free_port)"
COMPOSE_VM="compose-$$"
export VMPULSE_IMAGE_PREFIX=localhost VMPULSE_IMAGE_TAG="$TAG" VMPULSE_SECRETS_DIR="$COMPOSE_DIR/secrets" \
  VMPULSE_COMPOSE_PORT="$COMPOSE_PORT" VMPULSE_COMPOSE_AGENT_PORT="$COMPOSE_AGENT_PORT" VMPULSE_VM="$COMPOSE_VM"
VMPULSE_DB_PASSWORD="$(rand_hex 24)" VMPULSE_DB_INGEST_PASSWORD="$(rand_hex 24)" VMPULSE_DB_HUB_PASSWORD="$(rand_hex 24)"
export VMPULSE_DB_IMAGE VMPULSE_INGRESS_IMAGE VMPULSE_DB_PASSWORD VMPULSE_DB_INGEST_PASSWORD VMPULSE_DB_HUB_PASSWORD
COMPOSE_SERVICES=(db migrate api node-api hub agent dashboard ingress)
compose_cleanup() {
  compose "$COMPOSE_PROJECT" down -v >>"$COMPOSE_DIR/compose.log" 2>&1
  "${PODMAN[@]}" network rm -f "${COMPOSE_PROJECT}_default" >/dev/null 2>&1
}
cnt() { echo "${COMPOSE_PROJECT}_$1_1"; }
compose_logs() { "${PODMAN[@]}" logs "$(cnt "$1")" 2>&1 | tail -n "${2:-15}"; }

compose_up() {
  (umask 077 && : >"$COMPOSE_DIR/compose.log")
  local s missing=()
  # 1.0.3 exits 0 even when a podman run failed: each service's container must exist.
  compose "$COMPOSE_PROJECT" up -d --no-build "${COMPOSE_SERVICES[@]}" >>"$COMPOSE_DIR/compose.log" 2>&1
  for s in "${COMPOSE_SERVICES[@]}"; do
    "${PODMAN[@]}" container exists "$(cnt "$s")" || missing+=("$s")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "no container for: ${missing[*]}"
  grep -E '^Error' "$COMPOSE_DIR/compose.log" | tail -n 10
  return 1
}
check "podman-compose brings compose.yaml up (images :$TAG, local MariaDB and nginx)" compose_up

migrated() {
  local code
  code="$(timeout 120 "${PODMAN[@]}" wait "$(cnt migrate)" 2>&1)"
  [[ "$code" == 0 ]] || { echo "migrate exited $code"; compose_logs migrate; compose_logs db; return 1; }
  compose_logs migrate 2 | tail -n1
}
check "the migrate one-shot applies the migrations and creates the service users" migrated

# Through the ingress, with the viewer token from a header file (not a command line).
INGRESS_URL="http://127.0.0.1:$COMPOSE_PORT"
(umask 077 && printf 'Authorization: Bearer %s\n' "$(cat "$COMPOSE_DIR/secrets/viewer-token")" >"$COMPOSE_DIR/viewer.header")
vm_listed() {
  local deadline=$((SECONDS + 90)) out=""
  while ((SECONDS < deadline)); do
    out="$(curl -s --max-time 3 -H "@$COMPOSE_DIR/viewer.header" "$INGRESS_URL/api/vms")"
    grep -q "\"$COMPOSE_VM\"" <<<"$out" && return 0
    sleep 1
  done
  echo "/api/vms: ${out:0:200}"
  local s
  for s in agent ingress api node-api hub; do echo "-- $s:" && compose_logs "$s" 5; done
  return 1
}
check "the agent container's pushes reach the database through the ingress (/api/vms lists $COMPOSE_VM)" vm_listed
check "Chromium, signed in through the ingress, sees $COMPOSE_VM's data arrive live" \
  node "$ROOT/tests/e2e/live-check.mjs" "$INGRESS_URL" "$COMPOSE_DIR/secrets/viewer-token" "$COMPOSE_OUT" "$COMPOSE_VM"

for s in db api node-api hub agent dashboard ingress; do
  check "compose's $s runs as a non-root user, read-only, without capabilities" container_hardened "$(cnt "$s")"
done
echo "compose: up to live data in $((SECONDS - t_compose)) s"

gone() {
  compose_cleanup
  local left
  left="$("${PODMAN[@]}" ps -a -q --filter "label=io.podman.compose.project=$COMPOSE_PROJECT")"
  left+="$("${PODMAN[@]}" volume ls -q --filter "label=io.podman.compose.project=$COMPOSE_PROJECT")"
  [[ -z "$left" ]] || { echo "left behind: $left"; return 1; }
  ! "${PODMAN[@]}" network exists "${COMPOSE_PROJECT}_default"
}
check "podman-compose down -v leaves no container, volume or network of the project" gone
echo "compose check: $((SECONDS - t_compose)) s"
