import CarShop
import KafkaClient
import TestSupport
import Testing

@Suite struct OutboxPublisherTests {
    @Test func eventsWaitWhileKafkaIsDownThenArriveOnceInOrder() async throws {
        let store = try CarShopStore(path: ":memory:")
        try store.addCustomer(name: "Ivan", legPower: 6, handPower: 4)
        try store.addCar(engine: .pedal(size: 6))
        // Nothing listens here: delivery fails, everything stays pending.
        var down = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        down.messageTimeoutMs = 500
        let unreachable = try KafkaProducer(configuration: down)
        let failed = await OutboxPublisher(store: store, producer: unreachable, topic: "events").flush()
        unreachable.close()
        #expect(failed.sent == 0 && failed.pending == 2 && failed.error != nil)

        try store.sellCars()
        try await withBroker { port, _, _ in
            let bootstrap = "127.0.0.1:\(port)"
            let producer = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
            let outcome = await OutboxPublisher(store: store, producer: producer, topic: "events").flush()
            producer.close()
            #expect(outcome.sent == 3 && outcome.pending == 0 && outcome.error == nil)
            // A second flush sends nothing again.
            let again = try KafkaProducer(configuration: .init(bootstrapServers: bootstrap))
            #expect(await OutboxPublisher(store: store, producer: again, topic: "events").flush().sent == 0)
            again.close()

            let consumer = try KafkaConsumer(configuration: .init(bootstrapServers: bootstrap, groupId: "check"))
            defer { consumer.close() }
            try consumer.assign([KafkaTopicPartition(topic: "events", partition: 0, offset: KafkaOffset.beginning)])
            var received: [KafkaConsumerMessage] = []
            for await message in consumer.messages {
                received.append(message)
                if received.count == 3 { break }
            }
            #expect(received.map { $0.headers.first { $0.key == "event-type" }?.value.map { String(decoding: $0, as: UTF8.self) } }
                    == ["CustomerAdded", "CarAdded", "CarSold"])
            #expect(received.map(\.keyString) == ["Ivan", "1", "1"])
        }
    }
}
