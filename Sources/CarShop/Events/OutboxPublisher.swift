import KafkaClient

/// Drains the outbox in order through Kafka (acks=all, idempotent producer), marking each
/// event sent only after the broker acknowledged it. The first failure stops the drain, so
/// events never overtake each other; what is left is delivered by a later flush.
/// At-least-once: a crash between the acknowledgement and the mark re-sends that event,
/// which consumers drop by its `EventId`.
public struct OutboxPublisher: Sendable {
    public let store: CarShopStore
    public let producer: KafkaProducer
    public let topic: String

    public init(store: CarShopStore, producer: KafkaProducer, topic: String) {
        self.store = store
        self.producer = producer
        self.topic = topic
    }

    /// What a flush did.
    public struct Outcome: Sendable {
        public var sent: Int
        public var pending: Int
        public var error: (any Error)?
    }

    public func flush() async -> Outcome {
        var sent = 0
        do {
            while true {
                let batch = try store.pendingEvents(limit: 500)
                if batch.isEmpty { break }
                for entry in batch {
                    _ = try await producer.send(KafkaProducerMessage(
                        topic: topic, key: Array(entry.key.utf8), value: entry.payload,
                        headers: [KafkaHeader(key: "event-id", value: entry.eventId), KafkaHeader(key: "event-type", value: entry.eventType)]))
                    try store.markSent(entry.id)
                    sent += 1
                }
            }
            return Outcome(sent: sent, pending: (try? store.pendingCount()) ?? 0, error: nil)
        } catch {
            return Outcome(sent: sent, pending: (try? store.pendingCount()) ?? 0, error: error)
        }
    }
}
