/// OffsetCommit (8) v2–7.
public struct OffsetCommitRequest: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var committedOffset: Int64 = 0
        public var committedLeaderEpoch: Int32 = -1
        public var committedMetadata: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int64(&committedOffset)
            if version >= 6 { try coder.int32(&committedLeaderEpoch) }
            try coder.nullableString(&committedMetadata)
        }
    }

    public typealias Topic = TopicEntry<Partition>

    public var groupId = ""
    public var generationId: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public var retentionTimeMs: Int64 = -1
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        try coder.int32(&generationId)
        try coder.string(&memberId)
        if version >= 7 { try coder.nullableString(&groupInstanceId) }
        if version >= 2, version <= 4 { try coder.int64(&retentionTimeMs) }
        try coder.array(&topics, version: version)
    }
}

public struct OffsetCommitResponse: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int16(&errorCode)
        }
    }

    public typealias Topic = TopicEntry<Partition>

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 3 { try coder.int32(&throttleTimeMs) }
        try coder.array(&topics, version: version)
    }
}
