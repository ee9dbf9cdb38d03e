/// DescribeGroups (15) v0–4.
public struct DescribeGroupsRequest: KafkaMessage {
    public var groups: [String] = []
    public var includeAuthorizedOperations = false
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        try coder.stringArray(&groups, "groups")
        if version >= 3 { try coder.bool(&includeAuthorizedOperations) }
    }
}

public struct DescribeGroupsResponse: KafkaMessage {
    public struct Member: KafkaMessage {
        public var memberId = ""
        public var groupInstanceId: String?
        public var clientId = ""
        public var clientHost = ""
        public var memberMetadata: [UInt8] = []
        public var memberAssignment: [UInt8] = []
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.string(&memberId)
            if version >= 4 { try coder.nullableString(&groupInstanceId) }
            try coder.string(&clientId)
            try coder.string(&clientHost)
            try coder.bytes(&memberMetadata)
            try coder.bytes(&memberAssignment)
        }
    }

    public struct Group: KafkaMessage {
        public var errorCode: Int16 = 0
        public var groupId = ""
        public var groupState = ""
        public var protocolType = ""
        public var protocolData = ""
        public var members: [Member] = []
        public var authorizedOperations: Int32 = Int32.min
        public init() {}
        public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
            try coder.int16(&errorCode)
            try coder.string(&groupId)
            try coder.string(&groupState)
            try coder.string(&protocolType)
            try coder.string(&protocolData)
            try coder.array(&members, version: version)
            if version >= 3 { try coder.int32(&authorizedOperations) }
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var groups: [Group] = []
    public init() {}

    public mutating func code(_ coder: inout WireCoder, version: Int16) throws(KafkaProtocolError) {
        if version >= 1 { try coder.int32(&throttleTimeMs) }
        try coder.array(&groups, version: version)
    }
}
