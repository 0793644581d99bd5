#!/usr/bin/env bash
# Partitioned storage and retention tiers (issue 15, docs/storage.md) on a private
# MariaDB with build/bin/vmpulse-hub connected as the hub user of db/grants.sql:
#   - migration 007 partitions a metricas that already holds 10 days of rows (every row
#     kept, primary key (id, hora), a partition per day and 3 ahead, pmax) and reruns
#     unchanged; an insert far in the future lands in pmax; migration 008 then adds the
#     etiquetas column to that partitioned table, every row kept; migration 009 turns
#     procesos_top into a MEDIUMTEXT without the JSON check, every row and list kept, and
#     010 into ascii (a list that is not ASCII refused, the table left as it was);
#   - a hub rolls the rows up into minutes and hours; history over 30 days comes from
#     the hours (or the minutes, at 8,640 points) and over a year from the hours, each
#     the same answer as raw rows;
#   - two hubs with short retention started at once: partitions are made ahead, expired
#     days go by DROP PARTITION (newer rows untouched), expired rollup rows by DELETE,
#     and exactly one hub does each (the other is turned away by the lock, no error).
# timeout: 600
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh

hub_bin="${VMPULSE_HUB_BIN:-$VMPULSE_BIN/vmpulse-hub}"
work="$(mktemp -d /tmp/vmpulse-storage.XXXXXX)"
pids=()

cleanup() {
  local pid log
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  db_stop "$work/db"
  if [[ $_suite_failed -gt 0 ]]; then
    for log in "$work"/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- $(basename "$log") (last 20 lines) -----"
      tail -n 20 "$log"
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$hub_bin" ]] || { echo "FAIL $hub_bin is not built"; echo "0 passed, 1 failed"; exit 1; }

db_port="$(free_port)"
db_start "$work/db" "$db_port" || { echo "0 passed, 1 failed"; exit 1; }
owner="$(db_url "$work/db" "$db_port")"
sql() { db_client "$owner" -e "$1"; }

# Every check below names days from the same UTC date as the rows were made on (the oldest
# row's day is day -10 only if "now" stays in one day; the retention hubs drop once only
# if they run within one day): a UTC midnight less than 5 minutes away (the suite takes
# ~20 s) is waited out first.
to_midnight=$((86400 - $(date -u +%s) % 86400))
if ((to_midnight < 300)); then
  echo "# waiting ${to_midnight}s for UTC midnight to pass, so that the suite runs within one day"
  sleep $((to_midnight + 2))
fi

# Schema 001-006, then 10 days of rows of 3 VMs, one a minute, ending now.
for f in db/migrations/00[1-6]_*.sql; do
  db_client "$owner" <"$f" || { echo "FAIL $f"; echo "0 passed, 1 failed"; exit 1; }
done
sql "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso,
       porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie,
       procesos_parados, hora, api, carga_1)
     SELECT CONCAT('st-', v.seq), 8000, 4000, 4000, 40 + m.seq % 20, m.seq % 97, 100 - m.seq % 97, 1,
       100 + v.seq, 99, 0, 0, UTC_TIMESTAMP() - INTERVAL m.seq MINUTE, 'cpp', (m.seq % 300) / 100
     FROM seq_0_to_14399 m, seq_1_to_3 v" || { echo "0 passed, 1 failed"; exit 1; }
before="$(sql "SELECT COUNT(*), SUM(porcentaje_cpu_uso), MIN(id), MAX(id) FROM metricas")"
partitions() { sql "SELECT partition_name FROM information_schema.partitions WHERE table_schema = DATABASE()
  AND table_name = 'metricas' AND partition_name IS NOT NULL ORDER BY partition_ordinal_position" | tr '\n' ' '; }
day() { date -u -d "$1 days" +p%Y%m%d; }

migrate_keeps_rows() {
  db_client "$owner" <db/migrations/007_particiones_y_hora.sql || return 1
  [[ "$(sql "SELECT COUNT(*), SUM(porcentaje_cpu_uso), MIN(id), MAX(id) FROM metricas")" == "$before" ]] ||
    { echo "rows changed: $before"; return 1; }
  [[ "$(sql "SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = 'metricas' AND index_name = 'PRIMARY'")" == id,hora ]]
}
check "migration 007 partitions a metricas of 43,200 rows and keeps every row and id" migrate_keeps_rows
first_list="$(partitions)"
days_listed() {
  local want="" d
  for d in $(seq -10 3); do want+="$(day "$d") "; done
  [[ "$first_list" == "${want}pmax " ]] || { echo "got:  $first_list"; echo "want: ${want}pmax"; return 1; }
}
check "a partition per day from the oldest row's to 3 days ahead, then pmax" days_listed
check "each day's rows are in their day's partition" test "$(sql "SELECT COUNT(*) FROM metricas PARTITION ($(day -2))")" \
  == "$(sql "SELECT COUNT(*) FROM metricas WHERE hora >= UTC_DATE() - INTERVAL 2 DAY AND hora < UTC_DATE() - INTERVAL 1 DAY")"
check "migration 007 reruns unchanged" bash -c "
  source scripts/lib/mariadb.sh
  db_client '$owner' <db/migrations/007_particiones_y_hora.sql &&
  [[ \"\$(db_client '$owner' -e \"SELECT COUNT(*) FROM metricas\")\" == '${before%%$'\t'*}' ]]"
check "partitions unchanged by the rerun" test "$(partitions)" == "$first_list"
check "a row dated 40 days ahead is stored (in pmax): no insert fails for want of a partition" bash -c "
  source scripts/lib/mariadb.sh
  db_client '$owner' -e \"INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram,
    porcentaje_cpu_uso, porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo,
    procesos_zombie, procesos_parados, hora, api) VALUES ('st-future', 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    UTC_TIMESTAMP() + INTERVAL 40 DAY, 'cpp')\" &&
  [[ \"\$(db_client '$owner' -e 'SELECT COUNT(*) FROM metricas PARTITION (pmax)')\" == 1 ]]"
migrate_labels() {
  db_client "$owner" <db/migrations/008_etiquetas.sql || return 1
  db_client "$owner" <db/migrations/008_etiquetas.sql || return 1 # a rerun changes nothing
  [[ "$(sql "SELECT COUNT(*), SUM(porcentaje_cpu_uso), MIN(id), MAX(id) FROM metricas WHERE vm <> 'st-future'")" == "$before" ]] ||
    { echo "rows changed"; return 1; }
  [[ "$(sql "SELECT COUNT(*) FROM metricas WHERE etiquetas IS NOT NULL")" == 0 ]] || return 1
  [[ "$(partitions)" == "$first_list" ]] || { echo "partitions changed: $(partitions)"; return 1; }
  sql "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso,
    porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie,
    procesos_parados, hora, api, etiquetas) VALUES ('st-labels', 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    UTC_TIMESTAMP(), 'cpp', '{\"env\":\"prod\"}')" &&
    [[ "$(sql "SELECT JSON_VALUE(etiquetas, '\$.env') FROM metricas WHERE vm = 'st-labels'")" == prod ]] &&
    sql "DELETE FROM metricas WHERE vm = 'st-labels'"
}
check "migration 008 adds etiquetas to the partitioned metricas (rows and partitions kept, NULL), reruns unchanged" \
  migrate_labels
column_type() {
  sql "SELECT CONCAT(data_type, ' ', COALESCE(collation_name, '-')) FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = 'metricas' AND column_name = 'procesos_top'"
}
lists() { sql "SELECT COUNT(procesos_top), SUM(CRC32(procesos_top)), COUNT(*), MAX(id) FROM metricas"; }
migrate_processes() {
  # Rows stored before 009 hold the list as JSON objects; a tenth of st-1's get one.
  sql "UPDATE metricas SET procesos_top = CONCAT('[{\"pid\":', id, ',\"nombre\":\"a \\\\\"b\\\\\" (c)\",\"estado\":\"S\",',
    '\"porcentaje_cpu\":0.50,\"ram_mib\":12.25}]') WHERE vm = 'st-1' AND id % 10 = 0" || return 1
  local old_lists
  old_lists="$(lists)"
  [[ "$(column_type)" == "longtext utf8mb4_bin" ]] || { echo "before 009: $(column_type)"; return 1; }
  [[ "$(sql "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = DATABASE()
    AND table_name = 'metricas' AND constraint_name = 'procesos_top'")" == 1 ]] || { echo "no JSON check before 009"; return 1; }
  db_client "$owner" <db/migrations/009_procesos_top_compacto.sql || return 1
  db_client "$owner" <db/migrations/009_procesos_top_compacto.sql || return 1 # a rerun changes nothing
  [[ "$(column_type)" == "mediumtext utf8mb4_bin" ]] || { echo "after 009: $(column_type)"; return 1; }
  [[ "$(sql "SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = DATABASE()
    AND table_name = 'metricas' AND constraint_name = 'procesos_top'")" == 0 ]] || { echo "the JSON check is still there"; return 1; }
  [[ "$(lists)" == "$old_lists" ]] || { echo "lists changed: $old_lists -> $(lists)"; return 1; }
  [[ "${old_lists%%$'\t'*}" -gt 1000 ]] || { echo "too few lists: $old_lists"; return 1; }
  [[ "$(sql "SELECT JSON_VALUE(procesos_top, '\$[0].nombre') FROM metricas WHERE procesos_top IS NOT NULL LIMIT 1")" == 'a "b" (c)' ]] ||
    { echo "an old list does not read back"; return 1; }
  [[ "$(partitions)" == "$first_list" ]] || { echo "partitions changed: $(partitions)"; return 1; }
}
check "migration 009 makes procesos_top a MEDIUMTEXT without the JSON check (rows, lists and partitions kept), reruns unchanged" \
  migrate_processes
migrate_ascii() {
  local old_lists
  # A list no route wrote (not ASCII: an e with an acute accent): the ALTER refuses it
  # and leaves the table as it was.
  sql "UPDATE metricas SET procesos_top = CONCAT('[[1,\"caf', CHAR(0xC3A9 USING utf8mb4), '\",\"S\",0.00,1.00]]')
    ORDER BY id LIMIT 1" || return 1
  if db_client "$owner" <db/migrations/010_procesos_top_ascii.sql 2>/dev/null; then
    echo "010 converted a list that is not ASCII"
    return 1
  fi
  [[ "$(column_type)" == "mediumtext utf8mb4_bin" ]] || { echo "after a refused 010: $(column_type)"; return 1; }
  sql "UPDATE metricas SET procesos_top = NULL ORDER BY id LIMIT 1" || return 1
  old_lists="$(lists)"
  db_client "$owner" <db/migrations/010_procesos_top_ascii.sql || return 1
  db_client "$owner" <db/migrations/010_procesos_top_ascii.sql || return 1 # a rerun changes nothing
  [[ "$(column_type)" == "mediumtext ascii_bin" ]] || { echo "after 010: $(column_type)"; return 1; }
  [[ "$(lists)" == "$old_lists" ]] || { echo "lists changed: $old_lists -> $(lists)"; return 1; }
  [[ "$(sql "SELECT JSON_VALUE(procesos_top, '\$[0].nombre') FROM metricas WHERE procesos_top IS NOT NULL LIMIT 1")" == 'a "b" (c)' ]] ||
    { echo "an old list does not read back"; return 1; }
  [[ "$(partitions)" == "$first_list" ]] || { echo "partitions changed: $(partitions)"; return 1; }
}
check "migration 010 makes procesos_top ascii (rows, lists and partitions kept; a list that is not ASCII refused, nothing changed), reruns unchanged" \
  migrate_ascii
db_grant_roles "$work/db" || { echo "0 passed, 1 failed"; exit 1; }
hub_url="$(db_role_url "$work/db" "$db_port" hub)"

# launch_hub NAME ARGS...: a hub as the hub user on a free port; sets base.
launch_hub() {
  local name="$1" port
  shift
  port="$(free_port)"
  "$hub_bin" --db "$hub_url" --listen "127.0.0.1:$port" --reads open "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  base="http://127.0.0.1:$port"
}
start_hub() {
  launch_hub "$@"
  wait_http "$base/readyz" 30
}
stat_of() { curl -s "$1/api/stats" | sed -E "s/.*\"$2\":([0-9]+).*/\1/"; }
rolled_up() {
  local deadline=$((SECONDS + 120)) newest
  newest="$(sql "SELECT MAX(id) FROM metricas")"
  while ((SECONDS < deadline)); do
    [[ "$(stat_of "$1" rollup_id)" == "$newest" ]] && return 0
    sleep 0.5
  done
  echo "rollup at $(stat_of "$1" rollup_id), newest id $newest"
  return 1
}

# History: the tier's answer must be raw rows' answer, byte for byte, in the same shape.
check "a hub (tiers kept for good, raw history up to a year) starts" start_hub keeper \
  --raw-days 36500 --minute-days 36500 --hour-days 36500 --max-raw-span 8760h
keeper="$base"
check "the hub rolls every row up into minutes and hours" rolled_up "$keeper"
check "the hours hold every row the minutes hold" test \
  "$(sql "SELECT SUM(n), SUM(cpu_suma) FROM metricas_hora")" == "$(sql "SELECT SUM(n), SUM(cpu_suma) FROM metricas_minuto")"
same_as_raw() { # FROM TO POINTS TIER
  local from="$1" now="$2" auto raw
  auto="$(curl -s -D "$work/headers" "$keeper/api/history?vm=st-2&from=$from&to=$now&points=$3")"
  grep -qi "^x-history-source: $4" "$work/headers" || { grep -i x-history "$work/headers"; return 1; }
  raw="$(curl -s "$keeper/api/history?vm=st-2&from=$from&to=$now&points=$3&source=raw")"
  [[ -n "$auto" && "$auto" == "$raw" ]] || { echo "auto: ${auto:0:300}"; echo "raw:  ${raw:0:300}"; return 1; }
  # Every row of the VM counted once.
  printf '%s' "$auto" >"$work/answer.json"
  python3 -c "import json,sys; a=json.load(open(sys.argv[1])); n=sum(p['n'] for p in a['points']);
sys.exit(0 if n == int(sys.argv[2]) and set(a) == {'vm','from','to','bucket_seconds','points'} else 1)" \
    "$work/answer.json" "$(sql "SELECT COUNT(*) FROM metricas WHERE vm = 'st-2' AND hora BETWEEN FROM_UNIXTIME($from) AND FROM_UNIXTIME($now)")"
}
# Spans of whole days, so that raw rows get the tier's bucket too: 30 days in 720 points
# (hours) or 8,640 (5 minutes), a year in 365 (days).
midnight=$(($(date -u +%s) / 86400 * 86400))
check "history over 30 days (720 points) comes from the per-hour rollup, the same as raw rows" \
  same_as_raw $((midnight - 29 * 86400)) $((midnight + 86399)) 720 hour
check "history over 30 days (8,640 points) comes from the per-minute rollup, the same as raw rows" \
  same_as_raw $((midnight - 29 * 86400)) $((midnight + 86399)) 8640 rollup
check "history over 1 year comes from the per-hour rollup, the same as raw rows" \
  same_as_raw $((midnight - 364 * 86400)) $((midnight + 86399)) 365 hour
kill -TERM "${pids[-1]}"

# Two hubs at once, with short tiers: raw 3 days, minutes 5, hours 8; 5 days ahead.
expired="$(sql "SELECT COUNT(*) FROM metricas WHERE hora < UTC_DATE() - INTERVAL 3 DAY")"
kept="$(sql "SELECT COUNT(*), SUM(porcentaje_cpu_uso) FROM metricas WHERE hora >= UTC_DATE() - INTERVAL 3 DAY")"
short=(--raw-days 3 --minute-days 5 --hour-days 8 --partitions-ahead 5 --retention-every 1s)
launch_hub one "${short[@]}"
one="$base"
launch_hub two "${short[@]}"
check "two hubs with short retention start at once" bash -c "
  source scripts/lib/common.sh; wait_http '$one/readyz' 30 && wait_http '$base/readyz' 30"
retention_done() {
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    [[ "$(partitions)" != *"$(day -4) "* && "$(partitions)" == *"$(day 5) pmax "* ]] && return 0
    sleep 0.5
  done
  partitions
  return 1
}
check "partitions reach 5 days ahead and the days before the cutoff are dropped" retention_done
check "the expired rows are gone ($expired) and the kept ones untouched" test \
  "$(sql "SELECT COUNT(*) FROM metricas WHERE hora < UTC_DATE() - INTERVAL 3 DAY")" == 0 -a \
  "$(sql "SELECT COUNT(*), SUM(porcentaje_cpu_uso) FROM metricas WHERE hora >= UTC_DATE() - INTERVAL 3 DAY")" == "$kept"
check "the oldest kept partition is the cutoff's day" test "$(partitions | cut -d' ' -f1)" == "$(day -3)"
sleep 3 # a few more runs of each hub
check "expired minutes and hours went by DELETE, newer ones stay" test \
  "$(sql "SELECT COUNT(*) FROM metricas_minuto WHERE minuto < UTC_DATE() - INTERVAL 5 DAY")" == 0 -a \
  "$(sql "SELECT COUNT(*) FROM metricas_hora WHERE hora < UTC_DATE() - INTERVAL 8 DAY")" == 0 -a \
  "$(sql "SELECT COUNT(*) > 0 FROM metricas_minuto WHERE minuto < UTC_DATE() - INTERVAL 3 DAY")" == 1 -a \
  "$(sql "SELECT COUNT(*) > 0 FROM metricas_hora WHERE hora < UTC_DATE() - INTERVAL 5 DAY")" == 1
one_drop() {
  local drops errors
  drops="$(cat "$work/one.log" "$work/two.log" | grep -c 'retention: metricas dropped')"
  errors="$(cat "$work/one.log" "$work/two.log" | grep -c 'error')"
  [[ "$drops" == 1 && "$errors" == 0 ]] || { echo "drops $drops, errors $errors"; return 1; }
}
check "one hub dropped the partitions, the other found nothing to do; no errors" one_drop
dropped_metric() {
  local a b
  a="$(curl -fsS "$one/metrics" | awk '$1 == "vmpulse_hub_partitions_dropped_total" { print $2 }')"
  b="$(curl -fsS "$base/metrics" | awk '$1 == "vmpulse_hub_partitions_dropped_total" { print $2 }')"
  # Days -10 .. -4: seven partitions, counted by whichever hub dropped them.
  [[ -n "$a" && -n "$b" && $((a + b)) == 7 ]] || { echo "hub one $a, hub two $b"; return 1; }
}
check "vmpulse_hub_partitions_dropped_total of the two hubs adds up to the 7 days dropped" dropped_metric

suite_end
