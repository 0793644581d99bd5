#!/usr/bin/env python3
"""Sends one batch with one Idempotency-Key from many threads at the same instant and
prints how the answers split: exactly one must store, every other one must be a replay
of it (the later requests wait on the key's row lock, then see the duplicate).

  same_key.py URL TOKEN KEY VM THREADS BATCH  ->  "stored=1 replayed=N other=0 stored_counts=[BATCH]"
"""
import http.client
import json
import sys
import threading
import urllib.parse

url, token, key, vm = sys.argv[1:5]
threads, batch = int(sys.argv[5]), int(sys.argv[6])
target = urllib.parse.urlsplit(url)
records = [{"vm": vm, "total_ram": 100, "ram_libre": 50, "uso_ram": 50, "porcentaje_ram": 50,
            "porcentaje_cpu_uso": 10, "porcentaje_cpu_libre": 90, "procesos_corriendo": 1,
            "procesos_durmiendo": i, "procesos_zombie": 0, "procesos_parados": 0,
            "total_procesos": 100000, "hora": "2026-11-26 10:00:00"} for i in range(batch)]
body = json.dumps(records)
gate = threading.Barrier(threads)
answers = []
lock = threading.Lock()


def send():
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=20)
    conn.connect()
    gate.wait()
    conn.request("POST", target.path, body=body, headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + token, "Idempotency-Key": key})
    r = conn.getresponse()
    text = r.read()
    with lock:
        answers.append((r.status, json.loads(text)))


workers = [threading.Thread(target=send) for _ in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
stored = [a for s, a in answers if s == 201 and not a.get("replayed")]
replayed = [a for s, a in answers if s == 201 and a.get("replayed")]
other = [(s, a) for s, a in answers if s != 201]
counts = sorted({a["stored"] for a in stored + replayed})
print(f"stored={len(stored)} replayed={len(replayed)} other={len(other)} stored_counts={counts}")
