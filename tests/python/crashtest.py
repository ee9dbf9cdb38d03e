"""Kill tributaryd with SIGKILL at random moments under load, restart it, and check after
every cycle that every acknowledged record is there exactly once and in order, that
committed offsets never move backwards, and that the broker starts cleanly.

Run by `make crashtest` (CYCLES, default 20) and, with 3 cycles, by `make test`."""

import collections
import os
import random
import subprocess
import sys
import tempfile
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import Broker  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOPIC, PARTITIONS, GROUP = "crash", 3, "crash-group"


def read_all(bootstrap):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "crash-verifier", "enable.auto.commit": False})
    records = {}
    for partition in range(PARTITIONS):
        low, high = consumer.get_watermark_offsets(TopicPartition(TOPIC, partition), timeout=30)
        consumer.assign([TopicPartition(TOPIC, partition, OFFSET_BEGINNING)])
        values = []
        while len(values) < high - low:
            batch = consumer.consume(num_messages=10_000, timeout=10)
            assert batch, f"partition {partition}: read {len(values)} of {high - low}"
            for message in batch:
                assert message.error() is None, message.error()
                values.append((message.offset(), message.value().decode()))
        records[partition] = values
    consumer.close()
    return records


def committed(bootstrap):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP})
    offsets = consumer.committed([TopicPartition(TOPIC, p) for p in range(PARTITIONS)], timeout=30)
    consumer.close()
    return {tp.partition: tp.offset for tp in offsets}


def run(cycles, seed=None):
    seed = seed if seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"crashtest: {cycles} cycles, seed {seed}", flush=True)
    work = tempfile.mkdtemp(prefix="tributary-crashtest-")
    broker = Broker(os.path.join(work, "data"))
    acked_log = os.path.join(work, "acked.log")
    commit_log = os.path.join(work, "commits.log")
    last_committed = {}
    try:
        broker.start()
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        admin.create_topics([NewTopic(TOPIC, num_partitions=PARTITIONS, replication_factor=1)])[TOPIC].result(30)
        for cycle in range(cycles):
            clients = [
                subprocess.Popen([sys.executable, os.path.join(HERE, "crash_clients.py"), "produce", broker.bootstrap, TOPIC, f"c{cycle}", acked_log]),
                subprocess.Popen([sys.executable, os.path.join(HERE, "crash_clients.py"), "consume", broker.bootstrap, TOPIC, GROUP, commit_log]),
            ]
            time.sleep(rng.uniform(1.0, 3.0))
            broker.kill()
            for client in clients:
                client.kill()
                client.wait()
            started = time.time()
            broker.start()
            ready = time.time() - started
            records = read_all(broker.bootstrap)
            # Every acknowledged record: present once, at the offset it was acknowledged with.
            present = collections.Counter(value for values in records.values() for _, value in values)
            duplicates = [value for value, count in present.items() if count > 1]
            assert not duplicates, f"cycle {cycle}: duplicated records {duplicates[:5]}"
            by_offset = {(p, offset): value for p, values in records.items() for offset, value in values}
            acked = 0
            with open(acked_log) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) != 3:
                        continue  # the producer died mid-line
                    partition, offset, value = int(parts[0]), int(parts[1]), parts[2]
                    assert by_offset.get((partition, offset)) == value, \
                        f"cycle {cycle}: acknowledged {value} at {partition}@{offset} is {by_offset.get((partition, offset))!r}"
                    acked += 1
            # Per partition, each producer's records are in the order it sent them.
            for partition, values in records.items():
                last = {}
                for _, value in values:
                    tag, seq = value.rsplit("-", 1)
                    assert int(seq) > last.get(tag, -1), f"cycle {cycle}: {value} out of order in partition {partition}"
                    last[tag] = int(seq)
            # Committed offsets never move backwards.
            now = committed(broker.bootstrap)
            if os.path.exists(commit_log):
                with open(commit_log) as f:
                    for line in f:
                        parts = line.split()
                        if len(parts) == 2:
                            p, offset = int(parts[0]), int(parts[1])
                            last_committed[p] = max(last_committed.get(p, -1), offset)
            for p, offset in last_committed.items():
                assert now.get(p, -1) >= offset, f"cycle {cycle}: partition {p} committed {now.get(p)} < acknowledged commit {offset}"
            total = sum(len(v) for v in records.values())
            print(f"cycle {cycle + 1}/{cycles}: {acked} acknowledged records verified, {total} in the log, "
                  f"committed {dict(sorted(now.items()))}, ready in {ready:.2f} s", flush=True)
        assert broker.stop() == 0, "tributaryd did not stop cleanly"
    finally:
        broker.kill()
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    run(int(os.environ.get("CYCLES", "20")), int(os.environ["SEED"]) if "SEED" in os.environ else None)
