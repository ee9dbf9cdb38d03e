"""The `tributary` CLI end to end: against tributaryd, and against librdkafka's mock cluster
started by `tributary mock-kafka` (a Kafka that Tributary did not write)."""

import json
import os
import signal
import subprocess

import pytest

from conftest import ROOT

TRIBUTARY = os.environ.get("TRIBUTARY", os.path.join(ROOT, ".build", "debug", "tributary"))


def cli(bootstrap, *args, stdin=None, check=True):
    result = subprocess.run([TRIBUTARY, "-b", bootstrap, *args] if args[0] != "mock-kafka" else [TRIBUTARY, *args],
                            input=stdin, capture_output=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result


def round_trip(bootstrap, topic, create=True):
    if create:
        cli(bootstrap, "topics", "create", topic, "--partitions", "3")
    assert topic in cli(bootstrap, "topics", "list").stdout.decode().split()
    lines = "".join(f"line {i}\n" for i in range(1000)).encode()
    cli(bootstrap, "produce", topic, "--key", "k", "--header", "source=cli", stdin=lines)
    out = cli(bootstrap, "consume", topic, "--group", f"{topic}-group", "--from-beginning", "--count", "1000").stdout
    assert out.decode().split("\n")[:-1] == [f"line {i}" for i in range(1000)]
    described = cli(bootstrap, "groups", "describe", f"{topic}-group", "--topic", topic).stdout.decode()
    rows = [line.split() for line in described.splitlines() if line.startswith(topic + " ")]
    assert rows, described
    assert all(row[-1] == "0" or row[2] == "-" for row in rows), described  # zero lag
    assert sum(int(row[2]) for row in rows if row[2] != "-") == 1000, described


def test_against_tributaryd(broker):
    round_trip(broker.bootstrap, "cli-e2e")
    groups = cli(broker.bootstrap, "groups", "list").stdout.decode()
    assert "cli-e2e-group" in groups
    cli(broker.bootstrap, "topics", "delete", "cli-e2e")


def test_against_the_mock_cluster():
    process = subprocess.Popen([TRIBUTARY, "mock-kafka", "--topic", "mock-e2e:3"], stdout=subprocess.PIPE)
    try:
        bootstrap = process.stdout.readline().decode().strip()
        assert bootstrap
        # librdkafka 2.0's mock cluster has no controller for CreateTopics: the topic comes from --topic.
        round_trip(bootstrap, "mock-e2e", create=False)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_unreachable_broker_is_a_clear_error():
    result = cli("127.0.0.1:1", "topics", "list", "--timeout", "2", check=False)
    assert result.returncode != 0
    assert b"cannot reach a Kafka broker at 127.0.0.1:1" in result.stderr


def test_bad_header_is_a_usage_error(broker):
    result = cli(broker.bootstrap, "produce", "t", "--header", "novalue", stdin=b"x\n", check=False)
    assert result.returncode != 0 and b"key=value" in result.stderr


def test_bench_produces_every_message_and_then_reads_them_back(broker):
    cli(broker.bootstrap, "topics", "create", "cli-bench", "--partitions", "2")
    out = cli(broker.bootstrap, "bench", "produce", "--topic", "cli-bench", "--count", "5000", "--size", "64",
              "--window", "100").stdout.decode()
    assert out.startswith("5000 messages in "), out
    assert "latency p50" in out, out
    paced = cli(broker.bootstrap, "bench", "produce", "--topic", "cli-bench", "--count", "200", "--size", "64",
                "--rate", "1000", "--linger-ms", "0").stdout.decode()
    seconds = float(paced.split(" messages in ")[1].split(" s:")[0])
    assert seconds >= 0.19, paced  # 200 messages at 1,000/s cannot finish sooner
    out = cli(broker.bootstrap, "bench", "consume", "--topic", "cli-bench", "--count", "5200").stdout.decode()
    assert out.startswith("5200 messages in "), out


def test_bench_refuses_a_zero_window(broker):
    result = cli(broker.bootstrap, "bench", "produce", "--window", "0", check=False)
    assert result.returncode != 0
    assert b"--window must be positive" in result.stderr


def test_bench_passes_librdkafka_properties_and_refuses_bad_ones(broker):
    out = cli(broker.bootstrap, "bench", "produce", "--topic", "cli-bench-x", "--count", "100",
              "-X", "batch.num.messages=10", "-X", "client.id=bench-x").stdout.decode()
    assert out.startswith("100 messages in "), out
    malformed = cli(broker.bootstrap, "bench", "produce", "-X", "batch.num.messages", check=False)
    assert malformed.returncode != 0 and b"-X takes key=value" in malformed.stderr, malformed
    unknown = cli(broker.bootstrap, "bench", "produce", "-X", "no.such.property=1", check=False)
    assert unknown.returncode != 0 and b"no.such.property" in unknown.stderr, unknown


def test_bench_consume_passes_librdkafka_properties_and_refuses_bad_ones(broker):
    cli(broker.bootstrap, "bench", "produce", "--topic", "cli-bench-cx", "--count", "100")
    out = cli(broker.bootstrap, "bench", "consume", "--topic", "cli-bench-cx", "--count", "100",
              "-X", "queued.min.messages=1000").stdout.decode()
    assert out.startswith("100 messages in "), out
    malformed = cli(broker.bootstrap, "bench", "consume", "--topic", "cli-bench-cx", "-X", "queued.min.messages", check=False)
    assert malformed.returncode != 0 and b"-X takes key=value" in malformed.stderr, malformed
    unknown = cli(broker.bootstrap, "bench", "consume", "--topic", "cli-bench-cx", "-X", "no.such.property=1", check=False)
    assert unknown.returncode != 0 and b"no.such.property" in unknown.stderr, unknown


def test_describing_or_reading_a_missing_topic_does_not_create_it(broker):
    """The admin client asks the broker not to auto-create what it looks up (librdkafka's
    producer-type handles otherwise do), so a typo is reported, not created."""
    described = cli(broker.bootstrap, "topics", "describe", "no-such-topic", check=False)
    assert described.returncode != 0 and b"does not exist" in described.stderr, described
    consumed = cli(broker.bootstrap, "consume", "no-such-topic", "--count", "1", check=False)
    assert consumed.returncode != 0 and b"does not exist" in consumed.stderr, consumed
    assert "no-such-topic" not in cli(broker.bootstrap, "topics", "list").stdout.decode().split()


def test_tributaryd_takes_numbers_and_booleans_from_its_config_file(broker_factory, tmp_path):
    from kafka_wire import RawClient, parse_produce_v3, produce_v3, record_batch

    settings = tmp_path / "tributaryd.json"
    settings.write_text(json.dumps({"auto-create-topics": False, "message-max-bytes": 1000, "flush": "never"}))
    broker = broker_factory(["--config", str(settings)]).start()
    client = RawClient(broker.bootstrap)
    client.send(produce_v3("not-created", 0, record_batch([b"x"])))
    assert parse_produce_v3(client.receive_frame())[1][0][2] == 3  # UNKNOWN_TOPIC_OR_PARTITION: no auto-create
    cli(broker.bootstrap, "topics", "create", "small", "--partitions", "1")
    client.send(produce_v3("small", 0, record_batch([b"y" * 2000]), correlation_id=2))
    assert parse_produce_v3(client.receive_frame())[1][0][2] == 10  # MESSAGE_TOO_LARGE: the number applied
    client.close()

    missing = subprocess.run([os.path.join(ROOT, ".build", "debug", "tributaryd"), "--config", str(tmp_path / "nope.json")],
                             capture_output=True, timeout=60)
    assert missing.returncode != 0 and b"cannot read" in missing.stderr, missing.stderr
    for bad, message in [({"auto-create-topic": False}, b'unknown setting "auto-create-topic"'),
                         ("[1, 2]", b"is not a JSON object of settings"),
                         ({"listen": ["127.0.0.1:1"]}, b'"listen" must be a string, number or boolean')]:
        settings.write_text(bad if isinstance(bad, str) else json.dumps(bad))
        result = subprocess.run([os.path.join(ROOT, ".build", "debug", "tributaryd"), "--config", str(settings)],
                                capture_output=True, timeout=60)
        assert result.returncode != 0 and message in result.stderr, result.stderr


def test_delete_records_moves_where_readers_start(broker):
    cli(broker.bootstrap, "topics", "create", "cli-delete-records", "--partitions", "2")
    lines = "".join(f"line {i}\n" for i in range(20)).encode()
    cli(broker.bootstrap, "produce", "cli-delete-records", stdin=lines)
    described = cli(broker.bootstrap, "topics", "describe", "cli-delete-records").stdout.decode()
    ends = {int(row.split()[0]): int(row.split()[2]) for row in described.splitlines()[2:]}
    assert sum(ends.values()) == 20, described

    out = cli(broker.bootstrap, "topics", "delete-records", "cli-delete-records", "--before", "2", "--partition", "0").stdout.decode()
    assert out == "cli-delete-records[0]: records now start at 2\n"
    out = cli(broker.bootstrap, "topics", "delete-records", "cli-delete-records", "--before", "-1").stdout.decode()
    assert out.splitlines() == [f"cli-delete-records[{p}]: records now start at {ends[p]}" for p in (0, 1)]
    described = cli(broker.bootstrap, "topics", "describe", "cli-delete-records").stdout.decode()
    assert [row.split()[1:] for row in described.splitlines()[2:]] == [[str(ends[p]), str(ends[p])] for p in (0, 1)]

    past_end = cli(broker.bootstrap, "topics", "delete-records", "cli-delete-records", "--before", "999", check=False)
    assert past_end.returncode != 0 and b"OFFSET_OUT_OF_RANGE" in past_end.stderr.upper().replace(b" ", b"_"), past_end.stderr
    missing = cli(broker.bootstrap, "topics", "delete-records", "never-was", "--before", "1", check=False)
    assert missing.returncode != 0 and b"never-was does not exist" in missing.stderr, missing.stderr
    negative = cli(broker.bootstrap, "topics", "delete-records", "cli-delete-records", "--before", "-7", check=False)
    assert negative.returncode != 0 and b"--before must be an offset or -1" in negative.stderr
    bad_partition = cli(broker.bootstrap, "topics", "delete-records", "cli-delete-records", "--before", "1", "--partition", "-1", check=False)
    assert bad_partition.returncode != 0 and b"--partition must not be negative" in bad_partition.stderr


def test_creating_an_existing_topic_fails_unless_if_not_exists(broker):
    cli(broker.bootstrap, "topics", "create", "cli-exists", "--partitions", "2")
    again = cli(broker.bootstrap, "topics", "create", "cli-exists", check=False)
    assert again.returncode != 0 and b"TOPIC_ALREADY_EXISTS" in again.stderr, again
    tolerated = cli(broker.bootstrap, "topics", "create", "cli-exists", "--partitions", "5", "--if-not-exists")
    assert tolerated.stdout == b"topic cli-exists already exists\n"
    described = cli(broker.bootstrap, "topics", "describe", "cli-exists").stdout.decode()
    assert described.startswith("topic cli-exists: 2 partition(s)"), described
    # Other failures are still failures.
    invalid = cli(broker.bootstrap, "topics", "create", "bad name", "--if-not-exists", check=False)
    assert invalid.returncode != 0 and b"invalid topic name" in invalid.stderr, invalid


def test_tributaryd_wants_one_advertised_address_per_listener(tmp_path):
    tributaryd = os.path.join(ROOT, ".build", "debug", "tributaryd")
    for args, message in [(["--listen", "127.0.0.1:0,127.0.0.1:0"], b"one address per --listen address: 2 listener(s), 1 advertised"),
                          (["--listen", "127.0.0.1:0", "--advertised-listener", "a:1,b:2"], b"2 advertised"),
                          (["--listen", "127.0.0.1:0,nope"], b"--listen must be host:port")]:
        result = subprocess.run([tributaryd, "--data-dir", str(tmp_path / "data"), *args], capture_output=True, timeout=60)
        assert result.returncode != 0 and message in result.stderr, result.stderr
