#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaProtocol

/// Everything that can go wrong in the store, in terms the broker maps to Kafka error codes.
public enum LogStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// The batch bytes are not a valid RecordBatch v2 (CORRUPT_MESSAGE, or MESSAGE_TOO_LARGE).
    case invalidRecord(RecordBatchError)
    /// A batch larger than the topic's `max.message.bytes`.
    case messageTooLarge(size: Int, limit: Int)
    /// The topic or partition does not exist.
    case unknownTopicOrPartition(topic: String, partition: Int32)
    /// The name breaks Kafka's topic naming rules.
    case invalidTopicName(String, reason: String)
    /// Creating a topic that exists.
    case topicAlreadyExists(String)
    /// A partition count that is not positive or would shrink a topic.
    case invalidPartitions(String)
    /// A config key or value the store does not accept.
    case invalidConfig(String)
    /// A fetch or lookup offset outside [log start, high watermark].
    case offsetOutOfRange(requested: Int64, logStart: Int64, highWatermark: Int64)
    /// An idempotent batch whose sequence does not follow the last one.
    case outOfOrderSequence(producerId: Int64, expected: Int32, received: Int32)
    /// An idempotent batch from a fenced (older) producer epoch.
    case invalidProducerEpoch(producerId: Int64, current: Int16, received: Int16)
    /// The store has been closed.
    case closed
    /// An fsync (or another flush step) of `storage` (a partition, or the group offsets
    /// journal) failed earlier. Linux reports a writeback error once and may drop the pages,
    /// so a retry could "succeed" over lost data: it takes no more writes until a restart
    /// recovers it (Kafka takes the log directory offline). `reason` is the original failure.
    case storageFailed(storage: String, reason: String)

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .invalidRecord(error): error.description
        case let .messageTooLarge(size, limit): "record batch of \(size) bytes exceeds max.message.bytes \(limit)"
        case let .unknownTopicOrPartition(topic, partition): "unknown topic or partition \(topic)-\(partition)"
        case let .invalidTopicName(name, reason): "invalid topic name '\(name)': \(reason)"
        case let .topicAlreadyExists(name): "topic '\(name)' already exists"
        case let .invalidPartitions(reason): "invalid partitions: \(reason)"
        case let .invalidConfig(reason): "invalid config: \(reason)"
        case let .offsetOutOfRange(requested, start, hw):
            "offset \(requested) is outside [\(start), \(hw)]"
        case let .outOfOrderSequence(pid, expected, received):
            "producer \(pid): expected sequence \(expected), received \(received)"
        case let .invalidProducerEpoch(pid, current, received):
            "producer \(pid): epoch \(received) is older than \(current)"
        case .closed: "the log store is closed"
        case let .storageFailed(storage, reason): "\(storage) failed (\(reason)); it takes no writes until the broker restarts"
        }
    }
}
