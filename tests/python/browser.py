"""Headless Chromium driven over the DevTools protocol: open a page, evaluate JavaScript."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

from conftest import free_port


class HeadlessChromium:
    def __init__(self):
        self.binary = shutil.which("chromium") or shutil.which("chromium-browser")
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="tributary-chromium-")
        self.process = None
        self.socket = None
        self.next_id = 0

    def __enter__(self):
        self.process = subprocess.Popen(
            [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=1) as response:
                    pages = [t for t in json.loads(response.read()) if t.get("type") == "page"]
                    if pages:
                        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=10,
                                                                  suppress_origin=True)
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("chromium did not start")

    def __exit__(self, *exc):
        if self.socket:
            self.socket.close()
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def open(self, url):
        self.call("Page.navigate", url=url)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_until(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.2)
        return False
