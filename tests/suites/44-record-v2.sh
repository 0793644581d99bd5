#!/usr/bin/env bash
# Version 2 records in the database (issue 13), both ingest routes (build/bin/vmpulse-api
# and node-api) on one private MariaDB, connected as the ingest user of db/grants.sql;
# route 1 twice: as it runs on MariaDB (bulk execution) and as on MySQL (--bulk-insert
# off: multi-row INSERTs), so that both of its ways of storing are held to the same:
#   - migrations 005 and 009 rerun unchanged;
#   - a version 2 record reads back from metricas column by column, procesos_top in its
#     compact stored form (db/migrations/009) and etiquetas as JSON, the same text from
#     either route (quotes, a backslash and parentheses in a name and a label included);
#   - a version 1 record has NULL in every column the schema makes optional;
#   - a batch of version 2 records is all or nothing: refused whole for one bad record,
#     rolled back whole when the database fails one row, stored whole otherwise.
# timeout: 240
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=scripts/lib/deps.sh
source scripts/lib/deps.sh

api_bin="${VMPULSE_API_BIN:-$VMPULSE_BIN/vmpulse-api}"
work="$(mktemp -d /tmp/vmpulse-record-v2.XXXXXX)"
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  db_stop "$work/db"
  if [[ $_suite_failed -gt 0 ]]; then
    for log in "$work"/*.log; do
      echo "----- $(basename "$log") (last 20 lines) -----"
      tail -n 20 "$log"
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$api_bin" ]] || { echo "FAIL $api_bin is not built"; echo "0 passed, 1 failed"; exit 1; }
need_npm node-api >/dev/null

db_port="$(free_port)"
db_start "$work/db" "$db_port" || { echo "0 passed, 1 failed"; exit 1; }
owner="$(db_url "$work/db" "$db_port")"
db_migrate "$owner" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
db_grant_roles "$work/db" || { echo "0 passed, 1 failed"; exit 1; }
sql() { db_client "$owner" -e "$1"; }
# Values as stored: no escaping of backslashes and tabs by the client.
raw() { db_client "$owner" -r -e "$1"; }

check "migration 005 reruns unchanged" db_client "$owner" <db/migrations/005_record_v2.sql
check "migration 009 reruns unchanged" db_client "$owner" <db/migrations/009_procesos_top_compacto.sql
check "migration 010 reruns unchanged" db_client "$owner" <db/migrations/010_procesos_top_ascii.sql
check "procesos_top is an ascii MEDIUMTEXT (010)" test "$(sql "SELECT CONCAT(data_type, ' ', collation_name)
  FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'metricas'
  AND column_name = 'procesos_top'")" == "mediumtext ascii_bin"

token="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
VMPULSE_DB_URL="$(db_role_url "$work/db" "$db_port" ingest)"
export VMPULSE_DB_URL VMPULSE_TOKEN="$token"
declare -A url api_of
start_route() { # NAME API CMD...: api_of[NAME] is what the route stamps on its rows
  local name="$1" port
  port="$(free_port)"
  api_of[$name]="$2"
  shift 2
  "$@" --listen "127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/readyz" 30 || { echo "FAIL the $name route did not start"; echo "0 passed, 1 failed"; exit 1; }
  url[$name]="http://127.0.0.1:$port/api/${api_of[$name]}/metrics"
}
start_route cpp cpp "$api_bin" --log-level debug
start_route cpp-rows cpp "$api_bin" --bulk-insert off --log-level debug
check "route 1 stores by bulk execution on MariaDB" grep -q "records stored by bulk execution" "$work/cpp.log"
check "and by multi-row INSERTs with --bulk-insert off" grep -q "records stored by multi-row INSERTs" "$work/cpp-rows.log"
start_route nodejs nodejs node node-api/src/server.js

# post ROUTE BODY: prints the HTTP status.
post() {
  # From a file: a batch is longer than one command-line argument may be.
  printf '%s' "$2" >"$work/body"
  curl -s -o "$work/answer" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" --data-binary "@$work/body" "${url[$1]}"
}

# The version 1 fields, then one value per optional field of the schema, written as the
# database prints it (two decimals for DECIMAL columns), so the JSON sent and the value
# expected back are the same text.
v1_fields='"total_ram":16000,"ram_libre":4000,"uso_ram":12000,"porcentaje_ram":75.5,"porcentaje_cpu_uso":20.25,"porcentaje_cpu_libre":79.75,"procesos_corriendo":3,"procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,"total_procesos":300,"hora":"2026-11-26 10:00:00"'
declare -A v2=(
  [carga_1]=1.25 [carga_5]=0.98 [carga_15]=0.75 [porcentaje_cpu_robado]=0.50
  [porcentaje_cpu_espera]=2.25 [swap_total]=4096 [swap_libre]=3900 [disco_total]=102400
  [disco_libre]=51200 [disco_lectura_kib_s]=120.50 [disco_escritura_kib_s]=340.25
  [red_rx_kib_s]=999999999999.99 [red_tx_kib_s]=0.00 [tiempo_activo]=864000
)
# A name with a quote, double quotes, a backslash and parentheses, as JSON text, and the
# text both routes store for it: an array of values per process, numbers with 2 decimals.
processes='[{"pid":1234,"nombre":"it'"'"'s \"q\" \\ x (y)","estado":"R","porcentaje_cpu":12.34,"ram_mib":256.78},{"pid":1,"nombre":"systemd","estado":"S","porcentaje_cpu":0,"ram_mib":12.5}]'
stored_processes='[[1234,"it'"'"'s \"q\" \\ x (y)","R",12.34,256.78],[1,"systemd","S",0.00,12.50]]'

# etiquetas (issue 15): a value with a quote, double quotes and a backslash; the routes
# store the object as this text, pairs in the order sent.
labels='{"env":"prod","note":"it'"'"'s \"q\" \\ x"}'

# The schema's optional properties (the version 2 columns), from the schema node-api reads.
mapfile -t optional < <(node -e '
  const s = require(require("node:path").resolve(process.env.VMPULSE_SCHEMA || "contract/record.schema.json"));
  for (const p of Object.keys(s.properties)) if (!s.required.includes(p) && p !== "api") console.log(p);')
v2_json=""
for name in "${optional[@]}"; do
  [[ "$name" == procesos_top || "$name" == etiquetas ]] && continue
  v2_json+=",\"$name\":${v2[$name]:-null}"
done
v2_record() { echo "{\"vm\":\"$1\",$v1_fields$v2_json,\"etiquetas\":$labels,\"procesos_top\":$processes}"; }

every_optional_field_has_a_value() {
  local name missing=()
  for name in "${optional[@]}"; do
    [[ "$name" == procesos_top || "$name" == etiquetas || -n "${v2[$name]:-}" ]] || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || { echo "  no value in this suite for: ${missing[*]}"; return 1; }
  [[ " ${optional[*]} " == *" procesos_top "* ]]
}
check "the suite has a value for every optional field of the schema (${#optional[@]})" every_optional_field_has_a_value

# reads_back VM API: each version 2 column holds what was sent; procesos_top its stored
# text; api the route's.
reads_back() {
  local vm="$1" api="$2" name got bad=0
  for name in "${optional[@]}"; do
    [[ "$name" == procesos_top || "$name" == etiquetas ]] && continue
    got="$(sql "SELECT $name FROM metricas WHERE vm = '$vm'")"
    [[ "$got" == "${v2[$name]}" ]] || { echo "  $vm $name: stored '$got', sent ${v2[$name]}"; bad=1; }
  done
  got="$(raw "SELECT procesos_top FROM metricas WHERE vm = '$vm'")"
  [[ "$got" == "$stored_processes" ]] || { echo "  $vm procesos_top: stored $got"; bad=1; }
  got="$(raw "SELECT JSON_UNQUOTE(JSON_EXTRACT(procesos_top, '\$[0][1]')) FROM metricas WHERE vm = '$vm'")"
  [[ "$got" == 'it'"'"'s "q" \ x (y)' ]] || { echo "  $vm: the first process's name reads back as '$got'"; bad=1; }
  got="$(raw "SELECT etiquetas FROM metricas WHERE vm = '$vm'")"
  [[ "$got" == "$labels" ]] || { echo "  $vm etiquetas: stored $got"; bad=1; }
  got="$(raw "SELECT JSON_UNQUOTE(JSON_EXTRACT(etiquetas, '\$.note')) FROM metricas WHERE vm = '$vm'")"
  [[ "$got" == 'it'"'"'s "q" \ x' ]] || { echo "  $vm: the note label reads back as '$got'"; bad=1; }
  got="$(sql "SELECT api FROM metricas WHERE vm = '$vm'")"
  [[ "$got" == "$api" ]] || { echo "  $vm: api '$got'"; bad=1; }
  return "$bad"
}

# all_null VM: every version 2 column is NULL.
all_null() {
  local name where="vm = '$1'"
  for name in "${optional[@]}"; do where+=" AND $name IS NULL"; done
  [[ "$(sql "SELECT COUNT(*) FROM metricas WHERE $where")" == 1 ]]
}

rows_like() { sql "SELECT COUNT(*) FROM metricas WHERE vm LIKE '$1%'"; }
# batch PREFIX N [BAD_AT FAULT]: N version 2 records, vm PREFIX-1..N; record BAD_AT
# gets FAULT: "invalid" (pid 0) or "poison" (its vm is the trigger's).
batch() {
  local prefix="$1" n="$2" bad_at="${3:-0}" fault="${4:-}" i body="[" record
  for ((i = 1; i <= n; i++)); do
    record="$(v2_record "$prefix-$i")"
    if ((i == bad_at)); then
      case "$fault" in
        invalid) record="${record/\"pid\":1,/\"pid\":0,}" ;;
        poison) record="${record/\"$prefix-$i\"/\"poison-$prefix\"}" ;;
      esac
    fi
    ((i > 1)) && body+=","
    body+="$record"
  done
  echo "$body]"
}

for route in cpp cpp-rows nodejs; do
  api="${api_of[$route]}"
  check "$route: a version 2 record is stored (201)" test "$(post "$route" "$(v2_record "v2-$route")")" == 201
  check "$route: it reads back column by column, procesos_top in the stored form" reads_back "v2-$route" "$api"
  check "$route: a version 1 record is stored (201)" test "$(post "$route" "{\"vm\":\"v1-$route\",$v1_fields}")" == 201
  check "$route: it has NULL in every version 2 column" all_null "v1-$route"

  check "$route: a batch of 50 with one bad record answers 400" test "$(post "$route" "$(batch "bad-$route" 50 37 invalid)")" == 400
  check "$route: and stores none of it" test "$(rows_like "bad-$route-")" == 0

  # The database refuses one row of the multi-row INSERT: the transaction rolls back whole.
  db_client "$owner" <<'EOF'
DELIMITER //
CREATE TRIGGER metricas_poison BEFORE INSERT ON metricas FOR EACH ROW
IF NEW.vm LIKE 'poison-%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned row'; END IF//
DELIMITER ;
EOF
  counted="$(sql "SELECT COALESCE(SUM(total), 0) FROM metricas_por_api WHERE api = '$api'")"
  status="$(post "$route" "$(batch "rb-$route" 50 40 poison)")"
  check "$route: a batch whose 40th row the database refuses is not answered 201 ($status)" test "$status" != 201
  check "$route: and stores none of it, nor counts it" test "$(rows_like "rb-$route-"):$(sql "SELECT COALESCE(SUM(total), 0) FROM metricas_por_api WHERE api = '$api'")" == "0:$counted"
  sql "DROP TRIGGER metricas_poison"

  check "$route: a batch of 200 version 2 records is stored (201)" test "$(post "$route" "$(batch "ok-$route" 200)")" == 201
  check "$route: all 200, each with its procesos_top" test "$(sql "SELECT COUNT(*) FROM metricas WHERE vm LIKE 'ok-$route-%' AND JSON_LENGTH(procesos_top) = 2")" == 200
done

same_text() {
  [[ "$(sql "SELECT COUNT(DISTINCT procesos_top), COUNT(*) FROM metricas WHERE vm IN ('v2-cpp', 'v2-cpp-rows', 'v2-nodejs')")" == "1	3" ]]
}
check "both routes (route 1 both ways) store the same procesos_top text for the same record" same_text
same_labels() {
  [[ "$(sql "SELECT COUNT(DISTINCT etiquetas), COUNT(*) FROM metricas WHERE vm IN ('v2-cpp', 'v2-cpp-rows', 'v2-nodejs')")" == "1	3" ]]
}
check "both routes (route 1 both ways) store the same etiquetas text for the same record" same_labels

suite_end
