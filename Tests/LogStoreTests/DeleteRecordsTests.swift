import Foundation
import KafkaProtocol
import Testing
@testable import LogStore

@Suite struct DeleteRecordsTests {
    /// 30 batches of two records (offsets 0..<60) in segments of a few batches each.
    func filledStore(_ dir: TemporaryDirectory) throws -> (LogStore, PartitionLog) {
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "1200"])
        let log = try store.partition("t", 0)
        for tag in 0..<30 { _ = try log.append(makeBatch(count: 2, tag: tag, timestamp: 1_000 * Int64(tag))) }
        return (store, log)
    }

    @Test func theLogStartMovesInsideASegmentAndWholeSegmentsBelowItGo() throws {
        let dir = TemporaryDirectory()
        let (store, log) = try filledStore(dir)
        let segmentsBefore = log.segmentBaseOffsets
        #expect(segmentsBefore.count > 4)

        #expect(try log.deleteRecords(before: 25) == 25)
        #expect(log.logStartOffset == 25 && log.highWatermark == 60)
        #expect(try log.offset(for: .earliest)?.offset == 25)
        #expect(throws: LogStoreError.offsetOutOfRange(requested: 24, logStart: 25, highWatermark: 60)) { try log.read(from: 24, maxBytes: 1 << 20) }
        // A fetch at the log start gets the whole batch that holds it, as from Kafka.
        let first = try #require(try batches(in: try log.read(from: 25, maxBytes: 1 << 20).bytes()).first)
        #expect(first.baseOffset == 24 && first.lastOffset == 25)
        // Only segments wholly below the start are gone, from the store and the disk.
        let kept = log.segmentBaseOffsets
        #expect(kept.first.map { $0 <= 25 } == true && kept.dropFirst().allSatisfy { $0 > 25 })
        #expect(Set(segmentsBefore).subtracting(kept).allSatisfy { $0 < 25 } && kept.count < segmentsBefore.count)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/topics/t/0")
        #expect(files.filter { $0.hasSuffix(".log") }.count == kept.count)

        // Moving it back is not a deletion; past the end is out of range; -1 is the end.
        #expect(try log.deleteRecords(before: 10) == 25)
        #expect(throws: LogStoreError.offsetOutOfRange(requested: 61, logStart: 25, highWatermark: 60)) { try log.deleteRecords(before: 61) }
        #expect(throws: LogStoreError.offsetOutOfRange(requested: -2, logStart: 25, highWatermark: 60)) { try log.deleteRecords(before: -2) }
        #expect(try log.deleteRecords(before: -1) == 60)
        #expect(try log.read(from: 60, maxBytes: 1 << 20).slices.isEmpty)
        #expect(try log.append(makeBatch(tag: 99)).baseOffset == 60)
        try store.close()
    }

    @Test func aTimestampLookupNeverAnswersBelowTheLogStart() throws {
        let dir = TemporaryDirectory()
        let (store, log) = try filledStore(dir)
        // Batch k holds offsets 2k and 2k+1 at times 1000k and 1000k+1.
        #expect(try log.offset(for: .timestamp(0))?.offset == 0)
        try log.deleteRecords(before: 31)
        #expect(try log.offset(for: .timestamp(0))?.offset == 31)
        #expect(try log.offset(for: .timestamp(15_000))?.offset == 31)
        #expect(try log.offset(for: .timestamp(16_000))?.offset == 32)
        try store.close()
    }

    /// The batch that holds the log start can have its only late-enough records below it:
    /// the lookup goes on to the batches after it rather than answer with the start.
    @Test func aTimestampLookupLooksPastTheBatchThatHoldsTheLogStart() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        var straddling = RecordBatchBuilder(firstTimestamp: 5_000)
        straddling.append(key: nil, value: [1], timestampDelta: 0)
        straddling.append(key: nil, value: [2], timestampDelta: -4_000)
        _ = try log.append(straddling.build())
        _ = try log.append(makeBatch(count: 2, timestamp: 2_000))
        _ = try log.append(makeBatch(count: 2, timestamp: 4_000))
        try log.deleteRecords(before: 1)
        #expect(try log.offset(for: .timestamp(3_000))?.offset == 4)
        #expect(try log.offset(for: .timestamp(1_000))?.offset == 1)
        #expect(try log.offset(for: .timestamp(6_000)) == nil)
        try store.close()
    }

    @Test func theLogStartOutlivesACleanRestartAndACrash() throws {
        let dir = TemporaryDirectory()
        do {
            let (store, log) = try filledStore(dir)
            try log.deleteRecords(before: 21)
            try store.close()
        }
        do {
            let store = try LogStore(directory: dir.path)
            let log = try store.partition("t", 0)
            #expect(log.logStartOffset == 21 && log.highWatermark == 60)
            try log.deleteRecords(before: 33)
            store.simulateCrash()
        }
        let store = try LogStore(directory: dir.path)
        #expect(store.recoveredFromCrash)
        let log = try store.partition("t", 0)
        #expect(log.logStartOffset == 33 && log.highWatermark == 60)
        #expect(try batches(in: try log.readAll(from: 33)).map(\.baseOffset) == Array(stride(from: 32, to: 60, by: 2)))
        try store.close()
    }

    /// A checkpoint past the log end (a hand-edited or lying disk) is clamped to the end, and
    /// segments a crash left behind below the start are deleted at load.
    @Test func loadingClampsTheCheckpointAndDeletesSegmentsBelowIt() throws {
        let dir = TemporaryDirectory()
        do {
            let (store, _) = try filledStore(dir)
            try store.close()
        }
        let partition = dir.path + "/topics/t/0"
        try CheckedInteger.write(1_000, to: partition + "/" + LogStartCheckpoint.fileName)
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        #expect(log.logStartOffset == 60 && log.highWatermark == 60 && log.segmentCount == 1)
        let logs = try FileManager.default.contentsOfDirectory(atPath: partition).filter { $0.hasSuffix(".log") }
        #expect(logs.count == 1)
        #expect(try log.append(makeBatch()).baseOffset == 60)
        try store.close()
    }
}
