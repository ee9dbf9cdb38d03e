#if os(Linux)
import Foundation
import Testing
@testable import LogStore

/// `LogSegment.reserveSpace`: disk blocks are reserved ahead of the active segment's end
/// without changing what the file holds, never past the roll size, and freed when the
/// segment rolls and when the store closes.
@Suite struct SegmentReservationTests {
    static let segmentBytes = 3_000_000

    func logs(_ dir: TemporaryDirectory) throws -> [String] {
        let path = dir.path + "/topics/t/0"
        return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".log") }.sorted().map { path + "/" + $0 }
    }

    /// (size, bytes of disk blocks allocated) of the file at `path`.
    func space(_ path: String) throws -> (size: Int, allocated: Int) {
        var info = stat()
        try #require(stat(path, &info) == 0)
        return (Int(info.st_size), Int(info.st_blocks) * 512)
    }

    /// `bytes` in whole 4 KiB blocks, plus two for the extent-tree blocks `st_blocks` also
    /// counts once a file has more extents than its inode holds.
    func spaceAllowed(_ bytes: Int) -> Int { (bytes + 4095) / 4096 * 4096 + 2 * 4096 }

    @Test func activeSegmentIsReservedAheadAndEveryRolledOrClosedSegmentIsTrimmed() throws {
        let dir = TemporaryDirectory()
        let tags = 0..<60
        do {
            let store = try LogStore(directory: dir.path)
            try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "\(Self.segmentBytes)"])
            let log = try store.partition("t", 0)
            var reservedAhead = 0
            var firstSegmentAllocations: Set<Int> = []
            for tag in tags {
                _ = try log.append(makeBatch(count: 10, valueSize: 10_000, tag: tag))
                let files = try logs(dir)
                let active = try space(try #require(files.last))
                if active.allocated > spaceAllowed(active.size) { reservedAhead += 1 }
                if files.count == 1 { firstSegmentAllocations.insert(active.allocated) }
                // Never beyond the size the segment rolls at.
                #expect(active.allocated <= spaceAllowed(Self.segmentBytes), "after batch \(tag)")
                for rolled in files.dropLast() {
                    let old = try space(rolled)
                    #expect(old.allocated <= spaceAllowed(old.size), "\(rolled) after batch \(tag)")
                }
            }
            // Steps that double with the segment: space is nearly always reserved past the end,
            // and the first segment (30 appends of ~100 KB) is reserved in a few steps, not per append.
            #expect(reservedAhead >= tags.count * 9 / 10)
            #expect((3...7).contains(firstSegmentAllocations.count), "\(firstSegmentAllocations.sorted())")
            #expect(try logs(dir).count >= 2)
            try store.close()
        }
        for path in try logs(dir) {
            let closed = try space(path)
            #expect(closed.allocated <= spaceAllowed(closed.size), "\(path) after close")
        }
        // The reservation never shows in what the log holds.
        let store = try LogStore(directory: dir.path)
        #expect(try firstValues(in: try store.partition("t", 0).readAll()) == tags.map { "\($0)-0" })
        try store.close()
    }

    /// A file system that refuses a reservation (here ext4, asked for more than its 16 TiB
    /// file limit, answers EFBIG): the segment stops asking, and appends go on unreserved.
    @Test func aRefusedReservationStopsTheAskingAndAppendsGoOn() throws {
        let dir = TemporaryDirectory()
        let store = try LogStore(directory: dir.path)
        try store.createTopic("t", partitions: 1, configs: ["segment.bytes": "\(Self.segmentBytes)"])
        let log = try store.partition("t", 0)
        let (canReserve, reservedEnd) = log.state.withLock { state in
            state.active.reserveSpace(for: 1 << 45, limit: 1 << 46)
            return (state.active.canReserve, state.active.reservedEnd)
        }
        #expect(!canReserve)
        #expect(reservedEnd == 0)
        for tag in 0..<5 { _ = try log.append(makeBatch(count: 10, valueSize: 10_000, tag: tag)) }
        let file = try space(try #require(try logs(dir).last))
        #expect(file.allocated <= spaceAllowed(file.size), "nothing reserved after the refusal")
        #expect(try firstValues(in: log.readAll()) == (0..<5).map { "\($0)-0" })
        try store.close()
    }
}
#endif
