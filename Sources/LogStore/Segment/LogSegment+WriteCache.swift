extension LogSegment {
    /// Appended bytes between two write-back starts, and the least a trim drops.
    static let writebackStep: Int64 = 8 << 20

    /// Hands what was appended since the last call to write-back, and drops from the page
    /// cache what lies more than `window` bytes behind `end` (see `PartitionLog.trimWriteCache`).
    /// Runs on the partition's flush queue, which alone touches `writebackEnd` and `droppedEnd`.
    func trimWriteCache(upTo end: Int64, window: Int64) throws(LogStoreError) {
        guard writebackWorks else { return }
        if end > writebackEnd {
            guard log.startWriteback(writebackEnd..<end) else {
                writebackWorks = false
                return
            }
            writebackEnd = end
        }
        // Pages still being written cannot be dropped, so the range is waited for; its
        // write-back started at least a step ago, so the wait is short.
        let dropEnd = min(end - window, writebackEnd - Self.writebackStep)
        guard dropEnd - droppedEnd >= Self.writebackStep else { return }
        try log.finishWriteback(droppedEnd..<dropEnd)
        log.dropCached(droppedEnd..<dropEnd)
        droppedEnd = dropEnd
    }
}
