#!/usr/bin/env python3
"""Load generator for the ingest fault tests: clients that never lose a record.

Each client is a thread with its own keep-alive connection and its own VM name; every
record it sends carries a unique marker (the VM name and a per-client counter in
procesos_durmiendo), and every request an Idempotency-Key. A request answered 503 or
cut off (database down, server killed) is retried with the same key until it is
answered 201, so at the end the set of markers answered 201 must equal, exactly, the
set of rows in the database: nothing lost, nothing doubled.

New requests are sent for --duration seconds; then unanswered ones are retried for up
to --drain seconds. Writes a JSON report (--out) with the markers answered 201 and
every answer's time, status and latency, for the suite to judge.
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

TOTAL = 2147483647  # procesos counts must not exceed total_procesos


def record(vm, marker):
    return {
        "vm": vm, "total_ram": 16000, "ram_libre": 4000, "uso_ram": 12000,
        "porcentaje_ram": 75, "porcentaje_cpu_uso": 20, "porcentaje_cpu_libre": 80,
        "procesos_corriendo": 1, "procesos_durmiendo": marker, "procesos_zombie": 0,
        "procesos_parados": 0, "total_procesos": TOTAL, "hora": "2026-11-26 10:00:00",
    }


class Client(threading.Thread):
    def __init__(self, args, index, stop_new, give_up_at):
        super().__init__(daemon=True)
        self.args = args
        self.vm = f"{args.prefix}-c{index}"
        self.stop_new = stop_new
        self.give_up_at = give_up_at
        self.url = urllib.parse.urlsplit(args.url)
        self.conn = None
        self.acked = []       # markers answered 201
        self.events = []      # (time, status, latency_s); status 0 = connection error
        self.unanswered = 0   # requests still not answered 201 when giving up
        self.replayed = 0

    def connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=self.args.timeout)
        return self.conn

    def post(self, body, key):
        headers = {"Content-Type": "application/json", "Authorization": "Bearer " + self.args.token,
                   "Idempotency-Key": key}
        start = time.time()
        try:
            conn = self.connect()
            conn.request("POST", self.url.path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            status, text = 0, b""
        self.events.append((start, status, time.time() - start))
        return status, text

    def run(self):
        counter = 0
        request_no = 0
        while not self.stop_new.is_set():
            markers = list(range(counter, counter + self.args.batch))
            counter += self.args.batch
            request_no += 1
            body = json.dumps([record(self.vm, m) for m in markers] if self.args.batch > 1
                              else record(self.vm, markers[0]))
            key = f"{self.vm}-r{request_no}"
            while True:
                status, text = self.post(body, key)
                if status == 201:
                    answer = json.loads(text)
                    if answer.get("replayed"):
                        self.replayed += 1
                    self.acked.extend(markers)
                    break
                if status not in (0, 503):
                    sys.stderr.write(f"{self.vm}: unexpected {status}: {text[:200]!r}\n")
                if time.time() > self.give_up_at[0]:
                    self.unanswered += 1
                    return
                time.sleep(self.args.retry_pause)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="http://127.0.0.1:PORT/api/metrics")
    p.add_argument("--token", required=True)
    p.add_argument("--prefix", default="fault")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--batch", type=int, default=1, help="records per request")
    p.add_argument("--duration", type=float, default=10, help="seconds of new requests")
    p.add_argument("--drain", type=float, default=20, help="seconds to finish retries after that")
    p.add_argument("--timeout", type=float, default=10, help="per-request socket timeout")
    p.add_argument("--retry-pause", type=float, default=0.05)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.batch <= 1000 and 0 < args.duration <= 120):
        p.error("clients 1-200, batch 1-1000, duration 0-120 s")

    stop_new = threading.Event()
    give_up_at = [time.time() + args.duration + args.drain]
    clients = [Client(args, i, stop_new, give_up_at) for i in range(args.clients)]
    started = time.time()
    for c in clients:
        c.start()
    time.sleep(args.duration)
    stop_new.set()
    for c in clients:
        c.join(timeout=max(0.0, give_up_at[0] - time.time()) + args.timeout + 5)
    report = {
        "started": started,
        "acked": {c.vm: c.acked for c in clients},
        "events": sorted(e for c in clients for e in c.events),
        "unanswered": sum(c.unanswered for c in clients) + sum(1 for c in clients if c.is_alive()),
        "replayed": sum(c.replayed for c in clients),
    }
    with open(args.out, "w") as f:
        json.dump(report, f)
    n201 = sum(1 for e in report["events"] if e[1] == 201)
    print(f"loadgen: {len(report['events'])} answers, {n201} x 201, "
          f"{sum(len(v) for v in report['acked'].values())} records acknowledged, "
          f"{report['replayed']} replayed, {report['unanswered']} unanswered")


if __name__ == "__main__":
    main()
