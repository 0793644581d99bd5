"""vmpulse traffic generator: the specification's two Locust phases.

Phase 1 (CollectUser, host = the agent): users read the agent's /metrics and append
each record to a JSON-lines file, building the data set the specification asks for.

Phase 2 (SendUser, host = the ingress): users post the records of that file to the
traffic split at /api/metrics with the bearer token; each 201 says which route stored
it, and the per-route counts are written at the end so the split can be checked
against the database.

Run one class per phase (`./vmpulse load` does both):
  locust -f traffic_generator.py --headless --host http://VM:8080 CollectUser
  locust -f traffic_generator.py --headless --host http://INGRESS SendUser

Environment: VMPULSE_RECORDS (the JSON-lines file), VMPULSE_TOKEN,
VMPULSE_LOAD_SUMMARY (where each phase writes its final counts), VMPULSE_QUICK=1 (short waits).
"""

import collections
import itertools
import json
import os

from locust import HttpUser, between, events, task

from config import wait_range

RECORDS = os.environ.get("VMPULSE_RECORDS", "records.jsonl")
SUMMARY = os.environ.get("VMPULSE_LOAD_SUMMARY", "summary.json")

stored_by_route = collections.Counter()
_records = None


class CollectUser(HttpUser):
    """Phase 1: read the agent, keep every record."""

    wait_time = between(*wait_range("collect"))

    def on_start(self):
        self.sink = open(RECORDS, "a", encoding="utf-8", buffering=1)

    def on_stop(self):
        self.sink.close()

    @task
    def collect(self):
        with self.client.get("/metrics", name="GET /metrics", catch_response=True) as resp:
            try:
                record = resp.json()
            except ValueError:
                resp.failure("not JSON")
                return
            if resp.status_code != 200 or not isinstance(record, dict):
                resp.failure(f"status {resp.status_code}")
                return
            self.sink.write(json.dumps(record, separators=(",", ":")) + "\n")


class SendUser(HttpUser):
    """Phase 2: post the collected records to the split, one per request."""

    wait_time = between(*wait_range("send"))

    def on_start(self):
        global _records
        if _records is None:
            with open(RECORDS, encoding="utf-8") as source:
                lines = [line for line in source if line.strip()]
            if not lines:
                raise RuntimeError(f"{RECORDS} has no records: run phase 1 first")
            _records = itertools.cycle(lines)
        self.headers = {
            "Authorization": f"Bearer {os.environ.get('VMPULSE_TOKEN', '')}",
            "Content-Type": "application/json",
        }

    @task
    def send(self):
        body = next(_records)
        with self.client.post(
            "/api/metrics", data=body, headers=self.headers, name="POST /api/metrics", catch_response=True
        ) as resp:
            if resp.status_code == 201:
                try:
                    stored_by_route[resp.json().get("api", "?")] += 1
                except ValueError:
                    resp.failure("201 without a JSON body")
            else:
                resp.failure(f"status {resp.status_code}: {resp.text[:200]}")


@events.quitting.add_listener
def write_summary(environment, **_kwargs):
    # At quitting every user has finished its last request, so these totals are final
    # (the CSV files are written earlier and can miss the requests of the last moments).
    total = environment.stats.total
    summary = {"requests": total.num_requests, "failures": total.num_failures}
    if _records is not None:
        summary["stored_by_route"] = dict(stored_by_route)
    with open(SUMMARY, "w", encoding="utf-8") as out:
        json.dump(summary, out)
