#!/usr/bin/env python3
"""Loopback stand-ins for the observability suite.

    stand_ins.py services API NODE HUB PUSHER   serve /metrics on four ports, shaped
        like api, node-api, hub (the metric names of docs/observability.md, process_*
        included) and an
        agent in push mode (vmpulse_push_errors_total), counters growing with time, so
        that every Prometheus panel of the dashboards has data while the services'
        own /metrics are built elsewhere (the real agent is scraped beside them)
    stand_ins.py sink PORT FILE                 a webhook receiver: appends each POST
        body (Alertmanager's JSON) as one line to FILE
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.time()


def histogram(name, labels, rate, t, buckets):
    """Cumulative buckets: `buckets` is [(le, share of the observations)]."""
    lines = []
    for le, share in buckets + [("+Inf", 1.0)]:
        lines.append(f'{name}_bucket{{{labels}{"," if labels else ""}le="{le}"}} {rate * t * share:.3f}')
    lines.append(f"{name}_sum{{{labels}}} {rate * t * 0.004:.3f}")
    lines.append(f"{name}_count{{{labels}}} {rate * t:.3f}")
    return lines


def ingest_route(t, route, rps):
    out = [
        "# TYPE vmpulse_http_requests_total counter",
        f'vmpulse_http_requests_total{{route="{route}",code="200"}} {rps * t:.3f}',
        f'vmpulse_http_requests_total{{route="{route}",code="401"}} {0.2 * t:.3f}',
        "# TYPE vmpulse_http_request_duration_seconds histogram",
        *histogram("vmpulse_http_request_duration_seconds", f'route="{route}"', rps, t,
                   [("0.005", 0.7), ("0.025", 0.95), ("0.1", 0.999)]),
        "# TYPE vmpulse_ingest_records_stored_total counter",
        f"vmpulse_ingest_records_stored_total {rps * 50 * t:.3f}",
        "# TYPE vmpulse_ingest_queue_depth gauge",
        "vmpulse_ingest_queue_depth 3",
        "# TYPE vmpulse_ingest_commit_duration_seconds histogram",
        *histogram("vmpulse_ingest_commit_duration_seconds", "", rps / 4, t, [("0.01", 0.8), ("0.05", 0.99)]),
        "# TYPE vmpulse_db_errors_total counter",
        f'vmpulse_db_errors_total{{op="commit"}} {0.05 * t:.3f}',
    ]
    return out


def process(t, rss_mib, cores):
    """The standard process series every service exports (core/src/process_metrics.cpp)."""
    return [
        "# TYPE process_cpu_seconds_total counter",
        f"process_cpu_seconds_total {cores * t:.3f}",
        "# TYPE process_resident_memory_bytes gauge",
        f"process_resident_memory_bytes {rss_mib * 1024 * 1024}",
    ]


def hub(t):
    return [
        "# TYPE vmpulse_http_requests_total counter",
        f'vmpulse_http_requests_total{{route="/api/history",code="200"}} {3 * t:.3f}',
        "# TYPE vmpulse_http_request_duration_seconds histogram",
        *histogram("vmpulse_http_request_duration_seconds", 'route="/api/history"', 3, t, [("0.01", 0.5), ("0.1", 0.99)]),
        "# TYPE vmpulse_db_errors_total counter",
        f'vmpulse_db_errors_total{{op="poll"}} {0.01 * t:.3f}',
        "# TYPE vmpulse_hub_clients gauge",
        "vmpulse_hub_clients 4",
        "# TYPE vmpulse_hub_rows_delivered_total counter",
        f"vmpulse_hub_rows_delivered_total {800 * t:.3f}",
        "# TYPE vmpulse_hub_poll_lag_seconds gauge",
        "vmpulse_hub_poll_lag_seconds 0.2",
        "# TYPE vmpulse_hub_rollup_lag_seconds gauge",
        "vmpulse_hub_rollup_lag_seconds 12",
    ]


def pusher(t):
    return [
        "# TYPE vmpulse_agent_info gauge",
        'vmpulse_agent_info{vm="vm-pushing",module_id="none",version="stand-in"} 1',
        "# TYPE vmpulse_cpu_used_percent gauge",
        "vmpulse_cpu_used_percent 35",
        "# TYPE vmpulse_memory_used_percent gauge",
        "vmpulse_memory_used_percent 61",
        "# TYPE vmpulse_processes gauge",
        'vmpulse_processes{state="zombie"} 0',
        "# TYPE vmpulse_push_errors_total counter",
        f'vmpulse_push_errors_total{{kind="connect"}} {0.5 * t:.3f}',
    ]


def serve(port, body_of):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("\n".join(body_of(time.time() - START)) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def sink(port, path):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(n, 1 << 20))
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(json.loads(body)) + "\n")
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "services":
        api, node, hub_port, push = map(int, sys.argv[2:])
        serve(api, lambda t: ingest_route(t, "/api/metrics", 20) + process(t, 24, 0.3))
        serve(node, lambda t: ingest_route(t, "/api/metrics", 18) + process(t, 90, 0.6))
        serve(hub_port, lambda t: hub(t) + process(t, 40, 0.1))
        serve(push, pusher)
        while True:
            time.sleep(3600)
    elif len(sys.argv) == 4 and sys.argv[1] == "sink":
        sink(int(sys.argv[2]), sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
