// Fuzz target: any bytes as the active segment of a partition that did not shut down
// cleanly. Recovery must never crash, must keep only whole valid batches, and what it kept
// must read back the same after a clean reopen.
import Foundation
import FuzzSupport
import KafkaProtocol
import LogStore
import Logging

func fuzzSegment(_ bytes: UnsafeRawBufferPointer) {
    let root = NSTemporaryDirectory() + "fuzz-segment-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: root) }
    let partition = root + "/topics/t/0"
    do {
        try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
        try Data(#"{"id":"00000000-0000-0000-0000-000000000000","partitions":1,"config":{}}"#.utf8)
            .write(to: URL(fileURLWithPath: root + "/topics/t/topic.json"))
        try Data(bytes).write(to: URL(fileURLWithPath: partition + "/00000000000000000000.log"))
    } catch {
        return
    }
    guard let first = try? readEverything(root) else { fatalError("recovery of fuzz input failed") }
    guard let second = try? readEverything(root) else { fatalError("reopen after recovery failed") }
    precondition(first == second, "the recovered prefix reads back differently after a reopen")
}

/// Opens the store, validates every batch it serves, closes it cleanly; returns the bytes.
func readEverything(_ root: String) throws -> [UInt8] {
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    let store = try LogStore(directory: root, logger: logger)
    defer { try? store.close() }
    let log = try store.partition("t", 0)
    var all: [UInt8] = []
    var next = log.logStartOffset
    while next < log.highWatermark {
        let bytes = try log.read(from: next, maxBytes: 1 << 20).bytes()
        let batches = try bytes.withUnsafeBytes { try RecordBatchHeader.validatedBatches($0) }
        guard let last = batches.last else { break }
        all += bytes
        next = last.header.lastOffset + 1
    }
    return all
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzSegment(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
struct ReplaySegments {
    static func main() throws {
        try replayCorpus(CommandLine.arguments.dropFirst()) { fuzzSegment($0) }
    }
}
#endif
