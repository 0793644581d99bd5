#!/usr/bin/env python3
"""Judges a loadgen.py report against the database and the outage's times.

  judge.py reconcile REPORT ROWS   ROWS: "vm<TAB>marker" lines from metricas. Exact
                                   match: every marker answered 201 stored once, and
                                   no row that was not answered 201.
  judge.py outage REPORT DOWN RESTART UP
                                   epoch seconds when the database had stopped, when its
                                   restart began and when it accepted connections again.
                                   503s while it was down, answered promptly; no 201
                                   while it was down; 201s again within 5 s of its return.
Prints one line per finding; exit 1 when any check fails.
"""
import collections
import json
import sys


def reconcile(report_path, rows_path):
    report = json.load(open(report_path))
    acked = collections.Counter()
    for vm, markers in report["acked"].items():
        for m in markers:
            acked[(vm, m)] += 1
    stored = collections.Counter()
    for line in open(rows_path):
        line = line.strip()
        if line:
            vm, marker = line.split("\t")
            stored[(vm, int(marker))] += 1
    doubled_acks = [k for k, n in acked.items() if n > 1]
    doubled = [k for k, n in stored.items() if n > 1]
    lost = [k for k in acked if k not in stored]
    extra = [k for k in stored if k not in acked]
    ok = not (doubled_acks or doubled or lost or extra) and report["unanswered"] == 0
    print(f"reconcile: {sum(acked.values())} records answered 201, {sum(stored.values())} rows stored, "
          f"{len(lost)} lost, {len(doubled)} doubled, {len(extra)} stored but never answered 201, "
          f"{report['unanswered']} requests never answered 201, {report['replayed']} answered as replays")
    for name, items in (("lost", lost), ("doubled", doubled), ("extra", extra), ("acked twice", doubled_acks)):
        if items:
            print(f"  {name}: {sorted(items)[:10]}")
    return ok


def outage(report_path, down_at, restart_at, up_at):
    events = json.load(open(report_path))["events"]  # [start, status, latency]
    during = [e for e in events if down_at <= e[0] and e[0] + e[2] <= restart_at]
    unavailable = [e for e in during if e[1] == 503]
    created_during = [e for e in during if e[1] == 201]
    slowest_503 = max((e[2] for e in unavailable), default=0.0)
    after = sorted(e[0] + e[2] for e in events if e[1] == 201 and e[0] + e[2] >= up_at)
    recovery = after[0] - up_at if after else None
    checks = [
        (len(unavailable) > 0, f"{len(unavailable)} answers 503 while the database was down"),
        (slowest_503 <= 2.0, f"slowest 503 took {slowest_503:.3f} s (limit 2 s)"),
        (not created_during, f"{len(created_during)} answers 201 while the database was down"),
        (recovery is not None and recovery <= 5.0,
         "first 201 " + (f"{recovery:.2f} s" if recovery is not None else "never") + " after the database returned (limit 5 s)"),
    ]
    for ok, text in checks:
        print(("ok    " if ok else "FAIL  ") + text)
    return all(ok for ok, _ in checks)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "reconcile":
        ok = reconcile(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "outage":
        ok = outage(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
