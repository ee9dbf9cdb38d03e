"""Raw loopback TCP throughput: one sender process, one receiver process, 1 MiB writes,
reads into a reused buffer (no per-read allocation, no shared interpreter lock).
Prints MB/s (10^6 bytes per second, as the benchmark tables do)."""

import os
import socket
import sys
import time

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 2 << 30
CHUNK = 1 << 20

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]

child = os.fork()
if child == 0:
    server.close()
    client = socket.create_connection(("127.0.0.1", port))
    payload = b"x" * CHUNK
    sent = 0
    while sent < TOTAL:
        client.sendall(payload)
        sent += CHUNK
    client.close()
    os._exit(0)

connection, _ = server.accept()
buffer = bytearray(4 << 20)
view = memoryview(buffer)
received = 0
start = time.perf_counter()
while True:
    n = connection.recv_into(view)
    if n == 0:
        break
    received += n
elapsed = time.perf_counter() - start
os.waitpid(child, 0)
print(f"{received / elapsed / 1e6:.0f}")
