"""Load: 1,000 idle connections, 50 producers, a 10-consumer group, a topic with 1,000
partitions and a consumer that stops reading — while a separate client checks that a
metadata request still answers within 100 ms and the broker's memory stays bounded.

Run by `make loadtest` (DURATION seconds, default 30)."""

import os
import resource
import socket
import statistics
import struct
import sys
import tempfile
import threading
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import Broker  # noqa: E402
from kafka_wire import RawClient, request, string  # noqa: E402

IDLE, PRODUCERS, CONSUMERS = 1000, 50, 10


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(duration):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    work = tempfile.mkdtemp(prefix="tributary-load-")
    broker = Broker(os.path.join(work, "data"))
    stop = threading.Event()
    threads, idle = [], []
    try:
        broker.start()
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        for name, partitions in (("load", 6), ("wide", 1000)):
            admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])[name].result(60)
        for _ in range(IDLE):
            client = RawClient(broker.bootstrap)
            client.send(request(18, 0, 1, b""))
            assert client.receive_frame() is not None
            idle.append(client)
        produced = [0]

        def produce(index):
            producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 20, "acks": "all"})
            topic = "wide" if index % 5 == 0 else "load"
            while not stop.is_set():
                try:
                    producer.produce(topic, value=b"x" * 200)
                    produced[0] += 1
                except BufferError:
                    producer.poll(0.05)
                producer.poll(0)
                time.sleep(0.001)
            producer.flush(10)

        consumed = [0]

        def consume(stalled):
            consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "stalled" if stalled else "load-group",
                                 "auto.offset.reset": "earliest"})
            consumer.subscribe(["load"])
            while not stop.is_set():
                if stalled:
                    time.sleep(0.5)  # joined, then never reads: its backlog grows
                    consumer.poll(0)
                    continue
                for message in consumer.consume(500, 0.2):
                    if message.error() is None:
                        consumed[0] += 1
            consumer.close()

        for i in range(PRODUCERS):
            threads.append(threading.Thread(target=produce, args=(i,)))
        for i in range(CONSUMERS):
            threads.append(threading.Thread(target=consume, args=(False,)))
        threads.append(threading.Thread(target=consume, args=(True,)))
        for thread in threads:
            thread.start()

        probe = RawClient(broker.bootstrap)
        latencies, memory = [], []
        deadline = time.time() + duration
        correlation = 0
        metadata_v1 = struct.pack(">i", 1) + string("load")
        while time.time() < deadline:
            correlation += 1
            started = time.perf_counter()
            probe.send(request(3, 1, correlation, metadata_v1))
            assert probe.receive_frame() is not None, "metadata probe got no answer"
            latencies.append((time.perf_counter() - started) * 1000)
            memory.append(rss_mb(broker.process.pid))
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(30)
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(f"{IDLE} idle connections, {PRODUCERS} producers, {CONSUMERS}+1 consumers, {duration} s: "
              f"{produced[0]} produced, {consumed[0]} consumed; metadata p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms; broker RSS max {max(memory):.0f} MB", flush=True)
        assert p99 < 100, f"metadata p99 {p99:.1f} ms"
        assert max(memory) < 300, f"broker RSS {max(memory):.0f} MB"
        assert broker.stop() == 0
    finally:
        stop.set()
        for client in idle:
            client.close()
        broker.kill()
        os.system(f"rm -rf {work}")


if __name__ == "__main__":
    main(int(os.environ.get("DURATION", "30")))
