#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaProtocol

/// One `<baseOffset>.log` file with its sparse `.index` and `.timeindex`.
///
/// Mutable state is only touched under the owning `PartitionLog`'s lock; the file itself is
/// immutable below `size`, which is what lets readers use it without the lock.
final class LogSegment: @unchecked Sendable {
    let baseOffset: Int64
    let directory: String
    let log: LogFile
    /// Bytes of valid batches in the log file.
    var size: Int64
    /// The offset the next batch appended here would get.
    var nextOffset: Int64
    /// The largest batch timestamp in the segment, or -1.
    var maxTimestamp: Int64 = -1
    /// Wall-clock time of the first append, for `segment.ms` rolls.
    var createdAtMs: Int64
    var offsetIndex = OffsetIndex()
    var timeIndex = TimeIndex()
    var bytesSinceIndexEntry = 0
    /// How many leading entries of each index the `.index` / `.timeindex` file holds, and
    /// nothing else; nil when the file's contents are not known to be such a prefix (a new
    /// segment, or indexes rebuilt by recovery), so the next write replaces it whole.
    var persistedIndexEntries: Int?
    var persistedTimeEntries: Int?
    /// Written bytes not yet covered by an fsync.
    var hasUnsyncedData = false
    /// Where the disk space this process reserved for the log file ends (see `reserveSpace`).
    var reservedEnd: Int64
    /// False once the file system refused a reservation: the segment stops asking.
    var canReserve = true
    /// Where the last write-cache trim was asked for (under the partition's lock).
    var trimRequestedEnd: Int64 = 0
    /// Where write-back was last started and where the dropped part of the page cache ends
    /// (`trimWriteCache`; flush queue only).
    var writebackEnd: Int64 = 0
    var droppedEnd: Int64 = 0
    /// False where the platform has no `sync_file_range`: the segment stops trimming.
    var writebackWorks = true

    static func fileName(_ baseOffset: Int64, _ suffix: String) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    var logPath: String { directory + "/" + Self.fileName(baseOffset, ".log") }
    var indexPath: String { directory + "/" + Self.fileName(baseOffset, ".index") }
    var timeIndexPath: String { directory + "/" + Self.fileName(baseOffset, ".timeindex") }

    init(directory: String, baseOffset: Int64, nowMs: Int64) throws(LogStoreError) {
        self.directory = directory
        self.baseOffset = baseOffset
        log = try LogFile(path: directory + "/" + Self.fileName(baseOffset, ".log"))
        size = try log.size()
        reservedEnd = size
        nextOffset = baseOffset
        createdAtMs = nowMs
    }

    /// Records a batch that was just written at `position` with its final offsets.
    func didAppend(_ header: RecordBatchHeader, at position: Int64, indexInterval: Int) {
        let relative = UInt32(truncatingIfNeeded: header.baseOffset - baseOffset)
        if offsetIndex.isEmpty || bytesSinceIndexEntry >= indexInterval {
            offsetIndex.append(relativeOffset: relative, position: UInt32(truncatingIfNeeded: position))
            bytesSinceIndexEntry = 0
        }
        bytesSinceIndexEntry += header.totalSize
        if header.maxTimestamp > maxTimestamp {
            maxTimestamp = header.maxTimestamp
            timeIndex.append(timestamp: header.maxTimestamp, relativeOffset: relative)
        }
        nextOffset = header.lastOffset &+ 1
        size = position + Int64(header.totalSize)
    }

    /// Re-reads batch headers (validating them when `validate`) from the start, rebuilding
    /// both indexes; cuts the file at the first bad byte. Returns the number of bytes cut.
    @discardableResult
    func recover(validate: Bool, indexInterval: Int,
                 onBatch: (RecordBatchHeader) -> Void = { _ in }) throws(LogStoreError) -> (truncated: Int64, reason: String?) {
        let fileSize = try log.size()
        offsetIndex = OffsetIndex()
        timeIndex = TimeIndex()
        bytesSinceIndexEntry = 0
        maxTimestamp = -1
        nextOffset = baseOffset
        size = 0
        return try rescan(from: 0, fileSize: fileSize, validate: validate, indexInterval: indexInterval, onBatch: onBatch)
    }

    /// Re-reads the batches from `start` to the end of the file on top of the state the
    /// caller set for what lies before `start`, and cuts the file at the first bad byte.
    /// Returns the number of bytes cut and why.
    func rescan(from start: Int64, fileSize: Int64, validate: Bool, indexInterval: Int,
                onBatch: (RecordBatchHeader) -> Void = { _ in }) throws(LogStoreError) -> (truncated: Int64, reason: String?) {
        // What the files hold no longer matches what the scan rebuilds.
        persistedIndexEntries = nil
        persistedTimeEntries = nil
        var scanner = BatchScanner(file: log, end: fileSize, validate: validate)
        let result = try scanner.scan(from: start, expectedOffset: nextOffset) { (header, position) throws(LogStoreError) in
            didAppend(header, at: position, indexInterval: indexInterval)
            onBatch(header)
        }
        if result.validEnd < fileSize { try cutLog(to: result.validEnd) }
        size = result.validEnd
        if case let .corrupt(_, reason) = result.stop { return (fileSize - result.validEnd, reason) }
        return (0, nil)
    }

    /// Loads the persisted indexes when they pass their sanity checks; otherwise rebuilds
    /// them from the log. Used for segments below the recovery point.
    func loadTrustedIndexes(indexInterval: Int) throws(LogStoreError) {
        size = try log.size()
        guard let indexBytes = LogFile.contents(of: indexPath),
              let index = OffsetIndex.decode(indexBytes, logSize: size),
              !index.isEmpty || size == 0,
              let tail = try? lastBatchAfter(index: index)
        else {
            try recover(validate: true, indexInterval: indexInterval)
            return
        }
        let nextRelative = UInt32(truncatingIfNeeded: tail.nextOffset - baseOffset)
        guard let timeBytes = LogFile.contents(of: timeIndexPath),
              let times = TimeIndex.decode(timeBytes, nextRelativeOffset: max(nextRelative, 1))
        else {
            try recover(validate: true, indexInterval: indexInterval)
            return
        }
        offsetIndex = index
        timeIndex = times
        persistedIndexEntries = index.count
        persistedTimeEntries = times.count
        nextOffset = tail.nextOffset
        maxTimestamp = max(times.lastTimestamp, tail.maxTimestamp)
        bytesSinceIndexEntry = Int(size - tail.lastIndexedPosition)
    }

    /// Walks headers from the last index entry to the end of the file, checking that the
    /// entry really points at a batch with the offset it claims.
    private func lastBatchAfter(index: OffsetIndex) throws -> (nextOffset: Int64, maxTimestamp: Int64, lastIndexedPosition: Int64) {
        guard let lastRelative = index.relativeOffsets.last, let lastPosition = index.positions.last else {
            return (baseOffset, -1, 0)
        }
        struct Mismatch: Error {}
        let expected = baseOffset + Int64(lastRelative)
        var scanner = BatchScanner(file: log, end: size, validate: false)
        var next = expected
        var maxTs: Int64 = -1
        var first = true
        var mismatch = false
        let result = try scanner.scan(from: Int64(lastPosition), expectedOffset: expected) { (header, _) throws(LogStoreError) in
            if first { mismatch = header.baseOffset != expected }
            first = false
            next = header.lastOffset + 1
            maxTs = max(maxTs, header.maxTimestamp)
        }
        guard result.stop == .end, !first, !mismatch else { throw Mismatch() }
        return (next, maxTs, Int64(lastPosition))
    }

    /// The time `retention.ms` measures this segment by: its newest batch's timestamp, or,
    /// when its batches carry none (-1), when the file was last written, as Kafka does;
    /// otherwise data without timestamps would be deleted on the first retention pass.
    func retentionTimestamp() throws(LogStoreError) -> Int64 {
        maxTimestamp >= 0 ? maxTimestamp : try log.modificationTimeMs()
    }

    /// Writes both indexes next to the log and syncs them.
    func persistIndexes() throws(LogStoreError) {
        try AtomicFile.write(offsetIndex.encoded(), to: indexPath)
        try AtomicFile.write(timeIndex.encoded(), to: timeIndexPath)
    }

    /// Cuts the segment so that it ends at `position`, dropping index entries past it.
    func truncate(to position: Int64, nextOffset: Int64) throws(LogStoreError) {
        try cutLog(to: position)
        size = position
        self.nextOffset = nextOffset
        offsetIndex.truncate(toPosition: UInt32(truncatingIfNeeded: position))
        timeIndex.truncate(toRelativeOffset: UInt32(truncatingIfNeeded: nextOffset - baseOffset))
    }

    /// Unlinks the segment's files. Readers holding `log` keep reading until they let go.
    func deleteFiles() {
        unlink(logPath)
        unlink(indexPath)
        unlink(timeIndexPath)
    }
}
