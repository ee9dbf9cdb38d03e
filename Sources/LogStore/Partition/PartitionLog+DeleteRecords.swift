extension PartitionLog {
    /// DeleteRecords: moves the log start offset up to `offset` (-1: the high watermark), so
    /// records below it are no longer read, and deletes the segments that lie wholly below
    /// it. Returns the new log start offset (Kafka's low watermark). An offset at or below
    /// the current log start changes nothing; one past the high watermark is
    /// `offsetOutOfRange`.
    ///
    /// Everything below the new start is fsync'd before the `log-start-offset` checkpoint
    /// names it, so recovery after a crash never finds the log end below the log start.
    @discardableResult
    public func deleteRecords(before offset: Int64) throws(LogStoreError) -> Int64 {
        let (target, durable, start) = try state.withLock { (state) throws(LogStoreError) -> (Int64, Int64, Int64) in
            if state.closed { throw LogStoreError.closed }
            if let failure = state.storageFailure { throw failure }
            let target = offset == -1 ? state.nextOffset : offset
            guard target >= 0, target <= state.nextOffset else {
                throw LogStoreError.offsetOutOfRange(requested: offset, logStart: state.logStartOffset, highWatermark: state.nextOffset)
            }
            return (target, state.durableOffset, state.logStartOffset)
        }
        guard target > start else { return start }
        if durable < target { try flushNow(persistAllIndexes: false, snapshot: false) }
        // On the flush queue, so checkpoint writes of concurrent calls land in order.
        let deleted = try flushQueue.sync { [self] in
            Result { () throws(LogStoreError) -> [LogSegment] in
                let newStart = state.withLock { max($0.recordsDeletedBelow, target) }
                try LogStartCheckpoint.write(newStart, directory: directory)
                return state.withLock { state in
                    state.recordsDeletedBelow = newStart
                    var doomed = 0
                    while doomed < state.segments.count - 1, state.segments[doomed + 1].baseOffset <= newStart { doomed += 1 }
                    defer { state.segments.removeFirst(doomed) }
                    return Array(state.segments[..<doomed])
                }
            }
        }.get()
        try deleteFiles(ofRemoved: deleted)
        let newStart = logStartOffset
        logger.info("deleted records below \(newStart) (\(deleted.count) whole segment(s))")
        return newStart
    }
}
