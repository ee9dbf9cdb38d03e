/// Inputs and outputs of the group coordinator in plain Swift; the wire handlers translate
/// Kafka's JoinGroup/SyncGroup/… messages to and from these.

/// The classic consumer-group states (Kafka's `GroupState`).
public enum GroupState: String, Sendable {
    case empty = "Empty"
    case preparingRebalance = "PreparingRebalance"
    case completingRebalance = "CompletingRebalance"
    case stable = "Stable"
    case dead = "Dead"
}

/// A group protocol a member supports (for consumers: an assignor such as `range`), with
/// that member's subscription metadata for it.
public struct GroupProtocol: Sendable, Equatable {
    public var name: String
    public var metadata: [UInt8]
    public init(name: String, metadata: [UInt8]) {
        self.name = name
        self.metadata = metadata
    }
}

public struct JoinGroupInput: Sendable {
    public var groupId: String
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var sessionTimeoutMs: Int32
    public var rebalanceTimeoutMs: Int32
    public var protocolType: String
    public var protocols: [GroupProtocol]
    /// JoinGroup v4+: a member with no id is told its id and must join again with it.
    public var requireKnownMemberId: Bool

    public init(groupId: String, memberId: String, groupInstanceId: String? = nil, clientId: String, clientHost: String,
                sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, protocolType: String, protocols: [GroupProtocol],
                requireKnownMemberId: Bool) {
        self.groupId = groupId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
        self.requireKnownMemberId = requireKnownMemberId
    }
}

public struct JoinGroupMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var metadata: [UInt8]
}

public struct JoinGroupOutput: Sendable, Equatable {
    public var errorCode: Int16
    public var generationId: Int32
    public var protocolType: String?
    public var protocolName: String?
    public var leader: String
    public var memberId: String
    /// Only the leader gets the member list, to compute the assignment.
    public var members: [JoinGroupMember]

    static func error(_ code: GroupErrorCode, memberId: String = "") -> JoinGroupOutput {
        JoinGroupOutput(errorCode: code.rawValue, generationId: -1, protocolType: nil, protocolName: nil,
                        leader: "", memberId: memberId, members: [])
    }
}

public struct SyncGroupOutput: Sendable, Equatable {
    public var errorCode: Int16
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: [UInt8]
}

public struct GroupMemberDescription: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var metadata: [UInt8]
    public var assignment: [UInt8]
}

public struct GroupDescription: Sendable, Equatable {
    public var groupId: String
    public var state: GroupState
    public var protocolType: String
    public var protocolName: String
    public var members: [GroupMemberDescription]
}

/// The Kafka error codes the coordinator answers with.
public enum GroupErrorCode: Int16, Sendable {
    case none = 0
    case coordinatorNotAvailable = 15
    case illegalGeneration = 22
    case inconsistentGroupProtocol = 23
    case invalidGroupId = 24
    case unknownMemberId = 25
    case invalidSessionTimeout = 26
    case rebalanceInProgress = 27
    case nonEmptyGroup = 68
    case groupIdNotFound = 69
    case memberIdRequired = 79
    case fencedInstanceId = 82
}
