"""confluent-kafka (librdkafka 2.1x wheel) against tributaryd."""

import time
import uuid

import pytest
from confluent_kafka import OFFSET_BEGINNING, TIMESTAMP_LOG_APPEND_TIME, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic


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
        batch = consumer.consume(num_messages=min(1000, count - len(messages)), timeout=timeout)
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


@pytest.mark.parametrize("compression", ["none", "zstd"])
def test_log_append_time_topic_stamps_the_broker_time(broker, compression):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-append-time-{compression}-{uuid.uuid4().hex[:8]}"
    configs = {"message.timestamp.type": "LogAppendTime"}
    for future in admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1, config=configs)]).values():
        future.result(30)
    resource = ConfigResource(ConfigResource.Type.TOPIC, name)
    described = admin.describe_configs([resource])[resource].result(30)
    assert described["message.timestamp.type"].value == "LogAppendTime"
    assert described["compression.type"].value == "producer"

    producer_time = 1_000  # 1970: far from any append time
    before = int(time.time() * 1000)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": 5,
                         "compression.type": compression})
    reports = []
    for i in range(200):
        producer.produce(name, value=b"v-%d" % i, timestamp=producer_time,
                         on_delivery=lambda error, message: reports.append((error, message.timestamp())))
    assert producer.flush(30) == 0
    after = int(time.time() * 1000)
    assert len(reports) == 200 and all(error is None for error, _ in reports)
    # The ProduceResponse's log_append_time reaches the delivery report.
    assert {kind for _, (kind, _) in reports} == {TIMESTAMP_LOG_APPEND_TIME}
    assert all(before <= stamp <= after for _, (_, stamp) in reports)

    messages = read_partition(broker.bootstrap, name, 0, 200)
    assert [m.value() for m in messages] == [b"v-%d" % i for i in range(200)]
    assert {m.timestamp()[0] for m in messages} == {TIMESTAMP_LOG_APPEND_TIME}
    assert all(before <= m.timestamp()[1] <= after for m in messages)


def test_flush_ms_is_a_topic_config_with_a_one_minute_default(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    names = [f"ck-flush-{kind}-{uuid.uuid4().hex[:8]}" for kind in ("set", "default")]
    topics = [NewTopic(names[0], num_partitions=1, replication_factor=1, config={"flush.ms": "1000"}),
              NewTopic(names[1], num_partitions=1, replication_factor=1)]
    for future in admin.create_topics(topics).values():
        future.result(30)
    resources = [ConfigResource(ConfigResource.Type.TOPIC, name) for name in names]
    described = {r.name: f.result(30) for r, f in admin.describe_configs(resources).items()}
    assert described[names[0]]["flush.ms"].value == "1000"
    assert described[names[1]]["flush.ms"].value == "60000"


def test_unsupported_topic_configs_are_refused_with_invalid_config(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    topics = [NewTopic(f"ck-bad-{key}-{uuid.uuid4().hex[:8]}", num_partitions=1, replication_factor=1, config={key: value})
              for key, value in [("message.timestamp.type", "BrokerTime"), ("compression.type", "gzip"),
                                       ("flush.ms", "-1"), ("flush.ms", "soon")]]
    for future in admin.create_topics(topics).values():
        with pytest.raises(Exception) as refused:
            future.result(30)
        assert refused.value.args[0].code() == 40  # INVALID_CONFIG


def test_incremental_alter_configs_changes_single_keys_and_the_topic_uses_them(broker):
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigSource

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-alter-{uuid.uuid4().hex[:8]}"
    configs = {"retention.ms": "5000", "segment.ms": "60000"}
    for future in admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1, config=configs)]).values():
        future.result(30)

    def alter(*entries):
        resource = ConfigResource(ConfigResource.Type.TOPIC, name, incremental_configs=list(entries))
        return admin.incremental_alter_configs([resource])[resource]

    alter(ConfigEntry("max.message.bytes", "2048", incremental_operation=AlterConfigOpType.SET),
          ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE)).result(30)
    resource = ConfigResource(ConfigResource.Type.TOPIC, name)
    described = admin.describe_configs([resource])[resource].result(30)
    assert described["max.message.bytes"].value == "2048"
    assert described["max.message.bytes"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert described["retention.ms"].value == "604800000" and described["retention.ms"].is_default
    assert described["segment.ms"].value == "60000"

    # Refusals name the bad key and change nothing.
    for entries, code in [
        ([ConfigEntry("segment.ms", "1000", incremental_operation=AlterConfigOpType.SET),
          ConfigEntry("retention.ms", "soon", incremental_operation=AlterConfigOpType.SET)], KafkaError.INVALID_CONFIG),
        ([ConfigEntry("cleanup.policy", "compact", incremental_operation=AlterConfigOpType.APPEND)], KafkaError.INVALID_CONFIG),
        ([ConfigEntry("retention.ms", "1", incremental_operation=AlterConfigOpType.APPEND)], KafkaError.INVALID_CONFIG),
    ]:
        with pytest.raises(KafkaException) as refused:
            alter(*entries).result(30)
        assert refused.value.args[0].code() == code, refused.value
    assert admin.describe_configs([resource])[resource].result(30)["segment.ms"].value == "60000"

    # The partition took the new limit at once: a batch over 2048 bytes is refused (one
    # flush each, so the two records travel in separate batches).
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    reports = []
    for value in (b"x" * 4096, b"fits"):
        producer.produce(name, value=value, on_delivery=lambda error, message: reports.append(error))
        assert producer.flush(30) == 0
    assert [e.code() if e else None for e in reports] == [KafkaError.MSG_SIZE_TOO_LARGE, None]


def test_legacy_alter_configs_replaces_the_whole_set(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-legacy-alter-{uuid.uuid4().hex[:8]}"
    for future in admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1,
                                                config={"retention.ms": "5000"})]).values():
        future.result(30)
    resource = ConfigResource(ConfigResource.Type.TOPIC, name, set_config={"segment.ms": "60000"})
    admin.alter_configs([resource])[resource].result(30)
    described = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, name)])
    configs = list(described.values())[0].result(30)
    assert configs["segment.ms"].value == "60000" and not configs["segment.ms"].is_default
    assert configs["retention.ms"].value == "604800000" and configs["retention.ms"].is_default


def test_delete_records_moves_the_low_watermark_for_every_reader(broker):
    from confluent_kafka import KafkaError, KafkaException

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-delete-records-{uuid.uuid4().hex[:8]}"
    for future in admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)]).values():
        future.result(30)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    for i in range(100):
        producer.produce(name, value=b"v-%d" % i, partition=i % 2)
    assert producer.flush(30) == 0

    futures = admin.delete_records([TopicPartition(name, 0, 30), TopicPartition(name, 1, -1)])
    low = {tp.partition: future.result(30).low_watermark for tp, future in futures.items()}
    assert low == {0: 30, 1: 50}
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": f"dr-{uuid.uuid4().hex}"})
    assert consumer.get_watermark_offsets(TopicPartition(name, 0), timeout=10) == (30, 50)
    assert consumer.get_watermark_offsets(TopicPartition(name, 1), timeout=10) == (50, 50)
    consumer.close()
    messages = read_partition(broker.bootstrap, name, 0, 20)
    assert [m.offset() for m in messages] == list(range(30, 50))
    assert messages[0].value() == b"v-60"

    # Past the high watermark is refused, and nothing moves.
    future = admin.delete_records([TopicPartition(name, 0, 51)])[TopicPartition(name, 0, 51)]
    with pytest.raises(KafkaException) as refused:
        future.result(30)
    assert refused.value.args[0].code() == KafkaError.OFFSET_OUT_OF_RANGE


def test_delete_records_survives_kill_9(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    name = f"ck-delete-records-restart-{uuid.uuid4().hex[:8]}"
    for future in admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)]).values():
        future.result(30)
    produce(broker.bootstrap, name, 10)
    list(admin.delete_records([TopicPartition(name, 0, 7)]).values())[0].result(30)
    broker.kill()
    broker.start()
    messages = read_partition(broker.bootstrap, name, 0, 3)
    assert [m.offset() for m in messages] == [7, 8, 9]
