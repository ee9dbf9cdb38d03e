// LogStore append throughput beside the raw sequential write bandwidth of the same disk,
// measured in the same run so the ratios mean something on a noisy machine.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KafkaProtocol
import LogStore
import Logging

struct Options {
    var directory = "./.bench-data"
    var megabytes = 256
    var recordSize = 1024
    var recordsPerBatch = 16
    var producers = 8
    var inFlight = 5
    var rounds = 3

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { Self.usage("missing value for \(flag)") }
            switch flag {
            case "--directory": directory = value
            case "--megabytes": megabytes = Self.integer(value, "--megabytes")
            case "--record-size": recordSize = Self.integer(value, "--record-size")
            case "--records-per-batch": recordsPerBatch = Self.integer(value, "--records-per-batch")
            case "--producers": producers = Self.integer(value, "--producers")
            case "--in-flight": inFlight = Self.integer(value, "--in-flight")
            case "--rounds": rounds = Self.integer(value, "--rounds")
            default: Self.usage("unknown flag \(flag)")
            }
        }
    }

    static func integer(_ value: String, _ flag: String) -> Int {
        guard let number = Int(value), number > 0 else { usage("\(flag) needs a positive integer") }
        return number
    }

    static func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("logstore-bench: \(message)\nusage: logstore-bench [--directory D] [--megabytes N] [--record-size B] [--records-per-batch N] [--producers N] [--in-flight N] [--rounds N]\n".utf8))
        exit(64)
    }
}

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Plain `write` of the same bytes in batch-sized chunks, then one `fsync`.
func rawWrite(path: String, batch: [UInt8], count: Int) -> Double {
    unlink(path)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "open \(path) failed")
    let start = now()
    batch.withUnsafeBytes { raw in
        for _ in 0..<count { precondition(write(fd, raw.baseAddress, raw.count) == raw.count, "write failed") }
    }
    fsync(fd)
    let elapsed = now() - start
    close(fd)
    unlink(path)
    return elapsed
}

/// LogStore appends from `producers` concurrent tasks; with `sync`, every append is
/// acknowledged only after an fsync covers it (acks=all under `--flush acks`), each producer
/// keeping up to `inFlight` appends unacknowledged as a Kafka producer does
/// (`max.in.flight.requests.per.connection`); without, one flush at the end.
func logStoreWrite(directory: String, batch: [UInt8], count: Int, producers: Int, inFlight: Int, sync: Bool) async throws -> Double {
    try? FileManager.default.removeItem(atPath: directory)
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let store = try LogStore(directory: directory, logger: logger)
    try store.createTopic("bench", partitions: 1, configs: ["retention.ms": "-1"])
    let log = try store.partition("bench", 0)
    let start = now()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for producer in 0..<producers {
            let share = count / producers + (producer < count % producers ? 1 : 0)
            group.addTask {
                var unacknowledged = 0
                for index in 0..<share {
                    let result = try log.append(batch)
                    unacknowledged += 1
                    if sync, unacknowledged == inFlight || index == share - 1 {
                        try await log.sync(upTo: result.lastOffset + 1)
                        unacknowledged = 0
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    try await log.sync(upTo: log.highWatermark)
    let elapsed = now() - start
    try store.close()
    try? FileManager.default.removeItem(atPath: directory)
    return elapsed
}

let options = Options(arguments: CommandLine.arguments)
try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
for index in 0..<options.recordsPerBatch {
    builder.append(key: Array("key-\(index)".utf8), value: (0..<options.recordSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) })
}
let batch = builder.build()
let count = options.megabytes * 1_048_576 / batch.count
let totalMB = Double(batch.count * count) / 1_048_576

var raw: [Double] = [], never: [Double] = [], acks: [Double] = []
for _ in 0..<options.rounds {
    // Interleaved so that drift in the machine's speed hits every case alike.
    raw.append(totalMB / rawWrite(path: options.directory + "/raw.bin", batch: batch, count: count))
    never.append(totalMB / (try await logStoreWrite(directory: options.directory + "/never", batch: batch, count: count, producers: options.producers, inFlight: options.inFlight, sync: false)))
    acks.append(totalMB / (try await logStoreWrite(directory: options.directory + "/acks", batch: batch, count: count, producers: options.producers, inFlight: options.inFlight, sync: true)))
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let rawMB = median(raw)
print("""
### LogStore append vs raw sequential write

\(options.megabytes) MiB per case, \(options.recordsPerBatch) × \(options.recordSize) B records per batch (\(batch.count) B batches), \
\(options.producers) concurrent appenders with up to \(options.inFlight) unacknowledged appends each, median of \(options.rounds) interleaved rounds, data dir `\(options.directory)`.

| case | MB/s | ratio to raw |
| --- | ---: | ---: |
| raw `write` + one `fsync` | \(String(format: "%.0f", rawMB)) | 1.00 |
| LogStore, flush `never` (one fsync at the end) | \(String(format: "%.0f", median(never))) | \(String(format: "%.2f", median(never) / rawMB)) |
| LogStore, flush `acks`, every append awaits a group-committed fsync | \(String(format: "%.0f", median(acks))) | \(String(format: "%.2f", median(acks) / rawMB)) |

""")
