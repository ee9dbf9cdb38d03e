/// CreateTopics (19) v0–4.
public struct CreateTopicsRequest: KafkaMessage {
    public struct Assignment: KafkaMessage {
        public var partitionIndex: Int32 = 0
        public var brokerIds: [Int32] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&partitionIndex)
            try coder.int32Array(&brokerIds)
        }
    }

    public struct Config: KafkaMessage {
        public var name = ""
        public var value: String?
        public init() {}
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.nullableString(&value)
        }
    }

    public struct Topic: KafkaMessage {
        public var name = ""
        /// -1: the broker default (v4+).
        public var numPartitions: Int32 = -1
        public var replicationFactor: Int16 = -1
        public var assignments: [Assignment] = []
        public var configs: [Config] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name, "topic name")
            try coder.int32(&numPartitions)
            try coder.int16(&replicationFactor)
            try coder.array(&assignments, version: version)
            try coder.array(&configs, version: version)
        }
    }

    public var topics: [Topic] = []
    public var timeoutMs: Int32 = 0
    public var validateOnly = false
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&topics, version: version, "topics")
        try coder.int32(&timeoutMs)
        if version >= 1 { try coder.bool(&validateOnly) }
    }
}

public struct CreateTopicsResponse: KafkaMessage {
    public struct Topic: KafkaMessage {
        public var name = ""
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int16(&errorCode)
            if version >= 1 { try coder.nullableString(&errorMessage) }
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 2 { try coder.int32(&throttleTimeMs) }
        try coder.array(&topics, version: version)
    }
}
