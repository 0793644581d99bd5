#!/usr/bin/env bash
# The agent pushing over HTTPS to a real nginx (TLS 1.2/1.3, as the local ingress and
# the cloud edge terminate it) that proxies to the fake ingest, with a CA and
# certificates made here by the openssl CLI: the right CA → stored, over kept-alive
# connections whose TLS sessions are resumed; a wrong CA, an expired certificate and a
# host-name mismatch → refused before any request (nothing reaches the ingest, the log
# says why); mutual TLS with and without the client certificate; http:// to a
# non-loopback host refused at start; a 301 logged once with its Location and never
# followed; SIGHUP with a rotated token file → the next pushes carry the new token.
# timeout: 420
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/suite.sh
source "$ROOT/tests/lib/suite.sh"

AGENT="$VMPULSE_BIN/vmpulse-agent"
FAKE_INGEST="$ROOT/agent/tests/fake_ingest/fake_ingest.py"
OUT="${VMPULSE_TEST_OUTPUT:-$ROOT/test-output}/agent-tls"
rm -rf "$OUT" && mkdir -p "$OUT"
[[ -x "$AGENT" ]] || die "no $AGENT: build first (./vmpulse build)"
command -v nginx >/dev/null || die "nginx is not installed (scripts/packages/local.apt)"
command -v openssl >/dev/null || die "openssl is not installed (scripts/packages/agent.apt)"
TMP="$(mktemp -d /tmp/vmpulse-agent-tls.XXXXXX)"
PKI="$TMP/pki"
mkdir -p "$PKI"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

wait_for() { # wait_for SECONDS CMD...: until CMD succeeds, at most SECONDS
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
stop_pid() { # stop_pid PID [SIGNAL]: signals and waits (bounded); returns the exit status
  kill -"${2:-TERM}" "$1" 2>/dev/null
  local deadline=$((SECONDS + 15))
  while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  wait "$1" 2>/dev/null
}

# ---------------------------------------------------------------- certificates
# One test CA; a second CA the servers do not use (the "wrong CA"); server
# certificates for 127.0.0.1/localhost (good), for another name (mismatch) and one
# that expired in 2020 (issued by `openssl ca`, which takes explicit dates); a client
# certificate for mutual TLS.
new_key_and_csr() { # new_key_and_csr NAME
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$PKI/$1.key" -out "$PKI/$1.csr" -subj "/CN=$1"
}
make_ca() { # make_ca NAME
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=vmpulse test $1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
issue() { # issue NAME SAN EKU: NAME.pem signed by the test CA, valid now
  new_key_and_csr "$1"
  printf 'basicConstraints=CA:FALSE\nsubjectAltName=%s\nextendedKeyUsage=%s\n' "$2" "$3" >"$PKI/$1.ext"
  openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -extfile "$PKI/$1.ext" -out "$PKI/$1.pem"
}
issue_expired() { # issue_expired NAME SAN: valid in January 2020 only
  new_key_and_csr "$1"
  printf 'basicConstraints=CA:FALSE\nsubjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2" >"$PKI/$1.ext"
  mkdir -p "$PKI/issued"
  : >"$PKI/index.txt"
  echo 1000 >"$PKI/serial"
  cat >"$PKI/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $PKI/index.txt
new_certs_dir = $PKI/issued
serial = $PKI/serial
certificate = $PKI/ca.pem
private_key = $PKI/ca.key
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
CNF
  openssl ca -batch -notext -config "$PKI/ca.cnf" -in "$PKI/$1.csr" -out "$PKI/$1.pem" \
    -startdate 20200101000000Z -enddate 20200131000000Z -extfile "$PKI/$1.ext"
}
make_pki() {
  make_ca ca && make_ca other-ca &&
    issue server "IP:127.0.0.1,DNS:localhost" serverAuth &&
    issue wrong-name "DNS:other.example" serverAuth &&
    issue client "DNS:tls-vm" clientAuth &&
    issue_expired expired "IP:127.0.0.1,DNS:localhost"
}
make_pki_logged() { make_pki >"$OUT/openssl.log" 2>&1 || { tail -n 20 "$OUT/openssl.log"; return 1; }; }
check "openssl made a test CA, server, client and expired certificates" make_pki_logged
check "the expired certificate is expired (openssl verify says so)" bash -c \
  "openssl verify -CAfile '$PKI/ca.pem' '$PKI/expired.pem' 2>&1 | grep -q 'certificate has expired'"

# ---------------------------------------------------------------- fake ingest and nginx
TOKEN_A="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TOKEN_B="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TOKEN_FILE="$TMP/token"
(umask 077 && echo "$TOKEN_A" >"$TOKEN_FILE")
INGEST_PORT="$(free_port)"
SUMMARY="$OUT/ingest.json"
python3 "$FAKE_INGEST" "$INGEST_PORT" "$SUMMARY" --token "$TOKEN_A" --also-token "$TOKEN_B" \
  >"$OUT/ingest.log" 2>&1 &
PIDS+=($!)
# Behind the redirect's target only: it must never see a request.
TARGET_INGEST_PORT="$(free_port)"
TARGET_SUMMARY="$OUT/redirect-target.json"
python3 "$FAKE_INGEST" "$TARGET_INGEST_PORT" "$TARGET_SUMMARY" --token "$TOKEN_A" \
  >"$OUT/redirect-target.log" 2>&1 &
PIDS+=($!)

GOOD_PORT="$(free_port)" EXPIRED_PORT="$(free_port)" WRONG_NAME_PORT="$(free_port)"
MTLS_PORT="$(free_port)" REDIRECT_PORT="$(free_port)" TARGET_PORT="$(free_port)"
NGINX_DIR="$TMP/nginx"
mkdir -p "$NGINX_DIR/tmp"
user=""
[[ "$(id -u)" -eq 0 ]] && user="user root;"
tls_server() { # tls_server PORT CERT EXTRA UPSTREAM
  cat <<CONF
  server {
    listen 127.0.0.1:$1 ssl;
    ssl_certificate $PKI/$2.pem;
    ssl_certificate_key $PKI/$2.key;
    $3
    location / { proxy_pass http://$4; }
  }
CONF
}
cat >"$NGINX_DIR/nginx.conf" <<CONF
$user
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log info;
events { worker_connections 256; }
http {
  log_format tls '\$server_port \$status conn=\$connection req=\$connection_requests '
                 'reused=\$ssl_session_reused proto=\$ssl_protocol sni=\$ssl_server_name';
  access_log $NGINX_DIR/access.log tls;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:TLS:1m;
  upstream ingest { server 127.0.0.1:$INGEST_PORT; }
  upstream redirect_target { server 127.0.0.1:$TARGET_INGEST_PORT; }
  # A new connection every 4 requests, so that the agent reconnects and resumes.
$(tls_server "$GOOD_PORT" server "keepalive_requests 4;" ingest)
$(tls_server "$EXPIRED_PORT" expired "" ingest)
$(tls_server "$WRONG_NAME_PORT" wrong-name "" ingest)
$(tls_server "$MTLS_PORT" server "ssl_client_certificate $PKI/ca.pem; ssl_verify_client on;" ingest)
$(tls_server "$TARGET_PORT" server "" redirect_target)
  # What an edge that serves ingest on HTTPS only answers on plain HTTP.
  server {
    listen 127.0.0.1:$REDIRECT_PORT;
    return 301 https://127.0.0.1:$TARGET_PORT\$request_uri;
  }
}
CONF
ACCESS_LOG="$NGINX_DIR/access.log"
nginx_ok() {
  nginx -t -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" >"$OUT/nginx-check.log" 2>&1 ||
    { cat "$OUT/nginx-check.log"; return 1; }
  nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" -g 'daemon off;' \
    >"$OUT/nginx.log" 2>&1 &
  PIDS+=($!)
  wait_for 15 curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$REDIRECT_PORT/"
}
check "nginx serves TLS 1.2/1.3 in front of the fake ingest" nginx_ok
check "the fake ingests are up" wait_for 10 test -f "$SUMMARY" -a -f "$TARGET_SUMMARY"

# ---------------------------------------------------------------- helpers
# start_agent NAME URL ARGS...: pushes every 100 ms sample on its own request; sets PID
# and PORT (its /metrics); its log is $OUT/NAME.log.
start_agent() {
  local name="$1" url="$2"
  shift 2
  PORT="$(free_port)"
  "$AGENT" --listen "127.0.0.1:$PORT" --vm tls-vm --interval 100ms --push "$url" \
    --token-file "$TOKEN_FILE" --spool "$TMP/spool-$name" --push-interval 100ms --push-batch 1 \
    "$@" >"$OUT/$name.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  wait_http "http://127.0.0.1:$PORT/readyz" 15 || {
    echo "agent $name did not become ready; its log:"
    cat "$OUT/$name.log"
    return 1
  }
}
summary() { # summary FILE EXPR: a value of the fake ingest's summary (s)
  python3 -c "import json, sys; s = json.load(open(sys.argv[1])); print($2)" "$1"
}
stored() { summary "$SUMMARY" 'sum(b["records"] for b in s["batches"].values())'; }
requests() { summary "${1:-$SUMMARY}" 's["requests"]'; }
bad_requests() { summary "$SUMMARY" 'len(s["bad_requests"])'; }
token_count() { summary "$SUMMARY" "s['tokens'].get('$1', 0)"; }
prom_value() { curl -fsS --max-time 2 "http://127.0.0.1:$PORT/metrics/prometheus" | sed -n "s/^$1 //p"; }
stored_more_than() { [[ "$(stored)" -gt "$1" ]]; }
port_lines() { grep -c "^$1 " "$ACCESS_LOG" 2>/dev/null || true; }
one_line_logs() { # every line of the agent's log is a log line: nothing a server sent broke it
  ! grep -qvE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "$1"
}

# ---------------------------------------------------------------- the right CA
start_agent good-localhost "https://localhost:$GOOD_PORT/api/metrics" --ca-file "$PKI/ca.pem"
check "right CA, https://localhost: samples are stored" wait_for 20 stored_more_than 20
sleep 1
stop_pid "$PID"
check "right CA: every request had the token and a valid body" test "$(bad_requests)" -eq 0
check "right CA: no TLS error in the agent's log" bash -c "! grep -q 'TLS\\|verify' '$OUT/good-localhost.log'"
grep "^$GOOD_PORT " "$ACCESS_LOG" >"$OUT/good-access.log"
check "TLS 1.2 or 1.3 was negotiated" bash -c "grep -q 'proto=TLSv1\\.[23] ' '$OUT/good-access.log' && ! grep -qv 'proto=TLSv1\\.[23] ' '$OUT/good-access.log'"
check "SNI: nginx saw the server name localhost" grep -q "sni=localhost\$" "$OUT/good-access.log"
check "keep-alive: connections carried several requests" grep -q " req=[2-9] " "$OUT/good-access.log"
check "reconnects resumed the TLS session (nginx: reused=r)" grep -q "reused=r " "$OUT/good-access.log"
echo "good: $(wc -l <"$OUT/good-access.log") requests over $(grep -o 'conn=[0-9]*' "$OUT/good-access.log" | sort -u | wc -l) connections, $(grep -c 'reused=r ' "$OUT/good-access.log") on resumed sessions"

before="$(stored)"
start_agent good-ip "https://127.0.0.1:$GOOD_PORT/api/metrics" --ca-file "$PKI/ca.pem"
check "right CA, https://127.0.0.1 (an IP address checked against the certificate's IP entries): stored" \
  wait_for 20 stored_more_than "$((before + 5))"
stop_pid "$PID"
before="$(stored)"
VMPULSE_CA_FILE="$PKI/ca.pem" start_agent good-env "https://localhost:$GOOD_PORT/api/metrics"
check "the CA from VMPULSE_CA_FILE works too" wait_for 20 stored_more_than "$((before + 5))"
stop_pid "$PID"

# ---------------------------------------------------------------- refused
# refused NAME URL LOG_PATTERN ARGS...: the agent pushes for 3 s; nothing reaches the
# ingest, the log names the failure, the samples wait in the spool.
refused() {
  local name="$1" url="$2" pattern="$3" before spooled
  shift 3
  before="$(requests)"
  start_agent "$name" "$url" "$@" || return 1
  wait_for 10 grep -q -- "$pattern" "$OUT/$name.log"
  sleep 2
  spooled="$(prom_value vmpulse_push_spool_batches)"
  stop_pid "$PID"
  if [[ "$(requests)" -ne "$before" ]]; then
    echo "$name: the fake ingest received $(($(requests) - before)) requests"
    return 1
  fi
  if ! grep -q -- "$pattern" "$OUT/$name.log"; then
    echo "$name: no '$pattern' in the agent's log:"
    tail -n 5 "$OUT/$name.log"
    return 1
  fi
  if [[ "${spooled:-0}" -eq 0 ]]; then
    echo "$name: nothing waiting in the spool"
    return 1
  fi
  one_line_logs "$OUT/$name.log"
}
check "wrong CA: refused, nothing reaches the ingest, the log says the certificate did not verify" \
  refused wrong-ca "https://localhost:$GOOD_PORT/api/metrics" "certificate verify failed: unable to get local issuer certificate" \
  --ca-file "$PKI/other-ca.pem"
check "the system's CA store (no --ca-file) does not trust the test CA either" \
  refused system-store "https://localhost:$GOOD_PORT/api/metrics" "certificate verify failed"
check "expired certificate: refused" \
  refused expired "https://localhost:$EXPIRED_PORT/api/metrics" "certificate verify failed: certificate has expired" \
  --ca-file "$PKI/ca.pem"
check "host-name mismatch: refused" \
  refused wrong-name "https://localhost:$WRONG_NAME_PORT/api/metrics" "certificate verify failed: hostname mismatch" \
  --ca-file "$PKI/ca.pem"
check "IP address mismatch (certificate for other.example, URL 127.0.0.1): refused" \
  refused wrong-ip "https://127.0.0.1:$WRONG_NAME_PORT/api/metrics" "certificate verify failed: IP address mismatch" \
  --ca-file "$PKI/ca.pem"

# ---------------------------------------------------------------- mutual TLS
before="$(stored)"
start_agent mtls "https://localhost:$MTLS_PORT/api/metrics" --ca-file "$PKI/ca.pem" \
  --cert-file "$PKI/client.pem" --key-file "$PKI/client.key"
check "mTLS required, client certificate given: stored" wait_for 20 stored_more_than "$((before + 5))"
stop_pid "$PID"
# nginx completes the handshake and answers 400 with an HTML page: not the ingest's JSON,
# so a configuration error, not a batch fault: the samples wait in the spool.
check "mTLS required, no client certificate: refused, nginx's 400 page logged on one line, samples kept" \
  refused mtls-missing "https://localhost:$MTLS_PORT/api/metrics" "400 No required SSL certificate was sent" \
  --ca-file "$PKI/ca.pem"
check "mTLS: a client key that is not the certificate's: exit 2 at start" bash -c "
  timeout 10 '$AGENT' --push 'https://localhost:$MTLS_PORT/api/metrics' --token-file '$TOKEN_FILE' \
    --ca-file '$PKI/ca.pem' --cert-file '$PKI/client.pem' --key-file '$PKI/server.key' 2>'$OUT/mismatched-key.err'
  [[ \$? -eq 2 ]] && grep -q -- '--key-file .*key of --cert-file' '$OUT/mismatched-key.err'"

# ---------------------------------------------------------------- refused at start
exits_2_naming() { # exits_2_naming NEEDLE ARGS...: exit 2 within 5 s, stderr names NEEDLE
  local needle="$1" rc
  shift
  timeout 5 "$AGENT" --listen "127.0.0.1:$(free_port)" --token-file "$TOKEN_FILE" \
    --spool "$TMP/spool-start" "$@" >"$OUT/start.out" 2>"$OUT/start.err"
  rc=$?
  if [[ $rc -ne 2 ]] || ! grep -q -- "$needle" "$OUT/start.err"; then
    echo "exit $rc; stderr: $(cat "$OUT/start.err")"
    return 1
  fi
}
check "--push http://10.1.2.3/…: exit 2 at start, naming --insecure-http" \
  exits_2_naming "--insecure-http" --push "http://10.1.2.3/api/metrics"
check "--push http://ingest.example/…: exit 2 at start, naming --insecure-http" \
  exits_2_naming "--insecure-http" --push "http://ingest.example/api/metrics"
check "a missing --ca-file: exit 2 at start, naming it" \
  exits_2_naming "--ca-file $TMP/none.pem: cannot be read" --push "https://localhost:$GOOD_PORT/api/metrics" --ca-file "$TMP/none.pem"
check "a --ca-file that is not PEM: exit 2 at start" \
  exits_2_naming "--ca-file" --push "https://localhost:$GOOD_PORT/api/metrics" --ca-file "$PKI/server.csr"
check "--cert-file without --key-file: exit 2 at start" \
  exits_2_naming "go together" --push "https://localhost:$GOOD_PORT/api/metrics" --ca-file "$PKI/ca.pem" --cert-file "$PKI/client.pem"

# ---------------------------------------------------------------- a redirect
before_redirects="$(port_lines "$REDIRECT_PORT")"
start_agent redirect "http://127.0.0.1:$REDIRECT_PORT/api/metrics"
sleep 5
stop_pid "$PID"
attempts=$(($(port_lines "$REDIRECT_PORT") - before_redirects))
echo "redirect: $attempts attempts answered 301 in 5 s"
check "301: the agent kept trying (with backoff) — $attempts attempts" test "$attempts" -ge 3 -a "$attempts" -le 12
check "301: logged once, with the Location" test "$(grep -c 'answered 301' "$OUT/redirect.log")" -eq 1
check "301: the log line names the Location" grep -q "answered 301 redirecting to \"https://127.0.0.1:$TARGET_PORT/api/metrics\"" "$OUT/redirect.log"
check "301: never followed, the redirect's target saw no request (so not the token)" test "$(requests "$TARGET_SUMMARY")" -eq 0
check "301: the samples wait in the spool" bash -c "ls '$TMP/spool-redirect' | grep -q '\\.batch\$'"

# ---------------------------------------------------------------- SIGHUP
start_agent sighup "https://localhost:$GOOD_PORT/api/metrics" --ca-file "$PKI/ca.pem"
a_before="$(token_count "$TOKEN_A")"
token_a_used() { [[ "$(token_count "$TOKEN_A")" -gt "$((a_before + 3))" ]]; }
check "SIGHUP: pushes carry the token of the file (A)" wait_for 20 token_a_used
printf '# rotated\n%s\n%s\n' "$TOKEN_A" "$TOKEN_B" >"$TOKEN_FILE"
kill -HUP "$PID"
token_b_last() { [[ "$(summary "$SUMMARY" 's["last_token"]')" == "$TOKEN_B" && "$(token_count "$TOKEN_B")" -ge 3 ]]; }
check "SIGHUP with a rotated file: the next pushes carry the newest token (B)" wait_for 20 token_b_last
check "SIGHUP: the reload is logged" grep -q "SIGHUP: token file .* read again" "$OUT/sighup.log"
echo "not a token" >"$TOKEN_FILE"
b_before="$(token_count "$TOKEN_B")"
kill -HUP "$PID"
token_b_still() { [[ "$(token_count "$TOKEN_B")" -gt "$((b_before + 3))" && "$(summary "$SUMMARY" 's["last_token"]')" == "$TOKEN_B" ]]; }
check "SIGHUP with a bad file: logged, the token in use kept" wait_for 10 grep -q "SIGHUP: keeping the token in use" "$OUT/sighup.log"
check "SIGHUP with a bad file: pushes go on with B" wait_for 20 token_b_still
check "the agent's log says nothing of the tokens" bash -c "! grep -q -e '$TOKEN_A' -e '$TOKEN_B' '$OUT'/*.log"
stop_pid "$PID"
check "SIGHUP: the agent still stops cleanly (exit 0)" test $? -eq 0
check "every request to the ingest was well-formed" test "$(bad_requests)" -eq 0

suite_end
