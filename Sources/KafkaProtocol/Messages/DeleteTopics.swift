/// DeleteTopics (20) v0–3.
public struct DeleteTopicsRequest: KafkaMessage {
    public var topicNames: [String] = []
    public var timeoutMs: Int32 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.stringArray(&topicNames, "topic names")
        try coder.int32(&timeoutMs)
    }
}

public struct DeleteTopicsResponse: KafkaMessage {
    public struct Result: KafkaMessage {
        public var name = ""
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int16(&errorCode)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var responses: [Result] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.array(&responses, version: version)
    }
}
