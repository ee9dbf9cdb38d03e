import Foundation
import Testing
@testable import LogStore

/// Property: whatever the batch sizes, segment size and crash point, recovery keeps exactly
/// the batches that end before the cut, and never loses one that was synced (acks=all).
@Suite struct CrashPropertyTests {
    struct Appended {
        var baseOffset: Int64
        var count: Int
        var tag: Int
        var segmentBase: Int64
        var endInSegment: Int64
    }

    @Test(arguments: 0..<40)
    func randomCrashPointsKeepExactlyTheIntactPrefix(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        let dir = TemporaryDirectory()
        var appended: [Appended] = []
        var durable: Int64 = 0
        var activeBase: Int64 = 0
        var activeSize: Int64 = 0
        do {
            let store = try LogStore(directory: dir.path)
            let segmentBytes = Int.random(in: 2_000...40_000, using: &random)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "\(segmentBytes)",
                                                              "index.interval.bytes": "\(Int.random(in: 64...4096, using: &random))"])
            let log = try store.partition("t", 0)
            for tag in 0..<Int.random(in: 1...120, using: &random) {
                let count = Int.random(in: 1...8, using: &random)
                let result = try log.append(makeBatch(count: count, valueSize: Int.random(in: 1...900, using: &random), tag: tag))
                appended.append(Appended(baseOffset: result.baseOffset, count: count, tag: tag,
                                         segmentBase: log.segmentBaseOffsets.last ?? 0, endInSegment: log.activeSegmentSize))
                if Int.random(in: 0..<4, using: &random) == 0 {
                    try log.flushNow(persistAllIndexes: false, snapshot: false)  // an acks=all answer
                    durable = log.durableOffset
                }
            }
            activeBase = log.segmentBaseOffsets.last ?? 0
            activeSize = log.activeSegmentSize
            store.simulateCrash()
        }
        // Power loss: the active segment keeps at least what was synced, then a random amount
        // of what was not, then garbage.
        let syncedEnd = appended.last { $0.segmentBase == activeBase && $0.baseOffset + Int64($0.count) <= durable }?.endInSegment ?? 0
        let cut = Int64.random(in: syncedEnd...activeSize, using: &random)
        let path = dir.path + "/topics/t/0/" + LogSegment.fileName(activeBase, ".log")
        let file = try LogFile(path: path, create: false)
        try file.truncate(to: cut)
        let garbage = (0..<Int.random(in: 0...3000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        try garbage.withUnsafeBytes { try file.write($0, at: cut) }

        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        let survivors = appended.filter { $0.segmentBase < activeBase || $0.endInSegment <= cut }
        let expectedEnd = survivors.last.map { $0.baseOffset + Int64($0.count) } ?? 0
        #expect(log.highWatermark == expectedEnd, "seed \(seed)")
        #expect(log.highWatermark >= durable, "seed \(seed): a synced record was lost")
        #expect(try firstValues(in: try log.readAll()) == survivors.map { "\($0.tag)-0" }, "seed \(seed)")
        // The log keeps working after recovery.
        #expect(try log.append(makeBatch(tag: 999)).baseOffset == expectedEnd)
        try store.close()
    }
}
