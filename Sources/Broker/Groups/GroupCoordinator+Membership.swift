extension GroupCoordinator {
    // MARK: SyncGroup

    /// Hands the leader's assignment to every member; followers wait for the leader.
    public func sync(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
                     assignments: [String: [UInt8]]) async -> SyncGroupOutput {
        func failure(_ code: GroupErrorCode) -> SyncGroupOutput {
            SyncGroupOutput(errorCode: code.rawValue, protocolType: nil, protocolName: nil, assignment: [])
        }
        if let group = groups[groupId], group.isFenced(memberId: memberId, instanceId: groupInstanceId) { return failure(.fencedInstanceId) }
        guard let group = groups[groupId], group.members[memberId] != nil else { return failure(.unknownMemberId) }
        guard generationId == group.generationId else { return failure(.illegalGeneration) }
        switch group.state {
        case .empty, .dead:
            return failure(.unknownMemberId)
        case .preparingRebalance:
            return failure(.rebalanceInProgress)
        case .stable:
            return SyncGroupOutput(errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName,
                                   assignment: group.members[memberId]?.assignment ?? [])
        case .completingRebalance:
            group.members[memberId]?.lastHeartbeatMs = clock()
            return await withCheckedContinuation { continuation in
                // As in JoinGroup: a re-sent SyncGroup answers the one it replaces.
                group.members[memberId]?.pendingSync?.resume(returning: failure(.rebalanceInProgress))
                group.members[memberId]?.pendingSync = continuation
                if memberId == group.leaderId { completeSync(group, assignments: assignments) }
            }
        }
    }

    private func completeSync(_ group: ConsumerGroup, assignments: [String: [UInt8]]) {
        group.state = .stable
        group.syncDeadlineMs = nil
        for id in group.joinOrder {
            group.members[id]?.assignment = assignments[id] ?? []
            if let continuation = group.members[id]?.pendingSync {
                group.members[id]?.pendingSync = nil
                continuation.resume(returning: SyncGroupOutput(
                    errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName,
                    assignment: group.members[id]?.assignment ?? []))
            }
        }
    }

    // MARK: Heartbeat

    /// Keeps a member alive; tells it to rejoin when a rebalance is under way.
    public func heartbeat(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil) -> Int16 {
        if let group = groups[groupId], group.isFenced(memberId: memberId, instanceId: groupInstanceId) {
            return GroupErrorCode.fencedInstanceId.rawValue
        }
        guard let group = groups[groupId], group.members[memberId] != nil else { return GroupErrorCode.unknownMemberId.rawValue }
        switch group.state {
        case .empty, .dead:
            return GroupErrorCode.unknownMemberId.rawValue
        case .preparingRebalance, .completingRebalance, .stable:
            // As Kafka: a member of an older generation is told so before anything else.
            guard generationId == group.generationId else { return GroupErrorCode.illegalGeneration.rawValue }
            group.members[memberId]?.lastHeartbeatMs = clock()
            return group.state == .preparingRebalance ? GroupErrorCode.rebalanceInProgress.rawValue : 0
        }
    }

    // MARK: LeaveGroup

    /// Removes members (by id, or by static instance id); the group rebalances without them.
    /// Returns an error code per member, in order.
    public func leave(groupId: String, members: [(memberId: String, groupInstanceId: String?)]) -> [Int16] {
        guard let group = groups[groupId] else { return members.map { _ in GroupErrorCode.unknownMemberId.rawValue } }
        var codes: [Int16] = []
        for (memberId, instanceId) in members {
            if !memberId.isEmpty, group.isFenced(memberId: memberId, instanceId: instanceId) {
                codes.append(GroupErrorCode.fencedInstanceId.rawValue)
                continue
            }
            let id = memberId.isEmpty ? instanceId.flatMap { group.member(instance: $0)?.memberId } : memberId
            guard let id, group.members[id] != nil else {
                codes.append(GroupErrorCode.unknownMemberId.rawValue)
                continue
            }
            group.remove(id)
            codes.append(0)
            logger.debug("member \(id) left group \(groupId)")
        }
        if codes.contains(0) { memberSetChanged(group, reason: "members left") }
        return codes
    }

    /// After members disappear: rebalance the rest, or settle an emptied group.
    func memberSetChanged(_ group: ConsumerGroup, reason: String) {
        switch group.state {
        case .stable, .completingRebalance:
            prepareRebalance(group, reason: reason)
            maybeCompleteJoin(group)
        case .preparingRebalance:
            maybeCompleteJoin(group)
        case .empty, .dead:
            break
        }
        if group.isEmpty, group.state == .preparingRebalance { maybeCompleteJoin(group, deadlinePassed: true) }
    }

    // MARK: Timeouts

    /// Expires silent members (session timeout), unused member ids, and rebalances whose
    /// rebalance timeout has passed. Called periodically.
    public func tick() {
        let now = clock()
        // An empty group with no committed offsets is forgotten, as Kafka's metadata cleanup
        // does; otherwise every group id ever used would stay listed and in memory.
        for (id, group) in groups where group.state == .empty && group.isEmpty && group.pendingMemberIds.isEmpty
            && !offsets.hasCommits(group: id) {
            groups[id] = nil
        }
        for group in groups.values {
            group.pendingMemberIds = group.pendingMemberIds.filter { $0.value > now }
            var expired: [String] = []
            // A member waiting in JoinGroup or SyncGroup is waiting on the coordinator, not
            // silent (Kafka's shouldKeepAlive); the leader it waits for can still expire.
            for member in group.members.values where member.pendingJoin == nil && member.pendingSync == nil {
                if now - member.lastHeartbeatMs > member.sessionTimeoutMs { expired.append(member.memberId) }
            }
            if group.state == .preparingRebalance, let deadline = group.rebalanceDeadlineMs, now >= deadline {
                maybeCompleteJoin(group, deadlinePassed: true)
                continue
            }
            if group.state == .completingRebalance, let deadline = group.syncDeadlineMs, now >= deadline {
                let unsynced = group.members.values.filter { $0.pendingSync == nil }.map(\.memberId)
                for id in unsynced { group.remove(id) }
                logger.info("group \(group.groupId): \(unsynced.count) member(s) never sent SyncGroup; rebalancing without them")
                memberSetChanged(group, reason: "sync timeout")
                continue
            }
            if !expired.isEmpty {
                for id in expired { group.remove(id) }
                logger.info("group \(group.groupId): session timeout expired for \(expired.count) member(s)")
                memberSetChanged(group, reason: "session timeout")
            } else if group.state == .preparingRebalance {
                maybeCompleteJoin(group)
            }
        }
    }
}
