import CKafka
import Logging

/// librdkafka's built-in mock Kafka cluster, in this process: a Kafka broker that Tributary
/// did not write, for tests and for `tributary mock-kafka`.
public final class MockKafkaCluster: Sendable {
    private let cluster: MockClusterPointer
    /// The cluster's `bootstrap.servers`.
    public let bootstrapServers: String

    /// The cluster and the handle it lives in: the cluster must be destroyed first.
    private final class MockClusterPointer: @unchecked Sendable {
        // @unchecked: librdkafka's mock cluster API is thread-safe.
        let pointer: OpaquePointer
        let handle: KafkaHandle
        init(_ pointer: OpaquePointer, handle: KafkaHandle) {
            self.pointer = pointer
            self.handle = handle
        }
        deinit { rd_kafka_mock_cluster_destroy(pointer) }
    }

    /// Starts a cluster of `brokers` mock brokers on loopback ports.
    public init(brokers: Int32 = 1, logger: Logger = Logger(label: "tributary.kafka.mock")) throws(KafkaError) {
        // The mock cluster needs a handle for its configuration and logging; it connects nowhere.
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, properties: [:], logger: logger)
        guard let pointer = rd_kafka_mock_cluster_new(handle.pointer, brokers) else {
            throw KafkaError.invalid("cannot start the mock cluster")
        }
        cluster = MockClusterPointer(pointer, handle: handle)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(pointer))
    }

    /// Creates a topic in the mock cluster.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try KafkaError.check(rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor), "create \(name)")
    }
}
