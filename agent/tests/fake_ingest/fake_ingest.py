#!/usr/bin/env python3
"""A stand-in for the ingest API, for the agent's push test: it answers like the real
routes (201, idempotent replays, 503 with Retry-After during an outage, 400 for a bad
batch) and writes what it stored to a JSON summary after every request.

  fake_ingest.py PORT SUMMARY [--token T] [--also-token T]... [--fail-for SECONDS]
                [--lose-every N] [--reject]

--fail-for: answer 503 for that long after starting (an ingest outage);
--lose-every: every Nth accepted request is stored but its answer is lost (the
  connection is closed without a response), so the agent must retry it with the same
  Idempotency-Key and the batch must not be stored twice;
--reject: answer every request 400 (a batch that can never succeed);
--also-token: another accepted token (a rotation). The summary counts the requests
  per bearer token ("tokens") and names the last one seen ("last_token").
Each stored batch keeps its records' horas and `at`, the wall-clock time (seconds since
the epoch) it was first received, for the latency and gap checks."""
import argparse
import os
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("summary")
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--also-token", action="append", default=[])
    parser.add_argument("--fail-for", type=float, default=0)
    parser.add_argument("--lose-every", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    lock = threading.Lock()
    state = {"requests": 0, "failed": 0, "lost": 0, "replayed": 0, "rejected": 0, "accepted": 0,
             "bad_requests": [], "batches": {}, "max_batch": 0, "tokens": {}, "last_token": None}
    accepted_tokens = {args.token, *args.also_token}

    def save():
        with open(args.summary + ".tmp", "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(args.summary + ".tmp", args.summary)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["requests"] += 1
                problems = []
                if self.path != "/api/metrics":
                    problems.append("path " + self.path)
                authorization = self.headers.get("Authorization") or ""
                token = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else ""
                state["tokens"][token] = state["tokens"].get(token, 0) + 1
                state["last_token"] = token
                if token not in accepted_tokens:
                    problems.append("authorization")
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    problems.append("content-type")
                key = self.headers.get("Idempotency-Key") or ""
                if not KEY.match(key):
                    problems.append("idempotency-key " + key)
                try:
                    records = json.loads(body)
                    if not isinstance(records, list) or not records:
                        problems.append("not a non-empty array")
                except ValueError:
                    problems.append("invalid json")
                    records = []
                if problems:
                    state["bad_requests"].append(problems)
                    save()
                    return self.answer(400, {"error": "invalid_record", "detail": ",".join(problems)})
                if args.reject:
                    state["rejected"] += 1
                    save()
                    return self.answer(400, {"error": "invalid_record", "detail": "rejected by --reject"})
                if time.monotonic() - started < args.fail_for:
                    state["failed"] += 1
                    save()
                    return self.answer(503, {"error": "database_unavailable"}, [("Retry-After", "1")])
                if key in state["batches"]:
                    state["replayed"] += 1
                    state["batches"][key]["attempts"] += 1
                    save()
                    return self.answer(201, {"status": "saved", "stored": len(records), "api": "fake", "replayed": True})
                state["batches"][key] = {"records": len(records), "attempts": 1,
                                         "horas": [r.get("hora") for r in records],
                                         "at": time.time()}
                state["max_batch"] = max(state["max_batch"], len(records))
                state["accepted"] += 1
                lose = args.lose_every and state["accepted"] % args.lose_every == 0
                if lose:
                    state["lost"] += 1
                save()
            if lose:
                # Stored, but the agent never hears so: it must retry with the same key.
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            return self.answer(201, {"status": "saved", "stored": len(records), "api": "fake"})

    save()
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
