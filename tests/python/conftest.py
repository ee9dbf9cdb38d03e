"""Starts a real tributaryd on free loopback ports for the client compatibility tests."""

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TRIBUTARYD", os.path.join(ROOT, ".build", "debug", "tributaryd"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """One tributaryd process over one data directory, restartable on the same ports."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = data_dir
        self.port = free_port()
        self.http_port = free_port()
        self.extra_args = list(extra_args)
        self.process = None
        self.log_path = os.path.join(os.path.dirname(data_dir), "tributaryd.log")

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=30, preexec_fn=None):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "--listen", self.bootstrap, "--advertised-listener", self.bootstrap,
             "--http", f"127.0.0.1:{self.http_port}", "--data-dir", self.data_dir,
             "--topics", os.path.join(ROOT, "tests", "python", "empty-topics.json"), *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tributaryd exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/ready", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"tributaryd not ready after {timeout}s: {self.log()}")

    def stop(self):
        """SIGTERM: the graceful path. Returns the exit code."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def kill(self):
        """SIGKILL: a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""


@pytest.fixture
def broker_factory():
    brokers = []
    directories = []

    def make(extra_args=()):
        directory = tempfile.mkdtemp(prefix="tributary-pytest-")
        directories.append(directory)
        broker = Broker(os.path.join(directory, "data"), extra_args)
        brokers.append(broker)
        return broker

    yield make
    for broker in brokers:
        broker.kill()
    for directory in directories:
        subprocess.run(["rm", "-rf", directory], check=False)


@pytest.fixture
def broker(broker_factory):
    return broker_factory().start()
