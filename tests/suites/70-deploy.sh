#!/usr/bin/env bash
# timeout: 600
# The cloud half, checked without a cloud or a Docker engine:
#   - shellcheck on every shell script in the repository;
#   - deploy/gcp's --dry-run prints the expected command sequence (tests/deploy/expected),
#     calls neither gcloud nor kubectl, and real runs against stand-ins look before they
#     create, store the right Secrets and reject bad settings;
#   - the migration script against a private MariaDB (applies once, then nothing);
#   - the nginx configurations of compose.yaml's ingress and the dashboard image, run
#     for real on loopback (the 50/50 split measured, the runtime config.js written);
#   - the systemd unit verified and its exposure scored;
#   - tests/deploy (node --test): every kustomize overlay rendered and validated against
#     the Kubernetes, Gateway API and GKE schemas, the Dockerfiles linted, compose.yaml,
#     the images workflow, and a scan for secrets.
set -uo pipefail
# shellcheck source=tests/lib/suite.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"

cd "$VMPULSE_ROOT" || exit 1
TMP="$(mktemp -d)"
NGINX_PIDS=()
cleanup() {
  local pid
  for pid in "${NGINX_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  db_stop "$TMP/db" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# ---------------------------------------------------------------- shellcheck
# Every shell script: *.sh, the ./vmpulse entry point, and files with a sh/bash shebang.
shell_scripts() {
  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [[ -f "$f" ]] || continue
    case "$f" in */node_modules/* | node_modules/*) continue ;; esac
    if [[ "$f" == *.sh || "$f" == vmpulse ]] || head -n1 "$f" 2>/dev/null | grep -Eq '^#!.*\b(ba|da)?sh\b'; then
      printf '%s\n' "$f"
    fi
  done | sort -u
}
mapfile -t _scripts < <(shell_scripts)
check "found the repository's shell scripts (${#_scripts[@]})" test "${#_scripts[@]}" -ge 10
for _f in "${_scripts[@]}"; do
  check "shellcheck $_f" shellcheck -x "$_f"
done

# ---------------------------------------------------------------- workflows
# Every action a workflow uses is pinned by commit SHA, its tag in a comment (a tag can
# be moved to other code; a commit cannot).
actions_pinned() {
  local bad
  bad="$(grep -hnE '^[[:space:]-]*uses:' .github/workflows/*.yml |
    grep -vE 'uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v[0-9]+(\.[0-9]+)*$')"
  [[ -z "$bad" ]] || { echo "not pinned by SHA with its tag: $bad"; return 1; }
}
check "every GitHub action is pinned by commit SHA (tag in a comment)" actions_pinned
# shellcheck disable=SC2016 # a GitHub expression, not a shell one
check "the images workflow builds with base images resolved to digests" \
  grep -qF 'DEBIAN_IMAGE=${{ needs.bases.outputs.debian }}' .github/workflows/images.yml

# ---------------------------------------------------------------- gcp scripts
REAL_KUBECTL="$(command -v kubectl || true)"
export REAL_KUBECTL
check "kubectl (with kustomize) is installed" test -n "$REAL_KUBECTL"

# A clean environment: only what the scripts are documented to read.
clean_env=(env -i "PATH=$PATH" "HOME=$TMP" "TMPDIR=$TMP" "LANG=C.UTF-8")
dry_env=("${clean_env[@]}" VMPULSE_GCP_PROJECT=vmpulse-demo VMPULSE_IMAGE_PREFIX=docker.io/example VMPULSE_IMAGE_TAG=v1.0.0)

# A PATH whose gcloud and kubectl only record that they were called.
mkdir -p "$TMP/trap-bin"
for _tool in gcloud kubectl; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 1\n' "$_tool" "$TMP" >"$TMP/trap-bin/$_tool"
  chmod +x "$TMP/trap-bin/$_tool"
done

dry_run_matches() {
  local step="$1" out="$TMP/dry-$1.txt"
  shift
  "${dry_env[@]}" "PATH=$TMP/trap-bin:$PATH" "$@" >"$out" 2>&1 || { cat "$out"; return 1; }
  diff -u "tests/deploy/expected/$step.txt" "$out"
}
check "setup --dry-run prints the expected commands" dry_run_matches setup deploy/gcp/setup.sh --dry-run
check "deploy --dry-run prints the expected commands (through ./vmpulse cloud)" dry_run_matches deploy ./vmpulse cloud deploy --dry-run
check "cleanup --dry-run prints the expected commands" dry_run_matches cleanup deploy/gcp/cleanup.sh --dry-run
check "a dry run calls neither gcloud nor kubectl" test ! -e "$TMP/called"

# fails_with MESSAGE CMD...: CMD exits non-zero and says MESSAGE.
fails_with() {
  local want="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    echo "succeeded, but should have failed: $*"
    return 1
  fi
  grep -q -- "$want" <<<"$out" || { echo "no \"$want\" in: $out"; return 1; }
}
check "no project: a clear error" fails_with "set VMPULSE_GCP_PROJECT" "${clean_env[@]}" deploy/gcp/setup.sh --dry-run
check "so1_fase2 is refused as a namespace" fails_with "DNS-1123" \
  "${dry_env[@]}" VMPULSE_NAMESPACE=so1_fase2 deploy/gcp/deploy.sh --dry-run
check "an unknown overlay is refused" fails_with "gateway or ingress-nginx" \
  "${dry_env[@]}" deploy/gcp/deploy.sh --dry-run --overlay traefik
check "an unknown option is refused" fails_with "unknown option: --force" "${dry_env[@]}" deploy/gcp/cleanup.sh --force
check "a bad image tag is refused" fails_with "not an image tag" "${dry_env[@]}" deploy/gcp/deploy.sh --dry-run --tag 'v1;rm'
# A release file from `./vmpulse images push`: every component deployed by its digest.
release_by_digest() {
  local c var n rel="$TMP/release.env" out="$TMP/release-render.yaml"
  echo "# ./vmpulse images push --prefix registry.example:5000/team --tag v9" >"$rel"
  for c in api node-api hub dashboard agent; do
    var="VMPULSE_IMAGE_$(tr 'a-z-' 'A-Z_' <<<"$c")"
    echo "$var=registry.example:5000/team/vmpulse-$c@sha256:$(printf '%064d' "${#c}")" >>"$rel"
  done
  "${dry_env[@]}" deploy/gcp/deploy.sh --render --release "$rel" >"$out" 2>"$TMP/release.err" || { cat "$TMP/release.err"; return 1; }
  for c in api node-api hub; do
    grep -q "image: registry.example:5000/team/vmpulse-$c@sha256:$(printf '%064d' "${#c}")\$" "$out" ||
      { echo "vmpulse-$c is not deployed by digest"; return 1; }
  done
  n="$(grep -c 'image: .*vmpulse-' "$out")"
  [[ "$n" -ge 3 && "$(grep -c 'image: .*vmpulse-.*@sha256:' "$out")" == "$n" ]] || { echo "an image by tag is left"; return 1; }
  # To a file, then grep: `| grep -q` would stop reading at the first match, and under
  # pipefail the dry run's SIGPIPE would fail the check whenever it is still writing.
  "${dry_env[@]}" deploy/gcp/deploy.sh --dry-run --release "$rel" >"$TMP/release-dry.txt" 2>&1 || return 1
  grep -q -- "--image=registry.example:5000/team/vmpulse-dashboard@sha256:$(printf '%064d' 9) " "$TMP/release-dry.txt"
}
check "deploy --release FILE runs each component by the digest images push recorded" release_by_digest
printf 'VMPULSE_IMAGE_API=docker.io/x/vmpulse-api:latest\n' >"$TMP/bad-release.env"
check "a release file without digests is refused" fails_with "no VMPULSE_IMAGE_API=REGISTRY/USER/vmpulse-api@sha256" \
  "${dry_env[@]}" deploy/gcp/deploy.sh --dry-run --release "$TMP/bad-release.env"
# No default registry: without a prefix or a release file, deploy stops (setup and
# cleanup need no images and do not ask).
no_prefix_env=("${clean_env[@]}" VMPULSE_GCP_PROJECT=vmpulse-demo)
check "deploy without VMPULSE_IMAGE_PREFIX or --release is refused (no default registry)" \
  fails_with "set VMPULSE_IMAGE_PREFIX" "${no_prefix_env[@]}" ./vmpulse cloud deploy --dry-run
check "deploy with a bad VMPULSE_IMAGE_PREFIX is refused" fails_with "is not an image prefix" \
  "${no_prefix_env[@]}" VMPULSE_IMAGE_PREFIX='Docker.io/x;y' deploy/gcp/deploy.sh --dry-run
no_prefix_release() { "${no_prefix_env[@]}" deploy/gcp/deploy.sh --render --release "$TMP/release.env" >/dev/null; }
check "deploy --release FILE needs no prefix" no_prefix_release
check "setup needs no image prefix" bash -c '"$@" >/dev/null' _ "${no_prefix_env[@]}" deploy/gcp/setup.sh --dry-run
check "./vmpulse cloud without a step explains itself" fails_with "usage: ./vmpulse cloud" ./vmpulse cloud
check "deploy without the secrets stops before doing anything" fails_with "set VMPULSE_DB_PASSWORD" \
  "${dry_env[@]}" "PATH=$TMP/trap-bin:$PATH" deploy/gcp/deploy.sh
check "...and still has called nothing" test ! -e "$TMP/called"

# Real runs against stand-ins for gcloud and kubectl.
fake_env=("${clean_env[@]}" "PATH=$VMPULSE_ROOT/tests/deploy/fake-bin:$PATH" "REAL_KUBECTL=$REAL_KUBECTL"
  "FAKE_LOG=$TMP/fake.log" "FAKE_SECRETS=$TMP/secrets" VMPULSE_GCP_PROJECT=fake-project VMPULSE_IMAGE_PREFIX=registry.example/team)
mkdir -p "$TMP/secrets"

setup_creates_nothing_that_exists() {
  : >"$TMP/fake.log"
  "${fake_env[@]}" FAKE_EXISTS=1 deploy/gcp/setup.sh >"$TMP/out" 2>&1 || { cat "$TMP/out"; return 1; }
  ! grep -E ' (create|delete) ' "$TMP/fake.log" && grep -q 'clusters describe vmpulse' "$TMP/fake.log"
}
check "setup on an existing project creates nothing (describe before create)" setup_creates_nothing_that_exists

setup_creates_everything_on_a_new_project() {
  : >"$TMP/fake.log"
  # Quotes and a backslash: the flags file must carry them through JSON's escapes.
  local pw="not-a-\"real\"-one\\"
  "${fake_env[@]}" FAKE_EXISTS=0 "VMPULSE_DB_PASSWORD=$pw" deploy/gcp/setup.sh >"$TMP/out" 2>&1 ||
    { cat "$TMP/out"; return 1; }
  local want
  for want in "container clusters create" "sql instances create" "sql databases create" "sql users create" \
    "iam service-accounts create" "compute addresses create" "certificates create" "maps create" "entries create" \
    "security-policies create vmpulse-edge" "security-policies rules create 1000 .*--action=throttle .*--enforce-on-key=IP"; do
    grep -q -- "$want" "$TMP/fake.log" || { echo "no $want"; return 1; }
  done
  # The password reached gcloud in a flags file, exactly, and not on its command line;
  # it was printed nowhere, and the file is gone.
  [[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["--password"])' "$TMP/secrets/gcloud-flags.yaml")" == "$pw" ]] ||
    { echo "the flags file does not hold the password"; return 1; }
  grep -q 'sql users create vmpulse .*--flags-file=' "$TMP/fake.log" || return 1
  ! grep -q not-a- "$TMP/out" "$TMP/fake.log" || { echo "the password was printed or passed on a command line"; return 1; }
}
check "setup on a new project creates each resource, the Cloud Armor limit included, and passes the password by file only" setup_creates_everything_on_a_new_project

cleanup_deletes_nothing_that_is_gone() {
  : >"$TMP/fake.log"
  "${fake_env[@]}" FAKE_EXISTS=0 deploy/gcp/cleanup.sh >"$TMP/out" 2>&1 || { cat "$TMP/out"; return 1; }
  ! grep -q ' delete ' "$TMP/fake.log"
}
check "cleanup of an empty project deletes nothing" cleanup_deletes_nothing_that_is_gone

deploy_stores_the_secrets() {
  : >"$TMP/fake.log"
  "${fake_env[@]}" FAKE_EXISTS=1 VMPULSE_DB_PASSWORD='p@ss/w:d%' VMPULSE_TOKEN=0123456789abcdef0123 \
    VMPULSE_VIEWER_TOKEN=fedcba9876543210fedc VMPULSE_DB_INGEST_PASSWORD='in/gest:p@ss' VMPULSE_DB_HUB_PASSWORD='hub-p@ss-4567' \
    deploy/gcp/deploy.sh --tag v2.0.0 >"$TMP/out" 2>&1 || { cat "$TMP/out"; return 1; }
  [[ "$(cat "$TMP/secrets/vmpulse-db-ingest.url")" == "mysql://vmpulse_ingest:in%2Fgest%3Ap%40ss@cloudsql-proxy:3306/sistema_monitoreo_fase2" ]] ||
    { echo "url: $(sed 's/:[^:@]*@/:***@/' "$TMP/secrets/vmpulse-db-ingest.url")"; return 1; }
  [[ "$(cat "$TMP/secrets/vmpulse-db-hub.url")" == "mysql://vmpulse_hub:hub-p%40ss-4567@cloudsql-proxy:3306/sistema_monitoreo_fase2" ]] || return 1
  [[ "$(cat "$TMP/secrets/vmpulse-db.user")" == vmpulse && "$(cat "$TMP/secrets/vmpulse-db.password")" == 'p@ss/w:d%' ]] || return 1
  [[ ! -e "$TMP/secrets/vmpulse-db.url" ]] || { echo "the migrate user's URL is stored for services"; return 1; }
  [[ "$(cat "$TMP/secrets/vmpulse-db-ingest.user")" == vmpulse_ingest && "$(cat "$TMP/secrets/vmpulse-db-hub.password")" == 'hub-p@ss-4567' ]] || return 1
  [[ "$(cat "$TMP/secrets/vmpulse-ingest.token")" == 0123456789abcdef0123 ]] || return 1
  [[ "$(cat "$TMP/secrets/vmpulse-viewer.token")" == fedcba9876543210fedc ]] || return 1
  ! grep -q -e 'p@ss' -e 0123456789abcdef0123 -e fedcba9876543210fedc "$TMP/out" "$TMP/fake.log" || { echo "a secret was printed"; return 1; }
  grep -q 'kubectl apply --filename=' "$TMP/fake.log" &&
    grep -q 'kubectl wait job/vmpulse-migrate' "$TMP/fake.log" &&
    grep -q 'run deploy vmpulse-dashboard .*--image=registry.example/team/vmpulse-dashboard:v2.0.0 .*HUB_URL=https://203.0.113.7.sslip.io' "$TMP/fake.log"
}
check "deploy stores one Secret per database user (passwords URL-encoded) and the viewer token, prints none, migrates, deploys the dashboard" deploy_stores_the_secrets
check "deploy without the service users' passwords stops with a clear error" fails_with "set VMPULSE_DB_HUB_PASSWORD" \
  "${fake_env[@]}" VMPULSE_DB_PASSWORD=x VMPULSE_TOKEN=0123456789abcdef0123 VMPULSE_DB_INGEST_PASSWORD=0123456789abc \
  deploy/gcp/deploy.sh
check "deploy's temporary files (secrets included) are gone" bash -c "! ls '$TMP'/tmp.* >/dev/null 2>&1"

# ---------------------------------------------------------------- kustomize
# kustomize reads nothing outside deploy/k8s: the migrations and grants are copies that
# deploy/k8s/sync-db.sh keeps; every overlay renders with default settings.
check "deploy/k8s/base/db is in sync with db/ (deploy/k8s/sync-db.sh --check)" deploy/k8s/sync-db.sh --check

sync_db_catches_drift() {
  local r="$TMP/sync-repo"
  mkdir -p "$r/deploy"
  cp -r db "$r/db"
  cp -r deploy/k8s "$r/deploy/k8s"
  "$r/deploy/k8s/sync-db.sh" --check >/dev/null || return 1
  echo "-- changed" >>"$r/db/grants.sql"
  printf 'SELECT 1;\n' >"$r/db/migrations/999_new.sql"
  local out
  if out="$("$r/deploy/k8s/sync-db.sh" --check 2>&1)"; then
    echo "--check passed on a changed db/"
    return 1
  fi
  if ! grep -q 'base/db/grants.sql' <<<"$out" || ! grep -q '999_new.sql' <<<"$out"; then
    echo "$out"
    return 1
  fi
  "$r/deploy/k8s/sync-db.sh" >/dev/null && "$r/deploy/k8s/sync-db.sh" --check >/dev/null || return 1
  kubectl kustomize "$r/deploy/k8s/base" | grep -q '999_new.sql' || { echo "the new migration is not rendered"; return 1; }
}
check "sync-db.sh --check names a changed or new file; sync-db.sh fixes it and lists the new migration" sync_db_catches_drift

check "no script or test asks kustomize for --load-restrictor LoadRestrictionsNone" \
  bash -c '! git grep -n -e LoadRestrictionsNone -- deploy tests scripts vmpulse ":!tests/suites/70-deploy.sh"'
for _o in base overlays/gateway overlays/ingress-nginx; do
  check "kubectl kustomize deploy/k8s/$_o renders with default settings" \
    bash -c "kubectl kustomize 'deploy/k8s/$_o' >'$TMP/render.yaml'"
done

# ---------------------------------------------------------------- migrations
migrate_twice() {
  local port url
  port="$(free_port)"
  db_start "$TMP/db" "$port" || return 1
  url="$(db_url "$TMP/db" "$port")"
  local pass="${url#mysql://*:}"
  pass="${pass%@*}"
  local env_m=(env MYSQL_HOST=127.0.0.1 "MYSQL_TCP_PORT=$port" "MYSQL_USER=$VMPULSE_DB_USER" "MYSQL_PWD=$pass"
    "MYSQL_DATABASE=$VMPULSE_DB_NAME" "MIGRATIONS_DIR=$VMPULSE_ROOT/db/migrations" WAIT_SECONDS=20)
  local n
  n="$(find db/migrations -name '*.sql' | wc -l)"
  "${env_m[@]}" bash deploy/k8s/base/migrate/migrate.sh >"$TMP/m1" 2>&1 || { cat "$TMP/m1"; return 1; }
  [[ "$(grep -c '^migrate: applied ' "$TMP/m1")" == "$n" ]] || { cat "$TMP/m1"; return 1; }
  "${env_m[@]}" bash deploy/k8s/base/migrate/migrate.sh >"$TMP/m2" 2>&1 || { cat "$TMP/m2"; return 1; }
  [[ "$(grep -c '^migrate: applied ' "$TMP/m2")" == 0 && "$(grep -c 'already applied' "$TMP/m2")" == "$n" ]] ||
    { cat "$TMP/m2"; return 1; }
  [[ "$(db_client "$url" -e 'SELECT COUNT(*) FROM schema_migrations')" == "$n" ]] || return 1
  db_client "$url" -e 'SELECT COUNT(*) FROM metricas' >/dev/null
}
check "migrate.sh applies every migration once, records it, and applies nothing the second time" migrate_twice
check "migrate.sh gives up on an unreachable database with a clear error" fails_with "not reachable after 1s" \
  env MYSQL_HOST=127.0.0.1 MYSQL_TCP_PORT=1 MYSQL_USER=x MYSQL_PWD=y MYSQL_DATABASE=z WAIT_SECONDS=1 \
  bash deploy/k8s/base/migrate/migrate.sh
check "migrate.sh refuses to run without a password" fails_with "MYSQL_PWD is required" \
  env -u MYSQL_PWD MYSQL_HOST=h MYSQL_USER=u MYSQL_DATABASE=d bash deploy/k8s/base/migrate/migrate.sh

# ---------------------------------------------------------------- nginx
# start_nginx CONF: runs nginx on CONF in the foreground (killed at exit).
start_nginx() {
  nginx -e stderr -c "$1" -g 'daemon off;' >>"$TMP/nginx.log" 2>&1 &
  NGINX_PIDS+=($!)
}

# The ingress of compose.yaml, its upstreams pointed at loopback stand-ins that answer
# with their own name.
ingress_split() {
  local p_api p_node p_hub p_dash p_ing
  p_api="$(free_port)" p_node="$(free_port)" p_hub="$(free_port)" p_dash="$(free_port)" p_ing="$(free_port)"
  mkdir -p "$TMP/ing"
  cat >"$TMP/ing/backends.conf" <<CONF
pid $TMP/ing/backends.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $TMP/ing/cb;
  server { listen 127.0.0.1:$p_api; location / { return 200 "api \$request_uri\n"; } }
  server { listen 127.0.0.1:$p_node; location / { return 200 "node-api \$request_uri\n"; } }
  server { listen 127.0.0.1:$p_hub; location / { return 200 "hub \$request_uri \$http_upgrade\n"; } }
  server { listen 127.0.0.1:$p_dash; location / { return 200 "dashboard \$request_uri\n"; } }
}
CONF
  sed -e "s#server api:5000;#server 127.0.0.1:$p_api;#" -e "s#server node-api:3000;#server 127.0.0.1:$p_node;#" \
    -e "s#server hub:8081;#server 127.0.0.1:$p_hub;#" -e "s#server dashboard:8080;#server 127.0.0.1:$p_dash;#" \
    -e "s#listen 8080;#listen 127.0.0.1:$p_ing;#" -e "s#/tmp/#$TMP/ing/#g" \
    deploy/docker/ingress/nginx.conf >"$TMP/ing/ingress.conf"
  nginx -t -q -e stderr -c "$TMP/ing/ingress.conf" || return 1
  start_nginx "$TMP/ing/backends.conf"
  start_nginx "$TMP/ing/ingress.conf"
  wait_http "http://127.0.0.1:$p_ing/livez" 15 || { cat "$TMP/nginx.log"; return 1; }
  wait_http "http://127.0.0.1:$p_api/" 15 || return 1
  # 400 independent requests: each route's count is binomial(400, 1/2), so 150..250 is
  # five standard deviations wide (a false failure about once in 1.7 million runs).
  local i api=0 node=0 other=0 out
  for ((i = 0; i < 400; i++)); do
    out="$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' --data '{}' "http://127.0.0.1:$p_ing/api/metrics")"
    case "$out" in
      "api /api/metrics") api=$((api + 1)) ;;
      "node-api /api/metrics") node=$((node + 1)) ;;
      *) other=$((other + 1)) ;;
    esac
  done
  echo "split over 400 requests: api $api, node-api $node, other $other"
  ((other == 0 && api >= 150 && api <= 250 && node >= 150 && node <= 250)) || return 1
  local path want
  for path in "api /api/cpp/metrics" "node-api /api/nodejs/metrics" "hub /api/history?vm=a" "hub /api/split" \
    "hub /api/vms" "hub /api/processes?vm=a" "hub /api/session" "hub /api/alerts?since=1" "hub /api/silences" "hub /api/silences/7" \
    "dashboard /" "dashboard /assets/x.js" "dashboard /signin.js"; do
    want="${path% *}"
    out="$(curl -sS --max-time 5 "http://127.0.0.1:$p_ing${path#* }")"
    [[ "$out" == "$want ${path#* }"* ]] || { echo "${path#* } went to: $out"; return 1; }
  done
  for path in /api/silences "/api/silences?vm=web-1" /api/silences/7; do
    out="$(curl -sS --max-time 5 -X DELETE "http://127.0.0.1:$p_ing$path")"
    [[ "$out" == "hub $path"* ]] || { echo "DELETE $path went to: $out"; return 1; }
  done
  out="$(curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' --data '{}' "http://127.0.0.1:$p_ing/api/silences")"
  [[ "$out" == "hub /api/silences"* ]] || { echo "POST /api/silences went to: $out"; return 1; }
  out="$(curl -sS --max-time 5 "http://127.0.0.1:$p_ing/signin")"
  [[ "$out" == "dashboard /signin.html" ]] || { echo "/signin went to: $out"; return 1; }
  out="$(curl -sS --max-time 5 -H 'Upgrade: websocket' -H 'Connection: Upgrade' "http://127.0.0.1:$p_ing/ws")"
  [[ "$out" == "hub /ws websocket" ]] || { echo "/ws went to: $out"; return 1; }
}
check "compose's ingress: /api/metrics splits about 50/50, every other path reaches its service" ingress_split

# The dashboard image's nginx and start script, with its paths moved into a temporary folder.
dashboard_container() {
  local d="$TMP/dash" port
  port="$(free_port)"
  mkdir -p "$d/html/assets"
  # Run as root, nginx serves files as "nobody": let it through the temporary folders.
  chmod 711 "$TMP"
  chmod 755 "$d"
  printf '<!doctype html><script src="/config.js"></script>app\n' >"$d/html/index.html"
  printf 'console.log(1)\n' >"$d/html/assets/index-abc.js"
  sed "s#/tmp/#$d/#g" deploy/docker/dashboard/write-config.sh >"$d/write-config.sh"
  HUB_URL="https://hub.example.org" PORT="$port" sh "$d/write-config.sh" >/dev/null || return 1
  if HUB_URL='https://x" onload="alert(1)' PORT="$port" sh "$d/write-config.sh" >/dev/null 2>&1; then
    echo "a quote in HUB_URL was accepted"
    return 1
  fi
  if HUB_URL="https://ok" PORT="80;" sh "$d/write-config.sh" >/dev/null 2>&1; then
    echo "a bad PORT was accepted"
    return 1
  fi
  sed -e "s#/tmp/#$d/#g" -e "s#/usr/share/nginx/html#$d/html#" \
    -e "s#include /etc/nginx/vmpulse-headers.conf;#include $VMPULSE_ROOT/deploy/docker/dashboard/headers.conf;#" \
    deploy/docker/dashboard/nginx.conf >"$d/nginx.conf"
  sed -i "s#listen [0-9]*;#listen 127.0.0.1:$port;#" "$d/vmpulse/listen.conf"
  nginx -t -q -e stderr -c "$d/nginx.conf" || return 1
  start_nginx "$d/nginx.conf"
  wait_http "http://127.0.0.1:$port/livez" 15 || { cat "$TMP/nginx.log"; return 1; }
  [[ "$(curl -sS "http://127.0.0.1:$port/config.js")" == 'window.VMPULSE_CONFIG = { hubUrl: "https://hub.example.org" };' ]] || return 1
  curl -sS "http://127.0.0.1:$port/some/client/route" | grep -q 'app' || return 1
  curl -sSI "http://127.0.0.1:$port/assets/index-abc.js" | grep -qi 'cache-control: public, max-age=31536000, immutable' || return 1
  curl -sSI "http://127.0.0.1:$port/config.js" | grep -qi 'x-content-type-options: nosniff' || return 1
  curl -sSI "http://127.0.0.1:$port/config.js" | grep -qi 'cache-control: no-store' || return 1
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/assets/missing.js")" == 404 ]]
}
check "dashboard image: config.js from HUB_URL, bad values refused, SPA fallback, caching and security headers" dashboard_container

# ---------------------------------------------------------------- systemd
systemd_unit() {
  sed 's#/usr/local/bin/vmpulse-agent#/bin/true#' deploy/systemd/vmpulse-agent.service >"$TMP/vmpulse-agent.service"
  local out
  out="$(systemd-analyze verify "$TMP/vmpulse-agent.service" 2>&1)"
  [[ -z "$out" ]] || { echo "$out"; return 1; }
  out="$(systemd-analyze security --offline=true "$TMP/vmpulse-agent.service" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  echo "systemd exposure score: ${out:-none} (0 safest, 10 unsafe)"
  [[ -n "$out" ]] && awk -v s="$out" 'BEGIN { exit !(s <= 2.0) }'
}
check "the agent's systemd unit verifies and scores 2.0 or less on systemd's exposure scale" systemd_unit

# ---------------------------------------------------------------- node tests
node_tests() {
  if [[ ! -d tests/deploy/node_modules ]]; then
    (cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
  (cd tests/deploy && timeout 400 node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$TMP/node.tap") >"$TMP/node.out" 2>&1
  local rc=$?
  cat "$TMP/node.out"
  NODE_PASS="$(sed -n 's/^# pass //p' "$TMP/node.tap")"
  NODE_FAIL="$(sed -n 's/^# fail //p' "$TMP/node.tap")"
  return "$rc"
}
# The node tests are counted one by one; a run that failed without a failing test
# (a crash, a timeout) counts as one failure.
NODE_PASS=0 NODE_FAIL=0
if node_tests; then _node_rc=0; else _node_rc=1; fi
NODE_PASS="${NODE_PASS:-0}" NODE_FAIL="${NODE_FAIL:-0}"
if [[ $_node_rc -ne 0 && "$NODE_FAIL" == 0 ]]; then NODE_FAIL=1; fi
echo "node --test tests/deploy: $NODE_PASS passed, $NODE_FAIL failed (counted below)" | sed 's/passed, /passed; /'
_suite_passed=$((_suite_passed + NODE_PASS))
_suite_failed=$((_suite_failed + NODE_FAIL))
suite_end
