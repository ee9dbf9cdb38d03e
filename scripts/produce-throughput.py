"""Broker-side produce throughput: Produce v3 over one raw socket, without a client library.

    produce-throughput.py HOST:PORT TOPIC [--size 1024] [--batch 64] [--acks -1]
                          [--in-flight 8] [--megabytes 512]

Builds one uncompressed RecordBatch of `--batch` records of `--size` bytes and sends it again
and again (the broker assigns each copy its own offsets; the CRC does not cover the base
offset), keeping `--in-flight` requests pipelined. Prints
"<records> records, <bytes> bytes: <msgs/s> msgs/s, <MB/s> MB/s". With librdkafka out of the
way, this is what the broker (and, with acks=-1, its fsync) can take.
"""

import argparse
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))
from kafka_wire import RawClient, parse_produce_v3, produce_v3, record_batch  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--acks", type=int, default=-1)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--megabytes", type=int, default=512)
    args = parser.parse_args()

    batch = record_batch([os.urandom(args.size) for _ in range(args.batch)])
    requests = max(1, args.megabytes * 1024 * 1024 // len(batch))
    client = RawClient(args.bootstrap, timeout=60)
    client.sock.sendall(produce_v3(args.topic, 0, batch, acks=args.acks, correlation_id=0))
    _, results = parse_produce_v3(client.receive_frame())  # creates the topic if needed; warms up
    if results[0][2] != 0:
        sys.exit(f"Produce error {results[0][2]}")

    frames = [produce_v3(args.topic, 0, batch, acks=args.acks, correlation_id=index + 1) for index in range(args.in_flight)]
    sent = answered = 0
    started = time.perf_counter()
    while answered < requests:
        while sent < requests and sent - answered < args.in_flight:
            client.sock.sendall(frames[sent % args.in_flight])
            sent += 1
        _, results = parse_produce_v3(client.receive_frame())
        if results[0][2] != 0:
            sys.exit(f"Produce error {results[0][2]}")
        answered += 1
    elapsed = time.perf_counter() - started
    records, size = requests * args.batch, requests * len(batch)
    print(f"{records} records, {size} bytes: {records / elapsed:.0f} msgs/s, {size / elapsed / 1e6:.2f} MB/s")


if __name__ == "__main__":
    main()
