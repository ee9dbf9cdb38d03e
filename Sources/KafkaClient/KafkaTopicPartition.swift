import CKafka

/// A partition of a topic, optionally with an offset.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    /// An offset, or one of librdkafka's logical offsets (see `KafkaOffset`).
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64 = KafkaOffset.invalid) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

/// librdkafka's logical offsets.
public enum KafkaOffset {
    public static let beginning: Int64 = -2
    public static let end: Int64 = -1
    public static let stored: Int64 = -1000
    public static let invalid: Int64 = -1001
}

extension [KafkaTopicPartition] {
    /// A new librdkafka list; the caller destroys it.
    func makeCList() -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(count))!
        for element in self {
            let entry = rd_kafka_topic_partition_list_add(list, element.topic, element.partition)!
            entry.pointee.offset = element.offset
        }
        return list
    }

    init(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) {
        guard let list, let elements = list.pointee.elems else {
            self = []
            return
        }
        self = (0..<Int(list.pointee.cnt)).map { index in
            let element = elements[index]
            return KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition, offset: element.offset)
        }
    }
}

/// The first per-partition error in a list, if any.
func firstError(in list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> KafkaError? {
    guard let elements = list.pointee.elems else { return nil }
    for index in 0..<Int(list.pointee.cnt) where elements[index].err != RD_KAFKA_RESP_ERR_NO_ERROR {
        let element = elements[index]
        return KafkaError(element.err, message: "\(String(cString: element.topic))[\(element.partition)]: \(String(cString: rd_kafka_err2str(element.err)))")
    }
    return nil
}
