"""tributaryd as an unprivileged user, as the Docker image runs it (USER tributary).

Everything else here runs as whoever runs the tests, on CI root, and root may do what a
service account may not: the broker once set SO_DEBUG (SOL_SOCKET's option 1) where it
meant TCP_NODELAY, which fails with EACCES for anyone but root, and the failure stopped
the broker at its first connection.
"""

import os
import subprocess

import pytest

from conftest import BINARY

NOBODY = 65534


def drop_to_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def kcat(*args, stdin=None):
    result = subprocess.run(["kcat", *args], input=stdin, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="the other tests already run the broker unprivileged")
def test_an_unprivileged_broker_serves_producers_and_consumers(broker_factory):
    directory = os.path.dirname(os.path.abspath(BINARY))
    while directory != "/":
        # nobody must be able to reach the binary; on CI's clone it can.
        assert os.stat(directory).st_mode & 0o001, f"{directory} is not searchable by others"
        directory = os.path.dirname(directory)
    broker = broker_factory()
    os.makedirs(broker.data_dir)
    for path in (os.path.dirname(broker.data_dir), broker.data_dir):
        os.chown(path, NOBODY, NOBODY)
    broker.start(preexec_fn=drop_to_nobody)
    assert os.stat(os.path.join(broker.data_dir)).st_uid == NOBODY

    kcat("-b", broker.bootstrap, "-P", "-t", "unprivileged", stdin=b"".join(b"m%d\n" % i for i in range(100)))
    out = kcat("-b", broker.bootstrap, "-C", "-t", "unprivileged", "-o", "beginning", "-e", "-f", "%s\n")
    assert out.decode().split() == [f"m{i}" for i in range(100)]
    assert broker.process.poll() is None, broker.log()
    assert broker.stop() == 0, broker.log()
