"""Sends bytes over one TCP connection on 127.0.0.1 as fast as it can for a while and
prints how many went through, so that 20-agent.sh can tell how much loopback traffic
the agent had to leave out of red_rx_kib_s / red_tx_kib_s.

Usage: loopback_blast.py SECONDS
"""

import socket
import sys
import threading
import time


def drain(listener: socket.socket, received: list) -> None:
    conn, _ = listener.accept()
    with conn:
        while chunk := conn.recv(1 << 20):
            received[0] += len(chunk)


def main() -> None:
    seconds = float(sys.argv[1])
    listener = socket.create_server(("127.0.0.1", 0))
    received = [0]
    reader = threading.Thread(target=drain, args=(listener, received))
    reader.start()
    block = b"\0" * (1 << 20)
    with socket.create_connection(listener.getsockname()) as conn:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            conn.sendall(block)
    reader.join()
    listener.close()
    print(received[0])


if __name__ == "__main__":
    main()
