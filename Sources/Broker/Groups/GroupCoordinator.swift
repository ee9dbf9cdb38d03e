import Foundation
import Logging
import LogStore

/// The classic group coordinator (Kafka's `GroupCoordinator`): Empty → PreparingRebalance →
/// CompletingRebalance → Stable, generations, protocol selection, leader election, and the
/// session and rebalance timeouts. This broker coordinates every group.
///
/// Time comes from `clock` and timeouts fire from `tick()`, which the broker calls every
/// 100 ms and tests call after moving a manual clock.
public actor GroupCoordinator {
    /// Coordinator settings, Kafka's names in the comments.
    public struct Configuration: Sendable {
        /// `group.min.session.timeout.ms`
        public var minSessionTimeoutMs: Int32 = 6_000
        /// `group.max.session.timeout.ms`
        public var maxSessionTimeoutMs: Int32 = 1_800_000
        /// `group.initial.rebalance.delay.ms`: how long a first join waits for company.
        public var initialRebalanceDelayMs: Int64 = 0
        /// `offsets.retention.minutes` (7 days): how long a group without members keeps its
        /// committed offsets after it emptied and after its last commit (KIP-211).
        public var offsetsRetentionMs: Int64 = 7 * 24 * 3_600_000
        public init() {}
    }

    let configuration: Configuration
    let offsets: GroupOffsetStore
    let clock: @Sendable () -> Int64
    let logger: Logger
    var groups: [String: ConsumerGroup] = [:]
    /// Per group, commits accepted and still being written; a DeleteGroups waits for them.
    var commitsInFlight: [String: Int] = [:]
    var commitsSettledWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Groups known only from their offsets count as empty since the broker started.
    let startedAtMs: Int64

    public init(configuration: Configuration = Configuration(), offsets: GroupOffsetStore,
                clock: @escaping @Sendable () -> Int64 = LogStore.wallClockMs, logger: Logger = Logger(label: "tributary.groups")) {
        self.configuration = configuration
        self.offsets = offsets
        self.clock = clock
        self.logger = logger
        startedAtMs = clock()
    }

    // MARK: JoinGroup

    /// Joins (or rejoins) a member; returns when the rebalance it starts or joins completes.
    public func join(_ input: JoinGroupInput) async -> JoinGroupOutput {
        guard !input.groupId.isEmpty else { return .error(.invalidGroupId, memberId: input.memberId) }
        guard (configuration.minSessionTimeoutMs...configuration.maxSessionTimeoutMs).contains(input.sessionTimeoutMs) else {
            return .error(.invalidSessionTimeout, memberId: input.memberId)
        }
        // A refused join must not leave a group behind: it is stored once the checks pass.
        let group = groups[input.groupId] ?? ConsumerGroup(groupId: input.groupId)
        guard group.state != .dead else { return .error(.coordinatorNotAvailable, memberId: input.memberId) }
        if !group.isEmpty {
            guard input.protocolType == group.protocolType,
                  !group.commonProtocols(adding: input.protocols, excluding: input.memberId).isEmpty
            else { return .error(.inconsistentGroupProtocol, memberId: input.memberId) }
        }
        guard !input.protocols.isEmpty else { return .error(.inconsistentGroupProtocol, memberId: input.memberId) }
        groups[input.groupId] = group
        let now = clock()

        var memberId = input.memberId
        if group.isFenced(memberId: memberId, instanceId: input.groupInstanceId), !memberId.isEmpty {
            return .error(.fencedInstanceId, memberId: memberId)
        }
        if let instanceId = input.groupInstanceId, memberId.isEmpty, let existing = group.member(instance: instanceId) {
            // Static membership (KIP-345): a restarted instance takes its old place under a new
            // id, and the old id is fenced. In a Stable group whose protocol choice stands,
            // that is all: no rebalance, the member syncs to get its old assignment back.
            memberId = newMemberId(input)
            let previousLeader = group.leaderId
            group.replaceStaticMember(existing.memberId, with: member(input, id: memberId, now: now))
            if group.state == .stable, let chosen = group.protocolName, group.selectProtocol() == chosen {
                // Kafka answers with the old leader id, so a replaced leader does not assign.
                return JoinGroupOutput(errorCode: 0, generationId: group.generationId, protocolType: group.protocolType,
                                       protocolName: chosen, leader: previousLeader ?? "", memberId: memberId, members: [])
            }
            if group.state != .preparingRebalance {
                prepareRebalance(group, reason: "static member \(instanceId) rejoined")
            }
        } else if memberId.isEmpty {
            memberId = newMemberId(input)
            // A static member needs no second round trip (Kafka skips it for them too).
            if input.requireKnownMemberId, input.groupInstanceId == nil {
                group.pendingMemberIds[memberId] = now + Int64(input.sessionTimeoutMs)
                return .error(.memberIdRequired, memberId: memberId)
            }
            group.add(member(input, id: memberId, now: now))
            prepareRebalance(group, reason: "member \(memberId) joined")
        } else if group.pendingMemberIds.removeValue(forKey: memberId) != nil {
            group.add(member(input, id: memberId, now: now))
            prepareRebalance(group, reason: "member \(memberId) joined")
        } else if var existing = group.members[memberId] {
            let changed = existing.protocols != input.protocols
            existing.protocols = input.protocols
            existing.sessionTimeoutMs = Int64(input.sessionTimeoutMs)
            existing.rebalanceTimeoutMs = Int64(input.rebalanceTimeoutMs)
            existing.lastHeartbeatMs = now
            group.members[memberId] = existing
            switch group.state {
            case .stable, .completingRebalance:
                // As Kafka: a follower re-sending the same join just gets the current generation.
                if changed || (group.state == .stable && memberId == group.leaderId) {
                    prepareRebalance(group, reason: "member \(memberId) rejoined")
                } else {
                    return currentJoinOutput(group, for: memberId)
                }
            case .preparingRebalance, .empty, .dead:
                if group.state == .empty { prepareRebalance(group, reason: "member \(memberId) rejoined") }
            }
        } else {
            return .error(.unknownMemberId, memberId: memberId)
        }

        return await withCheckedContinuation { continuation in
            guard group.members[memberId] != nil else {
                return continuation.resume(returning: .error(.unknownMemberId, memberId: memberId))
            }
            // A client that timed out re-sends its JoinGroup: the older request must still be
            // answered, or its connection would wait on it for ever.
            group.members[memberId]?.pendingJoin?.resume(returning: .error(.rebalanceInProgress, memberId: memberId))
            group.members[memberId]?.pendingJoin = continuation
            maybeCompleteJoin(group)
        }
    }

    private func member(_ input: JoinGroupInput, id: String, now: Int64) -> ConsumerGroup.Member {
        ConsumerGroup.Member(memberId: id, groupInstanceId: input.groupInstanceId, clientId: input.clientId,
                             clientHost: input.clientHost, sessionTimeoutMs: Int64(input.sessionTimeoutMs),
                             rebalanceTimeoutMs: Int64(input.rebalanceTimeoutMs), protocolType: input.protocolType,
                             protocols: input.protocols, lastHeartbeatMs: now)
    }

    private func newMemberId(_ input: JoinGroupInput) -> String {
        (input.groupInstanceId ?? input.clientId) + "-" + UUID().uuidString.lowercased()
    }

    func prepareRebalance(_ group: ConsumerGroup, reason: String) {
        let wasEmpty = group.state == .empty
        if group.state == .completingRebalance {
            // Members waiting in SyncGroup must rejoin.
            for id in group.members.keys {
                group.members[id]?.pendingSync?.resume(returning: SyncGroupOutput(
                    errorCode: GroupErrorCode.rebalanceInProgress.rawValue, protocolType: nil, protocolName: nil, assignment: []))
                group.members[id]?.pendingSync = nil
            }
        }
        guard group.state != .preparingRebalance else { return }
        group.state = .preparingRebalance
        group.syncDeadlineMs = nil
        group.rebalanceDeadlineMs = clock() + (wasEmpty ? configuration.initialRebalanceDelayMs : group.longestRebalanceTimeoutMs)
        logger.debug("group \(group.groupId) preparing rebalance: \(reason)")
    }

    func maybeCompleteJoin(_ group: ConsumerGroup, deadlinePassed: Bool = false) {
        guard group.state == .preparingRebalance else { return }
        let initialDelayPending = group.generationId == 0 && !deadlinePassed
            && (group.rebalanceDeadlineMs ?? 0) > clock()
        guard deadlinePassed || (group.allMembersRejoined && !initialDelayPending) else { return }
        // Whoever has not rejoined by now is out.
        for (id, member) in group.members where member.pendingJoin == nil { group.remove(id) }
        group.pendingMemberIds.removeAll()
        group.generationId += 1
        group.rebalanceDeadlineMs = nil
        guard !group.isEmpty else {
            group.state = .empty
            group.emptySinceMs = clock()
            logger.debug("group \(group.groupId) is empty at generation \(group.generationId)")
            return
        }
        group.protocolName = group.selectProtocol()
        if group.leaderId.map({ group.members[$0] == nil }) ?? true { group.leaderId = group.joinOrder.first }
        group.state = .completingRebalance
        let now = clock()
        // Kafka's pending-sync timeout: members that never send SyncGroup (a leader that
        // heartbeats but does not assign) must not hold the others for ever.
        group.syncDeadlineMs = now + group.longestRebalanceTimeoutMs
        for id in group.joinOrder {
            guard let continuation = group.members[id]?.pendingJoin else { continue }
            group.members[id]?.pendingJoin = nil
            group.members[id]?.lastHeartbeatMs = now
            continuation.resume(returning: currentJoinOutput(group, for: id))
        }
        logger.info("group \(group.groupId) generation \(group.generationId): \(group.members.count) member(s), protocol \(group.protocolName ?? "-")")
    }

    private func currentJoinOutput(_ group: ConsumerGroup, for memberId: String) -> JoinGroupOutput {
        let isLeader = memberId == group.leaderId
        return JoinGroupOutput(
            errorCode: 0, generationId: group.generationId, protocolType: group.protocolType,
            protocolName: group.protocolName, leader: group.leaderId ?? "", memberId: memberId,
            members: isLeader ? group.joinOrder.compactMap { group.members[$0] }.map {
                JoinGroupMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: group.protocolName ?? ""))
            } : [])
    }
}
