/// CreatePartitions (37) v0–1.
public struct CreatePartitionsRequest: KafkaMessage {
    public struct Assignment: KafkaMessage {
        public var brokerIds: [Int32] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32Array(&brokerIds)
        }
    }

    public struct Topic: KafkaMessage {
        public var name = ""
        public var count: Int32 = 0
        public var assignments: [Assignment]?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int32(&count)
            try coder.nullableArray(&assignments, version: version)
        }
    }

    public var topics: [Topic] = []
    public var timeoutMs: Int32 = 0
    public var validateOnly = false
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&topics, version: version)
        try coder.int32(&timeoutMs)
        try coder.bool(&validateOnly)
    }
}

public struct CreatePartitionsResponse: KafkaMessage {
    public struct Result: KafkaMessage {
        public var name = ""
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int16(&errorCode)
            try coder.nullableString(&errorMessage)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var results: [Result] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.int32(&throttleTimeMs)
        try coder.array(&results, version: version)
    }
}
