/// ListGroups (16) v0–2: the request body is empty.
public struct ListGroupsRequest: KafkaMessage {
    public init() {}
    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {}
}

public struct ListGroupsResponse: KafkaMessage {
    public struct Group: KafkaMessage {
        public var groupId = ""
        public var protocolType = ""
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&groupId)
            try coder.string(&protocolType)
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var groups: [Group] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.int16(&errorCode)
        try coder.array(&groups, version: version)
    }
}
