/// FindCoordinator (10) v0–2.
public struct FindCoordinatorRequest: KafkaMessage {
    public var key = ""
    /// 0 group, 1 transaction (v1+).
    public var keyType: Int8 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.string(&key, "coordinator key")
        if version >= 1 { try coder.int8(&keyType) }
    }
}

public struct FindCoordinatorResponse: KafkaMessage {
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var errorMessage: String?
    public var nodeId: Int32 = 0
    public var host = ""
    public var port: Int32 = 0
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
        if version >= 1 { try coder.nullableString(&errorMessage) }
        try coder.int32(&nodeId)
        try coder.string(&host)
        try coder.int32(&port)
    }
}
