import LogStore

extension GroupCoordinator {
    /// Validates a commit and stores its offsets durably (OffsetCommit). Returns 0 once they
    /// are fsync'd, or the group error that refused them; a storage failure throws.
    ///
    /// The write runs off the actor, but a DeleteGroups of the same group waits for it, as
    /// Kafka's group lock orders the two: otherwise a commit accepted before the delete could
    /// land after the delete answered and bring the group's offsets back.
    public func commit(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
                       offsets committed: [TopicPartition: CommittedOffset]) async throws(LogStoreError) -> Int16 {
        let error = validateCommit(groupId: groupId, generationId: generationId, memberId: memberId, groupInstanceId: groupInstanceId)
        guard error == 0, !committed.isEmpty else { return error }
        commitsInFlight[groupId, default: 0] += 1
        defer { commitFinished(groupId: groupId) }
        try await offloaded { [offsets] () throws(LogStoreError) in try offsets.commit(group: groupId, offsets: committed) }
        return 0
    }

    private func commitFinished(groupId: String) {
        let remaining = (commitsInFlight[groupId] ?? 1) - 1
        guard remaining == 0 else {
            commitsInFlight[groupId] = remaining
            return
        }
        commitsInFlight[groupId] = nil
        for waiter in commitsSettledWaiters.removeValue(forKey: groupId) ?? [] { waiter.resume() }
    }

    /// Returns once no accepted commit of the group is still being written.
    private func commitsSettled(groupId: String) async {
        while commitsInFlight[groupId] != nil {
            await withCheckedContinuation { commitsSettledWaiters[groupId, default: []].append($0) }
        }
    }

    /// Checks that a commit may be accepted. Members commit with their generation; a client
    /// that manages partitions itself (`assign()`) commits with generation -1 and no member
    /// id, which Kafka allows while the group has no members.
    func validateCommit(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil) -> Int16 {
        guard !groupId.isEmpty else { return GroupErrorCode.invalidGroupId.rawValue }
        if let group = groups[groupId], group.isFenced(memberId: memberId, instanceId: groupInstanceId) {
            return GroupErrorCode.fencedInstanceId.rawValue
        }
        guard let group = groups[groupId], !group.isEmpty else {
            return generationId < 0 ? 0 : GroupErrorCode.illegalGeneration.rawValue
        }
        if generationId < 0, memberId.isEmpty { return GroupErrorCode.unknownMemberId.rawValue }
        guard group.members[memberId] != nil else { return GroupErrorCode.unknownMemberId.rawValue }
        guard generationId == group.generationId else { return GroupErrorCode.illegalGeneration.rawValue }
        // While members rejoin (PreparingRebalance) the current generation may still commit:
        // that is when clients commit the partitions they are giving up. Only between the
        // joins and the new assignment (CompletingRebalance) is a commit refused, as in Kafka.
        if group.state == .completingRebalance { return GroupErrorCode.rebalanceInProgress.rawValue }
        group.members[memberId]?.lastHeartbeatMs = clock()
        return 0
    }

    /// One group's description (DescribeGroups); unknown groups are reported Dead, as Kafka does.
    public func describe(groupId: String) -> GroupDescription {
        if let group = groups[groupId] { return group.description() }
        if offsets.hasCommits(group: groupId) {
            return GroupDescription(groupId: groupId, state: .empty, protocolType: "consumer", protocolName: "", members: [])
        }
        return GroupDescription(groupId: groupId, state: .dead, protocolType: "", protocolName: "", members: [])
    }

    /// Every group the broker knows: live ones and ones that only have committed offsets.
    public func list() -> [(groupId: String, protocolType: String, state: GroupState)] {
        var result: [String: (String, GroupState)] = [:]
        for group in offsets.groups() { result[group] = ("consumer", .empty) }
        for (id, group) in groups where group.state != .dead {
            result[id] = (group.protocolType ?? result[id]?.0 ?? "consumer", group.state)
        }
        return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }
    }

    /// Deletes an empty group and its committed offsets (DeleteGroups).
    /// The journal's fsync runs off the actor, which other groups' requests can use meanwhile.
    public func delete(groupId: String) async -> Int16 {
        await commitsSettled(groupId: groupId)
        let known = groups[groupId] != nil || offsets.hasCommits(group: groupId)
        guard known else { return GroupErrorCode.groupIdNotFound.rawValue }
        if let group = groups[groupId], !group.isEmpty { return GroupErrorCode.nonEmptyGroup.rawValue }
        groups[groupId] = nil
        do {
            _ = try await offloaded { [offsets] () throws(LogStoreError) in try offsets.deleteGroup(groupId) }
        } catch {
            logger.error("deleting offsets of group \(groupId) failed: \(error)")
            return -1
        }
        return 0
    }
}

extension GroupCoordinator {
    /// Deletes the committed offsets of every group that has had no members for
    /// `offsetsRetentionMs` and committed nothing for as long (Kafka's offset expiry,
    /// KIP-211); a group that only ever committed (`assign()` clients) counts from its last
    /// commit. Returns the groups whose offsets went.
    @discardableResult
    public func expireOffsets() async -> [String] {
        let cutoff = clock() - configuration.offsetsRetentionMs
        var expired: [String] = []
        for groupId in offsets.groups() {
            // Checked again for each group: members may join while an earlier delete syncs.
            if let group = groups[groupId], !group.isEmpty || !group.pendingMemberIds.isEmpty { continue }
            let emptySince = groups[groupId]?.emptySinceMs ?? startedAtMs
            let lastCommit = offsets.committed(group: groupId).values.map(\.commitTimestamp).max() ?? .min
            guard emptySince < cutoff, lastCommit < cutoff else { continue }
            groups[groupId] = nil
            do {
                // The commit check is repeated under the journal's lock: one may land meanwhile.
                let deleted = try await offloaded { [offsets] () throws(LogStoreError) in
                    try offsets.deleteGroup(groupId, unlessCommittedSince: cutoff)
                }
                if deleted { expired.append(groupId) }
            } catch {
                logger.error("expiring the offsets of group \(groupId) failed: \(error)")
            }
        }
        if !expired.isEmpty { logger.info("expired the committed offsets of \(expired.count) empty group(s)") }
        return expired
    }

    /// The group's generation, or -1 when unknown (tests, DescribeGroups callers).
    public func currentGeneration(groupId: String) -> Int32 { groups[groupId]?.generationId ?? -1 }
}
