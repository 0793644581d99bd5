#!/usr/bin/env bash
# Route 1 through the local ingress, plain HTTP against HTTPS, in one run: the ingress
# of `./vmpulse up` (scripts/ingress/nginx.conf.template with the local CA of
# scripts/lib/tls.sh) in front of build/bin/vmpulse-api on a private MariaDB with
# durable commits. wrk POSTs one record per request on keep-alive connections to
# /api/cpp/metrics, alternating plain and TLS runs (BENCH_ROUNDS of each) so that
# whatever else the machine does weighs on both alike.
#   bench/ingest/tls.sh        prints one markdown table and the target (TLS ≥ 0.8× plain)
# BENCH_SECONDS (default 10) bounds each run, BENCH_CONNECTIONS (default 100) the
# connections, BENCH_ROUNDS (default 2) the runs of each. wrk does not verify the
# certificate; the handshake and the encryption are the same as a verifying client's.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source scripts/lib/ingress.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-10}"
conns="${BENCH_CONNECTIONS:-100}"
rounds="${BENCH_ROUNDS:-2}"
bench_setup ingest-tls

[[ -x "$VMPULSE_BIN/vmpulse-api" ]] || die "$VMPULSE_BIN/vmpulse-api is not built (./vmpulse build)"
command -v wrk >/dev/null || die "wrk is not installed (scripts/packages/test-tools.apt)"
command -v nginx >/dev/null || die "nginx is not installed (scripts/packages/local.apt)"

bench_db

export VMPULSE_API_PORT VMPULSE_NODE_API_PORT VMPULSE_HUB_PORT VMPULSE_INGRESS_PORT VMPULSE_INGRESS_TLS_PORT
VMPULSE_API_PORT="$(free_port)" VMPULSE_NODE_API_PORT="$(free_port)" VMPULSE_HUB_PORT="$(free_port)"
VMPULSE_INGRESS_PORT="$(free_port)" VMPULSE_INGRESS_TLS_PORT="$(free_port)"

"$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$VMPULSE_API_PORT" >"$work/api.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$VMPULSE_API_PORT/readyz" 30 || die "vmpulse-api did not start: $(tail -n 3 "$work/api.log")"

mkdir -p "$work/dist"
echo '<!doctype html>' >"$work/dist/index.html"
ingress_render "$work/ing" "$work/dist" "$work/tls" || die "the ingress configuration did not render"
nginx -p "$work/ing" -c "$work/ing/nginx.conf" -e "$work/ing/error.log" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
wait_http "http://127.0.0.1:$VMPULSE_INGRESS_PORT/livez" 20 || die "nginx did not start: $(tail -n 3 "$work/ing/error.log")"
curl -fsS --cacert "$work/tls/ca.pem" -o /dev/null "https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/livez" ||
  die "the ingress does not answer HTTPS"

# cpu_ticks PID: user + system clock ticks of PID and its children (nginx's worker).
cpu_ticks() {
  local pid total=0 fields
  for pid in "$1" $(pgrep -P "$1" || true); do
    read -ra fields <<<"$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null)" || continue
    ((${#fields[@]} > 12)) && total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}
hz="$(getconf CLK_TCK)"
rows_in_db() { db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM metricas"; }

declare -A sum_rate sum_ok sum_ticks
rows=()
# measure NAME URL: one wrk run; one table row.
measure() {
  local name="$1" target="$2" out line requests bad errors duration p50 p99 ok t0 ticks rps before stored
  before="$(rows_in_db)"
  t0="$(cpu_ticks "$nginx_pid")"
  out="$(BATCH=1 TOKEN="$VMPULSE_TOKEN" wrk -t2 -c"$conns" -d"${seconds}s" --timeout 5s -s bench/ingest/post.lua "$target" 2>&1)"
  ticks=$(($(cpu_ticks "$nginx_pid") - t0))
  line="$(grep '^RESULT' <<<"$out")" || die "wrk failed: $out"
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")"
  bad="$(sed -E 's/.*bad_status=([0-9]+).*/\1/' <<<"$line")"
  errors="$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$line")"
  duration="$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  ok=$((requests - bad))
  sleep 1
  stored=$(($(rows_in_db) - before))
  rps="$(awk -v n="$ok" -v d="$duration" 'BEGIN { printf "%.0f", n / (d / 1e6) }')"
  sum_rate[$name]=$((${sum_rate[$name]:-0} + rps))
  sum_ok[$name]=$((${sum_ok[$name]:-0} + ok))
  sum_ticks[$name]=$((${sum_ticks[$name]:-0} + ticks))
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$name" "$conns" "$rps" "$p50" "$p99" "$ok" \
    "$((bad + errors))" "$([[ "$stored" -ge "$ok" ]] && echo yes || echo "NO ($stored)")" \
    "$(awk -v t="$ticks" -v n="$ok" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else printf "n/a" }')")")
}

for ((r = 0; r < rounds; r++)); do
  measure plain "http://127.0.0.1:$VMPULSE_INGRESS_PORT/api/cpp/metrics"
  measure tls "https://127.0.0.1:$VMPULSE_INGRESS_TLS_PORT/api/cpp/metrics"
done

echo "Route 1 through the local ingress: wrk -t2 -c$conns -d${seconds}s, one record per request, keep-alive, $rounds runs of each alternating; private MariaDB (innodb_flush_log_at_trx_commit=1), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1 /proc/loadavg) at the end"
echo
echo "| ingress | connections | records/s | p50 ms | p99 ms | 2xx | errors | 2xx all stored | nginx CPU µs/record |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
printf '%s\n' "${rows[@]}"
echo
awk -v t="${sum_rate[tls]}" -v p="${sum_rate[plain]}" -v tt="${sum_ticks[tls]}" -v pt="${sum_ticks[plain]}" \
  -v tn="${sum_ok[tls]}" -v pn="${sum_ok[plain]}" 'BEGIN {
  r = (p > 0) ? t / p : 0
  printf "- TLS / plain records/s, mean of the runs (≥ 0.8): %.2f (%s)\n", r, (r >= 0.8 ? "met" : "NOT met")
  if (tn > 0 && pn > 0 && pt > 0) printf "- nginx CPU per record, TLS / plain: %.2f\n", (tt / tn) / (pt / pn)
}'
