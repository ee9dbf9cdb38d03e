import Foundation
import KafkaProtocol
import Synchronization
@testable import LogStore

/// A fresh directory under the system temp dir, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String
    init() {
        var template = Array((NSTemporaryDirectory() + "logstore-test-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    let now = Atomic<Int64>(1_700_000_000_000)
    func advance(by ms: Int64) { now.add(ms, ordering: .relaxed) }
    var function: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
}

/// A deterministic generator, so a failing property test can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An uncompressed batch of `count` records of `valueSize` bytes, values tagged with `tag`.
func makeBatch(count: Int = 1, valueSize: Int = 100, tag: Int = 0, timestamp: Int64 = 1_700_000_000_000,
               producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1) -> [UInt8] {
    var builder = RecordBatchBuilder(firstTimestamp: timestamp)
    builder.producerId = producerId
    builder.producerEpoch = epoch
    builder.baseSequence = sequence
    for index in 0..<count {
        var value = Array("\(tag)-\(index)|".utf8)
        value += [UInt8](repeating: UInt8(truncatingIfNeeded: tag &+ index), count: max(0, valueSize - value.count))
        builder.append(key: Array("key-\(tag)".utf8), value: value, timestampDelta: Int64(index))
    }
    return builder.build()
}

/// Splits concatenated batch bytes into headers, checking every CRC on the way.
func batches(in bytes: [UInt8]) throws -> [RecordBatchHeader] {
    try bytes.withUnsafeBytes { try RecordBatchHeader.validatedBatches($0).map(\.header) }
}

/// The first record value of each batch, decoded: ties batches read back to what was sent.
func firstValues(in bytes: [UInt8]) throws -> [String] {
    try bytes.withUnsafeBytes { raw in
        try RecordBatchHeader.validatedBatches(raw).map { batch in
            let body = UnsafeRawBufferPointer(rebasing: raw[(batch.range.lowerBound + RecordBatchHeader.size)..<batch.range.upperBound])
            let records = try Record.decodeAll(body, count: Int(batch.header.recordCount))
            return String(decoding: records.first?.value?.prefix { $0 != UInt8(ascii: "|") } ?? [], as: UTF8.self)
        }
    }
}

extension PartitionLog {
    /// Reads everything from `offset` to the end, batch by batch.
    func readAll(from offset: Int64 = 0, chunk: Int = 64 * 1024) throws -> [UInt8] {
        var all: [UInt8] = []
        var next = offset
        while next < highWatermark {
            let result = try read(from: next, maxBytes: chunk)
            let bytes = try result.bytes()
            guard let last = try batches(in: bytes).last else { break }
            all += bytes
            next = last.lastOffset + 1
        }
        return all
    }
}

/// Runs a blocking call on a Dispatch thread, not on Swift's cooperative pool (two threads on
/// a 2-core machine, which a test that blocks or spins there can starve).
final class BackgroundCall: @unchecked Sendable {
    // @unchecked: `failure` is written before `done` is signalled and read after the wait.
    private var failure: LogStoreError?
    private let done = DispatchSemaphore(value: 0)

    init(_ call: @escaping @Sendable () throws(LogStoreError) -> Void) {
        DispatchQueue.global().async { [self] in
            do throws(LogStoreError) { try call() } catch { failure = error }
            done.signal()
        }
    }

    /// Waits for the call; rethrows its error.
    func wait() throws(LogStoreError) {
        done.wait()
        if let failure { throw failure }
    }
}

/// A store over `dir` on `clock` with one topic, "t", of one partition; and that partition.
func storeWithOnePartition(_ dir: TemporaryDirectory, clock: ManualClock) throws -> (store: LogStore, log: PartitionLog) {
    let store = try LogStore(directory: dir.path, clock: clock.function)
    try store.createTopic("t", partitions: 1)
    return (store, try store.partition("t", 0))
}
