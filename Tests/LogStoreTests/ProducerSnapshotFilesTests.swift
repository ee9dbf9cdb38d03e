import Foundation
import Testing
@testable import LogStore

@Suite struct ProducerSnapshotFilesTests {
    @Test func anUnchangedStateRenamesTheNewestFileAndAChangedOneIsWritten() {
        var files = ProducerSnapshotFiles(existing: [])
        #expect(files.plan([(10, [1])]) == [.write(offset: 10, bytes: [1])])
        #expect(files.plan([(20, [1])]) == [.rename(from: 10, to: 20, bytes: [1])])
        #expect(files.plan([(20, [1])]) == [])
        #expect(files.plan([(30, [2])]) == [.write(offset: 30, bytes: [2])])
        #expect(files.plan([(40, [3]), (50, [3])]) == [.write(offset: 40, bytes: [3]), .delete(offset: 20), .rename(from: 40, to: 50, bytes: [3])])
        #expect(files.offsets == [30, 50])
        // The same offset with other bytes (idle producers expired) replaces the file.
        #expect(files.plan([(50, [4])]) == [.write(offset: 50, bytes: [4])])
        #expect(files.offsets == [30, 50])
    }

    @Test func filesFoundAtOpenAreKeptToTheLimitButNeverRenamed() {
        var files = ProducerSnapshotFiles(existing: [7, 3])
        #expect(files.plan([(9, [1])]) == [.write(offset: 9, bytes: [1]), .delete(offset: 3)])
        #expect(files.offsets == [7, 9])
    }

    @Test func aWriteBelowNewerFilesDeletesThem() {
        var files = ProducerSnapshotFiles(existing: [5, 8])
        #expect(files.plan([(6, [1])]) == [.write(offset: 6, bytes: [1]), .delete(offset: 8)])
        #expect(files.offsets == [5, 6])
    }

    /// A snapshot file removed by hand is written again rather than failing the partition.
    @Test func aVanishedNewestSnapshotIsWrittenAgain() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let (store, log) = try storeWithOnePartition(dir, clock: clock)
        let directory = dir.path + "/topics/t/0"
        for round in 0..<2 {
            _ = try log.append(makeBatch(count: 1, tag: round))
            clock.advance(by: PartitionLog.checkpointIntervalMs)
            try log.flushNow(persistAllIndexes: false, snapshot: false)
            if round == 0 {
                #expect(ProducerStateSnapshot.list(directory: directory) == [1])
                unlink(ProducerStateSnapshot.path(1, directory: directory))
            }
        }
        #expect(ProducerStateSnapshot.list(directory: directory) == [2])
        _ = try log.append(makeBatch(count: 1, tag: 2))
        try store.close()
    }

    /// Checkpoints of a partition without idempotent producers rename one file forward; a
    /// crash afterwards still restores the state of an idempotent producer that wrote before
    /// them, from the renamed file.
    @Test func checkpointsRenameAnUnchangedSnapshotAndACrashRestoresItsState() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let pid: Int64
        let directory = dir.path + "/topics/t/0"
        do {
            let (store, log) = try storeWithOnePartition(dir, clock: clock)
            pid = try store.producerIds.next()
            for seq in 0..<3 { _ = try log.append(makeBatch(count: 1, tag: seq, producerId: pid, epoch: 0, sequence: Int32(seq))) }
            var checkpoints: [Int64] = []
            for round in 0..<4 {
                _ = try log.append(makeBatch(count: 2, tag: 10 + round))
                clock.advance(by: PartitionLog.checkpointIntervalMs)
                try log.flushNow(persistAllIndexes: false, snapshot: false)
                checkpoints.append(log.highWatermark)
            }
            #expect(checkpoints == [5, 7, 9, 11])
            #expect(ProducerStateSnapshot.list(directory: directory) == [11])
            #expect(RecoveryPoint.read(directory: directory) == 11)
            store.simulateCrash()
        }
        let store = try LogStore(directory: dir.path, clock: clock.function)
        let log = try store.partition("t", 0)
        let retry = try log.append(makeBatch(count: 1, tag: 2, producerId: pid, epoch: 0, sequence: 2))
        #expect(retry.isDuplicate && retry.baseOffset == 2)
        #expect(try log.append(makeBatch(count: 1, producerId: pid, epoch: 0, sequence: 3)).baseOffset == 11)
        clock.advance(by: PartitionLog.checkpointIntervalMs)
        try log.flushNow(persistAllIndexes: false, snapshot: false)
        // The first checkpoint after an open writes a file; the one found is kept beside it.
        #expect(ProducerStateSnapshot.list(directory: directory) == [11, 12])
        try store.close()
    }
}
