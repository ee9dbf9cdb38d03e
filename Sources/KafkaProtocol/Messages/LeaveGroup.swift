/// LeaveGroup (13) v0–3 (v3 leaves several members at once).
public struct LeaveGroupRequest: KafkaMessage {
    public struct Member: KafkaMessage {
        public var memberId = ""
        public var groupInstanceId: String?
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&memberId)
            try coder.nullableString(&groupInstanceId)
        }
    }

    public var groupId = ""
    /// v0–2: the one member leaving.
    public var memberId = ""
    /// v3+.
    public var members: [Member] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        if version <= 2 { try coder.string(&memberId, "member id") } else { try coder.array(&members, version: version) }
    }
}

public struct LeaveGroupResponse: KafkaMessage {
    public struct Member: KafkaMessage {
        public var memberId = ""
        public var groupInstanceId: String?
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&memberId)
            try coder.nullableString(&groupInstanceId)
            try coder.int16(&errorCode)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var members: [Member] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
        if version >= 3 { try coder.array(&members, version: version) }
    }
}
