"""Broker-side consume throughput: Fetch v4 over one raw socket, no client-side record work.

    fetch-throughput.py HOST:PORT TOPIC [--max-bytes N]
        reads partition 0 from the log start offset to the high watermark, one fetch of
        N bytes (default 1 MiB) at a time, and prints
        "<records> records, <bytes> bytes: <msgs/s> msgs/s, <MB/s> MB/s".
    fetch-throughput.py HOST:PORT TOPIC --stall SECONDS
        a slow consumer: pipelines fetches for everything in the partition, then reads
        64 KiB every 10 ms for SECONDS and exits; the broker must not buffer what it owes.

Only batch headers are read (record count, last offset delta), which is all a client needs
to know to ask for the next offset, so the number measures the broker and the socket.
"""

import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))
from kafka_wire import RawClient, fetch_v4, fetch_v4_records, request, skip_string, string  # noqa: E402

CLIENT_ID = "fetch-throughput"


def fetch_request(correlation_id, topic, offset, max_bytes):
    return fetch_v4(topic, 0, offset, correlation_id, max_wait_ms=500, min_bytes=1, max_bytes=max_bytes,
                    client_id=CLIENT_ID)


def list_offsets_request(correlation_id, topic, timestamp):
    body = struct.pack(">ib", -1, 0) + struct.pack(">i", 1) + string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iq", 0, timestamp)
    return request(2, 2, correlation_id, body, client_id=CLIENT_ID)


def connect(bootstrap):
    client = RawClient(bootstrap, timeout=60)
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    return client


def frame(client):
    body = client.receive_frame_view()
    if body is None:
        sys.exit("the broker closed the connection or did not answer")
    return body


def list_offset(connection, topic, timestamp):
    """ListOffsets v2 for partition 0: -1 is the high watermark, -2 the log start offset."""
    connection.send(list_offsets_request(1, topic, timestamp))
    response = frame(connection)
    at = 4 + 4 + 4  # correlation id, throttle time, topic count
    at = skip_string(response, at) + 4  # name, partition count
    _partition, error, _timestamp, offset = struct.unpack_from(">ihqq", response, at)
    if error:
        sys.exit(f"ListOffsets error {error}")
    return offset


def parse_fetch(frame):
    """Returns (records, next_offset or None, records_bytes) for partition 0 of one topic."""
    _correlation_id, error, at, end = fetch_v4_records(frame)
    if error:
        sys.exit(f"Fetch error {error}")
    size = end - at
    records = 0
    next_offset = None
    while at + 61 <= end:
        base, length = struct.unpack_from(">qi", frame, at)
        if at + 12 + length > end:
            break  # a partial batch at the end of the budget
        (last_delta,) = struct.unpack_from(">i", frame, at + 23)
        (count,) = struct.unpack_from(">i", frame, at + 57)
        records += count
        next_offset = base + last_delta + 1
        at += 12 + length
    return records, next_offset, size


def measure(bootstrap, topic, max_bytes):
    connection = connect(bootstrap)
    # From the log start: librdkafka's mock cluster keeps only a partition's newest messages.
    offset, end = list_offset(connection, topic, -2), list_offset(connection, topic, -1)
    records, total_bytes, correlation = 0, 0, 10
    started = time.perf_counter()
    while offset < end:
        connection.send(fetch_request(correlation, topic, offset, max_bytes))
        count, next_offset, size = parse_fetch(frame(connection))
        if next_offset is None:
            sys.exit(f"no progress at offset {offset}")
        records, total_bytes, offset, correlation = records + count, total_bytes + size, next_offset, correlation + 1
    elapsed = time.perf_counter() - started
    print(f"{records} records, {total_bytes} bytes: {records / elapsed:.0f} msgs/s, "
          f"{total_bytes / elapsed / 1e6:.2f} MB/s")


def stall(bootstrap, topic, seconds, max_bytes):
    connection = connect(bootstrap)
    start, end = list_offset(connection, topic, -2), list_offset(connection, topic, -1)
    # Ask for everything at once, many times over, then hardly read.
    requests = max(1, min(64, (end - start) // 1000))
    for index in range(requests):
        connection.send(fetch_request(100 + index, topic, start, max_bytes))
    deadline = time.time() + seconds
    read = 0
    while time.time() < deadline:
        read += len(connection.sock.recv(64 * 1024))
        time.sleep(0.01)
    print(f"stalled consumer read {read} bytes of {requests} pipelined fetches in {seconds} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    # Kafka's Java client and librdkafka ask for 1 MiB of a partition per fetch by default.
    parser.add_argument("--max-bytes", type=int, default=1 << 20)
    parser.add_argument("--stall", type=float, default=0)
    args = parser.parse_args()
    if args.stall:
        stall(args.bootstrap, args.topic, args.stall, args.max_bytes)
    else:
        measure(args.bootstrap, args.topic, args.max_bytes)


if __name__ == "__main__":
    main()
