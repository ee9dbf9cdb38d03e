/// DeleteGroups (42) v0–1.
public struct DeleteGroupsRequest: KafkaMessage {
    public var groupsNames: [String] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.stringArray(&groupsNames, "group names")
    }
}

public struct DeleteGroupsResponse: KafkaMessage {
    public struct Result: KafkaMessage {
        public var groupId = ""
        public var errorCode: Int16 = 0
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&groupId)
            try coder.int16(&errorCode)
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
