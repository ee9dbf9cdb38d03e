import KafkaProtocol
import Testing
@testable import LogStore

/// ListOffsets by timestamp is the one path that reads a producer's records after append.
@Suite struct TimestampLookupTests {
    /// `batch` with its header's timestamps replaced and its CRC made valid again, as a
    /// hostile producer could send it.
    func rewritten(_ batch: [UInt8], firstTimestamp: Int64, maxTimestamp: Int64) throws -> [UInt8] {
        var bytes = batch
        var header = try #require(bytes.withUnsafeBytes { RecordBatchHeader(bytes: $0) })
        header.firstTimestamp = firstTimestamp
        header.maxTimestamp = maxTimestamp
        header.crc = bytes.withUnsafeBytes { header.checksum(records: UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.size...])) }
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        return bytes
    }

    @Test func timestampsThatOverflowDoNotTrapTheLookup() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        var builder = RecordBatchBuilder(firstTimestamp: 0)
        builder.append(key: nil, value: [1], timestampDelta: Int64.max)
        let hostile = try rewritten(builder.build(), firstTimestamp: Int64.max, maxTimestamp: Int64.max)
        _ = try log.append(hostile)
        // Int64.max + Int64.max wraps, as Kafka's longs do; the lookup answers instead of trapping.
        #expect(try log.offset(for: .timestamp(0))?.offset == 0)
        try store.close()
    }

    @Test func aLogAppendTimeBatchAnswersWithItsBaseOffsetAndAppendTime() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let store = try LogStore(directory: dir.path, clock: clock.function)
        try store.createTopic("t", partitions: 1, configs: ["message.timestamp.type": "LogAppendTime"])
        let log = try store.partition("t", 0)
        let appendedAt = clock.function()
        // The producer's clock runs ahead: its create times straddle the append time.
        var builder = RecordBatchBuilder(firstTimestamp: appendedAt - 10)
        for delta in [Int64(0), 10, 20] { builder.append(key: nil, value: [1], timestampDelta: delta) }
        _ = try log.append(builder.build())
        let found = try #require(try log.offset(for: .timestamp(appendedAt - 5)))
        #expect(found.offset == 0 && found.timestamp == appendedAt)
        try store.close()
    }
}
