/// Fetch (1) v4–11. Response records can be left `.external` so the broker sends them
/// straight from segment files.
public struct FetchRequest: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partition: Int32 = 0
        public var currentLeaderEpoch: Int32 = -1
        public var fetchOffset: Int64 = 0
        public var logStartOffset: Int64 = -1
        public var partitionMaxBytes: Int32 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partition, "partition")
            if version >= 9 { try coder.int32(&currentLeaderEpoch) }
            try coder.int64(&fetchOffset, "fetch offset")
            if version >= 5 { try coder.int64(&logStartOffset) }
            try coder.int32(&partitionMaxBytes, "partition max bytes")
        }
    }

    public struct Topic: KafkaMessage {
        public var topic = ""
        public var partitions: [Partition] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&topic, "topic")
            try coder.array(&partitions, version: version, "partitions")
        }
    }

    public struct ForgottenTopic: KafkaMessage {
        public var topic = ""
        public var partitions: [Int32] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&topic)
            try coder.int32Array(&partitions)
        }
    }

    public var replicaId: Int32 = -1
    public var maxWaitMs: Int32 = 0
    public var minBytes: Int32 = 0
    public var maxBytes: Int32 = Int32.max
    public var isolationLevel: Int8 = 0
    public var sessionId: Int32 = 0
    public var sessionEpoch: Int32 = -1
    public var topics: [Topic] = []
    public var forgottenTopics: [ForgottenTopic] = []
    public var rackId = ""
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&replicaId)
        try coder.int32(&maxWaitMs)
        try coder.int32(&minBytes)
        try coder.int32(&maxBytes)
        try coder.int8(&isolationLevel)
        if version >= 7 {
            try coder.int32(&sessionId)
            try coder.int32(&sessionEpoch)
        }
        try coder.array(&topics, version: version, "topics")
        if version >= 7 { try coder.array(&forgottenTopics, version: version, "forgotten topics") }
        if version >= 11 { try coder.string(&rackId) }
    }
}

public struct FetchResponse: KafkaMessage {
    public struct AbortedTransaction: KafkaMessage {
        public var producerId: Int64 = 0
        public var firstOffset: Int64 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int64(&producerId)
            try coder.int64(&firstOffset)
        }
    }

    public struct Partition: KafkaMessage {
        public var partition: Int32 = 0
        public var errorCode: Int16 = 0
        public var highWatermark: Int64 = -1
        public var lastStableOffset: Int64 = -1
        public var logStartOffset: Int64 = -1
        /// Empty, not null: no transactions are ever aborted here.
        public var abortedTransactions: [AbortedTransaction]? = []
        public var preferredReadReplica: Int32 = -1
        public var records: RecordsPayload = .none
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partition)
            try coder.int16(&errorCode)
            try coder.int64(&highWatermark)
            try coder.int64(&lastStableOffset)
            if version >= 5 { try coder.int64(&logStartOffset) }
            try coder.nullableArray(&abortedTransactions, version: version)
            if version >= 11 { try coder.int32(&preferredReadReplica) }
            try coder.records(&records)
        }
    }

    public struct Topic: KafkaMessage {
        public var topic = ""
        public var partitions: [Partition] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&topic)
            try coder.array(&partitions, version: version)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var sessionId: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&throttleTimeMs)
        if version >= 7 {
            try coder.int16(&errorCode)
            try coder.int32(&sessionId)
        }
        try coder.array(&topics, version: version)
    }
}
