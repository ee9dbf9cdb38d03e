/// ListOffsets (2) v1–5.
public struct ListOffsetsRequest: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var currentLeaderEpoch: Int32 = -1
        /// -1 latest, -2 earliest, else a timestamp in ms.
        public var timestamp: Int64 = -1
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            if version >= 4 { try coder.int32(&currentLeaderEpoch) }
            try coder.int64(&timestamp)
        }
    }

    public typealias Topic = TopicEntry<Partition>

    public var replicaId: Int32 = -1
    public var isolationLevel: Int8 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&replicaId)
        if version >= 2 { try coder.int8(&isolationLevel) }
        try coder.array(&topics, version: version)
    }
}

public struct ListOffsetsResponse: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var errorCode: Int16 = 0
        public var timestamp: Int64 = -1
        public var offset: Int64 = -1
        public var leaderEpoch: Int32 = -1
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int16(&errorCode)
            try coder.int64(&timestamp)
            try coder.int64(&offset)
            if version >= 4 { try coder.int32(&leaderEpoch) }
        }
    }

    public typealias Topic = TopicEntry<Partition>

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 2 { try coder.int32(&throttleTimeMs) }
        try coder.array(&topics, version: version)
    }
}
