/// IncrementalAlterConfigs (44) v0 (KIP-339): sets, deletes, appends to or subtracts from
/// single keys, leaving the resource's other overrides as they are.
public struct IncrementalAlterConfigsRequest: KafkaMessage {
    /// What to do with one key.
    public enum Operation: Int8, Sendable {
        case set = 0
        case delete = 1
        /// Adds values to a list-valued config.
        case append = 2
        /// Removes values from a list-valued config.
        case subtract = 3
    }

    public struct Config: KafkaMessage {
        public var name = ""
        /// An ``Operation`` raw value, kept as sent so that an unknown one can be answered
        /// INVALID_REQUEST rather than failing the whole request's decoding.
        public var operation: Int8 = 0
        public var value: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.int8(&operation)
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

/// IncrementalAlterConfigs answers in AlterConfigs' shape.
public typealias IncrementalAlterConfigsResponse = AlterConfigsResponse
