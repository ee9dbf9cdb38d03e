/// DescribeConfigs (32) v0–2.
public struct DescribeConfigsRequest: KafkaMessage {
    public struct Resource: KafkaMessage {
        /// 2 topic, 4 broker.
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public var configurationKeys: [String]?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int8(&resourceType)
            try coder.string(&resourceName)
            try coder.nullableStringArray(&configurationKeys)
        }
    }

    public var resources: [Resource] = []
    public var includeSynonyms = false
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.array(&resources, version: version)
        if version >= 1 { try coder.bool(&includeSynonyms) }
    }
}

public struct DescribeConfigsResponse: KafkaMessage {
    public struct Synonym: KafkaMessage {
        public var name = ""
        public var value: String?
        public var source: Int8 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.nullableString(&value)
            try coder.int8(&source)
        }
    }

    public struct Config: KafkaMessage {
        public var name = ""
        public var value: String?
        public var readOnly = false
        public var isDefault = false
        /// 1 topic config, 5 default config (v1+).
        public var configSource: Int8 = -1
        public var isSensitive = false
        public var synonyms: [Synonym] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name)
            try coder.nullableString(&value)
            try coder.bool(&readOnly)
            if version == 0 { try coder.bool(&isDefault) }
            if version >= 1 { try coder.int8(&configSource) }
            try coder.bool(&isSensitive)
            if version >= 1 { try coder.array(&synonyms, version: version) }
        }
    }

    public struct Result: KafkaMessage {
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public var configs: [Config] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&errorCode)
            try coder.nullableString(&errorMessage)
            try coder.int8(&resourceType)
            try coder.string(&resourceName)
            try coder.array(&configs, version: version)
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
