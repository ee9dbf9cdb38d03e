extension PartitionLog {
    /// Forgets idempotent producers idle for longer than `expirationMs`; returns how many.
    @discardableResult
    public func expireProducers(expirationMs: Int64) -> Int {
        let cutoff = clock() - expirationMs
        return state.withLock { $0.producers.expire(olderThan: cutoff) }
    }

    /// Deletes whole segments that `retention.ms` or `retention.bytes` no longer keep, oldest
    /// first, and advances the log start offset. The active segment is rolled first when
    /// everything in it has expired, so an idle partition still frees its space.
    /// Returns the number of segments deleted.
    @discardableResult
    public func enforceRetention() throws(LogStoreError) -> Int {
        let now = clock()
        let deleted = try state.withLock { (state) throws(LogStoreError) -> [LogSegment] in
            guard !state.closed else { return [] }
            let config = state.config
            if config.retentionMs >= 0, state.active.size > 0, try state.active.retentionTimestamp() < now - config.retentionMs {
                try roll(state: &state, now: now)
            }
            var doomed = 0
            if config.retentionMs >= 0 {
                while doomed < state.segments.count - 1,
                      try state.segments[doomed].retentionTimestamp() < now - config.retentionMs {
                    doomed += 1
                }
            }
            if config.retentionBytes >= 0 {
                var total = state.segments.reduce(Int64(0)) { $0 + $1.size }
                for segment in state.segments[..<doomed] { total -= segment.size }
                while doomed < state.segments.count - 1, total - state.segments[doomed].size >= config.retentionBytes {
                    total -= state.segments[doomed].size
                    doomed += 1
                }
            }
            let removed = Array(state.segments[..<doomed])
            state.segments.removeFirst(doomed)
            state.durableOffset = max(state.durableOffset, state.logStartOffset)
            return removed
        }
        if !deleted.isEmpty {
            try deleteFiles(ofRemoved: deleted)
            logger.info("retention deleted \(deleted.count) segment(s); log start is now \(logStartOffset)")
        }
        return deleted.count
    }

    /// Deletes the files of segments already taken off the list (retention, DeleteRecords).
    /// A flush comes first: the recovery point must never name an offset before the log start.
    func deleteFiles(ofRemoved segments: [LogSegment]) throws(LogStoreError) {
        guard !segments.isEmpty else { return }
        try flushNow(persistAllIndexes: false, snapshot: false)
        for segment in segments { segment.deleteFiles() }
    }
}
