import Foundation
import Testing
@testable import LogStore

@Suite struct TopicTests {
    /// Deleting stops every partition before the directory moves away, and removes the files
    /// after; a create of the same name in that window would open the old files and then lose
    /// its own data.
    @Test func aTopicCannotBeRecreatedWhileItIsBeingDeleted() async throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 64)
        for partition in 0..<64 { _ = try store.partition("t", Int32(partition)).append(makeBatch(count: 5)) }
        // On a Dispatch thread: the loop below spins, and on a 2-core machine Swift's
        // cooperative pool has two threads, which other suites' tasks may be holding.
        let deletion = BackgroundCall { () throws(LogStoreError) in try store.deleteTopic("t") }
        var refused = 0
        while true {
            do {
                try store.createTopic("t", partitions: 1)
                break
            } catch .topicAlreadyExists {
                refused += 1
            }
        }
        try deletion.wait()
        #expect(refused > 0)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 0)
        _ = try log.append(makeBatch())
        try store.close()
        let reopened = try LogStore(directory: dir.path)
        #expect(reopened.describeTopic("t")?.partitionCount == 1)
        #expect(try reopened.partition("t", 0).highWatermark == 1)
        try reopened.close()
    }

    /// A deleted topic's data is about to be removed: fsyncing it first only costs time (and,
    /// with acks=1 data in the page cache, could take seconds).
    @Test func deletingATopicSyncsNoneOfItsFiles() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithTopic("t", in: dir, partitions: 3, records: 5)
        let trace = try #require(SyncTrace.start(under: dir.path))
        defer { trace.stop() }
        try store.deleteTopic("t")
        #expect(trace.syncedFiles.filter { $0.contains("/topics/t/") || $0.contains("/deleted/") } == [])
        #expect(throws: LogStoreError.self) { try store.partition("t", 0) }
        try store.close()
    }

    /// When the directory cannot move away (here `deleted/` is not a directory), the name stays
    /// taken and the unflushed topic comes back, whole, from a recovering start; a close in
    /// between must not mark the shutdown clean over partitions it never flushed.
    @Test func aTopicWhoseDirectoryCannotMoveComesBackAfterARestart() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithTopic("t", in: dir, partitions: 2, records: 7)
        try FileManager.default.removeItem(atPath: dir.path + "/deleted")
        #expect(FileManager.default.createFile(atPath: dir.path + "/deleted", contents: Data("not a directory".utf8)))
        #expect {
            try store.deleteTopic("t")
        } throws: { error in
            guard case let .io(operation, _, _) = error as? LogStoreError else { return false }
            return operation == "rename"
        }
        #expect(throws: LogStoreError.self) { try store.partition("t", 0) }
        #expect {
            try store.createTopic("t", partitions: 1)
        } throws: { error in
            guard case .topicAlreadyExists = error as? LogStoreError else { return false }
            return true
        }
        try store.close()
        let reopened = try LogStore(directory: dir.path)
        #expect(reopened.recoveredFromCrash)
        #expect(reopened.describeTopic("t")?.partitionCount == 2)
        for partition in 0..<2 { #expect(try reopened.partition("t", Int32(partition)).highWatermark == 7) }
        try reopened.deleteTopic("t")
        #expect(reopened.describeTopic("t") == nil)
        try reopened.close()
    }

    @Test(arguments: ["", ".", "..", "has space", "slash/no", "ü", String(repeating: "x", count: 250)])
    func illegalNamesAreRefused(name: String) {
        #expect(throws: LogStoreError.self) { try TopicName.validate(name) }
    }

    @Test(arguments: ["a", "car-shop-reported-events", "A.b_c-9", "...", String(repeating: "x", count: 249)])
    func legalNamesAreAccepted(name: String) throws {
        try TopicName.validate(name)
    }

    @Test func createDescribeGrowDeleteAndReopen() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("a", partitions: 2, configs: ["retention.ms": "1000"])
            try store.createTopic("b", partitions: 1)
            #expect(throws: LogStoreError.topicAlreadyExists("a")) { try store.createTopic("a", partitions: 1) }
            #expect(throws: LogStoreError.self) { try store.createTopic("c", partitions: 0) }
            #expect(throws: LogStoreError.self) { try store.createTopic("c", partitions: 1, configs: ["retention.ms": "soon"]) }
            #expect(throws: LogStoreError.self) { try store.createTopic("c", partitions: 1, configs: ["no.such.config": "1"]) }
            #expect(store.describeTopic("c") == nil)
            try store.addPartitions("a", totalCount: 4)
            #expect(throws: LogStoreError.self) { try store.addPartitions("a", totalCount: 3) }
            _ = try store.partition("a", 3).append(makeBatch())
            #expect(throws: LogStoreError.unknownTopicOrPartition(topic: "a", partition: 4)) { try store.partition("a", 4) }
            try store.deleteTopic("b")
            #expect(throws: LogStoreError.self) { try store.deleteTopic("b") }
            try store.setConfig("a", overrides: ["retention.ms": "2000"])
            try store.close()
        }
        let store = try LogStore(directory: dir.path)
        #expect(store.listTopics().map(\.name) == ["a"])
        let a = try #require(store.describeTopic("a"))
        #expect(a.partitionCount == 4 && a.effectiveConfig.retentionMs == 2000)
        #expect(try store.partition("a", 3).highWatermark == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/topics/b"))
        try store.close()
    }
}

/// A store in `dir` with a topic of `partitions` partitions, each holding one batch of
/// `records` records that nothing has fsync'd yet.
private func storeWithTopic(_ name: String, in dir: TemporaryDirectory, partitions: Int, records: Int) throws -> LogStore {
    let store = try LogStore(directory: dir.path)
    try store.createTopic(name, partitions: partitions)
    for partition in 0..<partitions { _ = try store.partition(name, Int32(partition)).append(makeBatch(count: records)) }
    return store
}
