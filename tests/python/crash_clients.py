"""Client processes for the crash test: killed with the broker, so they log as they go."""

import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer


def produce(bootstrap, topic, tag, out_path):
    """Produces forever with acks=all + idempotence; logs every acknowledged record."""
    out = open(out_path, "a", buffering=1)

    def on_delivery(error, message):
        if error is None:
            out.write(f"{message.partition()} {message.offset()} {message.value().decode()}\n")

    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                         "linger.ms": 2, "message.timeout.ms": 60_000})
    seq = 0
    while True:
        try:
            producer.produce(topic, key=str(seq).encode(), value=f"{tag}-{seq}".encode(), on_delivery=on_delivery)
            seq += 1
        except BufferError:
            producer.poll(0.05)
        producer.poll(0)
        if seq % 50 == 0:
            time.sleep(0.005)


def consume(bootstrap, topic, group, out_path):
    """Consumes in a group, committing synchronously; logs each commit that succeeded."""
    out = open(out_path, "a", buffering=1)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    consumer.subscribe([topic])
    while True:
        batch = [m for m in consumer.consume(num_messages=500, timeout=0.2) if m.error() is None]
        if not batch:
            continue
        try:
            for tp in consumer.commit(asynchronous=False) or []:
                if tp.error is None and tp.offset >= 0:
                    out.write(f"{tp.partition} {tp.offset}\n")
        except KafkaException:
            pass


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(*sys.argv[2:6])
    else:
        consume(*sys.argv[2:6])
