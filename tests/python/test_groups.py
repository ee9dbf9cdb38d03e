"""Consumer groups with real clients: sharing, rebalancing, crash recovery, fan-out, resume."""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

HERE = os.path.dirname(os.path.abspath(__file__))


def create_topic(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)]).values():
        future.result(30)


def produce_values(bootstrap, topic, values):
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "enable.idempotence": True})
    for value in values:
        producer.produce(topic, key=value.encode(), value=value.encode())
        producer.poll(0)
    assert producer.flush(60) == 0


def consume_in_group(bootstrap, group, topic, expected, consumers=1, timeout=90, when_balanced=None):
    """Runs `consumers` confluent consumers in threads until `expected` distinct messages
    were committed; returns each consumer's committed values and final assignment.
    `when_balanced` runs once every consumer holds partitions."""
    seen = [dict() for _ in range(consumers)]
    assignments = [set() for _ in range(consumers)]
    lock = threading.Lock()
    stop = threading.Event()

    def total():
        with lock:
            return len(set().union(*[s.keys() for s in seen]))

    def run(index):
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                             "enable.auto.commit": False, "session.timeout.ms": 6000})

        def on_assign(c, partitions):
            assignments[index] = {p.partition for p in partitions}

        consumer.subscribe([topic], on_assign=on_assign)
        while not stop.is_set():
            batch = [m for m in consumer.consume(num_messages=500, timeout=0.2) if m.error() is None]
            if not batch:
                continue
            try:
                consumer.commit(asynchronous=False)
            except KafkaException:
                continue  # not ours any more: the new owner reads from the last commit
            with lock:
                for m in batch:
                    key = (m.partition(), m.offset())
                    assert key not in seen[index], f"consumer {index} read {key} twice"
                    seen[index][key] = m.value().decode()
            if total() >= expected:
                stop.set()
        consumer.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(consumers)]
    for thread in threads:
        thread.start()
    deadline = time.time() + timeout
    while not stop.is_set() and time.time() < deadline:
        if when_balanced and all(assignments):
            when_balanced()
            when_balanced = None
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(30)
    return seen, assignments


def test_three_consumers_share_six_partitions_and_read_each_message_once(broker):
    """Half the messages wait before the group forms, so they are read while it rebalances;
    the other half come once all three hold partitions. As in Kafka, a member learns of a
    rebalance from its heartbeat (commits still succeed meanwhile), which can take seconds:
    the first half alone might be read before the third member is in."""
    create_topic(broker.bootstrap, "shared", 6)
    values = [f"m{i}" for i in range(30_000)]
    produce_values(broker.bootstrap, "shared", values[:15_000])
    seen, assignments = consume_in_group(broker.bootstrap, "sharers", "shared", 30_000, consumers=3,
                                         when_balanced=lambda: produce_values(broker.bootstrap, "shared", values[15_000:]))
    keys = [k for s in seen for k in s]
    assert len(keys) == 30_000, "every message exactly once across the group"
    assert len(set(keys)) == 30_000
    assert sorted(v for s in seen for v in s.values()) == sorted(values)
    assert set().union(*assignments) == set(range(6))
    assert all(len(a) == 2 for a in assignments), assignments


def test_two_groups_each_receive_every_message(broker):
    create_topic(broker.bootstrap, "fanout", 3)
    values = [f"f{i}" for i in range(3_000)]
    produce_values(broker.bootstrap, "fanout", values)
    for group in ("fan-a", "fan-b"):
        seen, _ = consume_in_group(broker.bootstrap, group, "fanout", 3_000)
        assert sorted(seen[0].values()) == sorted(values)


def test_a_group_resumes_from_its_committed_offsets_after_a_broker_restart(broker_factory):
    broker = broker_factory().start()
    create_topic(broker.bootstrap, "resume", 2)
    produce_values(broker.bootstrap, "resume", [f"r{i}" for i in range(1_000)])
    first, _ = consume_in_group(broker.bootstrap, "resumers", "resume", 1_000)
    assert len(first[0]) == 1_000
    broker.kill()  # committed offsets must survive even a crash
    broker.start()
    produce_values(broker.bootstrap, "resume", [f"s{i}" for i in range(500)])
    second, _ = consume_in_group(broker.bootstrap, "resumers", "resume", 500)
    assert sorted(second[0].values()) == sorted(f"s{i}" for i in range(500))


def read_log(path):
    """([(partition, offset, time)], [(partition, committed offset, time)]) from a consumer's log."""
    messages, commits = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 5 and parts[0] == "M":
                messages.append((int(parts[1]), int(parts[2]), float(parts[4])))
            elif len(parts) == 4 and parts[0] == "C":
                commits.append((int(parts[1]), int(parts[2]), float(parts[3])))
    return messages, commits


def test_rebalance_on_join_and_failover_after_sigkill(broker, tmp_path):
    create_topic(broker.bootstrap, "failover", 6)
    produce_values(broker.bootstrap, "failover", [f"a{i}" for i in range(12_000)])

    def start(index):
        out = tmp_path / f"consumer-{index}.log"
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "group_consumer.py"), "--bootstrap", broker.bootstrap,
                                    "--group", "failover-group", "--topic", "failover", "--out", str(out)])
        return process, out

    consumers = [start(i) for i in range(3)]
    try:
        def consumed():
            return {(p, o) for _, out in consumers if out.exists() for p, o, _ in read_log(out)[0]}

        deadline = time.time() + 60
        while len(consumed()) < 6_000 and time.time() < deadline:
            time.sleep(0.2)
        consumers.append(start(3))  # a fourth member: the group rebalances
        time.sleep(3)
        victim, victim_log = consumers[0]
        victim.send_signal(signal.SIGKILL)  # its partitions move after the session timeout
        victim.wait()
        produce_values(broker.bootstrap, "failover", [f"b{i}" for i in range(12_000)])
        deadline = time.time() + 90
        while len(consumed()) < 24_000 and time.time() < deadline:
            time.sleep(0.2)
        assert len(consumed()) == 24_000, f"only {len(consumed())} of 24000 consumed"
        # A message may be read twice only if no commit had covered it when it was read again.
        reads, commits = [], []
        for _, out in consumers:
            messages, committed = read_log(out)
            reads += messages
            commits += committed
        seen = set()
        for p, o, t in sorted(reads, key=lambda r: r[2]):
            if (p, o) in seen:
                covering = [c for c in commits if c[0] == p and c[1] > o and c[2] < t]
                assert not covering, f"{(p, o)} read again at {t} after commit {covering[0]}"
            seen.add((p, o))
        survivors = [read_log(out)[0] for _, out in consumers[1:]]
        assert all(survivors), "every surviving consumer got partitions"
    finally:
        for process, _ in consumers:
            process.kill()
            process.wait()


def test_kafka_python_group_subscribe_consume_commit(broker):
    from kafka import KafkaConsumer, KafkaProducer

    producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
    for i in range(300):
        producer.send("kp-group", value=b"kp-%d" % i)
    producer.flush()
    consumer = KafkaConsumer("kp-group", bootstrap_servers=broker.bootstrap, group_id="kp-g",
                             auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=15_000)
    values = [m.value for m in itertools.islice(consumer, 300)]
    consumer.commit()
    consumer.close()
    assert values == [b"kp-%d" % i for i in range(300)]
    for i in range(300, 310):
        producer.send("kp-group", value=b"kp-%d" % i)
    producer.flush()
    consumer = KafkaConsumer("kp-group", bootstrap_servers=broker.bootstrap, group_id="kp-g",
                             auto_offset_reset="earliest", consumer_timeout_ms=15_000)
    assert [m.value for m in itertools.islice(consumer, 10)] == [b"kp-%d" % i for i in range(300, 310)]
    consumer.close()


def test_aiokafka_group_subscribe_consume_commit(broker):
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    async def scenario():
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
        await producer.start()
        for i in range(200):
            await producer.send("aio-group", value=b"ag-%d" % i)
        await producer.flush()

        async def consume(count):
            consumer = AIOKafkaConsumer("aio-group", bootstrap_servers=broker.bootstrap, group_id="aio-g",
                                        auto_offset_reset="earliest", enable_auto_commit=False)
            await consumer.start()
            values = []
            try:
                while len(values) < count:
                    batch = await asyncio.wait_for(consumer.getmany(timeout_ms=1000), 30)
                    for messages in batch.values():
                        values += [m.value for m in messages]
                await consumer.commit()
            finally:
                await consumer.stop()
            return values

        first = await consume(200)
        for i in range(200, 205):
            await producer.send("aio-group", value=b"ag-%d" % i)
        await producer.stop()
        second = await consume(5)
        return first, second

    first, second = asyncio.run(scenario())
    assert first == [b"ag-%d" % i for i in range(200)]
    assert second == [b"ag-%d" % i for i in range(200, 205)]


def test_kcat_balanced_consumer(broker):
    subprocess.run(["kcat", "-b", broker.bootstrap, "-P", "-t", "kcat-group"], input=b"one\ntwo\nthree\n", check=True)
    run = lambda: subprocess.run(["kcat", "-b", broker.bootstrap, "-G", "kcat-g", "-X", "auto.offset.reset=earliest",
                                  "-e", "-f", "%s\n", "kcat-group"], capture_output=True, timeout=60, check=True)
    assert run().stdout.split() == [b"one", b"two", b"three"]
    subprocess.run(["kcat", "-b", broker.bootstrap, "-P", "-t", "kcat-group"], input=b"four\n", check=True)
    assert run().stdout.split() == [b"four"]  # resumed from the committed offset


def test_static_members_rejoin_without_a_rebalance_and_a_duplicate_instance_is_fenced(broker):
    """KIP-345 with librdkafka: a restarted static member gets its partitions back while the
    other member keeps consuming undisturbed; the instance it replaced is fenced (fatal)."""
    topic = f"static-{uuid.uuid4().hex[:6]}"
    create_topic(broker.bootstrap, topic, 2)
    revocations = {"a": 0, "b": 0}

    def member(instance):
        consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": f"{topic}-group",
                             "group.instance.id": instance, "session.timeout.ms": 10000,
                             "auto.offset.reset": "earliest"})
        def revoked(_, partitions):
            if partitions:
                revocations[instance] += 1
        consumer.subscribe([topic], on_revoke=revoked)
        return consumer

    def wait_assigned(consumers, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for consumer in consumers:
                consumer.poll(0.1)
            if all(consumer.assignment() for consumer in consumers):
                return [sorted(p.partition for p in consumer.assignment()) for consumer in consumers]
        raise AssertionError("members never got partitions")

    a, b = member("a"), member("b")
    first_a, first_b = wait_assigned([a, b])
    assert sorted(first_a + first_b) == [0, 1]
    revocations.update(a=0, b=0)

    # A second process with instance "a" joins while the first still runs.
    a2 = member("a")
    (again_a,) = wait_assigned([a2])
    assert again_a == first_a
    fenced = None
    deadline = time.time() + 30
    while fenced is None and time.time() < deadline:
        b.poll(0.1)
        try:
            message = a.poll(0.1)
            # The message's error carries code _FATAL (its fatal() flag is not set on it).
            if message is not None and message.error() and message.error().code() == KafkaError._FATAL:
                fenced = message.error()
        except KafkaException as error:
            fenced = error.args[0]
    assert fenced is not None and "fenced by other consumer with same group.instance.id" in str(fenced), fenced
    assert sorted(p.partition for p in b.assignment()) == first_b and revocations["b"] == 0, "b was rebalanced"
    for consumer in (a2, b):
        consumer.close()
