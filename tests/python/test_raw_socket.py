"""Hostile and broken clients: each gets Kafka's error or a closed connection, and the broker
keeps serving everyone else."""

import os
import resource
import struct
import time

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_wire import (RawClient, fetch_v4, parse_fetch_v4, parse_produce_v3, produce_v3, read_string, record_batch,
                        request, string)


def api_versions_works(broker):
    client = RawClient(broker.bootstrap)
    client.send(request(18, 0, 77, b""))
    frame = client.receive_frame()
    client.close()
    if frame is None:
        return False
    correlation_id, error_code = struct.unpack_from(">ih", frame, 0)
    return correlation_id == 77 and error_code == 0


def test_api_versions_v0_lists_produce_and_fetch(broker):
    client = RawClient(broker.bootstrap)
    client.send(request(18, 0, 5, b""))
    frame = client.receive_frame()
    correlation_id, error_code, count = struct.unpack_from(">ihi", frame, 0)
    assert (correlation_id, error_code) == (5, 0)
    table = {}
    for index in range(count):
        key, low, high = struct.unpack_from(">hhh", frame, 10 + index * 6)
        table[key] = (low, high)
    assert table[0][0] <= 3 <= table[0][1]  # Produce contains 3
    assert table[1][0] <= 4 <= table[1][1]  # Fetch contains 4


def test_too_new_api_versions_gets_v0_unsupported_version_with_the_table(broker):
    client = RawClient(broker.bootstrap)
    client.send(request(18, 99, 6, b"\x00\x00\x00"))
    frame = client.receive_frame()
    correlation_id, error_code, count = struct.unpack_from(">ihi", frame, 0)
    assert (correlation_id, error_code) == (6, 35)
    assert count >= 10


@pytest.mark.parametrize("prefix", [
    struct.pack(">i", -1),
    struct.pack(">i", -2_000_000_000),
    struct.pack(">i", 200 * 1024 * 1024),
])
def test_invalid_frame_sizes_close_the_connection(broker, prefix):
    client = RawClient(broker.bootstrap)
    client.send(prefix + b"\x01\x02\x03")
    assert client.closed_by_broker()
    assert api_versions_works(broker)


def test_garbage_body_closes_only_that_connection(broker):
    bystander = RawClient(broker.bootstrap)
    hostile = RawClient(broker.bootstrap)
    garbage = os.urandom(300)
    hostile.send(struct.pack(">i", len(garbage)) + garbage)
    assert hostile.closed_by_broker()
    bystander.send(request(18, 0, 9, b""))
    assert struct.unpack_from(">i", bystander.receive_frame(), 0)[0] == 9


def test_unknown_api_key_closes_the_connection(broker):
    client = RawClient(broker.bootstrap)
    client.send(request(999, 0, 1, b""))
    assert client.closed_by_broker()
    assert api_versions_works(broker)


def test_wrong_crc_is_corrupt_message(broker):
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("raw-crc", 0, record_batch([b"hello"], corrupt_crc=True)))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 2  # CORRUPT_MESSAGE
    client.send(produce_v3("raw-crc", 0, record_batch([b"hello"]), correlation_id=2))
    correlation_id, results = parse_produce_v3(client.receive_frame())
    assert correlation_id == 2 and results[0][2:] == (0, 0)


@pytest.mark.parametrize("declared", [2, 4])
def test_a_batch_whose_records_disagree_with_its_count_is_invalid_record(broker, declared):
    # The CRC checks out; only walking the records shows three where the header says otherwise.
    topic = f"raw-count-{declared}"
    client = RawClient(broker.bootstrap)
    client.send(produce_v3(topic, 0, record_batch([b"a", b"b", b"c"], declared_count=declared)))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 87  # INVALID_RECORD
    # Nothing was stored, and the connection still serves.
    client.send(produce_v3(topic, 0, record_batch([b"a", b"b", b"c"]), correlation_id=2))
    correlation_id, results = parse_produce_v3(client.receive_frame())
    assert correlation_id == 2 and results[0][2:] == (0, 0)


def test_oversized_batch_is_message_too_large(broker):
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("raw-big", 0, record_batch([b"x" * (1024 * 1024 + 100)])))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 10  # MESSAGE_TOO_LARGE


def test_illegal_topic_name_is_invalid_topic(broker):
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("no spaces!", 0, record_batch([b"x"])))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 17  # INVALID_TOPIC_EXCEPTION


def test_invalid_acks_is_invalid_required_acks(broker):
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("raw-acks", 0, record_batch([b"x"]), acks=5))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 21  # INVALID_REQUIRED_ACKS


def test_a_failed_acks_0_produce_closes_the_connection(broker):
    """acks=0 gets no response, so (as in Kafka) a failure closes the connection instead:
    the producer notices and refreshes its metadata. A good acks=0 produce keeps it open."""
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("raw-acks0", 0, record_batch([b"fine"]), acks=0))
    client.send(produce_v3("raw-acks0", 0, record_batch([b"x"]), acks=1, correlation_id=2))
    correlation_id, results = parse_produce_v3(client.receive_frame())
    assert correlation_id == 2 and results[0][2:] == (0, 1)  # the acks=0 batch went in first
    client.send(produce_v3("raw-acks0", 99, record_batch([b"lost"]), acks=0, correlation_id=3))
    assert client.closed_by_broker()
    assert api_versions_works(broker)


def test_truncated_request_body_closes_the_connection(broker):
    client = RawClient(broker.bootstrap)
    frame = produce_v3("raw-trunc", 0, record_batch([b"hello"]))
    body = frame[4:-20]
    client.send(struct.pack(">i", len(body)) + body)
    assert client.closed_by_broker()
    assert api_versions_works(broker)


def test_limit_flags_take_effect(broker_factory):
    broker = broker_factory(["--message-max-bytes", "2000", "--max-connections", "3"]).start()
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("raw-limits", 0, record_batch([b"x" * 1500])))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 0
    client.send(produce_v3("raw-limits", 0, record_batch([b"x" * 2500]), correlation_id=2))
    _, results = parse_produce_v3(client.receive_frame())
    assert results[0][2] == 10  # MESSAGE_TOO_LARGE under --message-max-bytes 2000
    others = [RawClient(broker.bootstrap) for _ in range(3)]
    assert others[-1].closed_by_broker(), "the fourth connection is over --max-connections 3"
    for other in others:
        other.close()
    client.close()
    # Closed connections leave the broker's count asynchronously; then new ones are served.
    deadline = time.time() + 10
    while not api_versions_works(broker) and time.time() < deadline:
        time.sleep(0.05)
    assert api_versions_works(broker)


@pytest.mark.parametrize("flag", ["--max-in-flight-bytes", "--max-in-flight-requests", "--max-connections",
                                  "--message-max-bytes", "--socket-request-max-bytes", "--flush-threads"])
@pytest.mark.parametrize("value", ["0", "lots"])
def test_limit_flags_reject_nonsense(broker_factory, flag, value):
    broker = broker_factory([flag, value])
    with pytest.raises(RuntimeError, match="must be a positive integer"):
        broker.start()


@pytest.mark.parametrize("value", ["-2", "lots"])
def test_write_cache_bytes_rejects_nonsense(broker_factory, value):
    broker = broker_factory(["--write-cache-bytes", value])
    with pytest.raises(RuntimeError, match="--write-cache-bytes must be -1 or a non-negative integer"):
        broker.start()


def test_one_flush_thread_serves_every_partition(broker_factory):
    broker = broker_factory(["--flush-threads", "1"]).start()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic("one-flusher", num_partitions=8, replication_factor=1)])["one-flusher"].result(30)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    delivered = []
    for partition in range(8):
        for _ in range(20):
            producer.produce("one-flusher", b"x", partition=partition, on_delivery=lambda err, msg: delivered.append(err))
    assert producer.flush(30) == 0
    assert delivered == [None] * 160


def test_the_open_file_limit_is_raised_to_the_hard_limit(broker_factory):
    # A login shell's 1,024 would cap a broker's connections and segment files.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    broker = broker_factory().start(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)))
    with open(f"/proc/{broker.process.pid}/limits") as limits:
        line = next(line for line in limits if line.startswith("Max open files"))
    soft = int(line.split()[3])
    # An unlimited hard limit is capped by the kernel's nr_open.
    assert soft == hard if hard != resource.RLIM_INFINITY else soft > 256, line
    assert "open-file limit" in broker.log()


def test_an_open_file_limit_too_low_for_max_connections_is_named_at_start(broker_factory):
    # A hard limit below --max-connections cannot be raised past: the broker still starts,
    # and says what to raise.
    broker = broker_factory().start(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)))
    assert api_versions_works(broker)
    assert "open-file limit 256 (hard 256) is below --max-connections 10000" in broker.log()


def test_write_cache_bytes_takes_minus_one_as_a_value(broker_factory):
    # -1 (keep every written page cached) must not be parsed as a flag.
    broker = broker_factory(["--write-cache-bytes", "-1"]).start()
    assert api_versions_works(broker)


def test_pipelined_produce_requests_append_in_request_order(broker):
    # Kafka appends a connection's requests in the order they were sent; librdkafka keeps
    # several produce requests in flight and relies on it. Large and tiny batches alternate,
    # so a tiny one would overtake the large one before it if appends raced.
    client = RawClient(broker.bootstrap)
    large = record_batch([b"x" * 4096] * 128)
    tiny = record_batch([b"y"])
    requests = 120
    client.send(b"".join(
        produce_v3("raw-order", 0, large if i % 2 == 0 else tiny, acks=1, correlation_id=i)
        for i in range(requests)))
    offsets = []
    for i in range(requests):
        correlation_id, results = parse_produce_v3(client.receive_frame())
        assert correlation_id == i and results[0][2] == 0
        offsets.append(results[0][3])
    client.close()
    expected = [sum(128 if j % 2 == 0 else 1 for j in range(i)) for i in range(requests)]
    assert offsets == expected


def offset_commit_v2(group, topic, partition, offset, correlation_id, generation=-1, member=""):
    body = string(group) + struct.pack(">i", generation) + string(member) + struct.pack(">q", -1)
    body += struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1) + struct.pack(">iq", partition, offset) + string(None)
    return request(8, 2, correlation_id, body)


def client_with_topic(broker, topic):
    """A raw connection, after producing one record so that `topic` exists."""
    client = RawClient(broker.bootstrap)
    client.send(produce_v3(topic, 0, record_batch([b"x"]), acks=1))
    assert parse_produce_v3(client.receive_frame())[1][0][2] == 0
    return client


def committed_offset_v1(client, group, topic, partition):
    client.send(request(9, 1, 9999, string(group) + struct.pack(">i", 1) + string(topic) + struct.pack(">ii", 1, partition)))
    frame = client.receive_frame()
    at = 8 + 2 + len(topic) + 4  # correlation id, topic count, topic name, partition count
    _partition, offset = struct.unpack_from(">iq", frame, at)
    return offset


def test_a_fetch_pipelined_behind_a_produce_sees_it(broker):
    # Kafka handles a connection's requests one at a time, so a Fetch sent right behind a
    # Produce on the same connection finds the produced batch, even with max wait 0.
    topic = "raw-read-your-writes"
    client = client_with_topic(broker, topic)
    for round in range(300):
        offset = round + 1
        client.send(produce_v3(topic, 0, record_batch([b"x" * 100_000]), acks=1, correlation_id=2 * round)
                    + fetch_v4(topic, 0, offset, correlation_id=2 * round + 1))
        _, results = parse_produce_v3(client.receive_frame())
        assert results[0][2:] == (0, offset)
        correlation_id, error_code, bases = parse_fetch_v4(client.receive_frame())
        assert (correlation_id, error_code, bases) == (2 * round + 1, 0, [offset]), f"round {round}"
    client.close()


def test_pipelined_offset_commits_apply_in_request_order(broker):
    # A consumer's asynchronous commits share one connection; the last one sent must be the
    # one that stays, as with Kafka, which handles a connection's requests in order.
    client = client_with_topic(broker, "raw-commits")
    for round in range(20):
        group = f"raw-commit-order-{round}"
        commits = 200
        client.send(b"".join(offset_commit_v2(group, "raw-commits", 0, offset, offset) for offset in range(1, commits + 1)))
        for offset in range(1, commits + 1):
            frame = client.receive_frame()
            assert struct.unpack_from(">i", frame, 0)[0] == offset
        assert committed_offset_v1(client, group, "raw-commits", 0) == commits
    client.close()


def join_group_v0(group, correlation_id):
    body = string(group) + struct.pack(">i", 10_000) + string("") + string("consumer")
    body += struct.pack(">i", 1) + string("range") + struct.pack(">i", 0)
    return request(11, 0, correlation_id, body)


def test_a_commit_pipelined_before_leave_group_is_kept(broker):
    # A member that commits and leaves without waiting in between: Kafka handles the commit
    # first, as the connection's requests come in order, and the member is still in the group.
    client = client_with_topic(broker, "raw-leave")
    for round in range(30):
        group = f"raw-commit-leave-{round}"
        client.send(join_group_v0(group, 1))
        frame = client.receive_frame()
        error, generation = struct.unpack_from(">hi", frame, 4)
        assert error == 0
        _protocol, at = read_string(frame, 10)
        _leader, at = read_string(frame, at)
        member, _ = read_string(frame, at)
        sync = string(group) + struct.pack(">i", generation) + string(member) + struct.pack(">i", 1) + string(member) + struct.pack(">i", 0)
        client.send(request(14, 0, 2, sync))
        assert struct.unpack_from(">h", client.receive_frame(), 4)[0] == 0
        client.send(offset_commit_v2(group, "raw-leave", 0, 1, 3, generation=generation, member=member)
                    + request(13, 0, 4, string(group) + string(member)))
        commit = client.receive_frame()
        assert struct.unpack_from(">i", commit, 0)[0] == 3
        commit_error = struct.unpack_from(">h", commit, 4 + 4 + 2 + len("raw-leave") + 4 + 4)[0]
        assert commit_error == 0, f"round {round}: the commit was answered {commit_error} (the leave overtook it)"
        leave = client.receive_frame()
        assert struct.unpack_from(">ih", leave, 0) == (4, 0)
        assert committed_offset_v1(client, group, "raw-leave", 0) == 1
    client.close()
