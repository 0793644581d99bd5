#!/usr/bin/env python3
"""Receives the hub's live rows over /ws and records, per row of the VMs it is told to
watch, how long after the sample's `hora` it arrived (now - hora, wall clock). Standard
library only: a minimal RFC 6455 client (text frames, continuation, ping → pong).

  ws_latency.py URL OUT VM[,VM…] --rows N --timeout SECONDS

URL is ws:// or wss:// (…/ws); with wss://, VMPULSE_CA_FILE names the CA to verify
against (default: the system store). If VMPULSE_VIEWER_TOKEN is set it is sent as
"Authorization: Bearer …". OUT gets one line per row: "vm latency_seconds hora".
Ends when every VM has N rows, or at the timeout."""
import argparse
import base64
import calendar
import json
import os
import socket
import ssl
import struct
import sys
import time
import urllib.parse


def connect(url):
    parts = urllib.parse.urlsplit(url)
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    sock = socket.create_connection((parts.hostname, port), timeout=10)
    if secure:
        context = ssl.create_default_context(cafile=os.environ.get("VMPULSE_CA_FILE") or None)
        sock = context.wrap_socket(sock, server_hostname=parts.hostname)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
             f"Host: {parts.netloc}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    token = os.environ.get("VMPULSE_VIEWER_TOKEN")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit(f"{url}: connection closed during the handshake")
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode(errors="replace")
    if " 101 " not in status + " ":
        sys.exit(f"{url}: handshake refused: {status}")
    return sock, head.split(b"\r\n\r\n", 1)[1]


class Reader:
    def __init__(self, sock, buffered):
        self.sock, self.buffer = sock, buffered

    def exact(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def frame(self):
        b0, b1 = self.exact(2)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.exact(8))[0]
        mask = self.exact(4) if b1 & 0x80 else None
        payload = self.exact(length)
        if mask:
            payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        return b0 & 0x80, b0 & 0x0F, payload


def send_frame(sock, opcode, payload):
    mask = os.urandom(4)
    header = bytes([0x80 | opcode, 0x80 | len(payload)])  # control frames: < 126 bytes
    sock.sendall(header + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("vms")
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    wanted = {vm: 0 for vm in args.vms.split(",")}
    sock, buffered = connect(args.url)
    sock.settimeout(5)
    reader = Reader(sock, buffered)
    deadline = time.time() + args.timeout
    message = b""
    with open(args.out, "w", encoding="utf-8") as out:
        while time.time() < deadline and min(wanted.values()) < args.rows:
            try:
                final, opcode, payload = reader.frame()
            except socket.timeout:
                continue
            if opcode == 0x9:
                send_frame(sock, 0xA, payload)
                continue
            if opcode == 0x8:
                sys.exit("the hub closed the connection: " + payload[2:].decode(errors="replace"))
            if opcode in (0x1, 0x0):
                message += payload
                if not final:
                    continue
            received = time.time()
            text, message = message, b""
            if not text:
                continue
            data = json.loads(text)
            if data.get("type") != "records":
                continue
            for record in data.get("records", []):
                vm = record.get("vm")
                if vm in wanted and wanted[vm] < args.rows:
                    taken = calendar.timegm(time.strptime(record["hora"], "%Y-%m-%d %H:%M:%S"))
                    out.write(f"{vm} {received - taken:.3f} {record['hora']}\n")
                    out.flush()
                    wanted[vm] += 1
    short = {vm: n for vm, n in wanted.items() if n < args.rows}
    if short:
        sys.exit(f"timed out with too few rows: {short}")


if __name__ == "__main__":
    main()
