import Testing
@testable import LogStore

@Suite struct RetentionTests {
    @Test func retentionBytesDeletesOldestWholeSegments() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2000", "retention.bytes": "5000", "retention.ms": "-1"])
        let log = try store.partition("t", 0)
        for tag in 0..<60 { _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag)) }
        let before = log.segmentCount
        let deleted = try log.enforceRetention()
        #expect(deleted > 0 && log.segmentCount == before - deleted)
        #expect(log.sizeInBytes < 5000 + 2000)
        #expect(log.sizeInBytes >= 5000 - 2000)
        let start = log.logStartOffset
        #expect(start == log.segmentBaseOffsets[0] && start > 0)
        #expect(throws: LogStoreError.offsetOutOfRange(requested: 0, logStart: start, highWatermark: 60)) {
            try log.read(from: 0, maxBytes: 100)
        }
        #expect(try batches(in: try log.readAll(from: start)).first?.baseOffset == start)
        #expect(try log.offset(for: .earliest)?.offset == start)
        try store.close()
        // The new log start survives a reopen.
        let reopened = try LogStore(directory: dir.path)
        #expect(try reopened.partition("t", 0).logStartOffset == start)
        try reopened.close()
    }

    @Test func retentionMsDeletesExpiredSegmentsIncludingAnIdleActiveOne() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let now = clock.function()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2000", "retention.ms": "60000"])
        let log = try store.partition("t", 0)
        for tag in 0..<20 { _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag, timestamp: now - 120_000)) }
        for tag in 20..<30 { _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag, timestamp: now)) }
        try log.enforceRetention()
        #expect(log.logStartOffset > 0 && log.logStartOffset <= 20)
        #expect(log.highWatermark == 30)
        // Everything expires once the clock moves past the newest record.
        clock.advance(by: 61_000)
        try log.enforceRetention()
        #expect(log.logStartOffset == 30 && log.sizeInBytes == 0)
        #expect(try log.read(from: 30, maxBytes: 100).slices.isEmpty)
        #expect(try log.append(makeBatch(tag: 1, timestamp: clock.function())).baseOffset == 30)
        try store.close()
    }

    /// Batches without timestamps (-1) are measured by when their file was last written.
    @Test func dataWithoutTimestampsIsKeptForRetentionMsAfterItWasWritten() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2000", "retention.ms": "3600000"])
        let log = try store.partition("t", 0)
        for tag in 0..<10 { _ = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag, timestamp: -1)) }
        clock.now.store(LogStore.wallClockMs(), ordering: .relaxed)
        #expect(try log.enforceRetention() == 0)
        #expect(log.logStartOffset == 0 && log.highWatermark == 10)
        clock.advance(by: 3_600_000 + 60_000)
        #expect(try log.enforceRetention() > 0)
        #expect(log.logStartOffset == 10)
        try store.close()
    }

    @Test func segmentMsRollsAnOldActiveSegment() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["segment.ms": "1000"])
        let log = try store.partition("t", 0)
        _ = try log.append(makeBatch(tag: 0))
        _ = try log.append(makeBatch(tag: 1))
        #expect(log.segmentCount == 1)
        clock.advance(by: 1500)
        _ = try log.append(makeBatch(tag: 2))
        #expect(log.segmentBaseOffsets == [0, 2])
        try store.close()
    }
}
