import Foundation
@testable import LogStore
import Synchronization
import Testing
import TestSupport
@testable import Broker

final class TestClock: Sendable {
    let now = Atomic<Int64>(1_000_000)
    func advance(_ ms: Int64) { now.add(ms, ordering: .relaxed) }
    var function: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
}

/// A coordinator over a throwaway store, with a hand-moved clock.
struct CoordinatorFixture {
    let directory: String
    let store: LogStore
    let clock = TestClock()
    let coordinator: GroupCoordinator
    let initialDelayMs: Int64

    init(initialDelayMs: Int64 = 0, offsetsRetentionMs: Int64 = 7 * 24 * 3_600_000) throws {
        self.initialDelayMs = initialDelayMs
        directory = NSTemporaryDirectory() + "coordinator-\(UUID().uuidString)"
        store = try LogStore(directory: directory)
        var configuration = GroupCoordinator.Configuration()
        configuration.initialRebalanceDelayMs = initialDelayMs
        configuration.offsetsRetentionMs = offsetsRetentionMs
        coordinator = GroupCoordinator(configuration: configuration, offsets: store.groupOffsets, clock: clock.function)
    }

    func cleanUp() {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func joinInput(_ memberId: String = "", protocols: [String] = ["range"], session: Int32 = 10_000,
                   rebalance: Int32 = 30_000, requireKnown: Bool = true, instance: String? = nil) -> JoinGroupInput {
        JoinGroupInput(groupId: "g", memberId: memberId, groupInstanceId: instance, clientId: "client", clientHost: "/127.0.0.1",
                       sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance, protocolType: "consumer",
                       protocols: protocols.map { GroupProtocol(name: $0, metadata: Array($0.utf8)) },
                       requireKnownMemberId: requireKnown)
    }

    /// Two members at generation 1 (the fixture's initial delay passed), the follower's
    /// SyncGroup waiting for the leader's.
    func followerAwaitingTheLeadersSync(rebalance: Int32 = 30_000) async throws
        -> (leader: String, follower: String, followerSync: Task<SyncGroupOutput, Never>) {
        let a = await newMemberId(), b = await newMemberId()
        async let joinA = coordinator.join(joinInput(a, rebalance: rebalance))
        async let joinB = coordinator.join(joinInput(b, rebalance: rebalance))
        await waitForMembers(2)
        clock.advance(initialDelayMs + 1)
        await coordinator.tick()
        let (ja, _) = await (joinA, joinB)
        let leader = ja.leader, follower = leader == a ? b : a
        let followerSync = Task { await coordinator.sync(groupId: "g", generationId: 1, memberId: follower, assignments: [:]) }
        try await Task.sleep(for: .milliseconds(50))
        return (leader, follower, followerSync)
    }

    /// A Stable group "g" at generation 1 whose one member holds assignment [1]; its id.
    func stableGroupOfOne() async -> String {
        let a = await newMemberId()
        _ = await coordinator.join(joinInput(a))
        _ = await coordinator.sync(groupId: "g", generationId: 1, memberId: a, assignments: [a: [1]])
        return a
    }

    /// The v4+ two-step join: MEMBER_ID_REQUIRED, then join with the id.
    func newMemberId(protocols: [String] = ["range"]) async -> String {
        let first = await coordinator.join(joinInput(protocols: protocols))
        #expect(first.errorCode == GroupErrorCode.memberIdRequired.rawValue)
        return first.memberId
    }

    /// Waits until group "g" lists `count` members. A join started with `async let` or a
    /// `Task` need not have reached the coordinator when the next line runs (under `make test`
    /// the whole suite shares two threads), and which join came first decides the leader.
    func waitForMembers(_ count: Int) async {
        for _ in 0..<3_000 {
            if await coordinator.describe(groupId: "g").members.count >= count { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

@Suite struct GroupCoordinatorTests {
    @Test func singleMemberJoinsSyncsAndIsStable() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let id = await f.newMemberId()
        #expect(id.hasPrefix("client-"))
        let joined = await f.coordinator.join(f.joinInput(id))
        #expect(joined.errorCode == 0 && joined.generationId == 1 && joined.leader == id && joined.protocolName == "range")
        #expect(joined.members.map(\.memberId) == [id])
        #expect(await f.coordinator.describe(groupId: "g").state == .completingRebalance)
        let synced = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: id, assignments: [id: [1, 2, 3]])
        #expect(synced.errorCode == 0 && synced.assignment == [1, 2, 3])
        #expect(await f.coordinator.describe(groupId: "g").state == .stable)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: id) == 0)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 0, memberId: id) == GroupErrorCode.illegalGeneration.rawValue)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: "nobody") == GroupErrorCode.unknownMemberId.rawValue)
    }

    @Test func twoMembersShareAGenerationAndFollowersWaitForTheLeader() async throws {
        let f = try CoordinatorFixture(initialDelayMs: 3_000)
        defer { f.cleanUp() }
        let a = await f.newMemberId(protocols: ["range", "roundrobin"])
        let b = await f.newMemberId(protocols: ["roundrobin"])
        async let joinA = f.coordinator.join(f.joinInput(a, protocols: ["range", "roundrobin"]))
        async let joinB = f.coordinator.join(f.joinInput(b, protocols: ["roundrobin"]))
        await f.waitForMembers(2)
        f.clock.advance(3_001)
        await f.coordinator.tick()
        let (ja, jb) = await (joinA, joinB)
        #expect(ja.generationId == 1 && jb.generationId == 1)
        #expect(ja.protocolName == "roundrobin")  // the only protocol both support
        let leader = ja.leader
        #expect(jb.leader == leader)
        #expect((leader == a ? ja : jb).members.count == 2)
        #expect((leader == a ? jb : ja).members.isEmpty)
        let follower = leader == a ? b : a
        async let followerSync = f.coordinator.sync(groupId: "g", generationId: 1, memberId: follower, assignments: [:])
        try await Task.sleep(for: .milliseconds(50))
        let leaderSync = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: leader, assignments: [leader: [1], follower: [2]])
        #expect(leaderSync.assignment == [1])
        #expect(await followerSync.assignment == [2])
    }

    @Test func aNewMemberTriggersARebalanceThatExistingMembersRejoin() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let a = await f.stableGroupOfOne()
        let b = await f.newMemberId()
        async let joinB = f.coordinator.join(f.joinInput(b))
        await f.waitForMembers(2)
        #expect(await f.coordinator.describe(groupId: "g").state == .preparingRebalance)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a) == GroupErrorCode.rebalanceInProgress.rawValue)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 0, memberId: a) == GroupErrorCode.illegalGeneration.rawValue)
        #expect(await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a, assignments: [:]).errorCode == GroupErrorCode.rebalanceInProgress.rawValue)
        // While members rejoin, the current generation still commits what it is giving up.
        #expect(await f.coordinator.validateCommit(groupId: "g", generationId: 1, memberId: a) == 0)
        #expect(await f.coordinator.validateCommit(groupId: "g", generationId: 0, memberId: a) == GroupErrorCode.illegalGeneration.rawValue)
        let rejoinA = await f.coordinator.join(f.joinInput(a))
        let joinedB = await joinB
        #expect(rejoinA.generationId == 2 && joinedB.generationId == 2)
        #expect(rejoinA.leader == a)  // the leader keeps its role
        #expect(await f.coordinator.validateCommit(groupId: "g", generationId: 2, memberId: a) == GroupErrorCode.rebalanceInProgress.rawValue)
    }

    /// A client whose JoinGroup or SyncGroup timed out sends it again; the first request
    /// must still get an answer, or the connection it came on would wait for ever.
    @Test func aReSentJoinOrSyncAnswersTheRequestItReplaces() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let a = await f.stableGroupOfOne()
        let b = await f.newMemberId()
        let firstJoin = Task { await f.coordinator.join(f.joinInput(b)) }
        await f.waitForMembers(2)
        let secondJoin = Task { await f.coordinator.join(f.joinInput(b)) }
        // b's first JoinGroup is answered as soon as the second one replaces it.
        let replaced = try #require(await answer(of: firstJoin))
        #expect(replaced.errorCode == GroupErrorCode.rebalanceInProgress.rawValue)
        let rejoinA = await f.coordinator.join(f.joinInput(a))
        let joinedB = try #require(await answer(of: secondJoin))
        #expect(rejoinA.generationId == 2 && joinedB.generationId == 2)

        // The follower's SyncGroup, sent twice before the leader's.
        let leader = rejoinA.leader, follower = leader == a ? b : a
        let firstSync = Task { await f.coordinator.sync(groupId: "g", generationId: 2, memberId: follower, assignments: [:]) }
        try await Task.sleep(for: .milliseconds(50))
        let secondSync = Task { await f.coordinator.sync(groupId: "g", generationId: 2, memberId: follower, assignments: [:]) }
        #expect(await answer(of: firstSync)?.errorCode == GroupErrorCode.rebalanceInProgress.rawValue)
        _ = await f.coordinator.sync(groupId: "g", generationId: 2, memberId: leader, assignments: [leader: [1], follower: [2]])
        #expect(await answer(of: secondSync)?.assignment == [2])
    }

    /// KIP-345: a restarted static member takes its old place without a rebalance, and the
    /// member id it replaced is fenced everywhere.
    @Test func aRestartedStaticMemberRejoinsWithoutARebalanceAndItsOldIdIsFenced() async throws {
        let f = try CoordinatorFixture(initialDelayMs: 1_000)
        defer { f.cleanUp() }
        let fenced = GroupErrorCode.fencedInstanceId.rawValue
        async let joinA = f.coordinator.join(f.joinInput(instance: "i-a"))
        await f.waitForMembers(1)  // a joins first, so a leads
        let b = await f.newMemberId()
        async let joinB = f.coordinator.join(f.joinInput(b))
        await f.waitForMembers(2)
        f.clock.advance(1_001)
        await f.coordinator.tick()
        let (ja, jb) = await (joinA, joinB)
        let a = ja.memberId
        #expect(ja.generationId == 1 && jb.generationId == 1 && ja.leader == a)
        let followerSync = Task { await f.coordinator.sync(groupId: "g", generationId: 1, memberId: b, assignments: [:]) }
        try await Task.sleep(for: .milliseconds(50))
        _ = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a, assignments: [a: [1], b: [2]])
        _ = await followerSync.value

        // a restarts: same instance, no member id.
        let rejoined = await f.coordinator.join(f.joinInput(instance: "i-a"))
        let a2 = rejoined.memberId
        #expect(rejoined.errorCode == 0 && a2 != a && rejoined.generationId == 1)
        #expect(rejoined.leader == a && rejoined.members.isEmpty)  // the old leader id: a2 does not assign
        #expect(await f.coordinator.describe(groupId: "g").state == .stable)
        #expect(await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a2, groupInstanceId: "i-a", assignments: [:]).assignment == [1])
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a2, groupInstanceId: "i-a") == 0)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: b) == 0)  // no rebalance

        // The old id is fenced.
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a, groupInstanceId: "i-a") == fenced)
        #expect(await f.coordinator.validateCommit(groupId: "g", generationId: 1, memberId: a, groupInstanceId: "i-a") == fenced)
        #expect(await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a, groupInstanceId: "i-a", assignments: [:]).errorCode == fenced)
        #expect(await f.coordinator.join(f.joinInput(a, instance: "i-a")).errorCode == fenced)
        #expect(await f.coordinator.leave(groupId: "g", members: [(a, "i-a")]) == [fenced])
        #expect(await f.coordinator.describe(groupId: "g").members.count == 2)
    }

    /// A follower waiting in SyncGroup for a slow leader is not expired for being quiet.
    @Test func aMemberWaitingInSyncGroupIsKeptAlive() async throws {
        let f = try CoordinatorFixture(initialDelayMs: 1_000)
        defer { f.cleanUp() }
        let (leader, follower, followerSync) = try await f.followerAwaitingTheLeadersSync()
        for _ in 0..<3 {  // 12 s: the leader heartbeats, the follower waits
            f.clock.advance(4_000)
            #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: leader) == 0)
            await f.coordinator.tick()
        }
        _ = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: leader, assignments: [leader: [1], follower: [2]])
        let synced = await answer(of: followerSync)
        #expect(synced?.errorCode == 0 && synced?.assignment == [2])
    }

    /// KIP-211: an empty group's offsets expire once it has been empty, and has committed
    /// nothing, for the retention time; a group with members keeps old commits.
    @Test func offsetsOfGroupsEmptyForTheRetentionTimeExpire() async throws {
        let f = try CoordinatorFixture(offsetsRetentionMs: 10_000)
        defer { f.cleanUp() }
        let now = f.clock.function()
        func commit(_ group: String) throws {
            try f.store.groupOffsets.commit(group: group, offsets: [TopicPartition("t", 0): CommittedOffset(offset: 1, commitTimestamp: f.clock.function())])
        }
        let a = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(a))  // "g" keeps a member throughout
        try commit("g")
        try commit("standalone")  // an assign() client: no members ever
        var left = f.joinInput()
        left.groupId = "left"
        let first = await f.coordinator.join(left)
        left.memberId = first.memberId
        let joined = await f.coordinator.join(left)
        try commit("left")
        f.clock.advance(6_000)
        _ = await f.coordinator.leave(groupId: "left", members: [(joined.memberId, nil)])  // empty from now + 6 s
        f.clock.advance(5_000)  // standalone: last commit 11 s ago; left: empty for 5 s
        _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a)
        #expect(await f.coordinator.expireOffsets() == ["standalone"])
        f.clock.advance(6_000)
        _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a)
        #expect(await f.coordinator.expireOffsets() == ["left"])
        #expect(f.store.groupOffsets.groups() == ["g"])
        #expect(now + 17_000 == f.clock.function())
    }

    /// A leader that heartbeats but never sends SyncGroup is removed after the rebalance
    /// timeout (Kafka's pending-sync timeout), and the waiting follower is told to rejoin.
    @Test func aLeaderThatNeverSyncsIsRemovedAfterTheRebalanceTimeout() async throws {
        let f = try CoordinatorFixture(initialDelayMs: 1_000)
        defer { f.cleanUp() }
        let (leader, follower, followerSync) = try await f.followerAwaitingTheLeadersSync(rebalance: 20_000)
        for _ in 0..<6 {  // 24 s of heartbeats from both, no SyncGroup from the leader
            f.clock.advance(4_000)
            _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: leader)
            _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: follower)
            await f.coordinator.tick()
        }
        #expect(await answer(of: followerSync)?.errorCode == GroupErrorCode.rebalanceInProgress.rawValue)
        let members = await f.coordinator.describe(groupId: "g").members.map(\.memberId)
        #expect(!members.contains(leader))
        #expect(members.contains(follower))  // it stays, to rejoin
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: leader) == GroupErrorCode.unknownMemberId.rawValue)
    }

    /// Kafka forgets an empty group without offsets; a refused join leaves nothing behind.
    @Test func emptyGroupsWithoutOffsetsAreForgotten() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        var refused = f.joinInput(protocols: [])
        refused.groupId = "refused"
        #expect(await f.coordinator.join(refused).errorCode == GroupErrorCode.inconsistentGroupProtocol.rawValue)
        #expect(await f.coordinator.list().isEmpty)
        let a = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(a))
        await f.coordinator.tick()  // a pending join id keeps the group, and so does a member
        #expect(await f.coordinator.list().map(\.groupId) == ["g"])
        _ = await f.coordinator.leave(groupId: "g", members: [(a, nil)])
        await f.coordinator.tick()
        #expect(await f.coordinator.list().isEmpty)
        #expect(await f.coordinator.describe(groupId: "g").state == .dead)
        // With committed offsets the empty group stays, as Kafka keeps it until they expire.
        let b = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(b))
        try f.store.groupOffsets.commit(group: "g", offsets: [TopicPartition("t", 0): CommittedOffset(offset: 1, commitTimestamp: 0)])
        _ = await f.coordinator.leave(groupId: "g", members: [(b, nil)])
        await f.coordinator.tick()
        #expect(await f.coordinator.list().map(\.groupId) == ["g"])
    }

    @Test func aSilentMemberIsRemovedAfterItsSessionTimeout() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let a = await f.newMemberId()
        let b = await f.newMemberId()
        async let joinA = f.coordinator.join(f.joinInput(a, session: 10_000))
        async let joinB = f.coordinator.join(f.joinInput(b, session: 10_000))
        _ = await (joinA, joinB)
        let generation = await f.coordinator.describe(groupId: "g").members.count
        #expect(generation == 2)
        let leader = await f.coordinator.describe(groupId: "g").members.first?.memberId ?? ""
        _ = await f.coordinator.sync(groupId: "g", generationId: await f.generation(), memberId: leader, assignments: [:])
        // b heartbeats, a goes silent.
        let survivor = leader == a ? b : a, silent = leader == a ? a : b
        for _ in 0..<3 {
            f.clock.advance(4_000)
            _ = await f.coordinator.heartbeat(groupId: "g", generationId: await f.generation(), memberId: survivor)
            await f.coordinator.tick()
        }
        let description = await f.coordinator.describe(groupId: "g")
        #expect(description.members.map(\.memberId) == [survivor])
        #expect(description.state == .preparingRebalance)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: silent) == GroupErrorCode.unknownMemberId.rawValue)
        let rejoined = await f.coordinator.join(f.joinInput(survivor))
        #expect(rejoined.generationId == 2 && rejoined.leader == survivor && rejoined.members.count == 1)
    }

    @Test func membersThatDoNotRejoinBeforeTheRebalanceTimeoutAreDropped() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let a = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(a, session: 60_000, rebalance: 5_000))
        _ = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a, assignments: [:])
        let b = await f.newMemberId()
        async let joinB = f.coordinator.join(f.joinInput(b, session: 60_000, rebalance: 5_000))
        await f.waitForMembers(2)
        f.clock.advance(5_001)  // a never rejoins
        await f.coordinator.tick()
        let joined = await joinB
        #expect(joined.generationId == 2 && joined.leader == b && joined.members.map(\.memberId) == [b])
    }

    @Test func leavingRebalancesAndTheLastLeaverEmptiesTheGroup() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let a = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(a))
        _ = await f.coordinator.sync(groupId: "g", generationId: 1, memberId: a, assignments: [:])
        #expect(await f.coordinator.leave(groupId: "g", members: [(a, nil)]) == [0])
        #expect(await f.coordinator.describe(groupId: "g").state == .empty)
        #expect(await f.coordinator.leave(groupId: "g", members: [(a, nil)]) == [GroupErrorCode.unknownMemberId.rawValue])
        // An empty group can be deleted, with its offsets.
        let offsets = [TopicPartition("t", 0): CommittedOffset(offset: 5, commitTimestamp: 0)]
        #expect(try await f.coordinator.commit(groupId: "g", generationId: -1, memberId: "", offsets: offsets) == 0)
        #expect(await f.coordinator.list().map(\.groupId) == ["g"])
        #expect(await f.coordinator.delete(groupId: "g") == 0)
        #expect(f.store.groupOffsets.committed(group: "g").isEmpty)
        #expect(await f.coordinator.delete(groupId: "g") == GroupErrorCode.groupIdNotFound.rawValue)
    }

    /// A commit accepted before a DeleteGroups is written before the delete goes ahead, so
    /// once the delete answers, no offsets of the group are left (Kafka's group lock).
    @Test func aDeleteWaitsForTheCommitsAlreadyAccepted() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        let offsets = [TopicPartition("t", 0): CommittedOffset(offset: 5, commitTimestamp: 0)]
        #expect(try await f.coordinator.commit(groupId: "g", generationId: -1, memberId: "", offsets: offsets) == 0)
        // Hold the journal's next fsync: the next commit is accepted and stays in flight.
        let trace = try #require(SyncTrace.start(under: f.directory))
        defer { trace.stop() }
        trace.holdNextSync()
        defer { trace.releaseHeldSync() }
        let later = [TopicPartition("t", 0): CommittedOffset(offset: 9, commitTimestamp: 0)]
        let committing = Task { try await f.coordinator.commit(groupId: "g", generationId: -1, memberId: "", offsets: later) }
        while !trace.isHoldingSync { try await Task.sleep(for: .milliseconds(2)) }
        let deleted = LockedBox(false)
        let deleting = Task {
            let code = await f.coordinator.delete(groupId: "g")
            deleted.withLock { $0 = true }
            return code
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!deleted.withLock { $0 }, "the delete went ahead of a commit in flight")
        trace.releaseHeldSync()
        #expect(try await committing.value == 0)
        #expect(await deleting.value == 0)
        #expect(f.store.groupOffsets.committed(group: "g").isEmpty)
    }

    @Test func badJoinsGetKafkasErrors() async throws {
        let f = try CoordinatorFixture()
        defer { f.cleanUp() }
        #expect(await f.coordinator.join(f.joinInput(session: 10)).errorCode == GroupErrorCode.invalidSessionTimeout.rawValue)
        #expect(await f.coordinator.join(f.joinInput("made-up")).errorCode == GroupErrorCode.unknownMemberId.rawValue)
        let a = await f.newMemberId()
        _ = await f.coordinator.join(f.joinInput(a))
        let other = await f.coordinator.join(f.joinInput(protocols: ["sticky"], requireKnown: false))
        #expect(other.errorCode == GroupErrorCode.inconsistentGroupProtocol.rawValue)
        var empty = f.joinInput()
        empty.groupId = ""
        #expect(await f.coordinator.join(empty).errorCode == GroupErrorCode.invalidGroupId.rawValue)
        // A non-empty group cannot be deleted.
        #expect(await f.coordinator.delete(groupId: "g") == GroupErrorCode.nonEmptyGroup.rawValue)
        #expect(await f.coordinator.validateCommit(groupId: "g", generationId: 7, memberId: a) == GroupErrorCode.illegalGeneration.rawValue)
    }
}

extension CoordinatorFixture {
    func generation() async -> Int32 { await coordinator.currentGeneration(groupId: "g") }
}

/// `task`'s result, or nil if it has none within `seconds`: a request the coordinator never
/// answers fails the test instead of hanging it (awaiting the task itself would hang). The
/// bound is generous because the whole suite shares two cooperative threads under `make
/// test`; an answer returns as soon as it comes.
func answer<T: Sendable>(of task: Task<T, Never>, within seconds: Int = 30) async -> T? {
    let result = Mutex<T?>(nil)
    Task { let value = await task.value; result.withLock { $0 = value } }
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while ContinuousClock.now < deadline {
        if let value = result.withLock({ $0 }) { return value }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return nil
}
