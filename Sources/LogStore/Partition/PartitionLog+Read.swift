import KafkaProtocol

/// A byte range of a segment file: what a fetch response sends without looking inside.
public struct FileSlice: Sendable {
    /// The segment file; keeping this alive keeps the bytes readable even after retention.
    public let file: LogFile
    public let position: Int64
    public let count: Int

    public init(file: LogFile, position: Int64, count: Int) {
        self.file = file
        self.position = position
        self.count = count
    }

    /// Reads the slice into memory (tests, tools; the broker sends it straight from the file).
    public func bytes() throws(LogStoreError) -> [UInt8] {
        try file.read(count: count, at: position)
    }
}

/// What a fetch of one partition returns.
public struct ReadResult: Sendable {
    /// Whole record batches, in offset order; empty when the fetch offset is the log end.
    public var slices: [FileSlice]
    public var highWatermark: Int64
    public var logStartOffset: Int64

    public var byteCount: Int { slices.reduce(0) { $0 + $1.count } }

    /// Every slice concatenated (tests and tools).
    public func bytes() throws(LogStoreError) -> [UInt8] {
        var all: [UInt8] = []
        for slice in slices { all += try slice.bytes() }
        return all
    }
}

extension PartitionLog {
    /// Whole batches starting with the one that contains `offset`, at most `maxBytes` of
    /// them — or, when `minOneBatch` and the first batch alone is larger, that one batch
    /// (KIP-74), so a consumer can always make progress.
    ///
    /// Throws `offsetOutOfRange` when `offset` is below the log start or past the end.
    public func read(from offset: Int64, maxBytes: Int, minOneBatch: Bool = true) throws(LogStoreError) -> ReadResult {
        let located = try state.withLock { (state) throws(LogStoreError) -> (LogSegment, Int64, Int64, Int64, Int64)? in
            guard offset >= state.logStartOffset, offset <= state.nextOffset else {
                throw LogStoreError.offsetOutOfRange(requested: offset, logStart: state.logStartOffset, highWatermark: state.nextOffset)
            }
            guard offset < state.nextOffset, let segment = state.segment(containing: offset) else { return nil }
            let entry = segment.offsetIndex.lookup(relativeOffset: UInt32(truncatingIfNeeded: offset - segment.baseOffset))
            return (segment, Int64(entry.position), segment.size, state.nextOffset, state.logStartOffset)
        }
        guard let (segment, indexedPosition, segmentSize, highWatermark, logStart) = located else {
            let (hw, start) = state.withLock { ($0.nextOffset, $0.logStartOffset) }
            return ReadResult(slices: [], highWatermark: hw, logStartOffset: start)
        }
        guard let first = try segment.batch(containing: offset, from: indexedPosition, end: segmentSize) else {
            return ReadResult(slices: [], highWatermark: highWatermark, logStartOffset: logStart)
        }
        let budgetEnd = min(segmentSize, first.position + Int64(max(maxBytes, 0)))
        let endEntry = state.withLock { _ in
            segment.offsetIndex.floor(position: UInt32(truncatingIfNeeded: max(budgetEnd, first.position)))
        }
        var end = try segment.lastBatchBoundary(atMost: budgetEnd, from: max(Int64(endEntry.position), first.position), end: segmentSize)
        if end <= first.position {
            guard minOneBatch else { return ReadResult(slices: [], highWatermark: highWatermark, logStartOffset: logStart) }
            end = first.position + Int64(first.header.totalSize)
        }
        let slice = FileSlice(file: segment.log, position: first.position, count: Int(end - first.position))
        return ReadResult(slices: [slice], highWatermark: highWatermark, logStartOffset: logStart)
    }
}

extension PartitionLog.State {
    /// The segment whose offsets include `offset` (the last one with base ≤ offset).
    func segment(containing offset: Int64) -> LogSegment? {
        var low = 0, high = segments.count - 1, found: LogSegment?
        while low <= high {
            let mid = (low + high) / 2
            if segments[mid].baseOffset <= offset { found = segments[mid]; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }
}

extension LogSegment {
    /// Reads headers forward from `position` to the batch whose offsets include `offset`.
    func batch(containing offset: Int64, from position: Int64, end: Int64) throws(LogStoreError) -> (header: RecordBatchHeader, position: Int64)? {
        var at = position
        var buffer = [UInt8](repeating: 0, count: RecordBatchHeader.size)
        while at + Int64(RecordBatchHeader.size) <= end {
            let read = try buffer.withMutableBytes { raw throws(LogStoreError) in try log.read(into: raw, at: at) }
            guard read == RecordBatchHeader.size,
                  let header = buffer.withUnsafeBytes({ RecordBatchHeader(bytes: $0) }),
                  header.batchLength >= RecordBatchHeader.minimumBatchLength
            else { return nil }
            if header.lastOffset >= offset { return (header, at) }
            at += Int64(header.totalSize)
        }
        return nil
    }

    /// The end of the last whole batch that ends at or before `limit`, walking from a known
    /// batch boundary `position`.
    func lastBatchBoundary(atMost limit: Int64, from position: Int64, end: Int64) throws(LogStoreError) -> Int64 {
        var at = position
        var buffer = [UInt8](repeating: 0, count: 12)
        while at + 12 <= end {
            let read = try buffer.withMutableBytes { raw throws(LogStoreError) in try log.read(into: raw, at: at) }
            guard read == 12 else { break }
            let length: Int32 = buffer.readBigEndian(at: 8)
            guard length >= RecordBatchHeader.minimumBatchLength else { break }
            let next = at + 12 + Int64(length)
            if next > limit || next > end { break }
            at = next
        }
        return at
    }
}
