"""acks=all with --flush acks: every acknowledged message survives kill -9, once, in order."""

from test_confluent_kafka import produce, read_partition


def test_acknowledged_messages_survive_sigkill(broker_factory):
    broker = broker_factory().start()
    delivered = produce(broker.bootstrap, "crash", 5_000, **{"enable.idempotence": True})
    broker.kill()  # right after the last acknowledgement
    broker.start()
    messages = read_partition(broker.bootstrap, "crash", 0, len(delivered))
    assert [m.value() for m in messages] == [value for _, _, value in delivered]
    assert [m.offset() for m in messages] == list(range(len(delivered)))
    assert broker.stop() == 0
