import KafkaProtocol

extension LogSegment {
    /// Crash recovery of the segment that holds the recovery point, re-reading only what
    /// follows it. Everything below `checkpoint` was fsync'd, and so were the index entries
    /// that point into it: a flush brings the active segment's index files up to date before
    /// it writes the checkpoint (`PartitionLog.flushOnce`). So the entries below the
    /// checkpoint are taken from the files, and the scan starts at the last of them instead
    /// of the segment's first byte, validating from there on as `recover` does.
    ///
    /// Falls back to `recover(validate: true)` from the start when the checkpoint does not lie
    /// inside this segment or the files give no usable starting point: missing, torn before
    /// any such entry, or an entry that does not point at a valid batch with the offset it names.
    func recover(resumingBelow checkpoint: Int64, indexInterval: Int) throws(LogStoreError) -> (truncated: Int64, reason: String?) {
        let fileSize = try log.size()
        let limit = checkpoint - baseOffset
        guard limit > 0, limit <= Int64(UInt32.max),
              let indexBytes = LogFile.contents(of: indexPath),
              let timeBytes = LogFile.contents(of: timeIndexPath)
        else { return try recover(validate: true, indexInterval: indexInterval) }
        var below = OffsetIndex.prefix(of: indexBytes, below: UInt32(limit), logSize: fileSize)
        guard let resumeRelative = below.relativeOffsets.last, let resumePosition = below.positions.last,
              try startsValidBatch(at: Int64(resumePosition), offset: baseOffset + Int64(resumeRelative), fileSize: fileSize)
        else { return try recover(validate: true, indexInterval: indexInterval) }
        // The state as of the batch at the resume point, which the scan then appends again
        // (with its index entry: the interval counts as reached).
        below.truncate(toPosition: resumePosition)
        offsetIndex = below
        // Every rise of the largest timestamp gets a time index entry, so the last entry
        // before the resume point is the largest timestamp before it.
        timeIndex = TimeIndex.prefix(of: timeBytes, below: resumeRelative)
        maxTimestamp = timeIndex.lastTimestamp
        bytesSinceIndexEntry = indexInterval
        nextOffset = baseOffset + Int64(resumeRelative)
        size = Int64(resumePosition)
        return try rescan(from: Int64(resumePosition), fileSize: fileSize, validate: true, indexInterval: indexInterval)
    }

    /// Whether a whole, valid batch with base offset `offset` starts at `position`.
    private func startsValidBatch(at position: Int64, offset: Int64, fileSize: Int64) throws(LogStoreError) -> Bool {
        guard fileSize - position >= Int64(RecordBatchHeader.size) else { return false }
        let headerBytes = try log.read(count: RecordBatchHeader.size, at: position)
        guard let header = headerBytes.withUnsafeBytes({ RecordBatchHeader(bytes: $0) }),
              header.baseOffset == offset, header.batchLength >= RecordBatchHeader.minimumBatchLength
        else { return false }
        let end = position + Int64(header.batchLength) + Int64(RecordBatchHeader.logOverhead)
        guard end <= fileSize else { return false }
        var scanner = BatchScanner(file: log, end: end, validate: true)
        return try scanner.scan(from: position, expectedOffset: offset) { _, _ in }.stop == .end
    }
}
