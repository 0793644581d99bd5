#!/usr/bin/env bash
# What labels (etiquetas, issue 15) cost the ingest routes, in one run on one private
# MariaDB with durable commits: route 1 (build/bin/vmpulse-api) and node-api post
# version 1 records without labels and with 4 labels each (LABELS=4 in post.lua: ~95
# bytes more per record), alternately, twice, one record per request and batches of 100.
# Target: with labels ≥ 0.8× without, records/s, each route and batch size.
#   bench/ingest/labels.sh      prints a markdown table and the ratios
# BENCH_SECONDS (default 10) bounds each wrk run; BENCH_SKIP="nodejs" leaves node-api out.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-10}"
skip=" ${BENCH_SKIP:-} "
bench_setup labels

[[ -x "$VMPULSE_BIN/vmpulse-api" ]] || die "$VMPULSE_BIN/vmpulse-api is not built (./vmpulse build)"
command -v wrk >/dev/null || die "wrk is not installed (scripts/packages/api.apt)"
bench_db
[[ "$(db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM information_schema.columns
  WHERE table_schema = DATABASE() AND table_name = 'metricas' AND column_name = 'etiquetas'")" == 1 ]] ||
  die "metricas has no etiquetas column (db/migrations/008)"

declare -A route_url route_pid
port="$(free_port)"
start_route cpp "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/cpp/metrics" \
  "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$port"
[[ -n "${route_url[cpp]:-}" ]] || die "route 1 did not start"
if [[ "$skip" != *" nodejs "* && -d node-api/node_modules ]]; then
  port="$(free_port)"
  start_route nodejs "http://127.0.0.1:$port/readyz" "http://127.0.0.1:$port/api/nodejs/metrics" \
    env PORT="$port" node node-api/src/server.js
fi

declare -A rate
rows=()
# measure ROUTE LABELS CONNECTIONS BATCH ROUND: one wrk run; one table row.
measure() {
  local name="$1" labels="$2" conns="$3" batch="$4" round="$5" out line requests bad duration p99ms ok stored rps ticks0 ticks with
  db_client "$VMPULSE_DB_URL" -e "TRUNCATE TABLE metricas"
  ticks0=$(($(cpu_ticks "${route_pid[$name]}") + $(cpu_ticks "$(db_pid)")))
  out="$(LABELS="$labels" BATCH="$batch" TOKEN="$VMPULSE_TOKEN" \
    wrk -t2 -c"$conns" -d"${seconds}s" --timeout 5s -s bench/ingest/post.lua "${route_url[$name]}" 2>&1)"
  ticks=$(($(cpu_ticks "${route_pid[$name]}") + $(cpu_ticks "$(db_pid)") - ticks0))
  line="$(grep '^RESULT' <<<"$out")" || die "wrk gave no result: $out"
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")"
  bad="$(sed -E 's/.*bad_status=([0-9]+).*/\1/' <<<"$line")"
  duration="$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")"
  p99ms="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  ok=$((requests - bad))
  stored="$(settled_rows)"
  # Every stored row of a labelled run has them: the column is not silently NULL.
  with="$(db_client "$VMPULSE_DB_URL" -e "SELECT COUNT(*) FROM metricas WHERE etiquetas IS NOT NULL")"
  rps="$(awk -v n="$ok" -v b="$batch" -v d="$duration" 'BEGIN { printf "%.0f", n * b / (d / 1e6) }')"
  rate[$name/$labels/$batch]=$((${rate[$name/$labels/$batch]:-0} + rps))
  rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$name" "$labels" "$round" "$conns" "$batch" \
    "$rps" "$p99ms" "$stored" "$with" "$(us_per_record "$ticks" "$((ok * batch))")")")
}

# Without and with labels alternate, twice, the order swapped in the second round, so
# that load from elsewhere on the machine (and a route warming up) falls on both.
for round in 1 2; do
  order=(0 4)
  [[ "$round" == 2 ]] && order=(4 0)
  for name in "${!route_url[@]}"; do
    for labels in "${order[@]}"; do measure "$name" "$labels" 64 1 "$round"; done
    for labels in "${order[@]}"; do measure "$name" "$labels" 8 100 "$round"; done
  done
done

echo "Labels (etiquetas): private MariaDB $(mariadb --version | sed -E 's/.*(Distrib |from )([0-9.]+).*/\2/') (innodb_flush_log_at_trx_commit=1), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1 /proc/loadavg) at the end"
echo
echo "wrk -t2 -d${seconds}s on loopback; version 1 records, with 0 or 4 labels"
echo
echo "| route | labels | round | connections | records/request | records/s | p99 ms | rows in db | rows with labels | route + db CPU µs/record |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
for name in "${!route_url[@]}"; do
  for batch in 1 100; do
    r="$(ratio "${rate[$name/4/$batch]:-0}" "${rate[$name/0/$batch]:-0}")"
    awk -v r="$r" -v n="$name" -v b="$batch" \
      'BEGIN { printf "- %s, %s records/request: with 4 labels / without, records/s (≥ 0.8): %s (%s)\n", n, b, r, (r != "n/a" && r + 0 >= 0.8 ? "met" : "NOT met") }'
  done
done
