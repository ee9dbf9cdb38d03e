"""confluent-kafka (librdkafka 2.1x wheel) against tributaryd."""

import uuid

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def produce(bootstrap, topic, count, **config):
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, **config})
    delivered = []

    def on_delivery(error, message):
        assert error is None, error
        delivered.append((message.partition(), message.offset(), message.value()))

    for i in range(count):
        producer.produce(topic, key=b"k%d" % i, value=b"v-%d" % i, headers={"i": str(i)}, on_delivery=on_delivery)
        producer.poll(0)
    assert producer.flush(30) == 0
    return delivered


def read_partition(bootstrap, topic, partition, count, timeout=30):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{uuid.uuid4().hex}",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    consumer.assign([TopicPartition(topic, partition, OFFSET_BEGINNING)])
    messages = []
    while len(messages) < count:
        batch = consumer.consume(num_messages=1000, timeout=timeout)
        assert batch, f"only {len(messages)} of {count} messages arrived"
        for message in batch:
            assert message.error() is None, message.error()
            messages.append(message)
    consumer.close()
    return messages


@pytest.mark.parametrize("compression", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_produce_and_read_back(broker, compression):
    topic = f"ck-{compression}"
    delivered = produce(broker.bootstrap, topic, 3_000, **{"compression.type": compression, "enable.idempotence": True})
    assert [offset for _, offset, _ in delivered] == list(range(3_000))
    messages = read_partition(broker.bootstrap, topic, 0, 3_000)
    assert [m.value() for m in messages] == [b"v-%d" % i for i in range(3_000)]
    assert messages[5].key() == b"k5" and messages[5].headers() == [("i", b"5")]


def test_admin_creates_and_deletes_topics(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-admin-{uuid.uuid4().hex[:8]}"
    for future in admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)]).values():
        future.result(30)
    assert len(admin.list_topics(timeout=10).topics[name].partitions) == 2
    for future in admin.delete_topics([name]).values():
        future.result(30)
    assert name not in admin.list_topics(timeout=10).topics
