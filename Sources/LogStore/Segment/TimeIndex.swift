/// The sparse time index of one segment: the segment's largest timestamp so far → the
/// relative offset of the batch that raised it. Timestamps only ever grow, so a binary
/// search finds where a by-time lookup should start scanning.
struct TimeIndex: Sendable, Equatable {
    static let entrySize = 12
    private(set) var timestamps: [Int64] = []
    private(set) var relativeOffsets: [UInt32] = []

    var count: Int { timestamps.count }
    var lastTimestamp: Int64 { timestamps.last ?? -1 }

    mutating func append(timestamp: Int64, relativeOffset: UInt32) {
        if let last = timestamps.last, timestamp <= last { return }
        if let last = relativeOffsets.last, relativeOffset <= last { return }
        timestamps.append(timestamp)
        relativeOffsets.append(relativeOffset)
    }

    /// The last entry whose timestamp is strictly below `timestamp`: every batch before its
    /// offset has only older records, so a scan for `timestamp` can start there.
    func lookup(before timestamp: Int64) -> UInt32 {
        var low = 0, high = timestamps.count - 1, found = -1
        while low <= high {
            let mid = (low + high) / 2
            if timestamps[mid] < timestamp { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found < 0 ? 0 : relativeOffsets[found]
    }

    mutating func truncate(toRelativeOffset relativeOffset: UInt32) {
        while let last = relativeOffsets.last, last >= relativeOffset {
            relativeOffsets.removeLast()
            timestamps.removeLast()
        }
    }

    /// The file bytes of the entries from `first` on (all of them by default).
    func encoded(from first: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((count - first) * Self.entrySize)
        for i in first..<count {
            bytes.appendBigEndian(timestamps[i])
            bytes.appendBigEndian(relativeOffsets[i])
        }
        return bytes
    }

    /// The leading entries of a time index file for batches below `relativeLimit`, as long
    /// as they increase strictly (see `OffsetIndex.prefix`).
    static func prefix(of bytes: [UInt8], below relativeLimit: UInt32) -> TimeIndex {
        var index = TimeIndex()
        var at = 0
        while at + entrySize <= bytes.count {
            let timestamp: Int64 = bytes.readBigEndian(at: at)
            let relative: UInt32 = bytes.readBigEndian(at: at + 8)
            at += entrySize
            if let last = index.timestamps.last, timestamp <= last { break }
            if let last = index.relativeOffsets.last, relative <= last { break }
            guard relative < relativeLimit else { break }
            index.timestamps.append(timestamp)
            index.relativeOffsets.append(relative)
        }
        return index
    }

    /// Decodes a time index, or nil when it is malformed or not strictly increasing.
    static func decode(_ bytes: [UInt8], nextRelativeOffset: UInt32) -> TimeIndex? {
        guard bytes.count % entrySize == 0 else { return nil }
        let index = prefix(of: bytes, below: nextRelativeOffset)
        return index.count * entrySize == bytes.count ? index : nil
    }
}
