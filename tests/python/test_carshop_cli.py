"""The carshop CLI against tributaryd: changes publish their events; with the broker down the
changes still succeed and wait in the outbox; `outbox flush` later delivers them once, in order."""

import json
import os
import subprocess

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from conftest import ROOT

CARSHOP = os.environ.get("CARSHOP", os.path.join(ROOT, ".build", "debug", "carshop"))
TOPIC = "car-shop-reported-events"


def carshop(db, bootstrap, *args, check=True):
    result = subprocess.run([CARSHOP, *args, "--db", db, "--bootstrap-servers", bootstrap, "--publish-timeout", "3"],
                            capture_output=True, timeout=120)
    if check:
        assert result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")
    return result


def topic_events(bootstrap, expected):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "carshop-check", "enable.auto.commit": False})
    consumer.assign([TopicPartition(TOPIC, 0, OFFSET_BEGINNING)])
    events = []
    while len(events) < expected:
        batch = consumer.consume(num_messages=100, timeout=10)
        assert batch, f"only {len(events)} of {expected} events on the topic"
        events += [json.loads(m.value()) for m in batch if m.error() is None]
    extra = consumer.consume(num_messages=100, timeout=1)
    consumer.close()
    assert not [m for m in extra if m.error() is None], "more events than expected"
    return events


def test_changes_publish_and_survive_a_broker_outage(broker_factory, tmp_path):
    broker = broker_factory().start()
    db = str(tmp_path / "shop.sqlite")
    out = carshop(db, broker.bootstrap, "customers", "add", "--name", "Ivan", "--leg-power", "6", "--hand-power", "4").stdout
    assert b"published 1 event" in out
    carshop(db, broker.bootstrap, "cars", "add-pedal", "--pedal-size", "6")

    broker.stop()
    for name in ("Olga", "Petr"):
        result = carshop(db, broker.bootstrap, "customers", "add", "--name", name, "--leg-power", "1", "--hand-power", "8")
        assert b"pending" in result.stdout
    carshop(db, broker.bootstrap, "cars", "add-hand")
    carshop(db, broker.bootstrap, "sales", "sell-cars")
    assert carshop(db, broker.bootstrap, "outbox", "status").stdout.strip() == b"5 pending, 2 sent"
    assert carshop(db, broker.bootstrap, "outbox", "flush", check=False).returncode != 0

    broker.start()
    assert b"outbox empty" in carshop(db, broker.bootstrap, "outbox", "flush").stdout
    assert carshop(db, broker.bootstrap, "outbox", "status").stdout.strip() == b"0 pending, 7 sent"
    events = topic_events(broker.bootstrap, 7)
    assert [e["EventType"] for e in events] == ["CustomerAdded", "CarAdded", "CustomerAdded", "CustomerAdded",
                                               "CarAdded", "CarSold", "CarSold"]
    assert len({e["EventId"] for e in events}) == 7
    assert set(events[0]) == {"EventType", "EventDescription", "OccuredOn", "EventId"}

    listing = carshop(db, broker.bootstrap, "cars", "list").stdout.decode()
    assert "Ivan" in listing and "Olga" in listing
    report = json.loads(carshop(db, broker.bootstrap, "report", "export", "--format", "json").stdout)
    assert [e["EventType"] for e in report] == [e["EventType"] for e in events]
    markdown = carshop(db, broker.bootstrap, "report", "export", "--format", "markdown").stdout.decode()
    assert markdown.startswith("| Event Type | Event Description | Occured On |")


def test_invalid_input_is_a_clear_error(broker, tmp_path):
    db = str(tmp_path / "shop.sqlite")
    carshop(db, broker.bootstrap, "customers", "add", "--name", "Ivan", "--leg-power", "6", "--hand-power", "4")
    for args, message in [
        (("customers", "add", "--name", "Bad", "--leg-power", "-1", "--hand-power", "1"), b"leg power must be 0 or more"),
        (("customers", "add", "--name", "Ivan", "--leg-power", "1", "--hand-power", "1"), b"already exists"),
        (("cars", "add-pedal", "--pedal-size", "0"), b"pedal size must be greater than 0"),
        (("report", "export", "--format", "pdf"), b"--format must be json or markdown"),
    ]:
        result = carshop(db, broker.bootstrap, *args, check=False)
        assert result.returncode != 0
        assert message in result.stderr, result.stderr
    # 0 would be librdkafka's "retry forever": the command would hang with the broker down.
    result = subprocess.run([CARSHOP, "customers", "add", "--name", "Zero", "--leg-power", "1", "--hand-power", "1",
                             "--db", db, "--bootstrap-servers", "127.0.0.1:1", "--publish-timeout", "0"],
                            capture_output=True, timeout=60)
    assert result.returncode != 0 and b"--publish-timeout must be 1...3600" in result.stderr, result.stderr
