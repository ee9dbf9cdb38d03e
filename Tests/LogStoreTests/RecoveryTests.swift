import Foundation
import KafkaProtocol
import Testing
@testable import LogStore

@Suite struct RecoveryTests {
    /// Paths of a partition's segment logs, oldest first.
    func segmentLogs(_ dir: TemporaryDirectory, topic: String = "t", partition: Int = 0) throws -> [String] {
        let path = dir.path + "/topics/\(topic)/\(partition)"
        return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".log") }.sorted().map { path + "/" + $0 }
    }

    @Test func cleanCloseSkipsRecoveryAndKeepsEverything() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 2, configs: ["segment.bytes": "3000"])
            for tag in 0..<50 { _ = try store.partition("t", Int32(tag % 2)).append(makeBatch(count: 2, tag: tag)) }
            try store.close()
        }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/.clean-shutdown"))
        let store = try LogStore(directory: dir.path)
        #expect(!store.recoveredFromCrash)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/.clean-shutdown"))
        let log = try store.partition("t", 1)
        #expect(log.highWatermark == 50)
        #expect(try firstValues(in: try log.readAll()) == stride(from: 1, to: 50, by: 2).map { "\($0)-0" })
        #expect(store.describeTopic("t")?.overrides == ["segment.bytes": "3000"])
        // Appends continue at the right offset.
        #expect(try log.append(makeBatch(tag: 99)).baseOffset == 50)
        try store.close()
    }

    @Test func tornTailIsTruncatedAndEverythingBeforeTheCutSurvives() throws {
        let dir = TemporaryDirectory()
        var ends: [Int64] = []  // file size after each batch
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1)
            let log = try store.partition("t", 0)
            for tag in 0..<40 {
                _ = try log.append(makeBatch(count: 3, valueSize: 90, tag: tag))
                ends.append(log.sizeInBytes)
            }
            store.simulateCrash()
        }
        let path = try segmentLogs(dir)[0]
        let cut = ends[24] + 37  // in the middle of batch 25
        let file = try LogFile(path: path, create: false)
        try file.truncate(to: cut)
        try [UInt8](repeating: 0x5A, count: 500).withUnsafeBytes { try file.write($0, at: cut) }
        let store = try LogStore(directory: dir.path)
        #expect(store.recoveredFromCrash)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 25 * 3)
        #expect(log.sizeInBytes == ends[24])
        #expect(try firstValues(in: try log.readAll()) == (0..<25).map { "\($0)-0" })
        #expect(try log.append(makeBatch(tag: 7)).baseOffset == 75)
        try store.close()
    }

    @Test func corruptBatchInTheMiddleCutsTheRestAndLaterSegments() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2000"])
            for tag in 0..<30 { _ = try store.partition("t", 0).append(makeBatch(count: 1, valueSize: 300, tag: tag)) }
            store.simulateCrash()
        }
        let logs = try segmentLogs(dir)
        #expect(logs.count >= 4)
        // Flip a byte inside the second segment's second batch.
        let file = try LogFile(path: logs[1], create: false)
        var first = try file.read(count: 12, at: 0)
        let length: Int32 = first.withUnsafeBytes { Int32(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: Int32.self)) }
        let secondBatch = Int64(length) + 12
        first = try file.read(count: 1, at: secondBatch + 100)
        try [first[0] ^ 0xFF].withUnsafeBytes { try file.write($0, at: secondBatch + 100) }
        let firstBaseOfSecond = Int64(logs[1].split(separator: "/").last!.prefix(20))!
        // Crash before any checkpoint was written: every segment is suspect and re-validated.
        unlink(dir.path + "/topics/t/0/recovery-point")

        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == firstBaseOfSecond + 1)
        #expect(log.segmentCount == 2)
        #expect(try firstValues(in: try log.readAll()).count == Int(firstBaseOfSecond + 1))
        try store.close()
    }

    /// The CRC does not cover a batch's base offset: recovery checks it follows the one
    /// before, and a corrupt value (here near Int64.max) cuts the log there instead of
    /// trapping or letting the offsets jump.
    @Test(arguments: [Int64.max - 1, 1 << 32])
    func aCorruptBaseOffsetCutsTheLogThere(corrupt: Int64) throws {
        let dir = TemporaryDirectory()
        var ends: [Int64] = []
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1)
            let log = try store.partition("t", 0)
            for tag in 0..<10 {
                _ = try log.append(makeBatch(count: 2, tag: tag))
                ends.append(log.sizeInBytes)
            }
            store.simulateCrash()
        }
        unlink(dir.path + "/topics/t/0/recovery-point")
        let file = try LogFile(path: try segmentLogs(dir)[0], create: false)
        try withUnsafeBytes(of: corrupt.bigEndian) { try file.write($0, at: ends[5]) }  // batch 6's base offset
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 12 && log.sizeInBytes == ends[5])
        #expect(try log.append(makeBatch(tag: 99)).baseOffset == 12)
        try store.close()
    }

    /// A batch larger than anything today's config allows, written when `max.message.bytes`
    /// was higher, is still valid after a crash (recovery caps nothing by config; it streams
    /// the CRC of big batches).
    @Test func aBatchBiggerThanTodaysConfigSurvivesRecovery() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["max.message.bytes": "8000000", "segment.bytes": "1048576"])
            let log = try store.partition("t", 0)
            _ = try log.append(makeBatch(count: 1, tag: 0))
            _ = try log.append(makeBatch(count: 3, valueSize: 1_000_000, tag: 1))  // ~3 MB
            _ = try log.append(makeBatch(count: 1, tag: 2))
            try store.setConfig("t", overrides: ["segment.bytes": "1048576"])
            store.simulateCrash()
        }
        unlink(dir.path + "/topics/t/0/recovery-point")
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 5)
        #expect(try firstValues(in: try log.readAll(chunk: 4 << 20)) == ["0-0", "1-0", "2-0"])
        try store.close()
    }

    @Test func aTopicFileWithAnImpossiblePartitionCountIsIgnored() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("good", partitions: 1)
            try store.createTopic("bad", partitions: 1)
            try store.close()
        }
        let path = dir.path + "/topics/bad/topic.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"partitions\" : 1", with: "\"partitions\" : -3")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let store = try LogStore(directory: dir.path)
        #expect(store.describeTopic("good")?.partitionCount == 1 && store.describeTopic("bad") == nil)
        try store.close()
    }

    @Test func corruptOrMissingIndexesAreRebuilt() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "5000", "index.interval.bytes": "256"])
            for tag in 0..<80 { _ = try store.partition("t", 0).append(makeBatch(count: 2, valueSize: 120, tag: tag, timestamp: Int64(tag) * 10)) }
            try store.close()
        }
        let logs = try segmentLogs(dir)
        // Garbage in one index, a plausible-but-wrong index in another, one deleted.
        try [UInt8](repeating: 0xEE, count: 21).withUnsafeBytes { try LogFile(path: logs[0].replacingOccurrences(of: ".log", with: ".index")).write($0, at: 0) }
        let wrong: [UInt8] = [0, 0, 0, 3, 0, 0, 0, 50]  // offset 3 claimed at byte 50: no batch starts there
        try AtomicFile.write(wrong, to: logs[1].replacingOccurrences(of: ".log", with: ".index"))
        unlink(logs[2].replacingOccurrences(of: ".log", with: ".timeindex"))
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 160)
        for offset in stride(from: Int64(0), to: 160, by: 7) {
            let header = try batches(in: try log.read(from: offset, maxBytes: 1).bytes()).first
            #expect(header.map { $0.baseOffset...$0.lastOffset }?.contains(offset) == true)
        }
        #expect(try log.offset(for: .timestamp(401))?.offset == 81)
        #expect(try log.offset(for: .timestamp(405))?.offset == 82)
        try store.close()
    }

    @Test func recoveryScansOnlyPastTheCheckpoint() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2000"])
            let log = try store.partition("t", 0)
            for tag in 0..<30 { _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag)) }
            try log.flushNow(persistAllIndexes: false, snapshot: false)
            store.simulateCrash()
        }
        let logs = try segmentLogs(dir)
        let checkpoint = RecoveryPoint.read(directory: dir.path + "/topics/t/0")
        #expect(checkpoint > 0)
        // Damage a segment wholly below the checkpoint: a trusted segment is not re-validated,
        // which is what keeps restart time independent of the log's size.
        let file = try LogFile(path: logs[0], create: false)
        try [0xFF].withUnsafeBytes { try file.write($0, at: 200) }
        let store = try LogStore(directory: dir.path)
        #expect(try store.partition("t", 0).highWatermark == 30)
        try store.close()
    }

    /// Writes 40 batches, checkpoints them (the active segment's index entries and a producer
    /// snapshot go to disk with the checkpoint), writes 20 more, crashes, and flips a byte in
    /// batch 5 (below the checkpoint) and one in batch 50 (past it). Returns the partition's
    /// directory.
    private func crashWithDamageBelowAndPastTheCheckpoint(_ dir: TemporaryDirectory) throws -> String {
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        var starts: [Int64] = []
        for tag in 0..<60 {
            if tag == 40 {
                clock.advance(by: PartitionLog.checkpointIntervalMs)
                try log.flushNow(persistAllIndexes: false, snapshot: false)
            }
            starts.append(log.sizeInBytes)
            _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag))
        }
        store.simulateCrash()
        let directory = dir.path + "/topics/t/0"
        #expect(RecoveryPoint.read(directory: directory) == 40)
        #expect(ProducerStateSnapshot.list(directory: directory).last == 40)
        let file = try LogFile(path: try segmentLogs(dir)[0], create: false)
        for batch in [5, 50] {
            let at = starts[batch] + 200
            let byte = try file.read(count: 1, at: at)
            try [byte[0] ^ 0xFF].withUnsafeBytes { try file.write($0, at: at) }
        }
        return directory
    }

    /// The segment that holds the checkpoint is re-read from the last index entry below the
    /// checkpoint, not from its start: the damage below the checkpoint goes unread (as in
    /// segments wholly below it), the damage past it is found and cut.
    @Test func recoveryResumesAtTheCheckpointInsideTheActiveSegment() throws {
        let dir = TemporaryDirectory()
        _ = try crashWithDamageBelowAndPastTheCheckpoint(dir)
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.highWatermark == 50)
        // The rebuilt index finds offsets on both sides of the resume point.
        for offset: Int64 in [3, 38, 44, 49] {
            let read = try log.read(from: offset, maxBytes: 1)
            #expect(try batches(in: read.bytes()).first?.baseOffset == offset)
        }
        #expect(try log.append(makeBatch(tag: 99)).baseOffset == 50)
        try store.close()
    }

    /// Without the index file there is no resume point: the whole segment is re-validated,
    /// and the cut comes at the first damage.
    @Test func recoveryWithoutTheIndexFileRereadsTheWholeSegment() throws {
        let dir = TemporaryDirectory()
        let directory = try crashWithDamageBelowAndPastTheCheckpoint(dir)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".index") {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        let store = try LogStore(directory: dir.path)
        #expect(try store.partition("t", 0).highWatermark == 5)
        try store.close()
    }

    /// An index entry below the checkpoint that does not point at the batch it names (here
    /// one byte off) gives no resume point either: the whole segment is re-validated.
    @Test func recoveryDistrustsAnIndexEntryThatMissesItsBatch() throws {
        let dir = TemporaryDirectory()
        let directory = try crashWithDamageBelowAndPastTheCheckpoint(dir)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".index") })
        let path = directory + "/" + name
        var bytes = try #require(LogFile.contents(of: path))
        let entries = bytes.count / OffsetIndex.entrySize
        // The last entry below offset 40, the checkpoint, is where recovery would resume.
        let last = try #require((0..<entries).last { entry -> Bool in
            let relative: UInt32 = bytes.readBigEndian(at: entry * OffsetIndex.entrySize)
            return relative < 40
        })
        #expect(last > 0)
        let at = last * OffsetIndex.entrySize + 4
        let position: UInt32 = bytes.readBigEndian(at: at)
        withUnsafeBytes(of: (position + 1).bigEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
        let file = try LogFile(path: path, create: false)
        try bytes.withUnsafeBytes { try file.write($0, at: 0) }
        let store = try LogStore(directory: dir.path)
        #expect(try store.partition("t", 0).highWatermark == 5)
        try store.close()
    }

    /// Each checkpoint appends the active segment's new index entries to its files, which then
    /// hold exactly the in-memory indexes; after a resumed recovery the files are rewritten.
    @Test func checkpointsKeepTheActiveSegmentsIndexFilesCurrent() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["index.interval.bytes": "1000"])
        let log = try store.partition("t", 0)
        /// Writes a checkpoint and returns the active segment, whose files must hold its indexes.
        func checkpointAndCompare(_ log: PartitionLog) throws -> LogSegment {
            clock.advance(by: PartitionLog.checkpointIntervalMs)
            try log.flushNow(persistAllIndexes: false, snapshot: false)
            let segment = log.state.withLock { $0.active }
            #expect(LogFile.contents(of: segment.indexPath) == segment.offsetIndex.encoded())
            #expect(LogFile.contents(of: segment.timeIndexPath) == segment.timeIndex.encoded())
            return segment
        }
        for round in 0..<3 {
            for tag in 0..<20 {
                _ = try log.append(makeBatch(count: 2, valueSize: 200, tag: tag, timestamp: 1_700_000_000_000 + Int64(round * 100 + tag)))
            }
            #expect(try checkpointAndCompare(log).offsetIndex.count > 1)
        }
        _ = try log.append(makeBatch(tag: 7))
        store.simulateCrash()
        let reopened = try LogStore(directory: dir.path, clock: clock.function)
        let recovered = try reopened.partition("t", 0)
        #expect(recovered.highWatermark == 121)
        #expect(recovered.state.withLock { $0.active.persistedIndexEntries } == nil)
        _ = try checkpointAndCompare(recovered)
        try reopened.close()
    }

    /// A group commit inside the checkpoint interval makes data durable without moving the
    /// checkpoint; the once-a-second check writes it when the interval has passed, without
    /// waiting for `flush.ms`, and then has nothing more to do.
    @Test func aCheckpointHeldBackByItsIntervalIsWrittenWhenTheIntervalPasses() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        _ = try log.append(makeBatch(count: 4))
        clock.advance(by: 1_000)
        try log.flushNow(persistAllIndexes: false, snapshot: false)
        #expect(log.durableOffset == 4)
        #expect(RecoveryPoint.read(directory: dir.path + "/topics/t/0") == 0)
        clock.advance(by: PartitionLog.checkpointIntervalMs - 1_001)
        #expect(store.flushDuePartitions() == 0)
        clock.advance(by: 1)
        #expect(store.flushDuePartitions() == 1)
        log.flushQueue.sync {}
        #expect(RecoveryPoint.read(directory: dir.path + "/topics/t/0") == 4)
        clock.advance(by: PartitionLog.checkpointIntervalMs)
        #expect(store.flushDuePartitions() == 0)
        try store.close()
    }

    /// acks=1 data is fsync'd in the background once it is `flush.ms` old, and the
    /// checkpoint follows, so a crash later re-reads none of it; younger data waits.
    @Test func dataOlderThanFlushMsIsSyncedAndCheckpointedInTheBackground() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("slow", partitions: 1)
        try store.createTopic("fast", partitions: 1, configs: ["flush.ms": "1000"])
        let slow = try store.partition("slow", 0), fast = try store.partition("fast", 0)
        for log in [slow, fast] { _ = try log.append(makeBatch(count: 4)) }
        clock.advance(by: 999)
        #expect(store.flushDuePartitions() == 0)
        clock.advance(by: 1)
        #expect(store.flushDuePartitions() == 1)
        fast.flushQueue.sync {}
        #expect(fast.durableOffset == 4 && slow.durableOffset == 0)
        #expect(RecoveryPoint.read(directory: dir.path + "/topics/fast/0") == 4)
        // Nothing new: nothing to do, however much time passes.
        clock.advance(by: 58_000)
        #expect(store.flushDuePartitions() == 0)
        // The default is a minute from the first unflushed append.
        clock.advance(by: 1_000)
        #expect(store.flushDuePartitions() == 1)
        slow.flushQueue.sync {}
        #expect(slow.durableOffset == 4)
        #expect(RecoveryPoint.read(directory: dir.path + "/topics/slow/0") == 4)
        #expect(store.describeTopic("fast")?.effectiveConfig.flushMs == 1_000)
        #expect(throws: LogStoreError.self) { try store.createTopic("bad", partitions: 1, configs: ["flush.ms": "-1"]) }
        // What recovery finds past the checkpoint after a crash is checkpointed `flush.ms`
        // after the start, so a second crash later does not re-read it.
        _ = try fast.append(makeBatch(count: 2))
        store.simulateCrash()
        let reopened = try LogStore(directory: dir.path, clock: clock.function)
        let recovered = try reopened.partition("fast", 0)
        #expect(recovered.highWatermark == 6 && recovered.durableOffset == 4)
        clock.advance(by: 1_000)
        #expect(reopened.flushDuePartitions() == 1)
        recovered.flushQueue.sync {}
        #expect(RecoveryPoint.read(directory: dir.path + "/topics/fast/0") == 6)
        try reopened.close()
    }

    /// Partitions are recovered concurrently; each must still come back as its own
    /// partition, and a corrupt one must not spill into its neighbours.
    @Test func partitionsRecoveredTogetherEachKeepTheirOwnData() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("a", partitions: 5)
            try store.createTopic("b", partitions: 3)
            for (topic, count) in [("a", 5), ("b", 3)] {
                for partition in 0..<count {
                    let log = try store.partition(topic, Int32(partition))
                    for tag in 0...(partition + (topic == "b" ? 10 : 0)) { _ = try log.append(makeBatch(tag: tag)) }
                }
            }
            store.simulateCrash()
        }
        // A torn tail on one partition.
        let torn = try LogFile(path: dir.path + "/topics/a/3/00000000000000000000.log", create: false)
        try torn.truncate(to: try torn.size() - 5)
        let store = try LogStore(directory: dir.path)
        #expect(store.recoveredFromCrash)
        for partition in 0..<5 {
            #expect(try store.partition("a", Int32(partition)).highWatermark == Int64(partition == 3 ? 3 : partition + 1))
        }
        for partition in 0..<3 {
            #expect(try store.partition("b", Int32(partition)).highWatermark == Int64(partition + 11))
        }
        try store.close()
    }

    /// A partition that cannot be opened fails the whole open, though its neighbours open
    /// alongside it.
    @Test func aPartitionThatCannotBeOpenedFailsTheOpen() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 4)
            try store.close()
        }
        let partition = dir.path + "/topics/t/2"
        try FileManager.default.removeItem(atPath: partition)
        #expect(FileManager.default.createFile(atPath: partition, contents: Data("not a directory".utf8)))
        #expect(throws: LogStoreError.self) { try LogStore(directory: dir.path) }
    }
}
