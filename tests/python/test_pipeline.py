"""The car-shop pipeline end to end: carshop → Kafka → report-service, against tributaryd
and against librdkafka's mock cluster (a Kafka Tributary did not write)."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from confluent_kafka import Producer

from conftest import ROOT, free_port
from test_carshop_cli import carshop

REPORT_SERVICE = os.environ.get("REPORT_SERVICE", os.path.join(ROOT, ".build", "debug", "report-service"))
TRIBUTARY = os.path.join(ROOT, ".build", "debug", "tributary")
TOPIC = "car-shop-reported-events"


class ReportService:
    def __init__(self, bootstrap, directory):
        self.bootstrap = bootstrap
        self.db = os.path.join(directory, "reports.sqlite")
        self.port = free_port()
        self.log = open(os.path.join(directory, "report-service.log"), "ab")
        self.process = None

    def start(self):
        self.process = subprocess.Popen([REPORT_SERVICE, "--bootstrap-servers", self.bootstrap, "--port", str(self.port),
                                         "--host", "127.0.0.1", "--db", self.db], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            assert self.process.poll() is None, "report-service exited"
            try:
                if self.get("/ready")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("report-service not ready")

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def events(self):
        return json.loads(self.get("/api/v1/reported-events")[1])

    def wait_for(self, count, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.events()) >= count:
                time.sleep(0.5)  # anything extra would show up now
                return self.events()
            time.sleep(0.2)
        raise AssertionError(f"only {len(self.events())} of {count} events stored")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(timeout=20)


def create_events_topic(bootstrap):
    """What topics.json does for `make run`."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])[TOPIC].result(30)


@pytest.fixture
def report_factory(tmp_path):
    services = []

    def make(bootstrap):
        service = ReportService(bootstrap, str(tmp_path))
        services.append(service)
        return service

    yield make
    for service in services:
        service.kill()


def shop_scenario(db, bootstrap):
    for name, leg, hand in [("Ivan", 6, 4), ("Olga", 1, 8), ("Petr", 7, 7)]:
        carshop(db, bootstrap, "customers", "add", "--name", name, "--leg-power", str(leg), "--hand-power", str(hand))
    carshop(db, bootstrap, "cars", "add-pedal", "--pedal-size", "6")
    carshop(db, bootstrap, "cars", "add-hand")
    carshop(db, bootstrap, "cars", "add-pedal", "--pedal-size", "2")
    carshop(db, bootstrap, "cars", "add-hand")
    sold = carshop(db, bootstrap, "sales", "sell-cars").stdout.decode().count("sold car")
    return 3 + 4 + sold


def check_reports(service, expected):
    events = service.wait_for(expected)
    assert len(events) == expected
    summary = json.loads(service.get("/api/v1/report")[1])
    assert summary["customers"] == 3 and summary["carsAdded"] == 4 and summary["total"] == expected
    markdown = service.get("/api/v1/report.md")[1]
    assert markdown.count("\n| CustomerAdded") == 3 and markdown.count("\n| CarAdded") == 4
    html = service.get("/api/v1/report/html")[1]
    assert "<th>Event Type</th><th>Event Description</th><th>Occured On</th>" in html
    assert html.count("<tr><td>") == expected


def open_sse_stream(port, timeout=30):
    """Opens the live event stream and reads until its `: connected` comment.

    The response headers and the first comment may arrive in separate TCP reads, so one
    `recv` is not enough; returns the socket and everything read so far."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(b"GET /api/v1/events/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    buffer = b""
    while b": connected" not in buffer:
        chunk = sock.recv(4096)
        assert chunk, f"stream closed before it said connected: {buffer!r}"
        buffer += chunk
    return sock, buffer


def read_sse_event(port, produce_after_connect, timeout=30):
    sock, buffer = open_sse_stream(port, timeout)
    produce_after_connect()
    deadline = time.time() + timeout
    while b"data: " not in buffer.split(b": connected", 1)[1] and time.time() < deadline:
        buffer += sock.recv(4096)
    sock.close()
    data = [line for line in buffer.split(b"\n") if line.startswith(b"data: ")]
    return json.loads(data[0][6:]) if data else None


def test_pipeline_on_tributaryd(broker, report_factory, tmp_path):
    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    expected = shop_scenario(str(tmp_path / "shop.sqlite"), broker.bootstrap)
    check_reports(service, expected)
    assert service.get("/health") == (200, '{"status":"ok"}')
    # Server-Sent Events: an event produced after the client connected arrives live.
    event = read_sse_event(service.port, lambda: carshop(str(tmp_path / "shop.sqlite"), broker.bootstrap,
                                                       "customers", "add", "--name", "Live", "--leg-power", "1", "--hand-power", "1"))
    assert event and event["EventType"] == "CustomerAdded" and "Live" in event["EventDescription"]
    # Garbage and a wrong-shaped JSON are dead letters; later valid events are still stored.
    producer = Producer({"bootstrap.servers": broker.bootstrap})
    producer.produce(TOPIC, value=b"\x00\xffnot json")
    producer.produce(TOPIC, value=json.dumps({"hello": "world"}).encode())
    producer.flush(10)
    carshop(str(tmp_path / "shop.sqlite"), broker.bootstrap, "customers", "add", "--name", "After", "--leg-power", "1", "--hand-power", "1")
    events = service.wait_for(expected + 2)
    assert events[-1]["EventDescription"].startswith("Customer After")
    assert json.loads(service.get("/api/v1/report")[1])["deadLetters"] == 2
    assert "report_dead_letters_total 2" in service.get("/metrics")[1]
    assert service.get("/api/v1/reported-events?limit=abc")[0] == 400
    assert json.loads(service.get("/openapi.json")[1])["openapi"].startswith("3.")
    assert "EventSource" in service.get("/")[1]
    # The course's synchronous path.
    body = json.dumps({"EventType": "CarAdded", "EventDescription": "posted", "OccuredOn": "2026-11-22T12:00:00.000+00:00"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{service.port}/api/v1/report-event", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
    assert service.stop() == 0


def test_report_service_killed_mid_stream_loses_and_duplicates_nothing(broker, report_factory):
    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    producer = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True})
    for i in range(3000):
        producer.produce(TOPIC, value=json.dumps({"EventType": "CarAdded", "EventDescription": f"car {i}",
                                                  "OccuredOn": "2026-11-22T12:00:00.000+00:00", "EventId": f"id-{i}"}).encode())
    producer.flush(30)
    deadline = time.time() + 30
    while len(service.events()) < 500 and time.time() < deadline:
        time.sleep(0.05)
    service.kill()
    service.start()
    events = service.wait_for(3000)
    assert len(events) == 3000
    assert len({e["EventId"] for e in events}) == 3000


def test_report_service_stopped_mid_backlog_exits_promptly_and_loses_and_duplicates_nothing(broker, report_factory):
    """SIGTERM while thousands of events wait: the message in hand is finished or left
    uncommitted, the buffered rest is not touched, and a restart stores what is left once."""
    create_events_topic(broker.bootstrap)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True})
    for i in range(5000):
        producer.produce(TOPIC, value=json.dumps({"EventType": "CarAdded", "EventDescription": f"car {i}",
                                                  "OccuredOn": "2026-11-22T12:00:00.000+00:00", "EventId": f"id-{i}"}).encode())
    producer.flush(30)
    service = report_factory(broker.bootstrap).start()
    deadline = time.time() + 30
    while len(service.events()) < 200 and time.time() < deadline:
        time.sleep(0.02)
    started = time.time()
    assert service.stop() == 0, "SIGTERM during a backlog should exit cleanly"
    assert time.time() - started < 15
    service.start()
    events = service.wait_for(5000)
    assert len(events) == 5000
    assert len({e["EventId"] for e in events}) == 5000


def post_event(port, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/report-event", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_reported_events_page_forward_and_every_error_is_json(broker, report_factory):
    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    for i in range(5):
        event = {"EventType": "CarAdded", "EventDescription": f"car {i}", "OccuredOn": "2026-11-22T12:00:00.000+00:00"}
        assert post_event(service.port, json.dumps(event).encode())[0] == 201
    ids = [e["Id"] for e in service.events()]
    page = json.loads(service.get(f"/api/v1/reported-events?after={ids[0]}&limit=2")[1])
    assert [e["Id"] for e in page] == ids[1:3], "after= pages forward: the next events, not the newest"
    tail = json.loads(service.get("/api/v1/reported-events?limit=2")[1])
    assert [e["Id"] for e in tail] == ids[-2:], "without after=, limit= is the newest, still oldest first"

    # A stream resumed after id 2 (as a reconnecting EventSource does) first replays 3, 4 and 5.
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    sock.sendall(f"GET /api/v1/events/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: {ids[1]}\r\n\r\n".encode())
    received = b""
    while received.count(b"\ndata: ") < 3:
        chunk = sock.recv(65536)
        assert chunk, received
        received += chunk
    sock.close()
    replayed = [int(line[4:]) for line in received.split(b"\n") if line.startswith(b"id: ")]
    assert replayed == ids[2:5], received

    # An empty EventId or .NET's unset Guid identifies nothing: such events are all stored.
    for unset in ["", "", "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"]:
        event = {"EventType": "CarAdded", "EventDescription": "no id", "OccuredOn": "2026-11-22T12:00:00.000+00:00",
                 "EventId": unset}
        assert post_event(service.port, json.dumps(event).encode())[0] == 201

    status, body = service.get("/api/v1/events/stream?after=-3")
    assert status == 400 and "non-negative" in json.loads(body)["error"]

    status, body = service.get("/no/such/route")
    assert status == 404 and "error" in json.loads(body)
    status, body = post_event(service.port, b"x" * (70 * 1024))
    assert status == 413 and "error" in json.loads(body)
    # A store that fails (its table gone behind its back): 500 with a JSON body, and the
    # cause in the log at error level.
    import sqlite3
    with sqlite3.connect(service.db) as db:
        db.execute("ALTER TABLE event RENAME TO event_moved")
    event = {"EventType": "CarAdded", "EventDescription": "blocked", "OccuredOn": "2026-11-22T12:00:00.000+00:00"}
    status, body = post_event(service.port, json.dumps(event).encode())
    assert status == 500 and json.loads(body)["error"].startswith("internal error"), (status, body)
    service.log.flush()
    with open(service.log.name, "rb") as log:
        assert b"/api/v1/report-event failed" in log.read()
    assert service.stop() == 0


def test_pipeline_on_the_mock_cluster(report_factory, tmp_path):
    mock = subprocess.Popen([TRIBUTARY, "mock-kafka", "--topic", f"{TOPIC}:1"], stdout=subprocess.PIPE)
    try:
        bootstrap = mock.stdout.readline().decode().strip()
        service = report_factory(bootstrap).start()
        expected = shop_scenario(str(tmp_path / "mock-shop.sqlite"), bootstrap)
        check_reports(service, expected)
    finally:
        mock.send_signal(signal.SIGINT)
        mock.wait(timeout=10)


def test_dashboard_in_headless_chromium_shows_an_event_produced_after_it_opened(broker, report_factory, tmp_path):
    from browser import HeadlessChromium

    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    db = str(tmp_path / "shop.sqlite")
    carshop(db, broker.bootstrap, "customers", "add", "--name", "Before", "--leg-power", "1", "--hand-power", "1")
    service.wait_for(1)
    with HeadlessChromium() as browser:
        browser.open(f"http://127.0.0.1:{service.port}/")
        assert browser.wait_until("document.getElementById('status').textContent === 'live'"), "the stream never opened"
        assert browser.wait_until("document.body.innerText.includes('Customer Before')")
        carshop(db, broker.bootstrap, "customers", "add", "--name", "AfterOpen", "--leg-power", "1", "--hand-power", "1")
        assert browser.wait_until("document.body.innerText.includes('Customer AfterOpen')"), \
            browser.evaluate("document.body.innerText")
        assert browser.evaluate("document.querySelectorAll('tr.event').length") == 2
        assert browser.evaluate("document.getElementById('chart').innerText.trim()").split() == ["2", "0", "0"]


def test_events_made_during_a_broker_outage_are_stored_once_after_outbox_flush(broker, report_factory, tmp_path):
    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    db = str(tmp_path / "shop.sqlite")
    carshop(db, broker.bootstrap, "customers", "add", "--name", "Early", "--leg-power", "6", "--hand-power", "1")
    service.wait_for(1)
    broker.stop()
    for name in ("Down1", "Down2"):
        assert b"pending" in carshop(db, broker.bootstrap, "customers", "add", "--name", name,
                                     "--leg-power", "1", "--hand-power", "6").stdout
    broker.start()
    assert b"outbox empty" in carshop(db, broker.bootstrap, "outbox", "flush").stdout
    events = service.wait_for(3)
    assert [e["EventDescription"].split()[1] for e in events] == ["Early", "Down1", "Down2"]
    assert len({e["EventId"] for e in events}) == 3


def test_report_service_stops_promptly_with_a_live_stream_open_and_the_broker_gone(broker, report_factory):
    create_events_topic(broker.bootstrap)
    service = report_factory(broker.bootstrap).start()
    stream, _ = open_sse_stream(service.port, timeout=10)
    started = time.time()
    assert service.stop() == 0, "SIGTERM with an open SSE stream should exit cleanly"
    assert time.time() - started < 15
    stream.close()

    service.start()
    broker.kill()
    started = time.time()
    assert service.stop() == 0, "SIGTERM with the broker gone should exit cleanly"
    assert time.time() - started < 20
