"""Records the request frames real clients send, as seeds for the request fuzzer.

A TCP proxy in front of a tributaryd whose advertised listener is the proxy: every frame a
client sends is forwarded and also written to the corpus directory.
Usage: record_frames.py LISTEN_PORT BROKER_PORT CORPUS_DIR PREFIX
"""

import hashlib
import os
import socket
import struct
import sys
import threading

listen_port, broker_port, corpus, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
os.makedirs(corpus, exist_ok=True)


def pump(source, sink, record):
    buffer = b""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
            if record:
                buffer += data
                while len(buffer) >= 4:
                    (size,) = struct.unpack(">i", buffer[:4])
                    if len(buffer) < 4 + size:
                        break
                    frame = buffer[4:4 + size]
                    buffer = buffer[4 + size:]
                    if size <= 1 << 20:
                        name = f"{prefix}-{hashlib.sha1(frame).hexdigest()[:16]}"
                        with open(os.path.join(corpus, name), "wb") as f:
                            f.write(frame)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(64)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", broker_port))
    threading.Thread(target=pump, args=(client, upstream, True), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client, False), daemon=True).start()
