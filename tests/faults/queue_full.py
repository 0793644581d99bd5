#!/usr/bin/env python3
"""Queue-full check against the real vmpulse-api while its database is stalled.

The suite holds a table lock so that the route's single writer blocks inside its
INSERT, and starts the route with the smallest queue (--queue-records 1000). Then:
batch A (1,000 records) is taken by the blocked writer, batch B (1,000) fills the
queue, and batch C must be refused at once with 503, Retry-After and a JSON error,
while A and B are answered 201 once the lock is released.

usage: queue_full.py URL TOKEN PREFIX
Prints one line per batch: "<name> <status> <seconds> <retry-after> <error>:<detail>"
(spaces in the detail as underscores).
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def batch(vm):
    return json.dumps([{
        "vm": vm, "total_ram": 16000, "ram_libre": 4000, "uso_ram": 12000,
        "porcentaje_ram": 75, "porcentaje_cpu_uso": 20, "porcentaje_cpu_libre": 80,
        "procesos_corriendo": 1, "procesos_durmiendo": i, "procesos_zombie": 0,
        "procesos_parados": 0, "total_procesos": 100000, "hora": "2026-11-26 10:00:00",
    } for i in range(1000)])


def post(url, token, vm, out):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    start = time.time()
    try:
        conn.request("POST", parts.path, body=batch(vm),
                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(body)
            error = "{}:{}".format(parsed.get("error", "-"), str(parsed.get("detail", "-")).replace(" ", "_"))
        except ValueError:
            error = "not-json"
        out[vm] = (response.status, time.time() - start, response.getheader("Retry-After") or "-", error)
    except OSError as failure:
        out[vm] = (0, time.time() - start, "-", type(failure).__name__)
    finally:
        conn.close()


def main():
    url, token, prefix = sys.argv[1:4]
    out = {}
    threads = []
    for name in ("a", "b"):
        thread = threading.Thread(target=post, args=(url, token, f"{prefix}-{name}", out))
        thread.start()
        threads.append(thread)
        time.sleep(0.5)  # A reaches the writer, then B the queue, before C is sent
    post(url, token, f"{prefix}-c", out)
    for thread in threads:
        thread.join()
    for name in ("a", "b", "c"):
        status, seconds, retry_after, error = out[f"{prefix}-{name}"]
        print(f"{name} {status} {seconds:.2f} {retry_after} {error}")


if __name__ == "__main__":
    main()
