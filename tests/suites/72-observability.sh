#!/usr/bin/env bash
# timeout: 420
# vmpulse in the tools teams already run (docs/observability.md), checked for real:
#   - deploy/prometheus: promtool check config (the Kubernetes one with its discovery
#     swapped for static targets: Debian's Prometheus is built without it) and check
#     rules; promtool test rules; each mutation of a threshold, a `for` or a severity
#     makes those tests fail; amtool check-config on the Alertmanager example;
#   - deploy/k8s/components/gmp: rendered into an overlay, each PodMonitoring selects a
#     Deployment's pods and a port they have; GMP's collectors get through;
#   - deploy/grafana (Grafana itself is not in Debian, so it does not run here): the
#     dashboards' structure (a broken copy is refused); every SQL panel run against a
#     real MariaDB as the read-only reader, whose grants are checked both ways; the
#     results saved for docs/observability.md; migrate.sh creating the reader;
#     compose.yaml's observability profile wired to these files;
#   - live: Prometheus on loopback with deploy/prometheus's own jobs and rules scraping
#     a real vmpulse-agent (and stand-ins for api, node-api, hub /metrics), every
#     Prometheus panel queried with promtool, then the agent killed: vm_down fires with
#     the VM's name and reaches a real Alertmanager and its webhook.
set -uo pipefail
# shellcheck source=tests/lib/suite.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/lib/suite.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"
# shellcheck source=tests/observability/fixture.sh
source "$VMPULSE_ROOT/tests/observability/fixture.sh"

cd "$VMPULSE_ROOT" || exit 1
OUT="${VMPULSE_TEST_OUTPUT:-$VMPULSE_ROOT/test-output}/observability"
rm -rf "$OUT" && mkdir -p "$OUT"
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  db_stop "$TMP/db" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
PROM_DIR=deploy/prometheus
OBS=tests/observability

# ---------------------------------------------------------------- prometheus files
check "promtool check config deploy/prometheus/prometheus.yml" promtool check config "$PROM_DIR/prometheus.yml"
k8s_config() {
  mkdir -p "$TMP/k8s"
  python3 "$OBS/configs.py" kubernetes-as-static "$TMP/k8s/prometheus.yml" &&
    promtool check config "$TMP/k8s/prometheus.yml"
}
check "promtool check config prometheus-kubernetes.yml (its kubernetes_sd_configs as static targets)" k8s_config
check "promtool check rules deploy/prometheus/rules" promtool check rules "$PROM_DIR"/rules/*.yml
check "promtool test rules: the alerts" promtool test rules "$PROM_DIR/tests/alerts.test.yml"
check "promtool test rules: the recording rules" promtool test rules "$PROM_DIR/tests/recording.test.yml"

# mutant SED: the rules with SED applied must fail their tests (the tests can fail).
mutant() {
  rm -rf "$TMP/mut" && mkdir -p "$TMP/mut/rules" "$TMP/mut/tests"
  cp "$PROM_DIR"/rules/*.yml "$TMP/mut/rules/"
  cp "$PROM_DIR"/tests/*.yml "$TMP/mut/tests/"
  sed -i "$1" "$TMP/mut/rules/vmpulse-alerts.yml" "$TMP/mut/rules/vmpulse-recording.yml"
  if cmp -s "$PROM_DIR/rules/vmpulse-alerts.yml" "$TMP/mut/rules/vmpulse-alerts.yml" &&
    cmp -s "$PROM_DIR/rules/vmpulse-recording.yml" "$TMP/mut/rules/vmpulse-recording.yml"; then
    echo "the mutation $1 changed nothing"
    return 1
  fi
  ! promtool test rules "$TMP/mut/tests/alerts.test.yml" "$TMP/mut/tests/recording.test.yml" >/dev/null 2>&1
}
for _m in 's/>= 90$/> 90/' 's/>= 97$/>= 96/' 's/>= 10$/>= 11/' 's/for: 2m/for: 1m/' 's/for: 30s/for: 1m/' \
  '0,/severity: critical/s//severity: warning/' 's/group_left (vm) vmpulse_agent_info/vmpulse_agent_info/' \
  's/rate5m$/rate5m/;s/\[5m\]/[2m]/'; do
  check "a mutated rule ($_m) fails the tests" mutant "$_m"
done
check "amtool check-config deploy/prometheus/alertmanager.yml" amtool check-config "$PROM_DIR/alertmanager.yml"

# ---------------------------------------------------------------- GMP component
gmp_component() {
  mkdir -p "$TMP/gmp"
  cat >"$TMP/gmp/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$TMP/gmp" deploy/k8s/overlays/gateway)
components:
  - $(realpath --relative-to="$TMP/gmp" deploy/k8s/components/gmp)
YAML
  kubectl kustomize "$TMP/gmp" >"$TMP/gmp/rendered.yaml" || return 1
  python3 - "$TMP/gmp/rendered.yaml" <<'PY'
import sys, yaml
objs = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o]
pms = [o for o in objs if o["kind"] == "PodMonitoring"]
problems = []
names = sorted(o["metadata"]["name"] for o in pms)
if names != ["vmpulse-api", "vmpulse-hub", "vmpulse-node-api"]:
    problems.append(f"PodMonitorings {names}")
deployments = [o for o in objs if o["kind"] == "Deployment"]
for pm in pms:
    if pm["apiVersion"] != "monitoring.googleapis.com/v1" or pm["metadata"].get("namespace") != "so1-fase2":
        problems.append(f"{pm['metadata']['name']}: apiVersion or namespace")
    sel = pm["spec"]["selector"]["matchLabels"]
    hits = [d for d in deployments if sel.items() <= d["spec"]["template"]["metadata"]["labels"].items()]
    if len(hits) != 1:
        problems.append(f"{pm['metadata']['name']} selects {len(hits)} Deployments")
        continue
    ports = {p.get("name") for c in hits[0]["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
    for ep in pm["spec"]["endpoints"]:
        if ep["port"] not in ports or ep.get("path") != "/metrics" or not ep.get("interval"):
            problems.append(f"{pm['metadata']['name']}: endpoint {ep} (pod ports {ports})")
np = [o for o in objs if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "metrics-from-gmp"]
if len(np) != 1 or np[0]["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"] != {"kubernetes.io/metadata.name": "gmp-system"}:
    problems.append("no NetworkPolicy letting gmp-system in")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
}
check "components/gmp in an overlay: a PodMonitoring per service on a port its pods have, GMP let through" gmp_component

# ---------------------------------------------------------------- grafana
check "Grafana dashboards: structure, data sources, variables" python3 "$OBS/dashboards.py" structure
broken_dashboards_refused() {
  cp -r deploy/grafana "$TMP/grafana"
  python3 - "$TMP/grafana/dashboards/fleet.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["panels"][1]["id"] = d["panels"][0]["id"]
d["panels"][2]["datasource"] = {"type": "mysql", "uid": "nope"}
d["panels"][3]["targets"][0]["expr"] = 'up{instance="$host"}'
json.dump(d, open(sys.argv[1], "w"))
PY
  local out
  out="$(VMPULSE_GRAFANA_DIR="$TMP/grafana" python3 "$OBS/dashboards.py" structure)" && return 1
  if ! grep -q 'panel ids not unique' <<<"$out" || ! grep -q 'nope' <<<"$out" ||
    ! grep -qF "\$host is not a template variable" <<<"$out"; then
    echo "$out"
    return 1
  fi
}
check "a dashboard with a repeated panel id, an unknown data source and an unknown variable is refused" broken_dashboards_refused

compose_profile() {
  python3 - <<'PY'
import re, sys, yaml
from pathlib import Path
c = yaml.safe_load(open("compose.yaml"))
problems = []
for name in ("prometheus", "alertmanager", "grafana"):
    s = c["services"].get(name)
    if not s or s.get("profiles") != ["observability"]:
        problems.append(f"{name}: not in the observability profile")
        continue
    for v in s.get("volumes", []):
        src = v.split(":")[0]
        if src.startswith("./") and not Path(src).exists():
            problems.append(f"{name}: mounts {src}, which does not exist")
    for p in s.get("ports", []):
        if not str(p).startswith("127.0.0.1:"):
            problems.append(f"{name}: port {p} not on loopback")
env = c["services"]["grafana"]["environment"]
wanted = set(re.findall(r"\$\{(\w+)\}", Path("deploy/grafana/provisioning/datasources/vmpulse.yaml").read_text()))
problems += [f"grafana: {v} not in its environment" for v in sorted(wanted - set(env))]
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
}
check "compose.yaml's observability profile: its mounts exist, loopback ports, Grafana gets every variable its data sources read" compose_profile

DB_PORT="$(free_port)"
if ! db_start "$TMP/db" "$DB_PORT" || ! db_migrate "$(db_url "$TMP/db" "$DB_PORT")" >/dev/null || ! db_grant_roles "$TMP/db"; then
  check "MariaDB started, migrated, roles granted" false
else
  OWNER="$(db_url "$TMP/db" "$DB_PORT")"
  READER="$(db_role_url "$TMP/db" "$DB_PORT" reader)"
  load_fixture() { fixture_sql | db_client "$OWNER"; }
  check "the fixture rows go in" load_fixture
  reader_reads() {
    local t
    for t in metricas metricas_minuto metricas_por_api alertas alertas_historial; do
      db_client "$READER" -e "SELECT COUNT(*) FROM $t" >/dev/null || return 1
    done
  }
  check "the reader may SELECT metricas, metricas_minuto, metricas_por_api, alertas, alertas_historial" reader_reads
  reader_refused() {
    local sql
    for sql in "SELECT * FROM ingest_keys" "SELECT * FROM alertas_envios" "SELECT * FROM silencios" \
      "INSERT INTO metricas_por_api (api, total) VALUES ('x', 1)" "UPDATE alertas SET estado = 'firing'" \
      "DELETE FROM metricas" "CREATE TABLE t (i INT)"; do
      if db_client "$READER" -e "$sql" >/dev/null 2>&1; then
        echo "the reader was allowed: $sql"
        return 1
      fi
    done
  }
  check "the reader may do nothing else (other tables, INSERT, UPDATE, DELETE, CREATE refused)" reader_refused
  python3 "$OBS/dashboards.py" sql "$READER" "$OUT/grafana-sql-results.md" >"$TMP/sql.out" 2>&1
  _sql_rc=$?
  cat "$TMP/sql.out"
  _sql_pass="$(grep -c '^PASS ' "$TMP/sql.out")"
  _sql_fail="$(grep -c '^FAIL ' "$TMP/sql.out")"
  _suite_passed=$((_suite_passed + _sql_pass))
  _suite_failed=$((_suite_failed + _sql_fail))
  ((_sql_rc != 0 && _sql_fail == 0)) && _suite_failed=$((_suite_failed + 1))
  fleet_status() {
    grep -Eq '^\| vm-a \| .* \| up \|$' "$OUT/grafana-sql-results.md" &&
      grep -Eq '^\| vm-b \| .* \| down \|$' "$OUT/grafana-sql-results.md" &&
      grep -Eq '^\| cpp \| 59 \| 50\.43 \|$' "$OUT/grafana-sql-results.md"
  }
  check "the fleet table says vm-a up and vm-b down; the split panel: 59 rows of cpp = 50.43 %" fleet_status

  # migrate.sh creates the reader when given one, and leaves its grants out when not.
  migrate_reader() {
    local pw
    pw="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
    db_sql "$TMP/db" "CREATE USER IF NOT EXISTS 'obs_admin'@'127.0.0.1' IDENTIFIED BY '$pw';
      GRANT ALL ON *.* TO 'obs_admin'@'127.0.0.1' WITH GRANT OPTION;" || return 1
    local env_m=(env MYSQL_HOST=127.0.0.1 "MYSQL_TCP_PORT=$DB_PORT" MYSQL_USER=obs_admin "MYSQL_PWD=$pw"
      "MYSQL_DATABASE=$VMPULSE_DB_NAME" "MIGRATIONS_DIR=$VMPULSE_ROOT/db/migrations" WAIT_SECONDS=10
      "GRANTS_FILE=$VMPULSE_ROOT/db/grants.sql" INGEST_DB_USER=k_ingest INGEST_DB_PASSWORD=pw-1 HUB_DB_USER=k_hub
      HUB_DB_PASSWORD=pw-2)
    "${env_m[@]}" bash deploy/k8s/base/migrate/migrate.sh >"$TMP/m1" 2>&1 || { cat "$TMP/m1"; return 1; }
    [[ -z "$(db_sql "$TMP/db" "SELECT user FROM mysql.user WHERE user = 'k_reader'")" ]] || return 1
    "${env_m[@]}" READER_DB_USER=k_reader READER_DB_PASSWORD="it's-3" bash deploy/k8s/base/migrate/migrate.sh >"$TMP/m2" 2>&1 ||
      { cat "$TMP/m2"; return 1; }
    grep -q 'k_reader granted' "$TMP/m2" || { cat "$TMP/m2"; return 1; }
    # As many table grants as db/grants.sql gives @READER@ (every one a SELECT).
    local grants want
    want="$(grep -c '^GRANT SELECT ON .* TO @READER@;$' db/grants.sql)"
    ((want >= 5)) || return 1
    grants="$(db_sql "$TMP/db" "SHOW GRANTS FOR 'k_reader'@'%'")"
    [[ "$(grep -c '^GRANT SELECT ON' <<<"$grants")" == "$want" ]] || { echo "want $want: $grants"; return 1; }
    MYSQL_PWD="it's-3" mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u k_reader -N -B "$VMPULSE_DB_NAME" \
      -e 'SELECT COUNT(*) FROM metricas' >/dev/null || return 1
    local out
    if out="$("${env_m[@]}" READER_DB_USER=k_reader bash deploy/k8s/base/migrate/migrate.sh 2>&1)"; then
      echo "READER_DB_USER without a password was accepted"
      return 1
    fi
    grep -q 'READER_DB_PASSWORD is required' <<<"$out" || { echo "$out"; return 1; }
  }
  check "migrate.sh: no reader without READER_DB_USER; with it the reader gets its SELECT grants from db/grants.sql; no password: refused" migrate_reader
fi

# ---------------------------------------------------------------- live
AGENT="$VMPULSE_BIN/vmpulse-agent"
P_AGENT="$(free_port)" P_API="$(free_port)" P_NODE="$(free_port)" P_HUB="$(free_port)" P_PUSH="$(free_port)"
P_AM="$(free_port)" P_SINK="$(free_port)" P_PROM="$(free_port)"
PROM_URL="http://127.0.0.1:$P_PROM"

# prom_query EXPR: the instant result of EXPR as JSON (promtool's output).
prom_query() { promtool query instant -o json "$PROM_URL" "$1"; }
# wait_query SECONDS PY_CONDITION EXPR: until python's condition on the result r holds.
wait_query() {
  local deadline=$((SECONDS + $1)) r
  while ((SECONDS < deadline)); do
    r="$(prom_query "$3" 2>/dev/null)" &&
      python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$r" 2>/dev/null && return 0
    sleep 1
  done
  echo "after $1 s, $3 = ${r:-nothing}"
  return 1
}

live_start() {
  [[ -x "$AGENT" ]] || { echo "no $AGENT: build first (./vmpulse build)"; return 1; }
  "$AGENT" --listen "127.0.0.1:$P_AGENT" --interval 1s --vm vm-a >"$OUT/agent.log" 2>&1 &
  AGENT_PID=$!
  PIDS+=("$AGENT_PID")
  python3 "$OBS/stand_ins.py" services "$P_API" "$P_NODE" "$P_HUB" "$P_PUSH" >"$OUT/stand-ins.log" 2>&1 &
  PIDS+=($!)
  python3 "$OBS/stand_ins.py" sink "$P_SINK" "$OUT/webhook.jsonl" >"$OUT/sink.log" 2>&1 &
  PIDS+=($!)
  python3 "$OBS/configs.py" alertmanager "$TMP/alertmanager.yml" "http://127.0.0.1:$P_SINK" || return 1
  prometheus-alertmanager --config.file="$TMP/alertmanager.yml" --storage.path="$TMP/am" \
    --web.listen-address="127.0.0.1:$P_AM" --cluster.listen-address= >"$OUT/alertmanager.log" 2>&1 &
  PIDS+=($!)
  python3 "$OBS/configs.py" prometheus "$TMP/prometheus.yml" "$P_AGENT" "$P_API" "$P_NODE" "$P_HUB" "$P_PUSH" "$P_AM" ||
    return 1
  prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
    --web.listen-address="127.0.0.1:$P_PROM" >"$OUT/prometheus.log" 2>&1 &
  PIDS+=($!)
  wait_http "$PROM_URL/-/ready" 30 && wait_http "http://127.0.0.1:$P_AM/-/ready" 30 &&
    wait_http "http://127.0.0.1:$P_AGENT/metrics/prometheus" 30 && LIVE_OK=1
}
LIVE_OK=""
check "Prometheus, Alertmanager, the agent (--vm vm-a, the SQL fixture's VM) and the stand-ins start on loopback" live_start
if [[ -z "$LIVE_OK" ]]; then
  tail -n 20 "$OUT"/*.log
  suite_end
  exit 1
fi

check "every target up: the agent, the push stand-in, api, node-api, hub" \
  wait_query 30 'len(r) == 5 and all(x["value"][1] == "1" for x in r)' 'up'
check "the recording rule names the real agent's VM: vm:vmpulse_cpu_used_percent:last{vm=\"vm-a\"} in [0, 100]" \
  wait_query 30 'len(r) == 1 and 0 <= float(r[0]["value"][1]) <= 100' 'vm:vmpulse_cpu_used_percent:last{vm="vm-a"}'
check "rates exist (two scrapes of the stand-ins): job:vmpulse_ingest_records_stored:rate5m" \
  wait_query 30 'len(r) == 2 and all(float(x["value"][1]) > 0 for x in r)' 'job:vmpulse_ingest_records_stored:rate5m'
rules_healthy() {
  curl -fsS "$PROM_URL/api/v1/rules" | python3 -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
bad = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
print(f"{len(rules)} rules loaded, unhealthy: {bad}")
sys.exit(0 if len(rules) == 15 and not bad else 1)'
}
check "Prometheus evaluates the 15 rules of deploy/prometheus with no error" rules_healthy
python3 "$OBS/dashboards.py" prometheus "$PROM_URL" >"$TMP/prom.out" 2>&1
_prom_rc=$?
cat "$TMP/prom.out"
_suite_passed=$((_suite_passed + $(grep -c '^PASS ' "$TMP/prom.out")))
_suite_failed=$((_suite_failed + $(grep -c '^FAIL ' "$TMP/prom.out")))
((_prom_rc != 0)) && ! grep -q '^FAIL ' "$TMP/prom.out" && _suite_failed=$((_suite_failed + 1))

check "no alert fires while everything is up" wait_query 5 'len(r) == 0' 'ALERTS{alertstate="firing"}'
kill "$AGENT_PID"
_killed=$SECONDS
check "the agent killed: vm_down fires for vm-a (critical) after its 30 s" \
  wait_query 60 'len(r) == 1 and r[0]["metric"]["vm"] == "vm-a" and r[0]["metric"]["severity"] == "critical"' \
  'ALERTS{alertname="vm_down",alertstate="firing"}'
echo "vm_down firing $((SECONDS - _killed)) s after the agent was killed"
check "...not before 30 s" test $((SECONDS - _killed)) -ge 30
am_has_it() {
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    curl -fsS "http://127.0.0.1:$P_AM/api/v2/alerts" | python3 -c '
import json, sys
a = json.load(sys.stdin)
sys.exit(0 if any(x["labels"].get("alertname") == "vm_down" and x["labels"].get("vm") == "vm-a" for x in a) else 1)' &&
      grep -q '"receiver": "on-call".*"vm": "vm-a"' "$OUT/webhook.jsonl" 2>/dev/null && return 0
    sleep 1
  done
  curl -sS "http://127.0.0.1:$P_AM/api/v2/alerts"
  cat "$OUT/webhook.jsonl" 2>/dev/null
  return 1
}
check "Alertmanager holds vm_down{vm=vm-a} and sent it to the critical route's webhook (on-call)" am_has_it

suite_end
