/// One group's state inside the coordinator. Only the coordinator actor touches it.
final class ConsumerGroup {
    struct Member {
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        var sessionTimeoutMs: Int64
        var rebalanceTimeoutMs: Int64
        var protocolType: String
        var protocols: [GroupProtocol]
        var assignment: [UInt8] = []
        var lastHeartbeatMs: Int64
        /// A JoinGroup waiting for the rebalance to complete.
        var pendingJoin: CheckedContinuation<JoinGroupOutput, Never>?
        /// A SyncGroup waiting for the leader's assignment.
        var pendingSync: CheckedContinuation<SyncGroupOutput, Never>?

        func metadata(for protocolName: String) -> [UInt8] {
            protocols.first { $0.name == protocolName }?.metadata ?? []
        }
    }

    let groupId: String
    var state: GroupState = .empty
    var generationId: Int32 = 0
    var protocolType: String?
    var protocolName: String?
    var leaderId: String?
    /// Members in join order (the first becomes leader when none is left).
    var members: [String: Member] = [:]
    var joinOrder: [String] = []
    /// Ids handed out with MEMBER_ID_REQUIRED, with when they expire if never used.
    var pendingMemberIds: [String: Int64] = [:]
    /// When PreparingRebalance gives up on members that have not rejoined.
    var rebalanceDeadlineMs: Int64?
    /// When CompletingRebalance gives up on members that have not sent SyncGroup.
    var syncDeadlineMs: Int64?
    /// When the group last became empty (offsets retention counts from then).
    var emptySinceMs: Int64?

    init(groupId: String) {
        self.groupId = groupId
    }

    var isEmpty: Bool { members.isEmpty }

    /// The protocols every member supports.
    func commonProtocols(adding candidate: [GroupProtocol]? = nil, excluding excluded: String? = nil) -> Set<String> {
        var sets = members.values.filter { $0.memberId != excluded }.map { Set($0.protocols.map(\.name)) }
        if let candidate { sets.append(Set(candidate.map(\.name))) }
        guard var common = sets.first else { return [] }
        for set in sets.dropFirst() { common.formIntersection(set) }
        return common
    }

    /// Kafka's choice: every member votes for its most preferred common protocol; most votes wins.
    func selectProtocol() -> String? {
        let common = commonProtocols()
        var votes: [String: Int] = [:]
        for member in members.values {
            if let choice = member.protocols.first(where: { common.contains($0.name) })?.name { votes[choice, default: 0] += 1 }
        }
        return votes.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    func add(_ member: Member) {
        if members[member.memberId] == nil { joinOrder.append(member.memberId) }
        members[member.memberId] = member
        if leaderId == nil { leaderId = member.memberId }
        if protocolType == nil { protocolType = member.protocolType }
    }

    /// Removes a member, answering anything it was waiting for with UNKNOWN_MEMBER_ID.
    func remove(_ memberId: String) {
        guard let member = members.removeValue(forKey: memberId) else { return }
        joinOrder.removeAll { $0 == memberId }
        member.pendingJoin?.resume(returning: .error(.unknownMemberId, memberId: memberId))
        member.pendingSync?.resume(returning: SyncGroupOutput(errorCode: GroupErrorCode.unknownMemberId.rawValue,
                                                              protocolType: nil, protocolName: nil, assignment: []))
        if leaderId == memberId { leaderId = joinOrder.first { members[$0]?.pendingJoin != nil } ?? joinOrder.first }
        if members.isEmpty {
            protocolType = nil
            protocolName = nil
            leaderId = nil
        }
    }

    /// The member holding static instance `instanceId`, if any.
    func member(instance instanceId: String) -> Member? {
        members.values.first { $0.groupInstanceId == instanceId }
    }

    /// KIP-345: a request naming a static instance under another member id than the one
    /// now holding it comes from a replaced (fenced) member: FENCED_INSTANCE_ID.
    func isFenced(memberId: String, instanceId: String?) -> Bool {
        guard let instanceId, let holder = member(instance: instanceId) else { return false }
        return holder.memberId != memberId
    }

    /// Gives a static member's place (assignment, join order, leadership) to `replacement`,
    /// which brings its own settings (timeouts, client); the old id's pending requests are
    /// told they are fenced.
    func replaceStaticMember(_ oldMemberId: String, with replacement: Member) {
        guard let old = members.removeValue(forKey: oldMemberId) else { return }
        let fenced = SyncGroupOutput(errorCode: GroupErrorCode.fencedInstanceId.rawValue, protocolType: nil, protocolName: nil, assignment: [])
        old.pendingJoin?.resume(returning: .error(.fencedInstanceId, memberId: oldMemberId))
        old.pendingSync?.resume(returning: fenced)
        var member = replacement
        member.assignment = old.assignment
        members[member.memberId] = member
        joinOrder = joinOrder.map { $0 == oldMemberId ? member.memberId : $0 }
        if leaderId == oldMemberId { leaderId = member.memberId }
    }

    /// How long a rebalance phase waits for the slowest member (Kafka: the largest
    /// `rebalance_timeout_ms` among the members).
    var longestRebalanceTimeoutMs: Int64 { members.values.map(\.rebalanceTimeoutMs).max() ?? 0 }

    var allMembersRejoined: Bool {
        members.values.allSatisfy { $0.pendingJoin != nil } && pendingMemberIds.isEmpty
    }

    func description() -> GroupDescription {
        GroupDescription(
            groupId: groupId, state: state, protocolType: protocolType ?? "", protocolName: state == .stable ? protocolName ?? "" : "",
            members: joinOrder.compactMap { members[$0] }.map { member in
                GroupMemberDescription(memberId: member.memberId, groupInstanceId: member.groupInstanceId,
                                       clientId: member.clientId, clientHost: member.clientHost,
                                       metadata: member.metadata(for: protocolName ?? ""), assignment: member.assignment)
            })
    }
}
