/// Metadata (3) v0–8.
public struct MetadataRequest: KafkaMessage {
    public struct Topic: KafkaMessage {
        public var name = ""
        public init() {}
        public init(name: String) { self.name = name }
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name, "topic name")
        }
    }

    /// nil: every topic (v1+); in v0 an empty list means every topic.
    public var topics: [Topic]? = []
    public var allowAutoTopicCreation = true
    public var includeClusterAuthorizedOperations = false
    public var includeTopicAuthorizedOperations = false
    public init() {}

    public var requestsAllTopics: Bool { topics == nil }

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version == 0 {
            var list = topics ?? []
            try coder.array(&list, version: version, "topics")
            topics = coder.isReading && list.isEmpty ? nil : list
        } else {
            try coder.nullableArray(&topics, version: version, "topics")
        }
        if version >= 4 { try coder.bool(&allowAutoTopicCreation) }
        if version >= 8 {
            try coder.bool(&includeClusterAuthorizedOperations)
            try coder.bool(&includeTopicAuthorizedOperations)
        }
    }
}

public struct MetadataResponse: KafkaMessage {
    public struct Broker: KafkaMessage {
        public var nodeId: Int32 = 0
        public var host = ""
        public var port: Int32 = 0
        public var rack: String?
        public init() {}
        public init(nodeId: Int32, host: String, port: Int32) {
            self.nodeId = nodeId
            self.host = host
            self.port = port
        }
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int32(&nodeId)
            try coder.string(&host)
            try coder.int32(&port)
            if version >= 1 { try coder.nullableString(&rack) }
        }
    }

    public struct Partition: KafkaMessage {
        public var errorCode: Int16 = 0
        public var partitionIndex: Int32 = 0
        public var leaderId: Int32 = 0
        public var leaderEpoch: Int32 = 0
        public var replicaNodes: [Int32] = []
        public var isrNodes: [Int32] = []
        public var offlineReplicas: [Int32] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&errorCode)
            try coder.int32(&partitionIndex)
            try coder.int32(&leaderId)
            if version >= 7 { try coder.int32(&leaderEpoch) }
            try coder.int32Array(&replicaNodes)
            try coder.int32Array(&isrNodes)
            if version >= 5 { try coder.int32Array(&offlineReplicas) }
        }
    }

    public struct Topic: KafkaMessage {
        public var errorCode: Int16 = 0
        public var name = ""
        public var isInternal = false
        public var partitions: [Partition] = []
        public var topicAuthorizedOperations: Int32 = Int32.min
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&errorCode)
            try coder.string(&name)
            if version >= 1 { try coder.bool(&isInternal) }
            try coder.array(&partitions, version: version)
            if version >= 8 { try coder.int32(&topicAuthorizedOperations) }
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var brokers: [Broker] = []
    public var clusterId: String?
    public var controllerId: Int32 = -1
    public var topics: [Topic] = []
    public var clusterAuthorizedOperations: Int32 = Int32.min
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 3 { try coder.int32(&throttleTimeMs) }
        try coder.array(&brokers, version: version)
        if version >= 2 { try coder.nullableString(&clusterId) }
        if version >= 1 { try coder.int32(&controllerId) }
        try coder.array(&topics, version: version)
        if version >= 8 { try coder.int32(&clusterAuthorizedOperations) }
    }
}
