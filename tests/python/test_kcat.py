"""kcat (librdkafka 2.0.x from Debian) against tributaryd."""

import json
import subprocess


def kcat(*args, stdin=None, timeout=60):
    result = subprocess.run(["kcat", *args], input=stdin, capture_output=True, timeout=timeout)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def test_metadata_lists_our_broker_as_controller(broker):
    kcat("-b", broker.bootstrap, "-P", "-t", "kcat-meta", stdin=b"one\n")
    metadata = json.loads(kcat("-b", broker.bootstrap, "-L", "-J"))
    assert [b["id"] for b in metadata["brokers"]] == [0]
    assert metadata["brokers"][0]["name"] == broker.bootstrap
    topic = next(t for t in metadata["topics"] if t["topic"] == "kcat-meta")
    assert [p["partition"] for p in topic["partitions"]] == [0]
    assert topic["partitions"][0]["leader"] == 0


def test_ten_thousand_keyed_messages_with_headers_round_trip_byte_for_byte(broker):
    lines = [f"key-{i}\tvalue {i} ünïcode {'x' * (i % 97)}" for i in range(10_000)]
    kcat("-b", broker.bootstrap, "-P", "-t", "kcat-roundtrip", "-K", "\t", "-H", "source=kcat", "-H", "n=1",
         stdin=("\n".join(lines) + "\n").encode())
    out = kcat("-b", broker.bootstrap, "-C", "-t", "kcat-roundtrip", "-o", "beginning", "-e",
               "-f", "%k\t%s\t%h\n")
    received = out.decode().split("\n")[:-1]
    assert len(received) == 10_000
    expected = [f"{line}\tsource=kcat,n=1" for line in lines]
    assert received == expected


def test_consume_from_an_offset_and_the_end(broker):
    kcat("-b", broker.bootstrap, "-P", "-t", "kcat-offsets", stdin=b"".join(b"m%d\n" % i for i in range(100)))
    out = kcat("-b", broker.bootstrap, "-C", "-t", "kcat-offsets", "-o", "90", "-e", "-f", "%o:%s\n")
    assert out.decode().split() == [f"{i}:m{i}" for i in range(90, 100)]
    out = kcat("-b", broker.bootstrap, "-C", "-t", "kcat-offsets", "-o", "-5", "-e", "-f", "%s\n")
    assert out.decode().split() == [f"m{i}" for i in range(95, 100)]


def test_each_listener_advertises_its_own_address(broker_factory):
    """Two listeners, as for a container's network and its host: kcat through either sees the
    broker under that listener's advertised address, and produces and consumes through it."""
    from conftest import free_port

    broker = broker_factory()
    second = free_port()
    # Later flags win: these replace the fixture's single --listen and --advertised-listener.
    broker.extra_args = ["--listen", f"127.0.0.1:{broker.port},127.0.0.1:{second}",
                         "--advertised-listener", f"127.0.0.1:{broker.port},localhost:{second}"]
    broker.start()
    first_view = json.loads(kcat("-b", broker.bootstrap, "-L", "-J"))
    second_view = json.loads(kcat("-b", f"127.0.0.1:{second}", "-L", "-J"))
    assert [b["name"] for b in first_view["brokers"]] == [broker.bootstrap]
    assert [b["name"] for b in second_view["brokers"]] == [f"localhost:{second}"]
    kcat("-b", f"127.0.0.1:{second}", "-P", "-t", "two-listeners", stdin=b"a\nb\n")
    out = kcat("-b", broker.bootstrap, "-C", "-t", "two-listeners", "-o", "beginning", "-e", "-f", "%s\n")
    assert out.decode().split() == ["a", "b"]
