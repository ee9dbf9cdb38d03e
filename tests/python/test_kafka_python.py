"""kafka-python 3.x (pure Python; idempotent producer by default) against tributaryd."""

import itertools
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import NotEnoughReplicasError


@pytest.mark.parametrize("compression", [None, "gzip", "snappy", "lz4", "zstd"])
def test_produce_and_read_back(broker, compression):
    topic = f"kp-{compression or 'none'}"
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, compression_type=compression, acks="all",
                             linger_ms=5)
    futures = [producer.send(topic, key=b"k%d" % i, value=b"value-%d-" % i + b"z" * (i % 50),
                             headers=[("h", b"%d" % i)]) for i in range(2_000)]
    producer.flush()
    offsets = [f.get(timeout=30).offset for f in futures]
    assert offsets == list(range(2_000))
    producer.close()

    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=15_000)
    consumer.assign([TopicPartition(topic, 0)])
    consumer.seek_to_beginning()
    messages = list(itertools.islice(consumer, 2_000))
    consumer.close()
    assert [m.offset for m in messages] == list(range(2_000))
    assert [m.value for m in messages] == [b"value-%d-" % i + b"z" * (i % 50) for i in range(2_000)]
    assert [m.key for m in messages][:3] == [b"k0", b"k1", b"k2"]
    assert messages[7].headers == [("h", b"7")]


def test_admin_creates_and_deletes_topics(broker):
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    name = f"kp-admin-{uuid.uuid4().hex[:8]}"
    admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1, topic_configs={"retention.ms": "3600000"})])
    assert name in admin.list_topics()
    described = admin.describe_topics([name])
    assert len(described[0]["partitions"]) == 3
    admin.delete_topics([name])
    assert name not in admin.list_topics()
    admin.close()


def create_topic(broker, prefix, configs):
    """A fresh one-partition topic with these topic configs; returns its name."""
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1, topic_configs=configs)])
    admin.close()
    return name


def test_log_append_time_topic_reports_and_serves_the_broker_time(broker):
    name = create_topic(broker, "kp-append-time", {"message.timestamp.type": "LogAppendTime"})
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks=1, linger_ms=5)
    futures = [producer.send(name, value=b"v-%d" % i, timestamp_ms=1_000) for i in range(50)]
    producer.flush()
    stamps = {f.get(timeout=30).timestamp for f in futures}
    producer.close()
    assert len(stamps) >= 1 and all(stamp > 1_000_000_000_000 for stamp in stamps)

    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=15_000)
    consumer.assign([TopicPartition(name, 0)])
    messages = list(itertools.islice(consumer, 50))
    consumer.close()
    assert [m.timestamp_type for m in messages] == [1] * 50  # 1: LogAppendTime
    assert {m.timestamp for m in messages} <= stamps


def test_min_insync_replicas_above_one_fails_acks_all_only(broker):
    # One broker is the only in-sync replica: Kafka answers acks=all with NOT_ENOUGH_REPLICAS.
    name = create_topic(broker, "kp-min-isr", {"min.insync.replicas": "2"})
    strict = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", retries=0, enable_idempotence=False)
    with pytest.raises(NotEnoughReplicasError):
        strict.send(name, value=b"refused").get(timeout=30)
    strict.close()
    leader_only = KafkaProducer(bootstrap_servers=broker.bootstrap, acks=1)
    assert leader_only.send(name, value=b"kept").get(timeout=30).offset == 0
    leader_only.close()


@pytest.mark.parametrize("incremental", [True, False])
def test_alter_configs_sets_one_key_and_keeps_the_others(broker, incremental):
    # Without IncrementalAlterConfigs, kafka-python re-sends every other dynamic key itself.
    from kafka.admin import ConfigResource, ConfigResourceType

    name = create_topic(broker, "kp-alter", {"retention.ms": "5000"})
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    result = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, configs={"segment.ms": "60000"})],
                                 incremental=incremental)
    assert result == {"topic": {name: "OK"}}
    refused = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, configs={"retention.ms": "soon"})],
                                  incremental=incremental)
    assert "InvalidConfig" in refused["topic"][name] and "retention.ms" in refused["topic"][name]
    # Only the keys that differ from their defaults: both overrides, nothing else.
    modified = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])["topic"][name]
    assert sorted(modified) == ["retention.ms", "segment.ms"], modified
    assert modified["segment.ms"]["value"] == "60000" and modified["retention.ms"]["value"] == "5000"
    admin.close()


def test_delete_records_then_read_from_the_new_start(broker):
    name = create_topic(broker, "kp-delete-records", {})
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    for i in range(20):
        producer.send(name, value=b"v-%d" % i, partition=0)
    producer.flush(30)
    producer.close()
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    result = admin.delete_records({TopicPartition(name, 0): 12})
    assert [entry["low_watermark"] for entry in result.values()] == [12], result
    admin.close()
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    partition = TopicPartition(name, 0)
    consumer.assign([partition])
    assert consumer.beginning_offsets([partition]) == {partition: 12}
    consumer.seek_to_beginning(partition)
    values = [message.value for message in itertools.islice(consumer, 8)]
    assert values == [b"v-%d" % i for i in range(12, 20)]
    consumer.close()
