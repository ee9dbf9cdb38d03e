#if os(Linux)
import Foundation
import Testing
@testable import LogStore

/// `LogConfig.writeCacheBytes`: written data older than the newest window is written back and
/// dropped from the page cache, the newest stays cached, and everything still reads back.
@Suite struct WriteCacheTests {
    static let megabyte = 1 << 20

    /// Appends 48 batches of ~1 MB to a fresh partition and waits for its flush queue.
    func writeLog(window: Int64, in dir: TemporaryDirectory) throws -> (store: LogStore, log: PartitionLog, path: String) {
        var defaults = LogConfig()
        defaults.writeCacheBytes = window
        let store = try LogStore(directory: dir.path, defaults: defaults)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        for tag in 0..<48 { _ = try log.append(makeBatch(count: 10, valueSize: 100_000, tag: tag)) }
        log.flushQueue.sync {}
        return (store, log, dir.path + "/topics/t/0/" + LogSegment.fileName(0, ".log"))
    }

    /// Which fraction of the pages of `range` (in MiB) of the file at `path` is in the page cache.
    func residentShare(_ path: String, megabytes range: Range<Int>) throws -> Double {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let length = range.count * Self.megabyte
        let mapping = try #require(mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, off_t(range.lowerBound * Self.megabyte)))
        try #require(mapping != MAP_FAILED)
        defer { munmap(mapping, length) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var residency = [UInt8](repeating: 0, count: length / pageSize)
        try #require(mincore(mapping, length, &residency) == 0)
        return Double(residency.filter { $0 & 1 != 0 }.count) / Double(residency.count)
    }

    @Test func pagesBehindTheWindowLeaveTheCacheAndTheNewestStay() throws {
        let dir = TemporaryDirectory()
        let (store, log, path) = try writeLog(window: 8 << 20, in: dir)
        // 48 batches of 10 × 100,000 bytes make a ~45.8 MiB segment; trims ran at every
        // ~8 MiB of appends, the last one dropping what lay 8 MiB behind ~43 MiB. A few pages
        // the kernel holds on to stay (measured: under 5 %).
        #expect(try residentShare(path, megabytes: 0..<32) < 0.2)
        #expect(try residentShare(path, megabytes: 40..<45) == 1)
        #expect(try firstValues(in: log.readAll()) == (0..<48).map { "\($0)-0" })
        try store.close()
    }

    /// The kernel reports a write-back error to one waiter only, so the next fsync would
    /// succeed: the failed wait must fail the partition as a failed fsync does.
    @Test func aFailedWritebackFailsThePartitionLikeAFailedFsync() async throws {
        let dir = TemporaryDirectory()
        let trace = try #require(SyncTrace.start(under: dir.path))
        defer { trace.stop() }
        trace.failNextWritebacks(1)
        var defaults = LogConfig()
        defaults.writeCacheBytes = 8 << 20
        let store = try LogStore(directory: dir.path, defaults: defaults)
        try store.createTopic("t", partitions: 1)
        let log = try store.partition("t", 0)
        // The failure lands on the flush queue while appends go on; from then on they fail.
        for tag in 0..<48 { _ = try? log.append(makeBatch(count: 10, valueSize: 100_000, tag: tag)) }
        log.flushQueue.sync {}
        #expect {
            _ = try log.append(makeBatch(count: 1))
        } throws: { error in
            guard case .storageFailed(let storage, let reason) = error as? LogStoreError else { return false }
            return storage == "partition t-0" && reason.contains("sync_file_range")
        }
        await #expect(throws: LogStoreError.self) { try await log.sync(upTo: 1) }
        try? store.close()
    }

    @Test func minusOneKeepsEveryWrittenPageCached() throws {
        let dir = TemporaryDirectory()
        let (store, _, path) = try writeLog(window: -1, in: dir)
        #expect(try residentShare(path, megabytes: 0..<32) > 0.99)
        try store.close()
    }
}
#endif
