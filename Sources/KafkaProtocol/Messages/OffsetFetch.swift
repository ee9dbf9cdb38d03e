/// OffsetFetch (9) v1–5.
public struct OffsetFetchRequest: KafkaMessage {
    public struct Topic: KafkaMessage {
        public var name = ""
        public var partitionIndexes: [Int32] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int32Array(&partitionIndexes)
        }
    }

    public var groupId = ""
    /// nil (v2+): every partition the group has committed.
    public var topics: [Topic]? = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        try coder.nullableArray(&topics, version: version)
    }
}

public struct OffsetFetchResponse: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var committedOffset: Int64 = -1
        public var committedLeaderEpoch: Int32 = -1
        public var metadata: String? = ""
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int64(&committedOffset)
            if version >= 5 { try coder.int32(&committedLeaderEpoch) }
            try coder.nullableString(&metadata)
            try coder.int16(&errorCode)
        }
    }

    public typealias Topic = TopicEntry<Partition>

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public var errorCode: Int16 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 3 { try coder.int32(&throttleTimeMs) }
        try coder.array(&topics, version: version)
        if version >= 2 { try coder.int16(&errorCode) }
    }
}
