#!/usr/bin/env bash
# The edge and the database users, with real parts: the local ingress (nginx on the
# rendered template, the local CA of scripts/lib/tls.sh), the real vmpulse-api,
# node-api and vmpulse-hub, each connected as its own user to a private MariaDB.
#   - TLS: TLS 1.0 and 1.1 refused by the server, 1.2 and 1.3 accepted, the certificate
#     verifies against ca.pem for 127.0.0.1 and localhost and not for another name;
#     sessions resume; a POST through HTTPS is stored; the key files are 0600, ca.pem
#     0644, and the CA is made once;
#   - limits: from a non-exempt address (127.0.0.2) requests past the rate and
#     connections past the cap get 429, while this machine's 127.0.0.1 is exempt;
#   - privileges: the ingest user cannot DELETE, DROP or SELECT the rows, but inserts;
#     the hub user cannot INSERT rows, but reads them and keeps the rollup; the migrate
#     user changes the schema but cannot grant; no service user holds ALL; the cloud's
#     migration script creates and grants the service users the same way;
#   - retention.sh refuses --key-days 0 and keeps recent keys (rows are the hub's: 46-storage).
# timeout: 300
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=scripts/lib/ingress.sh
source scripts/lib/ingress.sh

work="$(mktemp -d /tmp/vmpulse-edge.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  db_stop "$work/db"
  if [[ $_suite_failed -gt 0 ]]; then
    local f
    for f in api node-api hub nginx; do
      [[ -s "$work/$f.log" ]] && { echo "----- $f log (last 20 lines) -----"; tail -n 20 "$work/$f.log"; }
    done
    [[ -s "$work/ing/error.log" ]] && { echo "----- nginx error.log -----"; tail -n 20 "$work/ing/error.log"; }
  fi
  rm -rf "$work"
}
trap cleanup EXIT

for bin in vmpulse-api vmpulse-hub; do
  if [[ ! -x "$VMPULSE_BIN/$bin" ]]; then
    echo "FAIL $VMPULSE_BIN/$bin is not built"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# ---------------------------------------------------------------- database users
db_port="$(free_port)"
db_start "$work/db" "$db_port" || { echo "0 passed, 1 failed"; exit 1; }
owner="$(db_url "$work/db" "$db_port")"
ingest="$(db_role_url "$work/db" "$db_port" ingest)"
hub="$(db_role_url "$work/db" "$db_port" hub)"
migrate="$(db_role_url "$work/db" "$db_port" migrate)"
check "migrations apply as the migrate user" db_migrate "$migrate"
check "the service users' grants apply (db/grants.sql)" db_grant_roles "$work/db"

mode_is() { [[ "$(stat -c %a "$2")" == "$1" ]] || { echo "$2 is $(stat -c %a "$2"), not $1"; return 1; }; }
passwords_private() {
  local f
  for f in "$work/db"/password "$work/db"/password-{ingest,hub,migrate}; do mode_is 600 "$f" || return 1; done
}
check "each database password file is 0600" passwords_private

# denied URL SQL: the statement fails with an access error (not any other error).
denied() {
  local out
  if out="$(db_client "$1" -e "$2" 2>&1)"; then
    echo "allowed: $2"
    return 1
  fi
  grep -Eq 'ERROR (1142|1044|1045|1227|1410)' <<<"$out" || { echo "failed otherwise: $out"; return 1; }
}
allowed() { db_client "$1" -e "$2" >/dev/null; }

row="('edge-vm',16000,4000,12000,75,20.5,79.5,3,300,200,0,1,'2026-11-26 10:00:00','cpp')"
insert="INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,procesos_parados,hora,api) VALUES $row"
check "ingest user: INSERT into metricas works" allowed "$ingest" "$insert"
check "ingest user: SELECT on metricas is denied" denied "$ingest" "SELECT COUNT(*) FROM metricas"
check "ingest user: DELETE on metricas is denied" denied "$ingest" "DELETE FROM metricas"
check "ingest user: UPDATE on metricas is denied" denied "$ingest" "UPDATE metricas SET vm = 'x'"
check "ingest user: DROP TABLE is denied" denied "$ingest" "DROP TABLE metricas"
check "ingest user: the keys and counts statements of both routes work" allowed "$ingest" \
  "INSERT IGNORE INTO ingest_keys (idem_key,api,stored) VALUES ('edge-k','cpp',1);
   SELECT stored FROM ingest_keys WHERE idem_key = 'edge-k';
   INSERT INTO metricas_por_api (api,total) VALUES ('cpp',1) ON DUPLICATE KEY UPDATE total = total + 1"
check "ingest user: DELETE on the keys is denied" denied "$ingest" "DELETE FROM ingest_keys"
check "hub user: INSERT into metricas is denied" denied "$hub" "$insert"
check "hub user: DELETE on metricas is denied" denied "$hub" "DELETE FROM metricas"
check "hub user: SELECT on metricas works" allowed "$hub" "SELECT COUNT(*) FROM metricas"
check "hub user: SELECT on the idempotency keys is denied" denied "$hub" "SELECT * FROM ingest_keys"
check "migrate user: creates, alters and drops a table" allowed "$migrate" \
  "CREATE TABLE edge_t (a INT); ALTER TABLE edge_t ADD b INT; DROP TABLE edge_t"
check "migrate user: cannot grant" denied "$migrate" \
  "GRANT SELECT ON \`$VMPULSE_DB_NAME\`.metricas TO '$(db_role_user ingest)'@'127.0.0.1'"
no_all() {
  local role grants
  for role in ingest hub migrate; do
    grants="$(db_sql "$work/db" "SHOW GRANTS FOR '$(db_role_user "$role")'@'127.0.0.1'")" || return 1
    if grep -Eq 'ALL PRIVILEGES|WITH GRANT OPTION' <<<"$grants"; then
      echo "$role: $grants"
      return 1
    fi
  done
}
check "no service user holds ALL or GRANT OPTION" no_all

# The cloud's and compose's path: deploy/k8s/base/migrate/migrate.sh, run as a migrate
# user with no more than compose's database gives it (deploy/docker/db/; Cloud SQL's
# gcloud-made user has more), creates the service users and grants them.
cloud_users() {
  local admin_pw="adm-$RANDOM$RANDOM" ingest_pw="in'gest\\pw-$RANDOM" hub_pw="hub-$RANDOM$RANDOM" i
  {
    echo "CREATE USER 'edge_admin'@'%' IDENTIFIED BY '$admin_pw';"
    sed -e "s/'vmpulse'@/'edge_admin'@/g" -e "s/sistema_monitoreo_fase2/$VMPULSE_DB_NAME/g" deploy/docker/db/10-migrate-user.sql
  } | _db_root_stdin "$work/db" || return 1
  for i in 1 2; do
    env MYSQL_HOST=127.0.0.1 "MYSQL_TCP_PORT=$db_port" MYSQL_USER=edge_admin "MYSQL_PWD=$admin_pw" \
      "MYSQL_DATABASE=$VMPULSE_DB_NAME" "MIGRATIONS_DIR=$VMPULSE_ROOT/db/migrations" WAIT_SECONDS=10 \
      INGEST_DB_USER=cloud_ingest "INGEST_DB_PASSWORD=$ingest_pw" HUB_DB_USER=cloud_hub "HUB_DB_PASSWORD=$hub_pw" \
      "GRANTS_FILE=$VMPULSE_ROOT/db/grants.sql" bash deploy/k8s/base/migrate/migrate.sh >"$work/cloud-migrate.log" 2>&1 ||
      { cat "$work/cloud-migrate.log"; return 1; }
  done
  grep -q 'users cloud_ingest, cloud_hub granted' "$work/cloud-migrate.log" || return 1
  local ci ch enc
  enc="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$ingest_pw")"
  ci="mysql://cloud_ingest:$enc@127.0.0.1:$db_port/$VMPULSE_DB_NAME"
  ch="mysql://cloud_hub:$hub_pw@127.0.0.1:$db_port/$VMPULSE_DB_NAME"
  allowed "$ci" "$insert" && denied "$ci" "DELETE FROM metricas" && denied "$ci" "SELECT COUNT(*) FROM metricas" &&
    allowed "$ch" "SELECT COUNT(*) FROM metricas" && denied "$ch" "$insert"
}
check "cloud and compose: migrate.sh (twice) creates the ingest and hub users with db/grants.sql" cloud_users

# ---------------------------------------------------------------- services
token="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export VMPULSE_API_PORT VMPULSE_NODE_API_PORT VMPULSE_HUB_PORT VMPULSE_INGRESS_PORT VMPULSE_INGRESS_TLS_PORT
VMPULSE_API_PORT="$(free_port)" VMPULSE_NODE_API_PORT="$(free_port)" VMPULSE_HUB_PORT="$(free_port)"
VMPULSE_INGRESS_PORT="$(free_port)" VMPULSE_INGRESS_TLS_PORT="$(free_port)"

VMPULSE_DB_URL="$ingest" VMPULSE_TOKEN="$token" "$VMPULSE_BIN/vmpulse-api" \
  --listen "127.0.0.1:$VMPULSE_API_PORT" >"$work/api.log" 2>&1 &
pids+=($!)
node_api=""
if [[ -d node-api/node_modules ]]; then
  PORT="$VMPULSE_NODE_API_PORT" VMPULSE_DB_URL="$ingest" VMPULSE_TOKEN="$token" \
    node node-api/src/server.js >"$work/node-api.log" 2>&1 &
  pids+=($!)
  node_api=1
fi
# Every read needs the viewer token (docs/hub.md): the checks below send it.
viewer="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
(umask 077 && echo "$viewer" >"$work/viewer-token")
VMPULSE_DB_URL="$hub" "$VMPULSE_BIN/vmpulse-hub" --listen "127.0.0.1:$VMPULSE_HUB_PORT" --poll 100ms \
  --viewer-token-file "$work/viewer-token" --trusted-proxy 127.0.0.1 >"$work/hub.log" 2>&1 &
pids+=($!)
check "vmpulse-api is ready as the ingest user" wait_http "http://127.0.0.1:$VMPULSE_API_PORT/readyz" 30
[[ -n "$node_api" ]] && check "node-api is ready as the ingest user" wait_http "http://127.0.0.1:$VMPULSE_NODE_API_PORT/readyz" 30
check "vmpulse-hub is ready as the hub user" wait_http "http://127.0.0.1:$VMPULSE_HUB_PORT/readyz" 30

# ---------------------------------------------------------------- ingress and TLS
# Small limits, so that going past them takes a few dozen requests.
export VMPULSE_EDGE_RATE=5 VMPULSE_EDGE_BURST=10 VMPULSE_EDGE_CONNS=4
tls="$work/tls"
mkdir -p "$work/dist"
echo '<!doctype html>edge' >"$work/dist/index.html"
check "the ingress configuration renders and passes nginx -t" ingress_render "$work/ing" "$work/dist" "$tls"
nginx -p "$work/ing" -c "$work/ing/nginx.conf" -e "$work/ing/error.log" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
pids+=($!)
http="http://127.0.0.1:$VMPULSE_INGRESS_PORT"
https="https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT"
wait_https() {
  local i
  for ((i = 0; i < 100; i++)); do
    curl -fsS --max-time 2 --cacert "$tls/ca.pem" -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}
check "nginx serves HTTPS with the local CA's certificate" wait_https "$https/livez"
check "plain HTTP still answers on loopback" wait_http "$http/livez" 10

check "ca.pem is 0644" mode_is 644 "$tls/ca.pem"
check "ca.key is 0600" mode_is 600 "$tls/ca.key"
check "server.key is 0600" mode_is 600 "$tls/server.key"
ca_once() {
  local before after
  before="$(openssl x509 -in "$tls/ca.pem" -noout -fingerprint -sha256)"
  tls_ensure "$tls" || return 1
  after="$(openssl x509 -in "$tls/ca.pem" -noout -fingerprint -sha256)"
  [[ "$before" == "$after" ]]
}
check "the CA is made once: a second run keeps it" ca_once

# s_client VERSION [ARGS...]: a handshake with the ingress; its output in $work/s_client.out.
# SECLEVEL=0 lets OpenSSL offer old protocols at all, so a refusal is the server's.
s_client() {
  local version="$1"
  shift
  echo | timeout 10 openssl s_client "-$version" -cipher 'DEFAULT@SECLEVEL=0' \
    -connect "127.0.0.1:$VMPULSE_INGRESS_TLS_PORT" -CAfile "$tls/ca.pem" -verify_return_error "$@" \
    >"$work/s_client.out" 2>&1
}
refused() {
  if s_client "$1" -servername localhost; then
    echo "$1 was accepted"
    return 1
  fi
  grep -q 'alert protocol version' "$work/s_client.out" || { tail -n 5 "$work/s_client.out"; return 1; }
}
accepted() {
  s_client "$1" -verify_hostname "$2" -servername localhost || { tail -n 5 "$work/s_client.out"; return 1; }
  grep -Eq "^New, $3,|Protocol *: $3" "$work/s_client.out" && grep -q 'Verify return code: 0 (ok)' "$work/s_client.out"
}
check "TLS 1.0 is refused by the server" refused tls1
check "TLS 1.1 is refused by the server" refused tls1_1
check "TLS 1.2 is accepted; the certificate verifies against ca.pem for localhost" accepted tls1_2 localhost TLSv1.2
check "TLS 1.3 is accepted; the certificate verifies against ca.pem for localhost" accepted tls1_3 localhost TLSv1.3
check "the certificate verifies for 127.0.0.1" bash -c "echo | timeout 10 openssl s_client -connect 127.0.0.1:$VMPULSE_INGRESS_TLS_PORT \
  -CAfile '$tls/ca.pem' -verify_ip 127.0.0.1 -verify_return_error 2>&1 | grep -q 'Verify return code: 0 (ok)'"
wrong_name() {
  if s_client tls1_3 -verify_hostname vmpulse.example.com; then
    echo "verified for another host name"
    return 1
  fi
  grep -q 'hostname mismatch' "$work/s_client.out"
}
check "...and not for another host name" wrong_name
resumes() {
  s_client tls1_2 -sess_out "$work/session" || return 1
  s_client tls1_2 -sess_in "$work/session" || return 1
  grep -q '^Reused, TLSv1.2' "$work/s_client.out" || { grep -m1 -E '^(New|Reused)' "$work/s_client.out"; return 1; }
}
check "a TLS session resumes from the server's cache" resumes
check "curl without the CA refuses the certificate" bash -c "! curl -sS -o /dev/null --max-time 5 '$https/livez' 2>/dev/null"

body='{"vm":"edge-tls","total_ram":16000,"ram_libre":4000,"uso_ram":12000,"porcentaje_ram":75,"porcentaje_cpu_uso":20.5,"porcentaje_cpu_libre":79.5,"procesos_corriendo":3,"procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,"total_procesos":300,"hora":"2026-11-26 10:00:00"}'
post_https() { # PATH: POST one record through HTTPS; 201 expected
  local code
  code="$(curl -sS -o "$work/post.out" -w '%{http_code}' --max-time 10 --cacert "$tls/ca.pem" -X POST \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $token" --data "$body" "https://localhost:$VMPULSE_INGRESS_TLS_PORT$1")"
  [[ "$code" == 201 ]] || { echo "$1: $code $(head -c 200 "$work/post.out")"; return 1; }
}
check "POST /api/cpp/metrics through HTTPS (ca.pem, host localhost) answers 201" post_https /api/cpp/metrics
if [[ -n "$node_api" ]]; then
  check "POST /api/nodejs/metrics through HTTPS answers 201" post_https /api/nodejs/metrics
  check "POST /api/metrics (the split) through HTTPS answers 201" post_https /api/metrics
fi
stored() { [[ "$(db_client "$owner" -e "SELECT COUNT(*) FROM metricas WHERE vm = 'edge-tls'")" -ge 1 ]]; }
check "...and the records are stored (the routes insert as the ingest user)" stored
rolled_up() {
  local i max
  for ((i = 0; i < 100; i++)); do
    max="$(db_client "$owner" -e "SELECT COALESCE(MAX(id), 0) FROM metricas")"
    [[ "$(db_client "$owner" -e "SELECT ultimo_id FROM metricas_minuto_estado WHERE id = 1")" -ge "$max" ]] &&
      [[ "$(db_client "$owner" -e "SELECT COUNT(*) FROM metricas_minuto WHERE vm = 'edge-tls'")" -ge 1 ]] && return 0
    sleep 0.2
  done
  echo "the rollup did not reach row $max"
  return 1
}
check "the hub keeps the per-minute rollup as the hub user" rolled_up
check "the hub serves /api/vms through HTTPS to a viewer" bash -c "curl -fsS --max-time 5 --cacert '$tls/ca.pem' -H 'Authorization: Bearer $viewer' '$https/api/vms' | grep -q edge-tls"
check "and nothing without the viewer token (401)" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert '$tls/ca.pem' '$https/api/vms') == 401 ]]"

# ---------------------------------------------------------------- limits
# codes FROM N PATH: the status of N requests in a row on one keep-alive connection.
# (Not /livez: its "return" answers before nginx's limit phases run.)
codes() {
  local from="$1" n="$2" urls=() i
  for ((i = 0; i < n; i++)); do urls+=(-o /dev/null "$https$3"); done
  curl -s --max-time 30 --interface "$from" --cacert "$tls/ca.pem" -H "Authorization: Bearer $viewer" \
    -w '%{http_code}\n' "${urls[@]}"
}
rate_limited() {
  local out
  out="$(codes 127.0.0.2 80 /)"
  echo "from 127.0.0.2, 80 requests: $(sort <<<"$out" | uniq -c | tr '\n' ' ')"
  # The burst is served, then most requests are over the rate (unless the 80 took
  # more than 8 s), and nginx says which limit answered.
  [[ "$(head -n 10 <<<"$out" | sort -u)" == 200 ]] && (($(grep -c '^429$' <<<"$out") >= 30)) &&
    grep -q 'limiting requests, excess: .* by zone "edge_req", client: 127.0.0.2' "$work/ing/error.log"
}
check "past the per-address rate (5/s, burst 10): 429 from 127.0.0.2" rate_limited
exempt() {
  local out
  out="$(codes 127.0.0.1 80 /)"
  [[ "$(sort -u <<<"$out")" == 200 ]] || { echo "from 127.0.0.1: $(sort <<<"$out" | uniq -c | tr '\n' ' ')"; return 1; }
}
check "127.0.0.1 (this machine: Locust, bench, the agent) is exempt: 80 requests, all 200" exempt
conn_limited() {
  sleep 3 # the rate's bucket drains, so only the connection cap can refuse
  local i slow=() code
  # Four uploads held open by a slow client: each is a request in progress.
  for ((i = 0; i < 4; i++)); do
    head -c 100000 /dev/zero | tr '\0' 'x' | curl -s --interface 127.0.0.2 --cacert "$tls/ca.pem" --limit-rate 2000 \
      --max-time 20 -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @- "$https/api/cpp/metrics" &
    slow+=($!)
  done
  # Once the four are in progress (a loaded machine may take a while to start them),
  # a fifth from the same address is refused; 127.0.0.1 is not.
  for ((i = 0; i < 20; i++)); do
    sleep 0.5
    code="$(curl -s --interface 127.0.0.2 --cacert "$tls/ca.pem" -H "Authorization: Bearer $viewer" --max-time 5 \
      -o /dev/null -w '%{http_code}' "$https/")"
    [[ "$code" == 429 ]] && break
  done
  local ok_code
  ok_code="$(curl -s --interface 127.0.0.1 --cacert "$tls/ca.pem" -H "Authorization: Bearer $viewer" --max-time 5 \
    -o /dev/null -w '%{http_code}' "$https/")"
  kill "${slow[@]}" 2>/dev/null
  wait "${slow[@]}" 2>/dev/null
  echo "fifth request from 127.0.0.2: $code; from 127.0.0.1 meanwhile: $ok_code"
  [[ "$code" == 429 && "$ok_code" == 200 ]] &&
    grep -q 'limiting connections by zone "edge_conn", client: 127.0.0.2' "$work/ing/error.log"
}
check "past the per-address connection cap (4): 429 from 127.0.0.2, 127.0.0.1 unaffected" conn_limited

# ---------------------------------------------------------------- retention
retention_refuses() {
  local out before
  db_client "$owner" -e "INSERT INTO ingest_keys (idem_key, api, stored, created_at) VALUES
    ('edge-old', 'cpp', 1, NOW() - INTERVAL 3 DAY), ('edge-new', 'cpp', 1, NOW())" || return 1
  before="$(db_client "$owner" -e "SELECT COUNT(*) FROM ingest_keys")"
  if out="$(db/retention.sh --db "$owner" --key-days 0 2>&1)"; then
    echo "--key-days 0 ran: $out"
    return 1
  fi
  grep -q 'refusing --key-days 0: it would forget every idempotency key' <<<"$out" || { echo "$out"; return 1; }
  [[ "$(db_client "$owner" -e "SELECT COUNT(*) FROM ingest_keys")" == "$before" ]]
}
check "retention --key-days 0 is refused with a clear error and deletes nothing" retention_refuses
check "retention --key-days -1 and abc are refused, and --days points to the hub" bash -c "! db/retention.sh --db '$owner' --key-days -1 2>/dev/null && ! db/retention.sh --db '$owner' --key-days abc 2>/dev/null && db/retention.sh --db '$owner' --days 1 2>&1 | grep -q 'expired by the hub'"
retention_keeps_recent() {
  db/retention.sh --db "$owner" --key-days 1 >/dev/null || return 1
  [[ "$(db_client "$owner" -e "SELECT COUNT(*) FROM ingest_keys WHERE idem_key = 'edge-old'")" == 0 &&
    "$(db_client "$owner" -e "SELECT COUNT(*) FROM ingest_keys WHERE idem_key = 'edge-new'")" == 1 ]]
}
check "retention --key-days 1 deletes the old keys and keeps today's" retention_keeps_recent

suite_end
