#!/usr/bin/env python3
"""Checks deploy/grafana without Grafana (it is not packaged in Debian, so it cannot
run here): the dashboards' structure, every SQL panel against a real MariaDB, every
Prometheus panel against a real Prometheus (through promtool).

    dashboards.py structure
    dashboards.py sql DB_URL OUT.md      run each SQL target as DB_URL's user, with the
                                         template variables filled; write the results
    dashboards.py prometheus PROM_URL    query each expression with promtool

Each subcommand prints one "PASS what" or "FAIL what: why" line per check and exits 1
when any failed. Grafana's MySQL macros are expanded the way Grafana's MySQL data
source does ($__timeFilter, $__timeGroupAlias, $__interval, $__timeFrom/To), for the
fixed range FROM..TO below.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# VMPULSE_GRAFANA_DIR: another copy (the suite checks a broken one is refused).
GRAFANA = Path(os.environ.get("VMPULSE_GRAFANA_DIR", ROOT / "deploy/grafana"))
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
# The range every query runs over: the last hour (the suite's fixture rows are in it).
TO = int(time.time())
FROM = TO - 3600
INTERVAL = "1m"  # $__interval for a one-hour range on a wide panel
VARIABLES = {"vm": "vm-a"}  # what the vm drop-down would offer first (the fixture's VM)

failures = 0


def report(ok, what, why=""):
    global failures
    if ok:
        print(f"PASS {what}")
    else:
        failures += 1
        print(f"FAIL {what}: {why}")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def panels(dash):
    """Every panel, those inside collapsed rows included."""
    for p in dash.get("panels", []):
        yield p
        yield from p.get("panels", [])


def datasources():
    doc = yaml.safe_load((GRAFANA / "provisioning/datasources/vmpulse.yaml").read_text())
    return {d["uid"]: d["type"] for d in doc["datasources"]}


def targets(kind):
    """(dashboard file, panel, target) for every target whose data source is `kind`."""
    for path in DASHBOARDS:
        for p in panels(load(path)):
            for t in p.get("targets", []):
                if (t.get("datasource") or p.get("datasource") or {}).get("type") == kind:
                    yield path.name, p, t


def fill_variables(text):
    def sub(m):
        name = m.group(1) or m.group(2)
        if name.startswith("__"):
            return m.group(0)
        if name not in VARIABLES:
            raise KeyError(f"unknown template variable ${name}")
        return VARIABLES[name]

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", sub, text)


def seconds(interval):
    m = re.fullmatch(r"(\d+)(s|m|h|d)", interval.strip().strip("'\""))
    if not m:
        raise ValueError(f"bad interval {interval!r}")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def expand_mysql_macros(sql):
    """Grafana's MySQL macros (pkg/tsdb/mysql/macros.go) for the range FROM..TO."""
    sql = sql.replace("$__interval_ms", str(seconds(INTERVAL) * 1000)).replace("$__interval", INTERVAL)
    sql = re.sub(r"\$__timeFilter\(([^)]+)\)", lambda m: f"{m.group(1).strip()} BETWEEN FROM_UNIXTIME({FROM}) AND FROM_UNIXTIME({TO})", sql)
    sql = sql.replace("$__timeFrom()", f"FROM_UNIXTIME({FROM})").replace("$__timeTo()", f"FROM_UNIXTIME({TO})")

    def group(m, alias):
        col, interval = [a.strip() for a in m.group(1).split(",")[:2]]
        n = seconds(interval)
        return f"UNIX_TIMESTAMP({col}) DIV {n} * {n}" + (' AS "time"' if alias else "")

    sql = re.sub(r"\$__timeGroupAlias\(([^)]+)\)", lambda m: group(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^)]+)\)", lambda m: group(m, False), sql)
    sql = re.sub(r"\$__time\(([^)]+)\)", lambda m: f"UNIX_TIMESTAMP({m.group(1).strip()}) AS time_sec", sql)
    if "$__" in sql:
        raise ValueError(f"a macro this checker does not know: {sql[sql.index('$__'):][:30]}")
    return fill_variables(sql)


# ----------------------------------------------------------------------- structure
def check_structure():
    uids = datasources()
    report(uids.get("vmpulse-mysql") == "mysql" and uids.get("vmpulse-prometheus") == "prometheus",
           "provisioning defines the vmpulse-mysql and vmpulse-prometheus data sources", str(uids))
    prov = yaml.safe_load((GRAFANA / "provisioning/dashboards/vmpulse.yaml").read_text())
    report(prov["providers"][0]["type"] == "file", "the dashboard provider loads files")
    report(len(DASHBOARDS) >= 4, f"four dashboards or more ({len(DASHBOARDS)})")
    seen_uids = set()
    for path in DASHBOARDS:
        d = load(path)
        name = path.name
        problems = []
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
            problems.append(f"schemaVersion {d.get('schemaVersion')!r} (want an integer >= 36, Grafana 9+)")
        if not d.get("uid") or d["uid"] in seen_uids or len(d["uid"]) > 40:
            problems.append(f"uid {d.get('uid')!r} missing, repeated or longer than 40")
        seen_uids.add(d.get("uid"))
        if "id" in d and d["id"] is not None:
            problems.append("a dashboard id (provisioned dashboards must leave it to Grafana)")
        ids = [p.get("id") for p in panels(d)]
        if len(ids) != len(set(ids)) or not all(isinstance(i, int) for i in ids):
            problems.append(f"panel ids not unique integers: {ids}")
        defined = {v["name"] for v in d.get("templating", {}).get("list", [])}
        for v in d.get("templating", {}).get("list", []):
            ds = (v.get("datasource") or {}).get("uid")
            if ds and ds not in uids:
                problems.append(f"variable {v['name']}: data source {ds} is not provisioned")
        for p in panels(d):
            if p.get("type") == "row":
                continue
            g = p.get("gridPos", {})
            if not all(isinstance(g.get(k), int) for k in "hwxy") or g["x"] + g["w"] > 24:
                problems.append(f"panel {p.get('id')}: gridPos {g}")
            if not p.get("title") or not p.get("targets"):
                problems.append(f"panel {p.get('id')}: no title or no targets")
            for t in p.get("targets", []):
                for ds in (p.get("datasource"), t.get("datasource")):
                    if ds and uids.get(ds.get("uid")) != ds.get("type"):
                        problems.append(f"panel {p['id']}: data source {ds} is not a provisioned one of that type")
                text = t.get("rawSql") or t.get("expr") or ""
                for var in re.findall(r"\$\{?(\w+)", text):
                    if not var.startswith("__") and var not in defined:
                        problems.append(f"panel {p['id']}: ${var} is not a template variable of the dashboard")
        report(not problems, f"{name}: schemaVersion, uid, unique panel ids, layout, data sources and variables resolve",
               "; ".join(problems))


# ----------------------------------------------------------------------------- sql
def parse_url(url):
    m = re.fullmatch(r"mysql://([^:]+):([^@]*)@([^:/]+):(\d+)/(\w+)", url)
    if not m:
        raise ValueError("not a mysql://user:pass@host:port/db URL")
    user, pw, host, port, db = m.groups()
    return user, urllib.parse.unquote(pw), host, port, db


def run_sql(url, sql):
    user, pw, host, port, db = parse_url(url)
    out = subprocess.run(["mariadb", "--no-defaults", "-h", host, "-P", port, "-u", user, "-B", db, "-e", sql],
                         env={**os.environ, "MYSQL_PWD": pw}, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    lines = out.stdout.rstrip("\n").split("\n") if out.stdout.strip() else []
    if not lines:
        return [], []
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def numeric(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def shape_problem(fmt, panel_type, cols, rows):
    if not rows:
        return "no rows"
    if any(len(r) != len(cols) for r in rows):
        return "ragged rows"
    if fmt == "time_series":
        if cols[0] not in ("time", "time_sec"):
            return f"first column {cols[0]!r}, not time"
        if not all(r[0].isdigit() for r in rows):
            return "time is not a Unix time"
        times = [int(r[0]) for r in rows]
        if times != sorted(times):
            return "not ordered by time"
        if not all(FROM - 86400 <= t <= TO for t in times):
            return "a time outside the range"
        values = [i for i, c in enumerate(cols[1:], 1) if c != "metric"]
        if not values or not all(numeric(r[i]) for r in rows for i in values if r[i] != "NULL"):
            return "a value column that is not numeric"
    elif panel_type == "stat":
        if len(rows) != 1 or not all(numeric(v) for v in rows[0]):
            return "a stat wants one numeric row"
    elif panel_type == "barchart":
        if not all(numeric(v) for r in rows for v in r[1:]):
            return "a bar chart wants a label then numbers"
    return ""


def check_sql(url, out_path):
    md = [f"Results of every SQL panel, run by `tests/suites/72-observability.sh` against MariaDB with the "
          f"suite's fixture rows, as the read-only reader user, `$vm` = `{VARIABLES['vm']}`, range = the last hour, "
          f"`$__interval` = {INTERVAL}.\n"]
    queries = 0
    for name, panel, target in targets("mysql"):
        what = f"{name} / {panel['title']}"
        try:
            sql = expand_mysql_macros(target["rawSql"])
            cols, rows = run_sql(url, sql)
        except Exception as e:  # the checker reports, then goes on with the next panel
            report(False, f"SQL {what}", str(e))
            continue
        queries += 1
        problem = shape_problem(target.get("format"), panel["type"], cols, rows)
        report(not problem, f"SQL {what}: {len(rows)} rows of {', '.join(cols)}", problem)
        md.append(f"\n### {name}: {panel['title']}\n\n| {' | '.join(cols)} |\n|{'---|' * len(cols)}")
        for r in rows[:6]:
            md.append(f"| {' | '.join(r)} |")
        if len(rows) > 6:
            md.append(f"| … {len(rows) - 6} more rows |" + " |" * (len(cols) - 1))
    # The variable's own query, as Grafana runs it to fill the drop-down.
    for path in DASHBOARDS:
        for v in load(path).get("templating", {}).get("list", []):
            if (v.get("datasource") or {}).get("type") == "mysql":
                try:
                    cols, rows = run_sql(url, v["query"])
                    ok = VARIABLES[v["name"]] in [r[0] for r in rows]
                    report(ok, f"variable {path.name} ${v['name']} offers {[r[0] for r in rows]}", "the fixture's VM is missing")
                except Exception as e:
                    report(False, f"variable {path.name} ${v['name']}", str(e))
    report(queries >= 10, f"ran {queries} SQL panels (at least 10)")
    Path(out_path).write_text("\n".join(md) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------- prometheus
def check_prometheus(prom_url):
    n = 0
    for name, panel, target in targets("prometheus"):
        expr = fill_variables(target["expr"].replace("$__rate_interval", "1m").replace("$__interval", "15s"))
        what = f"{name} / {panel['title']}: {expr}"
        out = subprocess.run(["promtool", "query", "instant", "-o", "json", prom_url, expr],
                             capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            report(False, f"PromQL {what}", out.stderr.strip())
            continue
        n += 1
        try:
            result = json.loads(out.stdout)
        except json.JSONDecodeError:
            report(False, f"PromQL {what}", f"not JSON: {out.stdout[:200]}")
            continue
        series = [r["metric"] for r in result] if isinstance(result, list) else []
        legend = re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", ""))
        missing = [lbl for lbl in legend if series and not all(lbl in s for s in series)]
        report(bool(series) and not missing, f"PromQL {what}: {len(series)} series",
               "no series" if not series else f"legend labels {missing} absent from {series[0]}")
    report(n >= 10, f"queried {n} Prometheus expressions (at least 10)")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "structure" and len(sys.argv) == 2:
        check_structure()
    elif cmd == "sql" and len(sys.argv) == 4:
        check_sql(sys.argv[2], sys.argv[3])
    elif cmd == "prometheus" and len(sys.argv) == 3:
        check_prometheus(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
