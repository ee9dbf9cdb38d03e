/// Heartbeat (12) v0–3.
public struct HeartbeatRequest: KafkaMessage {
    public var groupId = ""
    public var generationId: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&groupId, "group id")
        try coder.int32(&generationId)
        try coder.string(&memberId, "member id")
        if version >= 3 { try coder.nullableString(&groupInstanceId) }
    }
}

public struct HeartbeatResponse: KafkaMessage {
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
    }
}
