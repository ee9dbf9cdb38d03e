/// DeleteRecords (21) v0–1: moves partitions' log start offsets forward.
public struct DeleteRecordsRequest: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        /// Records below this offset go; -1 means the high watermark.
        public var offset: Int64 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int64(&offset)
        }
    }

    public struct Topic: KafkaMessage {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.array(&partitions, version: version)
        }
    }

    public var topics: [Topic] = []
    public var timeoutMs: Int32 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&topics, version: version)
        try coder.int32(&timeoutMs)
    }
}

public struct DeleteRecordsResponse: KafkaMessage {
    public struct Partition: KafkaMessage {
        public var partitionIndex: Int32 = 0
        /// The log start offset after the deletion.
        public var lowWatermark: Int64 = -1
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int64(&lowWatermark)
            try coder.int16(&errorCode)
        }
    }

    public struct Topic: KafkaMessage {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.array(&partitions, version: version)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&throttleTimeMs)
        try coder.array(&topics, version: version)
    }
}
