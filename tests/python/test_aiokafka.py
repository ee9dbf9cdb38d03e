"""aiokafka against tributaryd."""

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition


def test_produce_and_consume(broker):
    async def scenario():
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        await producer.start()
        try:
            for i in range(500):
                await producer.send("aio", key=b"k%d" % i, value=b"aio-%d" % i)
            await producer.flush()
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest",
                                    enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign([TopicPartition("aio", 0)])
            await consumer.seek_to_beginning()
            values = []
            while len(values) < 500:
                batch = await asyncio.wait_for(consumer.getmany(timeout_ms=1000), 30)
                for messages in batch.values():
                    values += [m.value for m in messages]
            return values
        finally:
            await consumer.stop()

    assert asyncio.run(scenario()) == [b"aio-%d" % i for i in range(500)]
