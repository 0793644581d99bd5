#!/usr/bin/env python3
"""A webhook receiver for the alert delivery tests (tests/suites/52-alert-delivery.sh).

Records every POST it answers 2xx as one JSON line in LOG ({"at": receive time in Unix
seconds, "path": path and query, "body": the parsed body}) and answers 500 to the first
FAIL requests, so a test sees what a real receiver would get despite failures. Counts
the failures it gave in LOG.failed. With DELAY (seconds) it takes that long to answer
each 2xx, like a slow receiver, so a test can stop a hub in the middle of a burst.
With RECEIVER_CERT and RECEIVER_KEY (PEM files) in the environment it speaks HTTPS.
Loopback only.

usage: receiver.py PORT LOG [FAIL [DELAY]]
"""

import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
LOG = sys.argv[2]
FAIL = int(sys.argv[3]) if len(sys.argv) > 3 else 0
DELAY = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
MAX_BODY = 1 << 20
lock = threading.Lock()
state = {"failed": 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", "0"))
        if length > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        raw = self.rfile.read(length)
        at = time.time()
        with lock:
            if state["failed"] < FAIL:
                state["failed"] += 1
                with open(LOG + ".failed", "w", encoding="utf-8") as out:
                    out.write(str(state["failed"]))
                self.send_response(500)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"<html>\n failing on purpose \n</html>")
                return
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"unparsed": raw.decode("utf-8", "replace")}
            with open(LOG, "a", encoding="utf-8") as out:
                out.write(json.dumps({"at": at, "path": self.path, "body": body}) + "\n")
        time.sleep(DELAY)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


open(LOG, "a", encoding="utf-8").close()
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
if os.environ.get("RECEIVER_CERT"):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.environ["RECEIVER_CERT"], os.environ["RECEIVER_KEY"])
    # A client that refuses the certificate fails in accept(): an OSError the server
    # drops, as it should.
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
