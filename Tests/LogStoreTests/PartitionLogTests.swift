import KafkaProtocol
import Testing
@testable import LogStore

@Suite struct PartitionLogTests {
    @Test func appendAssignsContiguousOffsetsAndReadsBackAcrossRolls() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "4096", "index.interval.bytes": "512"])
        let log = try store.partition("t", 0)
        var expected: [(base: Int64, count: Int)] = []
        for tag in 0..<200 {
            let count = tag % 5 + 1
            let result = try log.append(makeBatch(count: count, valueSize: 50, tag: tag))
            #expect(result.baseOffset == (expected.last.map { $0.base + Int64($0.count) } ?? 0))
            #expect(result.lastOffset == result.baseOffset + Int64(count) - 1)
            expected.append((result.baseOffset, count))
        }
        #expect(log.segmentCount > 5)
        #expect(log.highWatermark == expected.reduce(0) { $0 + Int64($1.count) })
        let all = try log.readAll()
        let headers = try batches(in: all)
        #expect(headers.map(\.baseOffset) == expected.map(\.base))
        #expect(try firstValues(in: all) == (0..<200).map { "\($0)-0" })
        // Reading from any offset returns the batch that contains it first.
        for (base, count) in expected.shuffled().prefix(50) {
            let offset = base + Int64(count - 1)
            let first = try batches(in: try log.read(from: offset, maxBytes: 1).bytes()).first
            #expect(first?.baseOffset == base)
        }
        try store.close()
    }

    @Test func readIsAlignedToBatchesAndHonoursTheBudget() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["index.interval.bytes": "1000"])
        let log = try store.partition("t", 0)
        for tag in 0..<100 { _ = try log.append(makeBatch(count: 2, valueSize: 200, tag: tag)) }
        let one = try log.read(from: 0, maxBytes: 10_000)
        let bytes = try one.bytes()
        #expect(bytes.count <= 10_000)
        #expect(bytes.count > 10_000 - 600)
        // validatedBatches accepts only whole batches back to back: the slice ends on a boundary.
        #expect(try batches(in: bytes).reduce(0) { $0 + $1.totalSize } == bytes.count)
        // A budget smaller than one batch still returns one whole batch (KIP-74)...
        #expect(try batches(in: try log.read(from: 10, maxBytes: 5).bytes()).count == 1)
        // ...unless the caller asks for nothing oversized.
        #expect(try log.read(from: 10, maxBytes: 5, minOneBatch: false).slices.isEmpty)
        // At the end: empty, with the high watermark.
        let end = try log.read(from: 200, maxBytes: 1000)
        #expect(end.slices.isEmpty && end.highWatermark == 200 && end.logStartOffset == 0)
        #expect(throws: LogStoreError.offsetOutOfRange(requested: 201, logStart: 0, highWatermark: 200)) {
            try log.read(from: 201, maxBytes: 1000)
        }
        try store.close()
    }

    @Test func rejectsInvalidBatchesWithoutWritingAnything() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["max.message.bytes": "2000"])
        let log = try store.partition("t", 0)
        var corrupt = makeBatch(count: 3)
        corrupt[corrupt.count - 2] ^= 0x40
        #expect { try log.append(corrupt) } throws: { error in
            guard case LogStoreError.invalidRecord(.crcMismatch) = error else { return false }
            return true
        }
        #expect(throws: LogStoreError.messageTooLarge(size: makeBatch(count: 1, valueSize: 3000).count, limit: 2000)) {
            try log.append(makeBatch(count: 1, valueSize: 3000))
        }
        // lastOffsetDelta that disagrees with recordCount.
        var lying = makeBatch(count: 2)
        lying.withUnsafeMutableBytes { $0.storeBytes(of: Int32(7).bigEndian, toByteOffset: RecordBatchHeader.Offset.lastOffsetDelta, as: Int32.self) }
        #expect(throws: LogStoreError.self) { try log.append(lying) }
        #expect(throws: LogStoreError.self) { try log.append([UInt8](repeating: 0xAB, count: 70)) }
        #expect(throws: LogStoreError.self) { try log.append([]) }
        #expect(log.highWatermark == 0)
        #expect(log.sizeInBytes == 0)
        try store.close()
    }

    @Test func lookupByTimestamp() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "2048"])
        let log = try store.partition("t", 0)
        // Batch i holds 3 records with timestamps 1000*i, 1000*i+1, 1000*i+2.
        for i in 0..<60 { _ = try log.append(makeBatch(count: 3, valueSize: 40, tag: i, timestamp: Int64(1000 * i))) }
        #expect(log.segmentCount > 2)
        #expect(try log.offset(for: .earliest)?.offset == 0)
        #expect(try log.offset(for: .latest)?.offset == 180)
        #expect(try log.offset(for: .timestamp(0))?.offset == 0)
        #expect(try log.offset(for: .timestamp(25_000))?.offset == 75)
        let within = try log.offset(for: .timestamp(25_001))
        #expect(within?.offset == 76 && within?.timestamp == 25_001)
        #expect(try log.offset(for: .timestamp(25_003))?.offset == 78)  // next batch
        #expect(try log.offset(for: .timestamp(59_002))?.offset == 179)
        #expect(try log.offset(for: .timestamp(59_003)) == nil)
        #expect(PartitionLog.OffsetSpec(kafkaTimestamp: -2) == .earliest)
        try store.close()
    }

    @Test func concurrentAppendersGetUniqueOffsetsAndReadersSeeWholeBatches() async throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "65536"])
        let log = try store.partition("t", 0)
        let writers = 8, perWriter = 150
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var bases: [Int64] = []
                    for i in 0..<perWriter { bases.append(try log.append(makeBatch(count: 2, valueSize: 64, tag: writer * 1000 + i)).baseOffset) }
                    return bases
                }
            }
            group.addTask {
                // A reader racing the writers only ever sees whole, valid batches.
                for _ in 0..<200 {
                    let hw = log.highWatermark
                    if hw > 0 { _ = try batches(in: try log.read(from: hw / 2, maxBytes: 8192).bytes()) }
                    await Task.yield()
                }
                return []
            }
            var all: [Int64] = []
            for try await bases in group { all += bases }
            #expect(Set(all).count == writers * perWriter)
            #expect(all.sorted() == stride(from: 0, to: Int64(writers * perWriter * 2), by: 2).map { $0 })
        }
        #expect(try batches(in: try log.readAll()).count == writers * perWriter)
        try store.close()
    }

    @Test func groupCommitMakesEveryWaiterDurable() async throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "8192"])
        let log = try store.partition("t", 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for tag in 0..<64 {
                group.addTask {
                    let result = try log.append(makeBatch(count: 1, valueSize: 300, tag: tag))
                    try await log.sync(upTo: result.lastOffset + 1)
                    #expect(log.durableOffset > result.lastOffset)
                }
            }
            try await group.waitForAll()
        }
        #expect(log.durableOffset == 64)
        #expect(FlushPolicy.acks.requiresSync(acks: -1) && !FlushPolicy.acks.requiresSync(acks: 1))
        #expect(FlushPolicy.always.requiresSync(acks: 0) && !FlushPolicy.never.requiresSync(acks: -1))
        try store.close()
        await #expect(throws: LogStoreError.closed) { try await log.sync(upTo: 1_000) }
    }
}
