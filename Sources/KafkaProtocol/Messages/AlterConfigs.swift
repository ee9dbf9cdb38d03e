/// AlterConfigs (33) v0–1: replaces every override of a resource with the given set
/// (v1 is v0 with a different throttling behaviour).
public struct AlterConfigsRequest: KafkaMessage {
    public struct Config: KafkaMessage {
        public var name = ""
        /// Null is refused: the legacy API cannot delete one key, only replace them all.
        public var value: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.nullableString(&value)
        }
    }

    public struct Resource: KafkaMessage {
        /// 2 topic, 4 broker, 8 broker logger.
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public var configs: [Config] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int8(&resourceType)
            try coder.string(&resourceName)
            try coder.array(&configs, version: version)
        }
    }

    public var resources: [Resource] = []
    public var validateOnly = false
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&resources, version: version)
        try coder.bool(&validateOnly)
    }
}

/// The answer to AlterConfigs and to IncrementalAlterConfigs: one result per resource.
public struct AlterConfigsResponse: KafkaMessage {
    public struct Result: KafkaMessage {
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&errorCode)
            try coder.nullableString(&errorMessage)
            try coder.int8(&resourceType)
            try coder.string(&resourceName)
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
