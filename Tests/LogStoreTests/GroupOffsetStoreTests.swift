import Foundation
import Synchronization
import Testing
@testable import LogStore

@Suite struct GroupOffsetStoreTests {
    @Test func commitsSurviveCleanAndUncleanRestarts() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.groupOffsets.commit(group: "g1", offsets: [
                TopicPartition("a", 0): CommittedOffset(offset: 10, metadata: "m", commitTimestamp: 1),
                TopicPartition("a", 1): CommittedOffset(offset: 20, leaderEpoch: 3, commitTimestamp: 2),
            ])
            try store.groupOffsets.commit(group: "g1", offsets: [TopicPartition("a", 0): CommittedOffset(offset: 11, commitTimestamp: 3)])
            try store.groupOffsets.commit(group: "g2", offsets: [TopicPartition("b", 0): CommittedOffset(offset: 5, commitTimestamp: 4)])
            try store.groupOffsets.commit(group: "gone", offsets: [TopicPartition("b", 0): CommittedOffset(offset: 5, commitTimestamp: 4)])
            try store.groupOffsets.deleteGroup("gone")
            store.simulateCrash()
        }
        let store = try LogStore(directory: dir.path)
        #expect(store.groupOffsets.groups() == ["g1", "g2"])
        #expect(store.groupOffsets.committed(group: "g1", TopicPartition("a", 0)) == CommittedOffset(offset: 11, commitTimestamp: 3))
        #expect(store.groupOffsets.committed(group: "g1", TopicPartition("a", 1)) == CommittedOffset(offset: 20, leaderEpoch: 3, commitTimestamp: 2))
        #expect(store.groupOffsets.committed(group: "g2").count == 1)
        try store.close()
    }

    /// A topic deleted and created again must not resume at the old topic's offsets.
    @Test func deletingATopicForgetsItsOffsetsInEveryGroupAcrossACrash() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("a", partitions: 2)
            try store.createTopic("b", partitions: 1)
            try store.groupOffsets.commit(group: "g1", offsets: [
                TopicPartition("a", 0): CommittedOffset(offset: 10, commitTimestamp: 1),
                TopicPartition("b", 0): CommittedOffset(offset: 7, commitTimestamp: 1),
            ])
            try store.groupOffsets.commit(group: "only-a", offsets: [TopicPartition("a", 1): CommittedOffset(offset: 3, commitTimestamp: 1)])
            try store.deleteTopic("a")
            #expect(store.groupOffsets.committed(group: "g1").keys.map(\.topic) == ["b"])
            #expect(store.groupOffsets.groups() == ["g1"])
            try store.createTopic("a", partitions: 2)
            store.simulateCrash()
        }
        let store = try LogStore(directory: dir.path)
        #expect(store.groupOffsets.committed(group: "g1") == [TopicPartition("b", 0): CommittedOffset(offset: 7, commitTimestamp: 1)])
        #expect(store.groupOffsets.committed(group: "only-a").isEmpty)
        try store.close()
    }

    @Test func aTornJournalTailIsDropped() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.groupOffsets.commit(group: "g", offsets: [TopicPartition("a", 0): CommittedOffset(offset: 1, commitTimestamp: 0)])
            try store.groupOffsets.commit(group: "g", offsets: [TopicPartition("a", 0): CommittedOffset(offset: 2, commitTimestamp: 0)])
            store.simulateCrash()
        }
        let path = dir.path + "/__group_offsets/offsets.log"
        let file = try LogFile(path: path, create: false)
        let size = try file.size()
        try file.truncate(to: size - 3)  // the second commit is torn
        try [1, 2, 3].withUnsafeBytes { try file.write($0, at: size - 3) }  // and garbage lands on it
        let store = try LogStore(directory: dir.path)
        #expect(store.groupOffsets.committed(group: "g", TopicPartition("a", 0))?.offset == 1)
        try store.groupOffsets.commit(group: "g", offsets: [TopicPartition("a", 0): CommittedOffset(offset: 3, commitTimestamp: 0)])
        store.simulateCrash()
        let again = try LogStore(directory: dir.path)
        #expect(again.groupOffsets.committed(group: "g", TopicPartition("a", 0))?.offset == 3)
        try again.close()
    }

    @Test func theJournalIsCompactedWhenMostlySuperseded() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try commitMostlySupersededOffsets(to: store)
            try store.close()
        }
        let path = dir.path + "/__group_offsets/offsets.log"
        let before = try LogFile(path: path, create: false).size()
        #expect(before > 64 << 10)
        let store = try LogStore(directory: dir.path)
        #expect(try LogFile(path: path, create: false).size() < 1000)
        #expect(store.groupOffsets.committed(group: "g", TopicPartition("topic", 1))?.offset == 1_999)
        #expect(store.groupOffsets.committed(group: "g", TopicPartition("topic", 2))?.offset == 1_997)
        try store.close()
    }

    /// A consumer that commits per message grows the journal quickly; the periodic pass
    /// (with retention) compacts it without a restart, and nothing committed is lost.
    @Test func thePeriodicPassCompactsTheJournalOfARunningStore() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try commitMostlySupersededOffsets(to: store)
        let path = dir.path + "/__group_offsets/offsets.log"
        #expect(try LogFile(path: path, create: false).size() > 64 << 10)
        store.enforceRetention()
        #expect(try LogFile(path: path, create: false).size() < 1000)
        try store.groupOffsets.commit(group: "g", offsets: [TopicPartition("topic", 0): CommittedOffset(offset: 5_000, commitTimestamp: 0)])
        store.simulateCrash()
        let reopened = try LogStore(directory: dir.path)
        #expect(reopened.groupOffsets.committed(group: "g", TopicPartition("topic", 0))?.offset == 5_000)
        #expect(reopened.groupOffsets.committed(group: "g", TopicPartition("topic", 1))?.offset == 1_999)
        try reopened.close()
    }

    /// A compaction fsyncs in the journal's turn; readers of the offsets (OffsetFetch on an
    /// event loop, the group coordinator) must not wait for its disk. Synchronous, on Dispatch
    /// threads: a held fsync must not block a thread of Swift's small cooperative pool.
    @Test func readersDoNotWaitForACompactionsFsync() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try commitMostlySupersededOffsets(to: store)
        let trace = try #require(SyncTrace.start(under: dir.path))
        defer { trace.stop() }
        trace.holdNextSync()
        let compaction = BackgroundCall { () throws(LogStoreError) in try store.groupOffsets.compactIfWorthIt() }
        while !trace.isHoldingSync { usleep(2_000) }
        // Read from another thread: a reader stuck behind the held fsync must not stall the test.
        let read = DispatchSemaphore(value: 0)
        let offset = Mutex<Int64?>(nil)
        DispatchQueue.global().async {
            let committed = store.groupOffsets.hasCommits(group: "g") ? store.groupOffsets.committed(group: "g", TopicPartition("topic", 1)) : nil
            offset.withLock { $0 = committed?.offset }
            read.signal()
        }
        let answered = read.wait(timeout: .now() + 2) == .success
        #expect(answered, "a reader waited for the compaction's fsync")
        trace.releaseHeldSync()
        try compaction.wait()
        if !answered { read.wait() }
        #expect(offset.withLock { $0 } == 1_999)
        #expect(try LogFile(path: dir.path + "/__group_offsets/offsets.log", create: false).size() < 1000)
        try store.close()
    }

    /// After the rename, only the directory's fsync makes the compacted journal the one a
    /// power cut keeps; if it fails, a later commit could vanish with the old file, so every
    /// commit fails until a restart replays whichever journal the directory holds.
    @Test func aCompactionWhoseRenameIsNotDurableStopsCommitsUntilARestart() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try commitMostlySupersededOffsets(to: store)
        let trace = try #require(SyncTrace.start(under: dir.path))
        defer { trace.stop() }
        trace.failNextDirectorySyncs(1)
        #expect(throws: LogStoreError.self) { try store.groupOffsets.compactIfWorthIt() }
        let later = [TopicPartition("topic", 0): CommittedOffset(offset: 5_000, commitTimestamp: 0)]
        #expect(throws: LogStoreError.self) { try store.groupOffsets.commit(group: "g", offsets: later) }
        store.enforceRetention()  // logs the failure again, and must not clear it
        #expect {
            try store.groupOffsets.commit(group: "g", offsets: later)
        } throws: { error in
            // The operator is told which storage failed: the journal, not some partition.
            "\(error)".hasPrefix("the group offsets journal failed (compaction: ")
        }
        #expect(store.groupOffsets.committed(group: "g", TopicPartition("topic", 0))?.offset == 1_998)
        store.simulateCrash()

        let reopened = try LogStore(directory: dir.path)
        #expect(reopened.groupOffsets.committed(group: "g", TopicPartition("topic", 0))?.offset == 1_998)
        #expect(reopened.groupOffsets.committed(group: "g", TopicPartition("topic", 1))?.offset == 1_999)
        try reopened.groupOffsets.commit(group: "g", offsets: later)
        #expect(reopened.groupOffsets.committed(group: "g", TopicPartition("topic", 0))?.offset == 5_000)
        try reopened.close()
    }

    /// 2,000 commits of group "g" over three partitions of "topic" (the last offsets 1_998,
    /// 1_999 and 1_997): a journal well past 64 KiB, nearly all of it superseded.
    private func commitMostlySupersededOffsets(to store: LogStore) throws {
        for i in 0..<2_000 {
            try store.groupOffsets.commit(group: "g", offsets: [TopicPartition("topic", Int32(i % 3)): CommittedOffset(offset: Int64(i), commitTimestamp: 0)])
        }
    }
}
