/// Produce (0) v3–8. Records stay raw bytes: the broker stores batches as sent.
public struct ProduceRequest: KafkaMessage {
    public struct PartitionData: KafkaMessage {
        public var index: Int32 = 0
        public var records: RecordsPayload = .none
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&index, "partition index")
            try coder.records(&records)
        }
    }

    public typealias TopicData = TopicEntry<PartitionData>

    public var transactionalId: String?
    public var acks: Int16 = -1
    public var timeoutMs: Int32 = 30_000
    public var topics: [TopicData] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 3 { try coder.nullableString(&transactionalId, "transactional id") }
        try coder.int16(&acks, "acks")
        try coder.int32(&timeoutMs, "timeout")
        try coder.array(&topics, version: version, "topics")
    }
}

public struct ProduceResponse: KafkaMessage {
    public struct RecordError: KafkaMessage {
        public var batchIndex: Int32 = 0
        public var message: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&batchIndex)
            try coder.nullableString(&message)
        }
    }

    public struct PartitionResponse: KafkaMessage {
        public var index: Int32 = 0
        public var errorCode: Int16 = 0
        public var baseOffset: Int64 = -1
        public var logAppendTimeMs: Int64 = -1
        public var logStartOffset: Int64 = -1
        public var recordErrors: [RecordError] = []
        public var errorMessage: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&index)
            try coder.int16(&errorCode)
            try coder.int64(&baseOffset)
            try coder.int64(&logAppendTimeMs)
            if version >= 5 { try coder.int64(&logStartOffset) }
            if version >= 8 {
                try coder.array(&recordErrors, version: version)
                try coder.nullableString(&errorMessage)
            }
        }
    }

    public typealias TopicResponse = TopicEntry<PartitionResponse>

    public var responses: [TopicResponse] = []
    public var throttleTimeMs: Int32 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&responses, version: version)
        try coder.int32(&throttleTimeMs)
    }
}
