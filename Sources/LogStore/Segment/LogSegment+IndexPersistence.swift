extension LogSegment {
    /// What a flush writes to bring the active segment's index files up to date, taken under
    /// the partition lock and written without it: the entries added since the last write
    /// when a file is known to hold exactly the ones before them, else the whole index.
    struct IndexUpdate {
        struct File {
            let bytes: [UInt8]
            /// Where the new entries go, or nil to replace the file.
            let appendAt: Int64?
            /// Entries the file holds once written.
            let entries: Int
        }

        let segment: LogSegment
        let offsets: File
        let times: File
    }

    /// The update that makes the files hold every entry so far, or nil when they already do.
    /// Under the partition lock.
    func pendingIndexUpdate() -> IndexUpdate? {
        guard persistedIndexEntries != offsetIndex.count || persistedTimeEntries != timeIndex.count else { return nil }
        func file(persisted: Int?, count: Int, entrySize: Int, encoded: (Int) -> [UInt8]) -> IndexUpdate.File {
            guard let persisted, persisted <= count else { return .init(bytes: encoded(0), appendAt: nil, entries: count) }
            return .init(bytes: encoded(persisted), appendAt: Int64(persisted * entrySize), entries: count)
        }
        return IndexUpdate(
            segment: self,
            offsets: file(persisted: persistedIndexEntries, count: offsetIndex.count, entrySize: OffsetIndex.entrySize) { offsetIndex.encoded(from: $0) },
            times: file(persisted: persistedTimeEntries, count: timeIndex.count, entrySize: TimeIndex.entrySize) { timeIndex.encoded(from: $0) })
    }

    /// Writes and fsyncs an update from `pendingIndexUpdate`, on the flush queue; the caller
    /// records it with `didPersist` once it returns.
    static func write(_ update: IndexUpdate) throws(LogStoreError) {
        try write(update.offsets, to: update.segment.indexPath)
        try write(update.times, to: update.segment.timeIndexPath)
    }

    private static func write(_ file: IndexUpdate.File, to path: String) throws(LogStoreError) {
        guard let offset = file.appendAt else {
            try AtomicFile.write(file.bytes, to: path)
            return
        }
        guard !file.bytes.isEmpty else { return }
        let opened = try LogFile(path: path)
        try file.bytes.withBytes { raw throws(LogStoreError) in try opened.write(raw, at: offset) }
        try opened.syncData()
    }

    /// Records a written update. Under the partition lock.
    func didPersist(_ update: IndexUpdate) {
        persistedIndexEntries = update.offsets.entries
        persistedTimeEntries = update.times.entries
    }
}
