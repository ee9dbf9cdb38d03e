import CoreMetrics
import KafkaClient
import Logging
import ServiceLifecycle
import Synchronization

/// Consumes the reported-events topic in a consumer group from the earliest offset: each
/// message is stored (or kept as a dead letter) and only then is its offset committed, so a
/// crash re-reads at most what was not stored, and the store drops what it already has.
public final class ReportConsumer: Service, Sendable {
    public struct Configuration: Sendable {
        public var bootstrapServers: String
        public var topic: String
        public var groupId: String
        public init(bootstrapServers: String, topic: String, groupId: String) {
            self.bootstrapServers = bootstrapServers
            self.topic = topic
            self.groupId = groupId
        }
    }

    let configuration: Configuration
    let store: ReportStore
    let broadcaster: EventBroadcaster
    let metrics: ReportMetrics
    let logger: Logger
    private let assigned = Atomic<Bool>(false)

    public init(configuration: Configuration, store: ReportStore, broadcaster: EventBroadcaster, metrics: ReportMetrics, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.broadcaster = broadcaster
        self.metrics = metrics
        self.logger = logger
    }

    /// True once the group gave this consumer its partitions (`/ready`).
    public var isReady: Bool { assigned.load(ordering: .relaxed) }

    public func run() async throws {
        var settings = KafkaConsumerConfiguration(bootstrapServers: configuration.bootstrapServers, groupId: configuration.groupId)
        settings.autoOffsetReset = "earliest"
        settings.clientId = "report-service"
        let consumer = try KafkaConsumer(configuration: settings, logger: logger)
        try consumer.subscribe(topics: [configuration.topic])
        logger.info("consuming", metadata: ["topic": "\(configuration.topic)", "group": "\(configuration.groupId)",
                                            "bootstrap": "\(configuration.bootstrapServers)"])
        await withGracefulShutdownHandler {
            for await event in consumer.events {
                switch event {
                case let .message(message):
                    await handle(message, consumer: consumer)
                case let .assigned(partitions):
                    assigned.store(true, ordering: .relaxed)
                    logger.info("assigned \(partitions.map(\.description))")
                case .revoked:
                    assigned.store(false, ordering: .relaxed)
                case let .error(error):
                    logger.warning("consumer: \(error)")
                case .partitionEOF:
                    break
                }
            }
        } onGracefulShutdown: {
            consumer.beginClose()
        }
        await consumer.shutdown()
    }

    /// Stores one message, retrying (the storage may be busy or full) until it is stored
    /// and committed or the service stops: skipping it would let a later commit lose it.
    /// Stopping first is safe: the offset is not committed, so the group hands the message
    /// out again and the store drops it if it was stored.
    func handle(_ message: KafkaConsumerMessage, consumer: KafkaConsumer) async {
        while !Task.isCancelled {
            do {
                try await storeAndCommit(message, consumer: consumer)
                return
            } catch {
                if consumer.isClosing {
                    logger.info("stopping with \(message.topic)[\(message.partition)]@\(message.offset) uncommitted: \(error)")
                    return
                }
                logger.error("could not store or commit \(message.topic)[\(message.partition)]@\(message.offset), retrying: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func storeAndCommit(_ message: KafkaConsumerMessage, consumer: KafkaConsumer) async throws {
        let source = ReportStore.Source(topic: message.topic, partition: message.partition, offset: message.offset)
        do {
            switch IncomingEvent.parse(message.value ?? []) {
            case let .success(event):
                if let stored = try await store.insert(event, from: source) {
                    metrics.stored.increment()
                    broadcaster.publish(stored)
                } else {
                    metrics.duplicates.increment()
                }
            case let .failure(rejection):
                try await store.deadLetter(message.value, from: source, reason: rejection.reason)
                metrics.deadLetters.increment()
                logger.warning("dead letter at \(message.topic)[\(message.partition)]@\(message.offset): \(rejection.reason)")
            }
            // Only after the store committed: at-least-once into an idempotent store.
            try await consumer.commit(message)
        }
    }
}

/// The report service's counters, on an explicit factory (no global bootstrap).
public struct ReportMetrics: Sendable {
    public let stored: CoreMetrics.Counter
    public let duplicates: CoreMetrics.Counter
    public let deadLetters: CoreMetrics.Counter

    public init(factory: any MetricsFactory) {
        stored = CoreMetrics.Counter(label: "report_events_stored_total", factory: factory)
        duplicates = CoreMetrics.Counter(label: "report_events_duplicate_total", factory: factory)
        deadLetters = CoreMetrics.Counter(label: "report_dead_letters_total", factory: factory)
    }
}
