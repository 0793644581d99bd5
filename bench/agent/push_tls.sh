#!/usr/bin/env bash
# The agent's CPU per pushed sample over HTTPS against plain HTTP, in one run: the same
# agent pushing every sample on its own request (--push-batch 1) through one local
# nginx (a TLS and a plain listener, TLS 1.2/1.3, certificate from a CA made here with
# the openssl CLI) to the fake ingest. Rows: sampling only (no push: the floor), plain
# HTTP, HTTPS on one kept-alive connection, and HTTPS with nginx closing the connection
# every 20 requests (each reconnect resumes the TLS session). CPU is the agent's own
# (the sum over its threads of /proc/PID/task/*/schedstat, in ns), so other load on the
# machine changes it little. Target: HTTPS ≤ 1.5× the plain cost per sample.
#   bench/agent/push_tls.sh
# BENCH_SECONDS (default 20) per row at the fast interval, BENCH_INTERVAL (default
# 50ms) the fast interval; BENCH_SLOW_SECONDS (default 30; 0 skips it) per row at the
# default 1 s interval.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-20}"
interval="${BENCH_INTERVAL:-50ms}"
slow_seconds="${BENCH_SLOW_SECONDS:-30}"
agent_bin="$VMPULSE_BIN/vmpulse-agent"
[[ -x "$agent_bin" ]] || die "build first: ./vmpulse build ($agent_bin)"
command -v nginx >/dev/null || die "nginx is needed (scripts/packages/local.apt)"
command -v openssl >/dev/null || die "openssl is needed (scripts/packages/agent.apt)"
bench_setup push-tls

# ---------------------------------------------------------------- CA, fake ingest, nginx
pki="$work/pki"
mkdir -p "$pki"
{
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" -subj "/CN=vmpulse bench CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$pki/server.key" -out "$pki/server.csr" -subj "/CN=localhost"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$pki/server.ext"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$pki/server.ext" -out "$pki/server.pem"
} >"$work/openssl.log" 2>&1 || die "openssl: $(tail -n 5 "$work/openssl.log")"
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$work/token"
chmod 600 "$work/token"

ingest_port="$(free_port)"
python3 agent/tests/fake_ingest/fake_ingest.py "$ingest_port" "$work/ingest.json" \
  --token "$(cat "$work/token")" >"$work/ingest.log" 2>&1 &
pids+=($!)

plain_port="$(free_port)" tls_port="$(free_port)" tls_short_port="$(free_port)"
mkdir -p "$work/nginx/tmp"
user=""
[[ "$(id -u)" -eq 0 ]] && user="user root;"
cat >"$work/nginx/nginx.conf" <<CONF
$user
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:TLS:1m;
  ssl_certificate $pki/server.pem;
  ssl_certificate_key $pki/server.key;
  upstream ingest { server 127.0.0.1:$ingest_port; keepalive 4; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  server { listen 127.0.0.1:$plain_port; location / { proxy_pass http://ingest; } }
  server { listen 127.0.0.1:$tls_port ssl; location / { proxy_pass http://ingest; } }
  server {
    listen 127.0.0.1:$tls_short_port ssl;
    keepalive_requests 20;
    location / { proxy_pass http://ingest; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g 'daemon off;' \
  >"$work/nginx.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$plain_port/" && break
  sleep 0.1
done
curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$plain_port/" ||
  die "nginx did not start: $(tail -n 5 "$work/nginx/error.log")"

# ---------------------------------------------------------------- measuring
cpu_ns() { # the agent's CPU time so far: every thread's run time (schedstat field 1)
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'
}
prom_value() { curl -fsS --max-time 2 "http://127.0.0.1:$2/metrics/prometheus" | sed -n "s/^$1 //p"; }
ms_of() { case "$1" in *ms) echo "${1%ms}" ;; *s) echo "$((${1%s} * 1000))" ;; esac; }

rows=()
declare -A per_sample
# measure NAME INTERVAL SECONDS [PUSH_URL]: one agent run; a row of the table
measure() {
  local name="$1" every="$2" duration="$3" url="${4:-}" port pid c0 c1 d0 d1 samples ns
  port="$(free_port)"
  local args=(--listen "127.0.0.1:$port" --vm bench-vm --interval "$every")
  if [[ -n "$url" ]]; then
    args+=(--push "$url" --token-file "$work/token" --ca-file "$pki/ca.pem"
      --spool "$work/spool-$port" --push-batch 1 --push-interval "$every")
  fi
  "$agent_bin" "${args[@]}" >"$work/agent-$port.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_http "http://127.0.0.1:$port/readyz" 15 || die "the agent did not start: $(tail -n 5 "$work/agent-$port.log")"
  sleep 2 # connected, first samples delivered
  c0="$(cpu_ns "$pid")"
  d0="$(prom_value vmpulse_push_delivered_samples_total "$port")"
  sleep "$duration"
  c1="$(cpu_ns "$pid")"
  d1="$(prom_value vmpulse_push_delivered_samples_total "$port")"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  if [[ -n "$url" ]]; then
    samples=$((${d1:-0} - ${d0:-0}))
    if grep -q "not delivered\|answered" "$work/agent-$port.log"; then
      warn "$name: some pushes failed: $(grep -m1 "not delivered\|answered" "$work/agent-$port.log")"
    fi
  else
    samples=$((duration * 1000 / $(ms_of "$every")))
  fi
  ((samples > 0)) || die "$name: no sample delivered ($(tail -n 3 "$work/agent-$port.log"))"
  ns=$(((c1 - c0) / samples))
  per_sample["$name $every"]="$ns"
  rows+=("| $every | $name | $samples | $(awk -v n="$((c1 - c0))" 'BEGIN { printf "%.1f", n / 1e6 }') | $(awk -v n="$ns" 'BEGIN { printf "%.1f", n / 1e3 }') |")
  echo "$name at $every: $samples samples, $(((c1 - c0) / 1000000)) ms CPU, $((ns / 1000)) µs per sample" >&2
}

sampling="sampling only (no push)"
plain="plain HTTP"
tls="HTTPS, one kept-alive connection"
tls_short="HTTPS, reconnect every 20 requests (session resumed)"
run_interval() { # run_interval INTERVAL SECONDS
  measure "$sampling" "$1" "$2"
  measure "$plain" "$1" "$2" "http://127.0.0.1:$plain_port/api/metrics"
  measure "$tls" "$1" "$2" "https://localhost:$tls_port/api/metrics"
  measure "$tls_short" "$1" "$2" "https://localhost:$tls_short_port/api/metrics"
}
run_interval "$interval" "$seconds"
if ((slow_seconds > 0)); then
  run_interval 1s "$slow_seconds"
fi

echo "# vmpulse-agent push over TLS vs plain HTTP, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "One sample a request (--push-batch 1) through a local nginx to the fake ingest; the agent's CPU over the run."
echo
echo "| interval | agent | samples | CPU ms | CPU µs per sample |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
verdicts=()
intervals=("$interval")
((slow_seconds > 0)) && intervals+=(1s)
for every in "${intervals[@]}"; do
  base="${per_sample["$sampling $every"]}"
  p="${per_sample["$plain $every"]}"
  t="${per_sample["$tls $every"]}"
  s="${per_sample["$tls_short $every"]}"
  r="$(ratio "$t" "$p")"
  echo "- at $every: HTTPS $r× the plain HTTP CPU per sample (reconnecting every 20: $(ratio "$s" "$p")×);" \
    "the push alone (minus sampling) $(ratio "$((t - base))" "$((p - base))")× (reconnecting: $(ratio "$((s - base))" "$((p - base))")×)"
  if awk -v r="$r" 'BEGIN { exit !(r != "n/a" && r <= 1.5) }'; then verdicts+=("met at $every ($r×)"); else verdicts+=("not met at $every ($r×)"); fi
done
echo
echo "Target HTTPS ≤ 1.5× plain HTTP CPU per pushed sample: ${verdicts[*]}"
