"""Hand-built Kafka frames for raw-socket tests: what a broken or hostile client sends."""

import socket
import struct
import time

import crc32c


def string(value):
    if value is None:
        return struct.pack(">h", -1)
    data = value.encode()
    return struct.pack(">h", len(data)) + data


def read_string(frame, at):
    """A length-prefixed string at `at`, and the offset after it."""
    (length,) = struct.unpack_from(">h", frame, at)
    return frame[at + 2:at + 2 + length].decode(), at + 2 + length


def skip_string(frame, at):
    """The offset after the length-prefixed string at `at`, without decoding it."""
    (length,) = struct.unpack_from(">h", frame, at)
    return at + 2 + max(length, 0)


def request(api_key, version, correlation_id, body, client_id="raw-test"):
    header = struct.pack(">hhi", api_key, version, correlation_id) + string(client_id)
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def varint(value):
    value = (value << 1) ^ (value >> 63)
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def record_batch(values, corrupt_crc=False, timestamp=None, declared_count=None):
    """An uncompressed RecordBatch v2 with one record per value; `declared_count` forges the
    header's record count (and last offset delta to match), with a CRC that still checks out."""
    timestamp = int(time.time() * 1000) if timestamp is None else timestamp
    count = len(values) if declared_count is None else declared_count
    records = b""
    for index, value in enumerate(values):
        body = b"\x00" + varint(0) + varint(index) + varint(-1) + varint(len(value)) + value + varint(0)
        records += varint(len(body)) + body
    after_crc = struct.pack(">hiqqqhii", 0, count - 1, timestamp, timestamp, -1, -1, -1, count) + records
    crc = crc32c.crc32c(after_crc)
    if corrupt_crc:
        crc ^= 0xDEADBEEF
    after_length = struct.pack(">ibI", -1, 2, crc) + after_crc
    return struct.pack(">qi", 0, len(after_length)) + after_length


def produce_v3(topic, partition, batch, acks=-1, correlation_id=1):
    body = string(None) + struct.pack(">hi", acks, 10_000) + struct.pack(">i", 1) + string(topic)
    body += struct.pack(">i", 1) + struct.pack(">i", partition) + struct.pack(">i", len(batch)) + batch
    return request(0, 3, correlation_id, body)


def fetch_v4(topic, partition, offset, correlation_id=1, max_wait_ms=0, min_bytes=0, max_bytes=1 << 20,
             client_id="raw-test"):
    """Fetch v4 of one partition; by default min bytes 0, so the broker answers with what it has."""
    body = struct.pack(">iiiib", -1, max_wait_ms, min_bytes, max_bytes, 0)  # replica, wait, min/max bytes, isolation
    body += struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, max_bytes)
    return request(1, 4, correlation_id, body, client_id=client_id)


def fetch_v4_records(frame):
    """The partition of a one-partition Fetch v4 response: (correlation_id, error_code, start,
    end), where frame[start:end] holds its record batches. Works on bytes and memoryviews."""
    (correlation_id,) = struct.unpack_from(">i", frame, 0)
    at = skip_string(frame, 12)  # after correlation id, throttle time, topic count
    _partition, error_code = struct.unpack_from(">ih", frame, at + 4)
    at += 4 + 22  # partition count; partition, error, high watermark, last stable offset
    (aborted,) = struct.unpack_from(">i", frame, at)
    at += 4 + max(aborted, 0) * 16
    (size,) = struct.unpack_from(">i", frame, at)
    at += 4
    return correlation_id, error_code, at, at + max(size, 0)


def parse_fetch_v4(frame):
    """Returns (correlation_id, error_code, [base offset of each whole batch]) for one partition."""
    correlation_id, error_code, at, end = fetch_v4_records(frame)
    bases = []
    while at + 12 <= end:
        base, length = struct.unpack_from(">qi", frame, at)
        if at + 12 + length > end:
            break  # a partial batch at the end of the budget
        bases.append(base)
        at += 12 + length
    return correlation_id, error_code, bases


def parse_produce_v3(frame):
    """Returns (correlation_id, [(topic, partition, error_code, base_offset)])."""
    correlation_id, topic_count = struct.unpack_from(">ii", frame, 0)
    at = 8
    results = []
    for _ in range(topic_count):
        name, at = read_string(frame, at)
        (partition_count,) = struct.unpack_from(">i", frame, at)
        at += 4
        for _ in range(partition_count):
            partition, error_code, base_offset, _append_time = struct.unpack_from(">ihqq", frame, at)
            at += 22
            results.append((name, partition, error_code, base_offset))
    return correlation_id, results


class RawClient:
    def __init__(self, bootstrap, timeout=10):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self._buffer = bytearray()

    def send(self, data):
        self.sock.sendall(data)

    def receive_frame(self):
        """The next response frame's body, or None when the broker closed the connection."""
        body = self.receive_frame_view()
        return None if body is None else bytes(body)

    def receive_frame_view(self):
        """Like receive_frame, but a view into a buffer that the next call reuses: no
        allocation, zero-fill or copy per frame, for the throughput scripts' large frames."""
        size = self._exactly(4)
        if size is None:
            return None
        (length,) = struct.unpack(">i", size)
        return self._exactly(length)

    def _exactly(self, count):
        # Into one reused buffer: appending chunks would copy a large frame over and over,
        # and a fresh buffer per frame costs a zero-fill and page faults.
        if len(self._buffer) < count:
            self._buffer = bytearray(max(count, 2 * len(self._buffer)))
        view = memoryview(self._buffer)[:count]
        done = 0
        while done < count:
            try:
                received = self.sock.recv_into(view[done:], count - done)
            except (ConnectionResetError, socket.timeout):
                return None
            if not received:
                return None
            done += received
        return view

    def closed_by_broker(self):
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()
