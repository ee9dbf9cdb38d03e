"""A confluent-kafka group consumer run as its own process, so tests can SIGKILL it.

Writes one line per consumed message to --out ("M partition offset value time"), then,
after each synchronous commit succeeds, "C partition offset time" for every partition
committed: the test can tell what was committed, and when, before a crash.
"""

import argparse
import sys
import time

from confluent_kafka import Consumer, KafkaException


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--session-timeout-ms", default="6000")
    args = parser.parse_args()

    out = open(args.out, "a", buffering=1)

    def on_assign(consumer, partitions):
        out.write("A " + ",".join(str(p.partition) for p in partitions) + "\n")

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": int(args.session_timeout_ms),
        "heartbeat.interval.ms": 500,
    })
    consumer.subscribe([args.topic], on_assign=on_assign)
    out.write("S\n")
    while True:
        messages = consumer.consume(num_messages=200, timeout=0.5)
        batch = [m for m in messages if m.error() is None]
        if not batch:
            continue
        for m in batch:
            out.write(f"M {m.partition()} {m.offset()} {m.value().decode()} {time.time():.6f}\n")
        try:
            committed = consumer.commit(asynchronous=False)
        except KafkaException:
            continue  # rebalanced away: the next owner re-reads from the last commit
        for tp in committed or []:
            if tp.error is None:
                out.write(f"C {tp.partition} {tp.offset} {time.time():.6f}\n")


if __name__ == "__main__":
    sys.exit(main())
