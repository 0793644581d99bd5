#!/usr/bin/env bash
# Version 2 records (issue 13) against version 1 ones, on one private MariaDB with durable
# commits, in one run:
#   1. storage: where procesos_top lives. A C client (record_layout.cpp) inserts the same
#      records as version 1 rows, as version 2 rows with procesos_top as the objects in
#      a JSON column (db/migrations/005), as version 2 rows with the compact stored form
#      in an ascii MEDIUMTEXT (db/migrations/009, 010: what the routes write now), and
#      as version 2 rows with a child table metricas_procesos (one row per process); then reads them
#      back as the hub does (one VM's processes at a time, and every row in id order
#      with its processes). Bytes per sample from information_schema after ANALYZE TABLE.
#   2. route 1 (build/bin/vmpulse-api): records/s and CPU per record posting version 1
#      and version 2 records (10 processes each, in the compact form the agent sends)
#      with wrk, alternately, one record per request and batches of 100; target: version
#      2 ≥ 0.7× version 1. Batches of 100 also with procesos_top's entries as objects
#      (v2-objects: what a client other than the agent may send).
#   3. route 1's instructions per stored record (callgrind, when valgrind is installed):
#      the whole route — HTTP, parse and checks, the statement's parameters, the client
#      library — for version 1 and version 2 records in batches of 100: a count that does
#      not move with this shared machine's speed, as the records/s above do.
#   4. the same for MariaDB: the private server restarted under callgrind, route 1
#      (part 2's) storing batches of 100; the server's instructions per stored record
#      (every thread: the statements, InnoDB, the redo log), and both parts' sums, whose
#      v1 / v2 ratio is what records/s would be on a machine both fill.
#   bench/ingest/record_v2.sh      prints four markdown tables and the targets
# BENCH_SECONDS (default 10) bounds each wrk run; BENCH_RECORDS (default 20000) the
# records of each storage layout; BENCH_PROCESSES (default 10) the processes of each;
# BENCH_ROUTE=0 measures the storage layouts only (no route 1, no wrk needed);
# BENCH_CALLGRIND=0 leaves out parts 3 and 4.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/mariadb.sh
source bench/lib.sh

seconds="${BENCH_SECONDS:-10}"
records="${BENCH_RECORDS:-20000}"
processes="${BENCH_PROCESSES:-10}"
route="${BENCH_ROUTE:-1}"
bench_setup record-v2

if [[ "$route" != 0 ]]; then
  [[ -x "$VMPULSE_BIN/vmpulse-api" ]] || die "$VMPULSE_BIN/vmpulse-api is not built (./vmpulse build)"
  command -v wrk >/dev/null || die "wrk is not installed (scripts/packages/api.apt)"
fi

bench_db
sql() { db_client "$VMPULSE_DB_URL" -e "$1"; }

# The alternative to the JSON column, for the measurement only: one row per process,
# in the order of the list.
sql "CREATE TABLE metricas_procesos (
  metrica_id BIGINT UNSIGNED NOT NULL,
  orden TINYINT UNSIGNED NOT NULL,
  pid INT NOT NULL,
  nombre VARCHAR(64) NOT NULL,
  estado CHAR(1) NOT NULL,
  porcentaje_cpu DECIMAL(5,2) NOT NULL,
  ram_mib DECIMAL(18,2) NOT NULL,
  PRIMARY KEY (metrica_id, orden)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

# shellcheck disable=SC2046  # pkg-config prints several flags: split on purpose.
g++ -std=c++20 -O2 -o "$work/record_layout" bench/ingest/record_layout.cpp \
  $(pkg-config --cflags --libs libmariadb) -lpthread

# bytes TABLE...: data + indexes of the tables, as InnoDB counts them after ANALYZE.
bytes() {
  local t list=""
  for t in "$@"; do
    sql "ANALYZE TABLE $t" >/dev/null
    list+="${list:+,}'$t'"
  done
  sql "SELECT SUM(data_length + index_length) FROM information_schema.tables
       WHERE table_schema = DATABASE() AND table_name IN ($list)"
}

# procesos_top's type per layout: 005's JSON column (MariaDB: LONGTEXT with a json_valid
# check) for json, 010's for the others (the table is empty, so the change is quick).
column_type() {
  case "$1" in
    json) echo "JSON NULL" ;;
    *) echo "MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NULL" ;;
  esac
}

declare -A layout
layout_rows=()
for mode in v1 json compact child; do
  sql "TRUNCATE TABLE metricas; TRUNCATE TABLE metricas_procesos"
  sql "ALTER TABLE metricas MODIFY COLUMN procesos_top $(column_type "$mode")"
  line="$(MYSQL_PWD="$(cat "$work/db/password")" "$work/record_layout" 127.0.0.1 "$db_port" \
    "$VMPULSE_DB_USER" "$VMPULSE_DB_NAME" "$mode" --records "$records" --processes "$processes" \
    --batch 100 --threads 4 --reads 4000)"
  field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$line"; }
  stored="$(sql "SELECT COUNT(*) FROM metricas")"
  total="$(bytes metricas metricas_procesos)"
  json_bytes="$(sql "SELECT COALESCE(ROUND(AVG(LENGTH(procesos_top))), 0) FROM metricas")"
  insert_rate="$(awk -v n="$stored" -v s="$(field insert_s)" 'BEGIN { printf "%.0f", n / s }')"
  lookup_rate="$(awk -v n="$(field lookups)" -v s="$(field lookup_s)" 'BEGIN { if (s > 0) printf "%.0f", n / s; else printf "n/a" }')"
  scan_rate="$(awk -v n="$(field scanned)" -v s="$(field scan_s)" 'BEGIN { if (s > 0) printf "%.0f", n / s; else printf "n/a" }')"
  per_sample="$(awk -v b="$total" -v n="$stored" 'BEGIN { printf "%.0f", b / n }')"
  layout[$mode/insert]="$insert_rate"
  layout[$mode/lookup]="$lookup_rate"
  layout[$mode/scan]="$scan_rate"
  layout[$mode/bytes]="$per_sample"
  layout_rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$mode" "$stored" "$insert_rate" \
    "$lookup_rate" "$(field found)" "$scan_rate" "$per_sample" "$json_bytes")")
done
sql "TRUNCATE TABLE metricas; ALTER TABLE metricas MODIFY COLUMN procesos_top $(column_type compact)"

layouts_summary() {
  echo "- compact (009, 010) / JSON column (005): inserts $(ratio "${layout[compact/insert]}" "${layout[json/insert]}")×, lookups $(ratio "${layout[compact/lookup]}" "${layout[json/lookup]}")×, scan $(ratio "${layout[compact/scan]}" "${layout[json/scan]}")×, bytes per sample $(ratio "${layout[compact/bytes]}" "${layout[json/bytes]}")×"
  echo "- child table / JSON column: inserts $(ratio "${layout[child/insert]}" "${layout[json/insert]}")×, lookups $(ratio "${layout[child/lookup]}" "${layout[json/lookup]}")×, scan $(ratio "${layout[child/scan]}" "${layout[json/scan]}")×, bytes per sample $(ratio "${layout[child/bytes]}" "${layout[json/bytes]}")×"
  echo "- bytes per sample: v1 ${layout[v1/bytes]}, v2 with the JSON column ${layout[json/bytes]} ($(ratio "${layout[json/bytes]}" "${layout[v1/bytes]}")×), compact ${layout[compact/bytes]} ($(ratio "${layout[compact/bytes]}" "${layout[v1/bytes]}")×), child table ${layout[child/bytes]} ($(ratio "${layout[child/bytes]}" "${layout[v1/bytes]}")×)"
}
storage_header() {
  echo "Version 2 records: private MariaDB $(mariadb --version | sed -E 's/.*(Distrib |from )([0-9.]+).*/\2/') (innodb_flush_log_at_trx_commit=1), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1 /proc/loadavg) at the end"
  echo
  echo "Storage: $records records, $processes processes each, transactions of 100 records from 4 connections; reads from 4 connections"
  echo
  echo "| layout | rows | inserts records/s | lookups/s (one VM's processes) | lookups found | scan rows/s (with processes) | bytes per sample | procesos_top bytes |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${layout_rows[@]}"
  echo
}
if [[ "$route" == 0 ]]; then
  storage_header
  layouts_summary
  exit 0
fi

port="$(free_port)"
"$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$port" >"$work/api.log" 2>&1 &
pids+=($!)
api_pid=$!
wait_http "http://127.0.0.1:$port/readyz" 30 || die "vmpulse-api did not start: $(tail -n 3 "$work/api.log")"
target_url="http://127.0.0.1:$port/api/cpp/metrics"

declare -A rate cpu route_cpu
route_rows=()
# measure RECORD CONNECTIONS BATCH ROUND: one wrk run of route 1; one table row.
measure() {
  local record="$1" conns="$2" batch="$3" round="$4" out line requests bad duration p99ms ok stored rps route0 db0 ticks route_ticks
  sql "TRUNCATE TABLE metricas"
  route0="$(cpu_ticks "$api_pid")"
  db0="$(cpu_ticks "$(db_pid)")"
  out="$(RECORD="$record" BATCH="$batch" TOKEN="$VMPULSE_TOKEN" \
    wrk -t2 -c"$conns" -d"${seconds}s" --timeout 5s -s bench/ingest/post.lua "$target_url" 2>&1)"
  route_ticks=$(($(cpu_ticks "$api_pid") - route0))
  ticks=$((route_ticks + $(cpu_ticks "$(db_pid)") - db0))
  line="$(grep '^RESULT' <<<"$out")"
  requests="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")"
  bad="$(sed -E 's/.*bad_status=([0-9]+).*/\1/' <<<"$line")"
  duration="$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$line")"
  p99ms="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")"
  ok=$((requests - bad))
  stored="$(settled_rows)"
  rps="$(awk -v n="$ok" -v b="$batch" -v d="$duration" 'BEGIN { printf "%.0f", n * b / (d / 1e6) }')"
  # The sum over both rounds, for the ratios.
  rate[$record/$batch]=$((${rate[$record/$batch]:-0} + rps))
  cpu[$record/$batch]="$(awk -v a="${cpu[$record/$batch]:-0}" -v b="$(us_per_record "$ticks" "$((ok * batch))")" 'BEGIN { printf "%.1f", a + b }')"
  route_cpu[$record/$batch]="$(awk -v a="${route_cpu[$record/$batch]:-0}" -v b="$(us_per_record "$route_ticks" "$((ok * batch))")" 'BEGIN { printf "%.1f", a + b }')"
  route_rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$record" "$round" "$conns" "$batch" "$rps" \
    "$p99ms" "$((ok * batch))" "$stored" "$(us_per_record "$ticks" "$((ok * batch))")" \
    "$(us_per_record "$route_ticks" "$((ok * batch))")")")
}

# v1 and v2 alternate, twice, so that load from elsewhere on the machine falls on both.
for round in 1 2; do
  for record in v1 v2; do measure "$record" 150 1 "$round"; done
  for record in v1 v2 v2-objects; do measure "$record" 8 100 "$round"; done
done

# Part 3: a second route 1 under callgrind on the same database (one HTTP thread).
declare -A instructions db_instructions
instruction_rows=()
db_rows=()
if [[ "${BENCH_CALLGRIND:-1}" != 0 ]] && command -v valgrind >/dev/null; then
  cg_port="$(free_port)"
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    "$VMPULSE_BIN/vmpulse-api" --listen "127.0.0.1:$cg_port" --threads 1 >"$work/api-callgrind.log" 2>&1 &
  pids+=($!)
  cg_pid=$!
  wait_http "http://127.0.0.1:$cg_port/readyz" 120 ||
    die "vmpulse-api under callgrind did not start: $(tail -n 3 "$work/api-callgrind.log")"
  cg_url="http://127.0.0.1:$cg_port/api/cpp/metrics"
  # cg_run RECORD SECONDS URL: batches of 100 from one wrk thread.
  cg_run() {
    RECORD="$1" BATCH=100 TOKEN="$VMPULSE_TOKEN" \
      wrk -t1 -c2 -d"$2s" --timeout 30s -s bench/ingest/post.lua "$3" >/dev/null 2>&1
  }
  # per_record_instructions PID OUT PART URL RECORD: a warm-up run (statements prepared,
  # buffers grown), the counters of PID (under callgrind, --callgrind-out-file=OUT)
  # zeroed, a run, the rows settled, the counters dumped (to OUT.PART); prints
  # "ROWS INSTRUCTIONS-PER-ROW".
  per_record_instructions() {
    local pid="$1" out="$2" part="$3" url="$4" record="$5" stored total dump
    cg_run "$record" 3 "$url"
    settled_rows >/dev/null
    sql "TRUNCATE TABLE metricas"
    callgrind_control -z "$pid" >/dev/null 2>&1
    cg_run "$record" 10 "$url"
    stored="$(settled_rows)"
    callgrind_control -d "$pid" >/dev/null 2>&1
    dump="$out.$part"
    for _ in $(seq 100); do
      [[ -s "$dump" ]] && grep -q '^summary:' "$dump" && break
      sleep 0.2
    done
    total="$(sed -nE 's/^summary: ([0-9]+).*/\1/p' "$dump")"
    [[ -n "$total" && "$stored" -gt 0 ]] || die "no callgrind count for $record ($dump, $stored rows)"
    echo "$stored $((total / stored))"
  }
  part=0
  for record in v1 v2 v2-objects; do
    part=$((part + 1))
    counted="$(per_record_instructions "$cg_pid" "$work/callgrind.out" "$part" "$cg_url" "$record")"
    read -r stored "instructions[$record]" <<<"$counted"
    instruction_rows+=("$(printf '| %s | %s | %s |' "$record" "$stored" "${instructions[$record]}")")
  done
  kill -TERM "$cg_pid"

  # Part 4: the server restarted under callgrind (scripts/lib/mariadb.sh's DB_WRAP);
  # part 2's route 1 reconnects by itself.
  db_stop "$work/db"
  DB_WRAP=(valgrind --tool=callgrind --callgrind-out-file="$work/db-callgrind.out")
  db_start "$work/db" "$db_port"
  unset DB_WRAP
  wait_http "http://127.0.0.1:$port/readyz" 60 || die "route 1 did not reconnect to the database under callgrind"
  part=0
  for record in v1 v2 v2-objects; do
    part=$((part + 1))
    counted="$(per_record_instructions "$(db_pid)" "$work/db-callgrind.out" "$part" "$target_url" "$record")"
    read -r stored "db_instructions[$record]" <<<"$counted"
    db_rows+=("$(printf '| %s | %s | %s | %s |' "$record" "$stored" "${db_instructions[$record]}" "$((instructions[$record] + db_instructions[$record]))")")
  done
fi

storage_header
echo "Route 1: wrk -t2 -d${seconds}s on loopback"
echo
echo "| record | round | connections | records/request | records/s | p99 ms | 2xx records | rows in db | route + db CPU µs/record | route CPU µs/record |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${route_rows[@]}"
echo
layouts_summary
for batch in 1 100; do
  r="$(ratio "${rate[v2/$batch]:-0}" "${rate[v1/$batch]:-0}")"
  awk -v r="$r" -v b="$batch" -v c="$(ratio "${cpu[v2/$batch]:-0}" "${cpu[v1/$batch]:-0}")" \
    -v rc="$(ratio "${route_cpu[v2/$batch]:-0}" "${route_cpu[v1/$batch]:-0}")" \
    'BEGIN { printf "- route 1 v2 / v1 records/s, %s records/request (≥ 0.7): %s (%s); CPU per record v2 / v1: %s (route alone: %s)\n", b, r, (r != "n/a" && r + 0 >= 0.7 ? "met" : "NOT met"), c, rc }'
done
echo "- route 1 v2-objects / v1 records/s, 100 records/request (entries as objects; no target): $(ratio "${rate[v2-objects/100]:-0}" "${rate[v1/100]:-0}"); CPU per record: $(ratio "${cpu[v2-objects/100]:-0}" "${cpu[v1/100]:-0}")"
if ((${#instruction_rows[@]} > 0)); then
  echo
  echo "Route 1 under callgrind (HTTP, parse and checks, parameters, client library), batches of 100"
  echo
  echo "| record | rows stored | instructions per record |"
  echo "|---|---:|---:|"
  printf '%s\n' "${instruction_rows[@]}"
  echo
  echo "- route 1 instructions per record v2 / v1: $(ratio "${instructions[v2]}" "${instructions[v1]}"); v2-objects / v1: $(ratio "${instructions[v2-objects]}" "${instructions[v1]}")"
  echo
  echo "MariaDB under callgrind (every thread), route 1 storing batches of 100"
  echo
  echo "| record | rows stored | server instructions per record | route 1 + server |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${db_rows[@]}"
  echo
  echo "- server instructions per record v2 / v1: $(ratio "${db_instructions[v2]}" "${db_instructions[v1]}")"
  v1_sum=$((instructions[v1] + db_instructions[v1]))
  v2_sum=$((instructions[v2] + db_instructions[v2]))
  echo "- route 1 + server, v1 / v2 (records/s on a machine both fill; ≥ 0.7): $(ratio "$v1_sum" "$v2_sum"); v1 / v2-objects: $(ratio "$v1_sum" "$((instructions[v2-objects] + db_instructions[v2-objects]))")"
fi
