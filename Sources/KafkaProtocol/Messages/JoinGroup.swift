/// JoinGroup (11) v0–5.
public struct JoinGroupRequest: KafkaMessage {
    public struct GroupProtocol: KafkaMessage {
        public var name = ""
        public var metadata: [UInt8] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&name, "protocol name")
            try coder.bytes(&metadata, "protocol metadata")
        }
    }

    public var groupId = ""
    public var sessionTimeoutMs: Int32 = 0
    /// v0 has none: it equals the session timeout.
    public var rebalanceTimeoutMs: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public var protocolType = ""
    public var protocols: [GroupProtocol] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        try coder.int32(&sessionTimeoutMs)
        if version >= 1 { try coder.int32(&rebalanceTimeoutMs) } else if coder.isReading { rebalanceTimeoutMs = sessionTimeoutMs }
        try coder.string(&memberId, "member id")
        if version >= 5 { try coder.nullableString(&groupInstanceId) }
        try coder.string(&protocolType, "protocol type")
        try coder.array(&protocols, version: version, "protocols")
    }
}

public struct JoinGroupResponse: KafkaMessage {
    public struct Member: KafkaMessage {
        public var memberId = ""
        public var groupInstanceId: String?
        public var metadata: [UInt8] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&memberId)
            if version >= 5 { try coder.nullableString(&groupInstanceId) }
            try coder.bytes(&metadata)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var generationId: Int32 = -1
    public var protocolName = ""
    public var leader = ""
    public var memberId = ""
    public var members: [Member] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 2 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
        try coder.int32(&generationId)
        try coder.string(&protocolName)
        try coder.string(&leader)
        try coder.string(&memberId)
        try coder.array(&members, version: version)
    }
}
