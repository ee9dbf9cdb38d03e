import KafkaProtocol
import Logging
import LogStore
import NIOCore

/// The request handler behind the listener: decodes each request, runs it against the log
/// store and the group coordinator, and encodes the answer. One file per API lives in
/// `APIs/`; this type holds what they share.
public final class KafkaBroker: Sendable {
    let configuration: BrokerConfiguration
    let store: LogStore
    let coordinator: GroupCoordinator
    let metrics: BrokerMetrics
    let notifier = AppendNotifier()
    let logger: Logger
    /// Reported in Metadata; stable for the life of the data directory.
    let clusterId: String

    public init(configuration: BrokerConfiguration, store: LogStore, coordinator: GroupCoordinator,
                metrics: BrokerMetrics, clusterId: String, logger: Logger) {
        self.configuration = configuration
        self.clusterId = clusterId
        self.store = store
        self.coordinator = coordinator
        self.metrics = metrics
        self.logger = logger
    }

    /// Counts the non-zero error codes an API answered with (`tributary_errors_total`).
    func countErrors(_ api: ApiKey, _ codes: [Int16]) {
        for code in codes where code != 0 { metrics.countError(api: api.description, code: code) }
    }

    /// The partition log for a produce or a metadata request, creating the topic when
    /// auto-create is on. Creating writes and fsyncs files, so it runs `offloaded`; a topic
    /// that exists costs one lookup.
    func partitionLog(_ topic: String, _ partition: Int32, create: Bool) async throws(LogStoreError) -> PartitionLog {
        do {
            return try store.partition(topic, partition)
        } catch {
            guard create, configuration.autoCreateTopics, store.describeTopic(topic) == nil else { throw error }
            try TopicName.validate(topic)
            let store = store, partitions = configuration.autoCreatePartitions, logger = logger
            try await offloaded { () throws(LogStoreError) in
                do throws(LogStoreError) {
                    try store.createTopic(topic, partitions: partitions)
                    logger.info("auto-created topic \(topic)")
                } catch .topicAlreadyExists {
                    // Another connection created it first.
                }
            }
            return try store.partition(topic, partition)
        }
    }
}

/// Kafka error codes for what the store reports.
extension LogStoreError {
    var kafkaErrorCode: Int16 {
        switch self {
        case .invalidRecord(.truncated), .invalidRecord(.crcMismatch), .invalidRecord(.invalidLength): 2  // CORRUPT_MESSAGE
        case .invalidRecord(.unsupportedMagic): 43  // UNSUPPORTED_FOR_MESSAGE_FORMAT
        case .invalidRecord(.invalidOffsetDelta), .invalidRecord(.recordCountMismatch): 87  // INVALID_RECORD
        case .messageTooLarge: 10  // MESSAGE_TOO_LARGE
        case .unknownTopicOrPartition: 3  // UNKNOWN_TOPIC_OR_PARTITION
        case .invalidTopicName: 17  // INVALID_TOPIC_EXCEPTION
        case .topicAlreadyExists: 36  // TOPIC_ALREADY_EXISTS
        case .invalidPartitions: 37  // INVALID_PARTITIONS
        case .invalidConfig: 40  // INVALID_CONFIG
        case .offsetOutOfRange: 1  // OFFSET_OUT_OF_RANGE
        case .outOfOrderSequence: 45  // OUT_OF_ORDER_SEQUENCE_NUMBER
        case .invalidProducerEpoch: 47  // INVALID_PRODUCER_EPOCH
        case .closed: 6  // NOT_LEADER_OR_FOLLOWER: the client re-resolves and retries
        case .storageFailed: 56  // KAFKA_STORAGE_ERROR
        case .io: -1  // UNKNOWN_SERVER_ERROR
        }
    }
}
