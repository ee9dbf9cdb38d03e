import Foundation
import Testing
@testable import LogStore

@Suite struct ProducerStateTests {
    @Test func duplicatesReturnTheOriginalOffsetAndGapsAreRefused() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        let pid = try store.producerIds.next()
        let first = try log.append(makeBatch(count: 3, tag: 0, producerId: pid, epoch: 0, sequence: 0))
        let second = try log.append(makeBatch(count: 2, tag: 1, producerId: pid, epoch: 0, sequence: 3))
        // A retry of either of the last five batches: same offsets, nothing written.
        let retry = try log.append(makeBatch(count: 3, tag: 0, producerId: pid, epoch: 0, sequence: 0))
        #expect(retry == AppendResult(baseOffset: first.baseOffset, lastOffset: first.lastOffset, logStartOffset: 0, isDuplicate: true))
        #expect(try log.append(makeBatch(count: 2, tag: 1, producerId: pid, epoch: 0, sequence: 3)).baseOffset == second.baseOffset)
        #expect(log.highWatermark == 5)
        // A gap.
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: pid, expected: 5, received: 7)) {
            try log.append(makeBatch(count: 1, producerId: pid, epoch: 0, sequence: 7))
        }
        // A new epoch must start at 0, and fences the old one.
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: pid, expected: 0, received: 5)) {
            try log.append(makeBatch(count: 1, producerId: pid, epoch: 1, sequence: 5))
        }
        _ = try log.append(makeBatch(count: 1, producerId: pid, epoch: 1, sequence: 0))
        #expect(throws: LogStoreError.invalidProducerEpoch(producerId: pid, current: 1, received: 0)) {
            try log.append(makeBatch(count: 1, producerId: pid, epoch: 0, sequence: 5))
        }
        // Non-idempotent batches are never checked.
        _ = try log.append(makeBatch(count: 1))
        _ = try log.append(makeBatch(count: 1))
        #expect(log.highWatermark == 8)
        try store.close()
    }

    @Test func onlyTheLastFiveBatchesAreRemembered() throws {
        var manager = ProducerStateManager()
        for i in 0..<7 {
            var header = try #require(makeBatch(count: 1, producerId: 9, epoch: 0, sequence: Int32(i)).withUnsafeBytes { RecordBatchHeader(bytes: $0) })
            header.baseOffset = Int64(i)
            #expect(try manager.check(header) == .append)
            manager.record(header)
        }
        #expect(manager.producers[9]?.batches.map(\.firstSequence) == [2, 3, 4, 5, 6])
        var old = try #require(makeBatch(count: 1, producerId: 9, epoch: 0, sequence: 1).withUnsafeBytes { RecordBatchHeader(bytes: $0) })
        old.baseOffset = 1
        #expect(throws: LogStoreError.self) { try manager.check(old) }
        #expect(ProducerStateManager.decode(manager.encoded()) == manager)
        var torn = manager.encoded()
        torn.removeLast()
        #expect(ProducerStateManager.decode(torn) == nil)
    }

    /// Idle producers are forgotten after `producer.id.expiration.ms`, active ones kept.
    @Test func idleProducersExpire() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function, producerIdExpirationMs: 3_600_000)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        let idle = try store.producerIds.next(), active = try store.producerIds.next()
        _ = try log.append(makeBatch(timestamp: clock.function(), producerId: idle, epoch: 0, sequence: 0))
        clock.advance(by: 3_000_000)
        _ = try log.append(makeBatch(timestamp: clock.function(), producerId: active, epoch: 0, sequence: 0))
        store.enforceRetention()
        #expect(log.producerCount == 2)
        clock.advance(by: 1_000_000)  // idle: 4,000 s since its last batch; active: 1,000 s
        store.enforceRetention()
        #expect(log.producerCount == 1 && log.highestProducerId == active)
        // A snapshot written now (clean close) no longer carries it either.
        try store.close()
        let reopened = try LogStore(directory: dir.path, clock: clock.function)
        #expect(try reopened.partition("t", 0).producerCount == 1)
        try reopened.close()
    }

    /// Losing the `producer-ids` file must not hand out an id a partition still remembers.
    @Test func producerIdsStayUniqueWhenTheirFileIsLost() throws {
        let dir = TemporaryDirectory()
        let pid: Int64
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1)
            for _ in 0..<1500 { _ = try store.producerIds.next() }  // past the first reserved block
            pid = try store.producerIds.next()
            _ = try store.partition("t", 0).append(makeBatch(producerId: pid, epoch: 0, sequence: 0))
            try store.close()
        }
        unlink(dir.path + "/producer-ids")
        let store = try LogStore(directory: dir.path)
        #expect(try store.producerIds.next() > pid)
        try store.close()
    }

    @Test func aFormatOneSnapshotStillLoadsWithoutTimestamps() throws {
        var manager = ProducerStateManager()
        var header = try #require(makeBatch(count: 2, producerId: 4, epoch: 1, sequence: 0).withUnsafeBytes { RecordBatchHeader(bytes: $0) })
        header.baseOffset = 10
        manager.record(header)
        // Format 1 is format 2 without the 8-byte timestamp after each batch.
        var formatOne: [UInt8] = Array("TPS1".utf8)
        formatOne.appendBigEndian(Int32(1))
        formatOne.appendBigEndian(Int64(4))
        formatOne.appendBigEndian(Int16(1))
        formatOne.appendBigEndian(Int32(1))
        for value in [Int32(0), Int32(1)] { formatOne.appendBigEndian(value) }
        for value in [Int64(10), Int64(11)] { formatOne.appendBigEndian(value) }
        formatOne.appendBigEndian(CRC32C.checksum(formatOne))
        let loaded = try #require(ProducerStateManager.decode(formatOne))
        #expect(loaded.producers[4]?.batches == [.init(firstSequence: 0, lastSequence: 1, firstOffset: 10, lastOffset: 11, maxTimestamp: -1)])
        #expect(manager.producers[4]?.batches.first?.maxTimestamp == header.maxTimestamp)
    }

    /// Kafka answers a retried batch with the append time its original got, so a producer
    /// that retries sees the same timestamp as the record in the log.
    @Test(arguments: ["live", "clean restart", "crash"])
    func aRetryOnALogAppendTimeTopicGetsTheOriginalAppendTime(when: String) throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let appendedAt = clock.function()
        let pid: Int64
        do {
            let store = try LogStore(directory: dir.path, clock: clock.function)
            try store.createTopic("t", partitions: 1, configs: ["message.timestamp.type": "LogAppendTime"])
            pid = try store.producerIds.next()
            let log = try store.partition("t", 0)
            #expect(try log.append(makeBatch(count: 2, producerId: pid, epoch: 0, sequence: 0)).logAppendTimeMs == appendedAt)
            clock.advance(by: 60_000)
            switch when {
            case "clean restart": try store.close()
            case "crash": store.simulateCrash()
            default:
                let retry = try log.append(makeBatch(count: 2, producerId: pid, epoch: 0, sequence: 0))
                #expect(retry.isDuplicate && retry.baseOffset == 0 && retry.logAppendTimeMs == appendedAt)
                try store.close()
                return
            }
        }
        let store = try LogStore(directory: dir.path, clock: clock.function)
        let retry = try store.partition("t", 0).append(makeBatch(count: 2, producerId: pid, epoch: 0, sequence: 0))
        #expect(retry.isDuplicate && retry.baseOffset == 0 && retry.logAppendTimeMs == appendedAt)
        try store.close()
    }

    @Test(arguments: [true, false])
    func stateSurvivesRestart(clean: Bool) throws {
        let dir = TemporaryDirectory()
        let pid: Int64
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "1500"])
            let log = try store.partition("t", 0)
            pid = try store.producerIds.next()
            for seq in 0..<12 { _ = try log.append(makeBatch(count: 1, valueSize: 200, tag: seq, producerId: pid, epoch: 0, sequence: Int32(seq))) }
            if clean { try store.close() } else { store.simulateCrash() }
        }
        let store = try LogStore(directory: dir.path)
        let log = try store.partition("t", 0)
        let retry = try log.append(makeBatch(count: 1, valueSize: 200, tag: 11, producerId: pid, epoch: 0, sequence: 11))
        #expect(retry.isDuplicate && retry.baseOffset == 11)
        #expect(throws: LogStoreError.outOfOrderSequence(producerId: pid, expected: 12, received: 13)) {
            try log.append(makeBatch(count: 1, producerId: pid, epoch: 0, sequence: 13))
        }
        #expect(try log.append(makeBatch(count: 1, producerId: pid, epoch: 0, sequence: 12)).baseOffset == 12)
        // Producer ids are never handed out twice, even after a crash.
        #expect(try store.producerIds.next() > pid)
        try store.close()
    }
}

import KafkaProtocol
