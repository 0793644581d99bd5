#!/usr/bin/env python3
"""Turns deploy/prometheus's files into ones the observability suite can run on
loopback, changing only addresses and timings, so the suite runs the checked-in
scrape jobs, rules and routes themselves.

    configs.py prometheus OUT AGENT API NODE HUB PUSHER ALERTMANAGER
        prometheus.yml: targets -> 127.0.0.1 ports, 1 s scrape and evaluation,
        rule files by absolute path
    configs.py kubernetes-as-static OUT
        prometheus-kubernetes.yml with each kubernetes_sd_configs replaced by an
        equivalent static_configs, so Debian's promtool (built without Kubernetes
        discovery) can check the rest; prints what it replaced
    configs.py alertmanager OUT SINK_URL
        alertmanager.yml: every webhook -> SINK_URL, group_wait 1 s
"""
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy/prometheus"


def dump(doc, out):
    Path(out).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def prometheus(out, agent, api, node, hub, pusher, am):
    doc = yaml.safe_load((PROM / "prometheus.yml").read_text())
    doc["global"].update(scrape_interval="1s", evaluation_interval="1s")
    doc["rule_files"] = [str(PROM / f) for f in doc["rule_files"]]
    doc["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] = [f"127.0.0.1:{am}"]
    ports = {"vmpulse-agent": [agent, pusher], "vmpulse-api": [api], "vmpulse-node-api": [node], "vmpulse-hub": [hub]}
    jobs = {j["job_name"] for j in doc["scrape_configs"]}
    if jobs != set(ports):
        raise SystemExit(f"prometheus.yml's jobs changed: {sorted(jobs)}")
    for job in doc["scrape_configs"]:
        job["static_configs"] = [{"targets": [f"127.0.0.1:{p}" for p in ports[job["job_name"]]]}]
    dump(doc, out)


def kubernetes_as_static(out):
    doc = yaml.safe_load((PROM / "prometheus-kubernetes.yml").read_text())
    replaced = []

    def swap(section, name):
        sd = section.pop("kubernetes_sd_configs", None)
        if sd is not None:
            if not all(s.get("role") == "pod" and s.get("namespaces", {}).get("names") for s in sd):
                raise SystemExit(f"{name}: want role pod and a namespace list: {sd}")
            section["static_configs"] = [{"targets": ["placeholder.invalid:80"]}]
            replaced.append(name)

    for am in doc.get("alerting", {}).get("alertmanagers", []):
        swap(am, "alertmanagers")
    for job in doc["scrape_configs"]:
        swap(job, job["job_name"])
    dump(doc, out)
    print("kubernetes_sd_configs replaced in: " + ", ".join(replaced))
    # The rule files are relative to the config: copy the path shape.
    Path(out).with_name("rules").mkdir(exist_ok=True)
    for f in (PROM / "rules").glob("*.yml"):
        (Path(out).with_name("rules") / f.name).write_text(f.read_text())


def alertmanager(out, sink):
    doc = yaml.safe_load((PROM / "alertmanager.yml").read_text())
    doc["route"]["group_wait"] = "1s"
    for r in doc["receivers"]:
        for w in r.get("webhook_configs", []):
            w["url"] = f"{sink}/{r['name']}"
    dump(doc, out)


def main():
    a = sys.argv[1:]
    if len(a) == 8 and a[0] == "prometheus":
        prometheus(a[1], *a[2:])
    elif len(a) == 2 and a[0] == "kubernetes-as-static":
        kubernetes_as_static(a[1])
    elif len(a) == 3 and a[0] == "alertmanager":
        alertmanager(a[1], a[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
