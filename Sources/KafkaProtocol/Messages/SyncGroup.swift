/// SyncGroup (14) v0–3.
public struct SyncGroupRequest: KafkaMessage {
    public struct Assignment: KafkaMessage {
        public var memberId = ""
        public var assignment: [UInt8] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&memberId)
            try coder.bytes(&assignment)
        }
    }

    public var groupId = ""
    public var generationId: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public var assignments: [Assignment] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        try coder.int32(&generationId)
        try coder.string(&memberId, "member id")
        if version >= 3 { try coder.nullableString(&groupInstanceId) }
        try coder.array(&assignments, version: version, "assignments")
    }
}

public struct SyncGroupResponse: KafkaMessage {
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var assignment: [UInt8] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
        try coder.bytes(&assignment)
    }
}
