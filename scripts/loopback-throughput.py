"""Raw loopback TCP throughput: one sender, one receiver, 64 KiB writes. Prints MB/s."""

import socket
import sys
import threading
import time

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 2 << 30
CHUNK = 64 * 1024

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]
received = 0


def receive():
    global received
    connection, _ = server.accept()
    while True:
        data = connection.recv(1 << 20)
        if not data:
            break
        received += len(data)


thread = threading.Thread(target=receive)
thread.start()
client = socket.create_connection(("127.0.0.1", port))
payload = b"x" * CHUNK
start = time.perf_counter()
sent = 0
while sent < TOTAL:
    client.sendall(payload)
    sent += CHUNK
client.close()
thread.join()
elapsed = time.perf_counter() - start
print(f"{received / elapsed / 1048576:.0f}")
