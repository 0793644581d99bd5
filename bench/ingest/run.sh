#!/usr/bin/env bash
# The ingest benchmark: route 1 (build/bin/vmpulse-api) side by side with its peers in
# one run on one private MariaDB with durable commits — node-api (route 2), the
# specification's Flask route under gunicorn (4 workers, PyMySQL), and the database's
# own floor (a C client doing multi-row INSERTs of 1,000 rows, and the same client doing
# bulk executions of 1,000 rows, MariaDB's array binding). wrk on loopback POSTs
# one record per request at 150 and 300 connections, then batches of 1,000; after each
# run the rows are counted back out of the database and compared with wrk's 2xx count.
#   bench/ingest/run.sh        prints one markdown table and the targets
# Each row also gives the CPU time per stored record of the route, of MariaDB and of wrk
# (from /proc and /usr/bin/time), which is steadier than records/s on a shared machine.
# BENCH_SECONDS (default 10) bounds each run; BENCH_SKIP="flask nodejs" leaves peers out;
# VMPULSE_BIN_BASELINE=DIR adds a second build of route 1 to compare with. Route 1 also
# runs a second time with --metrics off ("cpp-nometrics"): the cost of its own metrics,
# target ≥ 0.97× records/s with them on; bench/ingest/counter_ns prints ns per update;
# and a third with --bulk-insert off ("cpp-rows"): multi-row INSERTs, as on MySQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-10}"
skip=" ${BENCH_SKIP:-} "
bench_setup ingest

[[ -x "$VMPULSE_BIN/vmpulse-api" ]] || die "$VMPULSE_BIN/vmpulse-api is not built (./vmpulse build)"
command -v wrk >/dev/null || die "wrk is not installed (scripts/packages/api.apt)"

bench_db

# pkg-config prints several flags: split on purpose.
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -o "$work/floor" bench/ingest/floor.cpp $(pkg-config --cflags --libs libmariadb) -lpthread

declare -A route_url route_pid
port="$(free_port)"
start_route cpp "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/cpp/metrics" \
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$port"
[[ -n "${route_url[cpp]:-}" ]] || die "vmpulse-api did not start"
port="$(free_port)"
start_route cpp-nometrics "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/cpp/metrics" \
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$port" --metrics off
port="$(free_port)"
start_route cpp-rows "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/cpp/metrics" \
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$port" --bulk-insert off
# VMPULSE_BIN_BASELINE=DIR adds another build of route 1 (say, before a change) as the
# row "cpp-baseline", measured in the same run.
if [[ -n "${VMPULSE_BIN_BASELINE:-}" ]]; then
  [[ -x "$VMPULSE_BIN_BASELINE/vmpulse-api" ]] || die "$VMPULSE_BIN_BASELINE/vmpulse-api is not built"
  port="$(free_port)"
  start_route cpp-baseline "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/cpp/metrics" \
    "$VMPULSE_BIN_BASELINE/vmpulse-api" --listen "127.0.0.1:$port"
fi
if [[ "$skip" != *" nodejs "* && -f node-api/src/server.js && -d node-api/node_modules ]]; then
  port="$(free_port)"
  start_route nodejs "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/nodejs/metrics" \
    env PORT="$port" node node-api/src/server.js
fi
if [[ "$skip" != *" flask "* ]] && command -v gunicorn >/dev/null; then
  port="$(free_port)"
  start_route flask "http://127.0.0.1:$port/" "http://127.0.0.1:$port/metrics" \
    gunicorn -w 4 -b "127.0.0.1:$port" --chdir bench/peers/flask-route app:app
fi

declare -A rate p99 cpu
rows=()
# measure NAME CONNECTIONS BATCH: one wrk run; one table row.
measure() {
  local name="$1" conns="$2" batch="$3" out line requests bad errors duration p50 p99ms ok stored rps check
  local route0 db0 route_ticks db_ticks wrk_ticks
  [[ -n "${route_url[$name]:-}" ]] || return 0
  db_client "$VMPULSE_DB_URL" -e "TRUNCATE TABLE metricas"
  route0="$(cpu_ticks "${route_pid[$name]}")"
  db0="$(cpu_ticks "$(db_pid)")"
  # wrk's own CPU time comes from /usr/bin/time (user and system seconds).
  out="$(BATCH="$batch" TOKEN="$VMPULSE_TOKEN" /usr/bin/time -f 'WRKCPU %U %S' \
    wrk -t2 -c"$conns" -d"${seconds}s" --timeout 5s -s bench/ingest/post.lua "${route_url[$name]}" 2>&1)"
  route_ticks=$(($(cpu_ticks "${route_pid[$name]}") - route0))
  db_ticks=$(($(cpu_ticks "$(db_pid)") - db0))
  wrk_ticks="$(awk -v hz="$ticks_per_second" '/^WRKCPU/ { printf "%.0f", ($2 + $3) * hz }' <<<"$out")"
  line="$(grep '^RESULT' <<<"$out")"
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")"
  bad="$(sed -E 's/.*bad_status=([0-9]+).*/\1/' <<<"$line")"
  errors="$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$line")"
  duration="$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")"
  p50="$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")"
  p99ms="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  ok=$((requests - bad))
  stored="$(settled_rows)"
  # Every 2xx must be in the database; requests still in flight when wrk stopped may
  # have committed too (at most one per connection).
  if ((stored >= ok * batch && stored <= (ok + conns) * batch)); then check=yes; else check=NO; fi
  rps="$(awk -v n="$ok" -v b="$batch" -v d="$duration" 'BEGIN { printf "%.0f", n * b / (d / 1e6) }')"
  rate[$name/$conns/$batch]="$rps"
  p99[$name/$conns/$batch]="$p99ms"
  cpu[$name/$conns/$batch]="$(us_per_record "$((route_ticks + db_ticks + ${wrk_ticks:-0}))" "$((ok * batch))")"
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$name" "$conns" "$batch" "$rps" \
    "$p50" "$p99ms" "$ok" "$((bad + errors))" "$stored" "$check" "$(us_per_record "$route_ticks" "$((ok * batch))")" \
    "$(us_per_record "$db_ticks" "$((ok * batch))")" "$(us_per_record "${wrk_ticks:-0}" "$((ok * batch))")")")
}

for conns in 150 300; do
  for name in cpp cpp-nometrics cpp-rows cpp-baseline nodejs flask; do measure "$name" "$conns" 1; done
done
for name in cpp cpp-rows cpp-baseline nodejs; do measure "$name" 8 1000; done

# floor LABEL BULK: one run of the C client; one table row; sets floor_rate[LABEL].
declare -A floor_rate
floor() {
  local line n secs stored
  db_client "$VMPULSE_DB_URL" -e "TRUNCATE TABLE metricas"
  line="$(MYSQL_PWD="$(cat "$work/db/password")" "$work/floor" 127.0.0.1 "$db_port" "$VMPULSE_DB_USER" \
    "$VMPULSE_DB_NAME" --seconds "$seconds" --rows 1000 --threads 4 --bulk "$2")"
  n="$(sed -E 's/.*rows=([0-9]+).*/\1/' <<<"$line")"
  secs="$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line")"
  stored="$(settled_rows)"
  floor_rate[$1]="$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
  rows+=("$(printf '| floor, %s (C client, 4 connections) | 4 | 1000 | %s | | | %s | 0 | %s | %s | | | |' "$1" \
    "${floor_rate[$1]}" "$n" "$stored" "$([[ "$stored" == "$n" ]] && echo yes || echo NO)")")
}
floor "multi-row INSERTs" 0
floor "bulk execution" 1
# The faster of the two is the floor the target compares with.
floor_best="$(printf '%s\n' "${floor_rate[@]}" | sort -n | tail -n1)"

echo "Ingest: wrk -t2 -d${seconds}s on loopback, private MariaDB (innodb_flush_log_at_trx_commit=1), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1 /proc/loadavg) at the end"
echo
echo "| route | connections | records/request | records/s | p50 ms | p99 ms | 2xx | errors | rows in db | 2xx all stored | route CPU µs/record | db CPU µs/record | wrk CPU µs/record |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo

# One decimal: these ratios are compared with whole-number targets.
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "n/a" }'; }
target() { # TEXT VALUE LIMIT (VALUE >= LIMIT is met)
  awk -v t="$1" -v v="$2" -v l="$3" 'BEGIN { m = (v != "n/a" && v + 0 >= l + 0) ? "met" : "NOT met"; printf "- %s: %s (%s)\n", t, v, m }'
}
for conns in 150 300; do
  target "route 1 / Flask records/s at $conns connections (≥ 7)" "$(ratio "${rate[cpp/$conns/1]:-}" "${rate[flask/$conns/1]:-}")" 7
  target "route 1 / node-api records/s at $conns connections (≥ 5)" "$(ratio "${rate[cpp/$conns/1]:-}" "${rate[nodejs/$conns/1]:-}")" 5
done
# CPU per stored record (route + database + wrk) says the same with less noise when other
# work shares the machine: with every CPU busy, records/s is about CPUs / CPU per record.
for conns in 150 300; do
  echo "- CPU per record, route + db + wrk, at $conns connections: cpp ${cpu[cpp/$conns/1]:-n/a} µs, nodejs ${cpu[nodejs/$conns/1]:-n/a} µs (node-api / route 1: $(ratio "${cpu[nodejs/$conns/1]:-}" "${cpu[cpp/$conns/1]:-}"))"
done
if [[ -n "${route_url[cpp-baseline]:-}" ]]; then
  for conns in 150 300; do
    echo "- route 1 / its baseline build at $conns connections: records/s $(ratio "${rate[cpp/$conns/1]:-}" "${rate[cpp-baseline/$conns/1]:-}"), CPU per record $(ratio "${cpu[cpp/$conns/1]:-}" "${cpu[cpp-baseline/$conns/1]:-}")"
  done
fi
for conns in 150 300; do
  target "route 1 metrics on / off records/s at $conns connections (≥ 0.97)" \
    "$(awk -v a="${rate[cpp/$conns/1]:-0}" -v b="${rate[cpp-nometrics/$conns/1]:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "n/a" }')" 0.97
done
g++ -std=c++20 -O2 -I core/include -o "$work/counter_ns" bench/ingest/counter_ns.cpp core/src/metrics.cpp -lfmt -lpthread
"$work/counter_ns"
awk -v p="${p99[cpp/150/1]:-999}" 'BEGIN { printf "- route 1 p99 at 150 connections (≤ 25 ms): %s ms (%s)\n", p, (p + 0 <= 25 ? "met" : "NOT met") }'
target "route 1 batches of 1,000 / the faster floor (≥ 0.5)" "$(awk -v a="${rate[cpp/8/1000]:-0}" -v b="$floor_best" 'BEGIN { printf "%.2f", a / b }')" 0.5
echo "- route 1 batches of 1,000, bulk execution / multi-row INSERTs (cpp / cpp-rows): $(awk -v a="${rate[cpp/8/1000]:-0}" -v b="${rate[cpp-rows/8/1000]:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }')"
